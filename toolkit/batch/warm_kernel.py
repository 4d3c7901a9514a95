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

from toolkit.batch.kernelspec import ensure_kernel

__all__ = ["WarmKernel", "KernelFailure", "RESET_SOURCE", "PRELOAD_SOURCE", "worker_kernel", "boot_worker",
           "MATHS_THREAD_VARS", "ENGINE_NAME", "run_notebook"]

#: The papermill engine name (the ``papermill.engine`` entry point in pyproject.toml).
ENGINE_NAME = "goalcheck-warm"

MATHS_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

log = logging.getLogger("toolkit")

# Exactly what the report notebook uses (not e.g. statsmodels.api, which alone costs ~0.8 s).
PRELOAD_SOURCE = (
    "import matplotlib\n"
    "matplotlib.use('module://matplotlib_inline.backend_inline')\n"
    "import matplotlib.pyplot\n"
    "import toolkit, toolkit.report.analysis, toolkit.report.sections.goals, toolkit.report.sections.market, toolkit.report.sections.economics\n"
    "import toolkit.report.sections.progress, toolkit.cycle.review, toolkit.report.charts.capacity, toolkit.report.charts.demand\n"
    "import toolkit.report.charts.economics, toolkit.sources\n"
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


#: Kernels tried before giving up on a start; a kernel lost before a client's notebook runs is replaced
#: and the client retried up to ``RESET_ATTEMPTS`` kernels in all.
START_ATTEMPTS = 3
RESET_ATTEMPTS = 3


def _describe(exc: BaseException | None) -> str:
    text = str(exc).strip().splitlines() if exc is not None else []
    # nbclient's bare `assert` (a kernel_info reply that timed out) has no message of its own.
    if isinstance(exc, AssertionError) and not text:
        return "AssertionError (the kernel did not answer in time)"
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


class KernelFailure(RuntimeError):
    """The kernel died or hung; it has been replaced, the client's run is lost."""


# What a kernel that died, hung, or stopped answering raises through nbclient and jupyter_client.
# nbclient asserts on a kernel_info reply that timed out under load: that is a lost kernel too.
def _lost_kernel_errors() -> tuple[type[BaseException], ...]:
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    return CellTimeoutError, DeadKernelError, RuntimeError, TimeoutError, AssertionError


class WarmKernel:
    """One long-lived kernel that executes notebooks one after another.

    Parameters
    ----------
    kernel_name : str
        Kernelspec to start (the project's own, see :mod:`toolkit.batch.kernelspec`).
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
        self.km = self.kc = None
        self._preloading = False
        self._start()

    def _start(self) -> None:
        """Start a kernel, replacing one that is lost while starting (a loaded machine can time out
        the start or the first reply); :class:`KernelFailure` after ``START_ATTEMPTS`` tries."""
        last: BaseException | None = None
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                self._start_once()
                return
            except Exception as exc:  # noqa: BLE001 - whatever stopped this start, the next one may not hit it
                last = exc
                log.warning("kernel start %d/%d failed (%s); trying again", attempt, START_ATTEMPTS, _describe(exc))
                self.shutdown(keep_dir=True)
        raise KernelFailure(f"kernel could not be started ({START_ATTEMPTS} attempts): {_describe(last)}") from last

    def _start_once(self) -> None:
        from nbclient import NotebookClient

        # nbclient's own start-up (an async kernel manager and client, ready-checked): its cell
        # timeouts only fire with an async client.
        starter = NotebookClient(nbformat.v4.new_notebook(), kernel_name=self.kernel_name,
                                 startup_timeout=self.start_timeout)
        starter.km = starter.create_kernel_manager()
        starter.km.transport = "ipc"
        starter.km.ip = os.path.join(self._dir, f"kernel-{os.getpid()}")
        self.km = starter.km  # owned from here on, so a failed start is shut down, not leaked
        starter.start_new_kernel(cwd=self._dir)
        starter.start_new_kernel_client()
        self.kc = starter.kc
        # Sent without waiting: the kernel imports while this process gets on with its own
        # set-up; the first report's cells queue behind it, and an import failure shows there.
        self.kc.execute(PRELOAD_SOURCE, silent=True, store_history=False)
        # The first reset waits behind the preload: it gets the start-up budget, not a cell's.
        self._preloading = True

    def _client(self, nb_man=None, nb=None, timeout: int | None = None, **options):
        """An nbclient (papermill's, for a managed notebook) bound to this kernel, which it does not own."""
        if nb_man is not None:
            from papermill.clientwrap import PapermillNotebookClient

            client = PapermillNotebookClient(nb_man, km=self.km, kernel_name=self.kernel_name, timeout=self.timeout,
                                             record_timing=False, **options)
        else:
            from nbclient import NotebookClient

            client = NotebookClient(nb, km=self.km, kernel_name=self.kernel_name, timeout=timeout or self.timeout,
                                    allow_errors=False, record_timing=False)
        client.kc = self.kc
        return client

    def execute_managed(self, nb_man, **options) -> None:
        """Reset the namespace, then run a papermill-managed notebook (the engine's work).

        A cell's error is recorded in the notebook, as papermill does; a kernel that
        dies, hangs or stops answering is replaced and :class:`KernelFailure` raised.
        """
        # Relative paths in the parameters mean what they mean to the caller (papermill --cwd included).
        reset_here = f"import os as _os\n_os.chdir({os.getcwd()!r})\ndel _os\n" + RESET_SOURCE
        for attempt in range(1, RESET_ATTEMPTS + 1):
            reset = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(reset_here)])
            try:
                # The reset's kernel_info waits for the preload; under load that takes longer than a cell may.
                self._client(nb=reset, timeout=self.start_timeout if self._preloading else self.timeout).execute()
                self._preloading = False
                break
            except _lost_kernel_errors() as exc:
                # Lost before the client's notebook ran (while starting, preloading or resetting): not the
                # client's doing, so its run is retried on a new kernel instead of being reported failed.
                self._replace(exc)
                if attempt == RESET_ATTEMPTS:
                    raise KernelFailure(f"kernel lost before the report ran ({RESET_ATTEMPTS} kernels): "
                                        f"{_describe(exc)}") from exc
        try:
            self._client(nb_man, **options).execute()
        except _lost_kernel_errors() as exc:
            from nbclient.exceptions import CellTimeoutError

            self._replace(exc)
            raise KernelFailure(f"kernel {'timed out' if isinstance(exc, CellTimeoutError) else 'died'}: "
                                f"{_describe(exc)}") from exc
        self.runs += 1

    def _replace(self, exc: BaseException) -> None:
        log.warning("kernel failed (%s); starting a new one", type(exc).__name__)
        self.restart()  # raises KernelFailure itself when no new kernel starts

    def restart(self) -> None:
        self.shutdown(keep_dir=True)
        self._start()

    def shutdown(self, *, keep_dir: bool = False) -> None:
        from jupyter_core.utils import run_sync

        km, kc, self.km, self.kc = self.km, self.kc, None, None
        try:
            if kc is not None:
                kc.stop_channels()
            if km is not None:
                run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - a dead kernel may fail to shut down; nothing to save
            log.debug("kernel shutdown failed", exc_info=True)
        if not keep_dir:
            shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> "WarmKernel":
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()


