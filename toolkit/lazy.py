"""Package names that load on first use (PEP 562).

The command line, the readers and the batch parent must not pay for importing
pandas, scipy, statsmodels and matplotlib before they need them, yet a package
should still export its public names from one place. A package lists where each
name lives; the module that holds it is imported when the name is first read.
"""

from __future__ import annotations

import importlib

__all__ = ["lazy_exports"]


def lazy_exports(package: str, homes: dict[str, tuple[str, ...]]):
    """``(__getattr__, __dir__, __all__)`` for ``package``, whose names live in the modules ``homes`` lists."""
    home_of = {name: module for module, names in homes.items() for name in names}
    names = sorted(home_of)

    def __getattr__(name: str):
        module = home_of.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(importlib.import_module(package), name, value)
        return value

    def __dir__():
        return names

    return __getattr__, __dir__, names
