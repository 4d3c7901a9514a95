"""How are many client reports produced fast, and none lost?

Parallel workers, each with a warm Jupyter kernel reset between clients (run
through the papermill engine ``goalcheck-warm``); the fingerprints that skip
unchanged clients; the portfolio index and ``summary.csv``; the progress bar;
and the same batch on a Dask cluster.

Names load on first use: papermill imports the engine module, and so this
package, whenever papermill itself is imported.
"""

from toolkit.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "toolkit.batch.run": ("ReportOutcome", "ReportJob", "run_report", "run_batch", "render_client", "find_clients",
                          "REPORT_NOTEBOOK"),
    "toolkit.batch.summary": ("summary_csv", "SUMMARY_COLUMNS"),
    "toolkit.batch.warm_kernel": ("WarmKernel", "run_notebook", "ENGINE_NAME"),
})
