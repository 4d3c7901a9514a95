"""The Jupyter kernel reports run in: always this project's own environment.

A kernelspec named ``goalcheck`` pointing at the running interpreter is
installed into the environment's prefix on first use, so papermill never
picks up some other Python that happens to own the name ``python3``.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

__all__ = ["KERNEL_NAME", "ensure_kernel"]

KERNEL_NAME = "goalcheck"
log = logging.getLogger("toolkit")


def ensure_kernel() -> str:
    """Install (if missing or stale) and return the name of the project's kernelspec."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    manager = KernelSpecManager()
    try:
        spec = manager.get_kernel_spec(KERNEL_NAME)
        if Path(spec.argv[0]).resolve() == Path(sys.executable).resolve():
            return KERNEL_NAME
    except NoSuchKernel:
        pass
    from ipykernel.kernelspec import install

    install(kernel_name=KERNEL_NAME, display_name="Python (goalcheck)", prefix=sys.prefix)
    log.info("installed the %s kernelspec for %s", KERNEL_NAME, sys.executable)
    return KERNEL_NAME


if __name__ == "__main__":
    print(ensure_kernel())
