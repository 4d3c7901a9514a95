"""Shared pieces of the client-file models: what a month, a share and a frozen model are.

Answers "how is a single field checked?" for :mod:`toolkit.spec.client`,
:mod:`toolkit.spec.sections` and :mod:`toolkit.spec.files`, which all import
from here (and never from each other in a cycle).
"""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, ConfigDict

from toolkit.priors.ranges import Range
from toolkit.spec.layout import CLIENT_FILE  # noqa: F401 - part of this module's API

__all__ = ["Frozen", "CLIENT_FILE", "MONTH", "MAX_VALUE"]

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
#: Largest value a history cell or a target may hold: anything larger is a unit or typing mistake.
MAX_VALUE = 1e15


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def as_month(value) -> str:
    """Accept 2026-10, "2026-10" or a date; YAML turns some of these into other types."""
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}"
    text = str(value).strip()
    if not MONTH.match(text):
        raise ValueError("a month as YYYY-MM")
    return text


def months_between(start: str, end: str) -> int:
    (y0, m0), (y1, m1) = (map(int, start.split("-")), map(int, end.split("-")))
    return (y1 - y0) * 12 + (m1 - m0)


def share_range(r: Range | None, name: str) -> Range | None:
    if r is None:
        return r
    hi = r.value if r.value is not None else r.high
    if hi > 1:
        raise FieldProblem(name, r.label(), "a share within [0, 1]")
    return r


class FieldProblem(ValueError):
    """A cross-field problem whose location is not the model's root."""

    def __init__(self, field: str, value, expected: str):
        self.field, self.value, self.expected = field, value, expected
        super().__init__(f"{field}: got {value!r}; expected {expected}")
