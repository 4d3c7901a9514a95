"""The one exceptions module: every error says what went wrong and what to do.

``ToolkitError`` is the root; ``InputError`` means the user's files or arguments
are wrong (CLI exit code 2), ``DataError`` means readable data that cannot
support the requested analysis. The forecasting models are closed-form
recursions over fixed grids, so there is no fit that can fail to converge. An
infeasible goal is a *result*, never an exception.
"""

from __future__ import annotations

__all__ = ["ToolkitError", "InputError", "DataError"]


class ToolkitError(Exception):
    """Base class of every error the toolkit raises on purpose."""


class InputError(ToolkitError, ValueError):
    """A client file, field or argument is invalid.

    The message is one line naming the file, the field path, the bad value and
    what was expected, so it can be shown to a user as it is.
    """

    def __init__(self, message: str, *, file: str | None = None, field: str | None = None):
        self.file = file
        self.field = field
        super().__init__(message)

    @classmethod
    def at(cls, file: str | None, field: str | None, value: object, expected: str) -> "InputError":
        """Build the standard one-line message: ``file: field: got VALUE; expected ...``."""
        where = ": ".join(p for p in (file, field) if p)
        shown = repr(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        return cls(f"{where}: got {shown}; expected {expected}", file=file, field=field)


class DataError(ToolkitError):
    """The data is readable but cannot support the requested analysis."""
