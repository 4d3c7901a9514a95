"""What is believed before the client's own data speaks: how uncertain is each input?

A client states an uncertain input as a 90% range; :class:`Range` turns it into a
distribution to draw from. Published reference tables (click-through rate by
search position, with their spread across studies) are priors of the same
kind. Everything here sits below the client spec, which is written in these
terms.
"""

from toolkit.priors.ctr import CtrModel, ctr_model, curve_names, load_ctr_curves
from toolkit.priors.ranges import Z90, Range, as_range, sample

__all__ = ["Range", "sample", "as_range", "Z90", "CtrModel", "ctr_model", "curve_names", "load_ctr_curves"]
