"""A Jupyter kernel kept warm across client reports, reset between clients.

Measured on a 2-core machine, a fresh kernel per report costs ~4.6 s, of which
~2.5 s is importing pandas/scipy/statsmodels/matplotlib and ~1.4 s kernel start
and shutdown; the report's own work is well under a second. So each batch
worker keeps one kernel with those imports done, and before every client runs
``%reset -f`` (the user namespace is emptied; imported modules stay cached)
and closes all figures. The toolkit keeps no mutable module state between
calls and every draw is seeded, so a client's numbers do not depend on which
clients ran before it in the same kernel (a test checks this).

Kernels talk over IPC sockets in a private temporary folder: no TCP ports, so
no "Address already in use" races between parallel workers.
"""

from __future__ import annotations

import copy
import logging
import os
import shutil
import signal
import tempfile
import threading

import nbformat

__all__ = ["WarmKernel", "KernelFailure", "RESET_SOURCE", "PRELOAD_SOURCE", "worker_kernel", "boot_worker",
           "MATHS_THREAD_VARS"]

MATHS_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

log = logging.getLogger("toolkit")

# Exactly what the report notebook uses (not e.g. statsmodels.api, which alone costs ~0.8 s).
PRELOAD_SOURCE = (
    "import matplotlib\n"
    "matplotlib.use('module://matplotlib_inline.backend_inline')\n"
    "import matplotlib.pyplot\n"
    "import toolkit, toolkit.report, toolkit.sections, toolkit.sections_market, toolkit.sections_economics\n"
    "import toolkit.sections_progress, toolkit.progress, toolkit.plotting_capacity, toolkit.plotting_demand\n"
    "import toolkit.plotting_economics, toolkit.sources\n"
    # The imported modules live as long as the kernel: freezing them keeps the garbage collector
    # from walking hundreds of thousands of long-lived objects during every report.
    "import gc\n"
    "gc.collect()\n"
    "gc.freeze()\n"
)

# Empties the user namespace and IPython's output caches (Out, _, _N, _iN), which hold the
# previous client's objects. Cheaper than %reset -f, whose full garbage collection of a
# kernel holding pandas, statsmodels and matplotlib costs ~0.13 s a client; cyclic garbage
# is left to the collector's normal schedule.
RESET_SOURCE = (
    "_ip = get_ipython()\n"
    "_ip.history_manager.output_hist.clear()\n"
    "_ip.history_manager.output_hist_reprs.clear()\n"
    "_keep = (set(_ip.user_ns_hidden) - {'_', '__', '___'}) | {'_ip', '_keep', '_name'}\n"
    "for _name in [n for n in list(_ip.user_ns) if n not in _keep]:\n"
    "    del _ip.user_ns[_name]\n"
    "import matplotlib.pyplot as _plt\n"
    "_plt.close('all')\n"
    "del _plt, _ip, _keep, _name\n"
)


class KernelFailure(RuntimeError):
    """The kernel died or hung; it has been replaced, the client's run is lost."""


class WarmKernel:
    """One long-lived kernel that executes notebooks one after another.

    Parameters
    ----------
    kernel_name : str
        Kernelspec to start (the project's own, see :mod:`toolkit.kernel`).
    timeout : int
        Seconds a cell may run before the kernel is considered hung.
    start_timeout : int
        Seconds allowed for the kernel to start; generous because a loaded
        machine starting several kernels at once is slow (papermill's 60 s
        default times out under load).
    """

    def __init__(self, kernel_name: str, *, timeout: int = 300, start_timeout: int = 180):
        self.kernel_name = kernel_name
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.runs = 0
        self._dir = tempfile.mkdtemp(prefix="goalcheck-kernel-")
        self._client = None
        self._start()

    def _new_client(self, nb):
        from nbclient import NotebookClient

        return NotebookClient(nb, kernel_name=self.kernel_name, timeout=self.timeout,
                              startup_timeout=self.start_timeout, allow_errors=False, record_timing=False,
                              shutdown_kernel="immediate")

    def _start(self) -> None:
        client = self._new_client(nbformat.v4.new_notebook())
        client.km = client.create_kernel_manager()
        client.km.transport = "ipc"
        client.km.ip = os.path.join(self._dir, f"kernel-{os.getpid()}")
        client.start_new_kernel(cwd=self._dir)
        client.start_new_kernel_client()
        self._client = client
        # Sent without waiting: the kernel imports while this process gets on with its own
        # set-up; the first report's cells queue behind it, and an import failure shows there.
        client.kc.execute(PRELOAD_SOURCE, silent=True, store_history=False)

    def _run_source(self, source: str) -> None:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(source)]
        self._execute(nb)

    def _execute(self, nb):
        from nbclient import NotebookClient

        runner = NotebookClient(nb, km=self._client.km, timeout=self.timeout, allow_errors=False,
                                record_timing=False, kernel_name=self.kernel_name)
        runner.kc = self._client.kc
        return runner.execute()

    def run(self, nb):
        """Execute a parameterised notebook in the warm kernel after a reset; returns the executed copy."""
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        nb = copy.deepcopy(nb)
        try:
            self._run_source(RESET_SOURCE)
            executed = self._execute(nb)
        except CellExecutionError:
            raise
        except (CellTimeoutError, DeadKernelError, RuntimeError, TimeoutError) as exc:
            log.warning("kernel failed (%s); starting a new one", type(exc).__name__)
            self.restart()
            raise KernelFailure(f"kernel {'timed out' if isinstance(exc, CellTimeoutError) else 'died'}: "
                                f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from exc
        self.runs += 1
        return executed

    def restart(self) -> None:
        self.shutdown(keep_dir=True)
        self._start()

    def shutdown(self, *, keep_dir: bool = False) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client._cleanup_kernel()
            except Exception:  # noqa: BLE001 - a dead kernel may fail to clean up; nothing to save
                log.debug("kernel cleanup failed", exc_info=True)
        if not keep_dir:
            shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> "WarmKernel":
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()


_local = threading.local()


def worker_kernel() -> WarmKernel:
    """This worker's warm kernel: started on first use, shut down when the worker exits."""
    kernel = getattr(_local, "kernel", None)
    if kernel is None:
        from multiprocessing import util

        from toolkit.kernel import ensure_kernel

        kernel = WarmKernel(ensure_kernel())
        _local.kernel = kernel
        # multiprocessing workers leave through os._exit: atexit would not run, its finalizers do.
        util.Finalize(kernel, kernel.shutdown, exitpriority=10)
    return kernel


def boot_worker() -> None:
    """Process-pool initializer: start the kernel before this worker imports the report machinery.

    It lives here, in a module that imports little, so a freshly spawned worker launches its
    kernel (whose own imports take ~1 s) at once instead of after ~0.6 s of pandas and pydantic.
    """
    # One maths thread per worker: with more, parallel workers only fight over the cores.
    for var in MATHS_THREAD_VARS:
        os.environ[var] = "1"
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    worker_kernel()
