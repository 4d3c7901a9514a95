"""What is believed before the client's own data speaks: how uncertain is each input?

A client states an uncertain input as a 90% range; :class:`Range` turns it into a
distribution to draw from. Published reference tables (click-through rate by
search position, with their spread across studies) are priors of the same
kind. Every random draw of an analysis comes from one tree of streams seeded
once (:mod:`toolkit.priors.streams`). Everything here sits below the client
spec, which is written in these terms.
"""

from toolkit.priors.ctr import CtrModel, ctr_model, curve_names, load_ctr_curves
from toolkit.priors.ranges import Z90, Range, as_range, normal_on_interval, sample
from toolkit.priors.streams import STREAMS, rng_for, seed_sequence

__all__ = ["Range", "sample", "as_range", "normal_on_interval", "Z90", "STREAMS", "rng_for", "seed_sequence",
           "CtrModel", "ctr_model", "curve_names", "load_ctr_curves"]