_local = threading.local()


def worker_kernel(kernel_name: str | None = None) -> WarmKernel:
    """This worker's warm kernel for ``kernel_name`` (default: the project's): started on first use,
    shut down when the process exits."""
    kernels = getattr(_local, "kernels", None)
    if kernels is None:
        kernels = _local.kernels = {}
    name = kernel_name or ensure_kernel()
    kernel = kernels.get(name)
    if kernel is None:
        from multiprocessing import util

        kernel = kernels[name] = WarmKernel(name)
        # multiprocessing workers leave through os._exit: atexit would not run, its finalizers do.
        util.Finalize(kernel, kernel.shutdown, exitpriority=10)
    return kernel


def _warm_engine():
    """The ``goalcheck-warm`` engine class, as papermill registered it from the entry point."""
    import importlib

    from papermill.engines import papermill_engines
    from papermill.exceptions import PapermillException

    try:
        return papermill_engines.get_engine(ENGINE_NAME)
    except PapermillException:  # a source tree that was never installed has no entry point
        # Imported by name, after papermill: it is papermill's to load first (see its docstring).
        engine = importlib.import_module("toolkit.batch.engine").WarmEngine
        papermill_engines.register(ENGINE_NAME, engine)
        return engine


def run_notebook(kernel: WarmKernel, nb):
    """Execute a parameterised notebook in ``kernel`` through the ``goalcheck-warm`` engine.

    Returns the executed copy. Raises papermill's ``PapermillExecutionError``
    (with ``ename`` and ``evalue``) when a cell fails, and :class:`KernelFailure`
    when the kernel is lost (it has been replaced).
    """
    from papermill.execute import raise_for_execution_errors

    nb = copy.deepcopy(nb)
    nb.metadata.setdefault("papermill", {})
    executed = _warm_engine().execute_notebook(nb, kernel.kernel_name, warm_kernel=kernel, progress_bar=False)
    raise_for_execution_errors(executed, None)
    return executed


def boot_worker() -> None:
    """Process-pool initializer: start the kernel before this worker imports the report machinery.

    It lives here, in a module that imports little, so a freshly spawned worker launches its
    kernel (whose own imports take ~1 s) at once instead of after ~0.6 s of pandas and pydantic.
    """
    # One maths thread per worker: with more, parallel workers only fight over the cores.
    for var in MATHS_THREAD_VARS:
        os.environ[var] = "1"
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    try:
        worker_kernel()
    except Exception as exc:  # noqa: BLE001 - an initializer that raises breaks the whole pool
        # The first client tries again (worker_kernel) and, failing, is reported failed on its own.
        log.warning("worker kernel did not start (%s); the first client will try again", _describe(exc))
