"""Executed notebook -> client HTML, through nbconvert and the project's template."""

from __future__ import annotations

from functools import lru_cache

from toolkit.report.assets import TEMPLATE_NAME, templates_dir

__all__ = ["export_html", "html_exporter"]


@lru_cache(maxsize=1)
def html_exporter():
    """The nbconvert exporter with the project's template, built once per process."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name=TEMPLATE_NAME, extra_template_basedirs=[str(templates_dir())])
    # Clients see results only: no code, no prompts.
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def _without_records(notebook):
    """A copy without recorded-number outputs (they are for the batch, not the reader), its cells numbered."""
    import copy

    # Imported here: the batch parent loads this module before its workers start, and the
    # record module's numpy and pandas are not needed until a notebook has run.
    from toolkit.present.record import RECORD_MIME

    clean = copy.deepcopy(notebook)
    for number, cell in enumerate(clean.cells):
        # papermill's injected-parameters cell gets a random id, which nbconvert writes into the HTML:
        # numbered ids make identical inputs give byte-identical reports.
        if "id" in cell:
            cell.id = f"cell-{number}"
        if "outputs" in cell:
            cell.outputs = [o for o in cell.outputs if RECORD_MIME not in o.get("data", {})]
    return clean


def export_html(notebook, *, title: str) -> str:
    """Render an executed notebook node as a self-contained client report."""
    body, _ = html_exporter().from_notebook_node(_without_records(notebook), resources={"metadata": {"name": title}})
    return body
