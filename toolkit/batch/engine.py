"""The papermill engine ``goalcheck-warm``: notebooks run in a warm kernel, reset first.

``papermill report.ipynb out.ipynb --engine goalcheck-warm`` and the batch go
through this one engine (see :mod:`toolkit.batch.warm_kernel` for why a kernel
is kept warm, and :func:`~toolkit.batch.warm_kernel.run_notebook` for how the
batch calls it). It is registered through the ``papermill.engine`` entry point.

Papermill imports every registered engine while it is itself being imported, so
this module is reached through papermill (``papermill_engines.get_engine``),
never imported first: it imports only papermill's engine base, and the kernel
wrapper, which loads the analysis stack into the kernel, never into this process.
"""

from __future__ import annotations

from papermill.engines import Engine

from toolkit.batch.warm_kernel import WarmKernel, worker_kernel

__all__ = ["WarmEngine"]


class WarmEngine(Engine):
    """Executes a papermill-managed notebook in a warm kernel.

    ``warm_kernel`` (an engine keyword) names the kernel to use; without it the
    process's own warm kernel for ``kernel_name`` is used, started on first use
    and shut down when the process exits.
    """

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, *, warm_kernel: WarmKernel | None = None,
                                 log_output=False, stdout_file=None, stderr_file=None, **kwargs):
        kernel = warm_kernel if warm_kernel is not None else worker_kernel(kernel_name)
        kernel.execute_managed(nb_man, log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
        return nb_man.nb
