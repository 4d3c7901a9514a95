"""Random streams: every draw of an analysis comes from one tree rooted at ``SeedSequence(seed)``.

An analysis seeded with ``seed`` draws capacity, simulated paths and the
economics' ranges from separate streams. Each is a child of one root::

    root = numpy.random.SeedSequence(seed)
    root.spawn(len(STREAMS))[STREAMS.index(name)]      # one child per use
        .spawn(k + 1)[k]                               # and its own children (segments, ...)

``SeedSequence`` hashes the seed with the child's position, so streams are
statistically independent of each other and of every other seed's streams.
Ad hoc seeds do not have that property: ``default_rng(seed + 1)`` under seed 0
is ``default_rng(seed)`` under seed 1, so two "independent" inputs drew the
same numbers in neighbouring runs.

A stream's position in :data:`STREAMS` fixes its numbers: add new names at the
end, never reorder, or every seeded result moves.

References
----------
.. [1] M. E. O'Neill, "PCG: A family of simple fast space-efficient statistically
   good algorithms for random number generation", HMC-CS-2014-0905 (2014), and
   numpy's ``SeedSequence`` documentation (spawning independent streams).
"""

from __future__ import annotations

import numpy as np

__all__ = ["STREAMS", "seed_sequence", "rng_for"]

#: Every named use of randomness, in spawn order (append only).
STREAMS = (
    "capacity",          # market drivers: one child per segment group, reachable share
    "paths",             # simulated futures: shocks, slope, hidden seasonal noise, ceiling draws
    "unit_economics",    # CAC, margins, retention of the economics section
    "new_customers",     # the customers a goal needs, when given as a range
    "funnel",            # conversion rates of the reverse funnel
    "funnel_ceiling",    # the top-of-funnel ceiling it is compared with
    "referrals",         # referrals per year and repeat referrers
    "assess_ceiling",    # the ceiling of `goalcheck assess` given as a range
    "launch",            # a launch: prior draws, the ceiling, the sampler's moves, month-to-month noise
)


def seed_sequence(seed: int, name: str, *path: int) -> np.random.SeedSequence:
    """The node ``name / path`` of the tree spawned from ``SeedSequence(seed)``.

    Parameters
    ----------
    seed : int
        The analysis seed (a non-negative integer).
    name : str
        One of :data:`STREAMS`.
    *path : int
        Positions of further children under that stream (e.g. a segment's).
    """
    if name not in STREAMS:
        raise KeyError(f"unknown random stream {name!r}; expected one of {', '.join(STREAMS)}")
    node = np.random.SeedSequence(int(seed)).spawn(len(STREAMS))[STREAMS.index(name)]
    for k in path:
        node = node.spawn(int(k) + 1)[int(k)]
    return node


def rng_for(seed: int, name: str, *path: int) -> np.random.Generator:
    """A generator on the stream ``name / path`` of ``seed`` (see :func:`seed_sequence`)."""
    return np.random.default_rng(seed_sequence(seed, name, *path))
