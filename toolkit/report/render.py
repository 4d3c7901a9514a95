"""Templates render the report model: one jinja2 environment, autoescaped, with the number filters.

Sections live in ``templates/goalcheck/section_*.html.j2`` (beside the nbconvert
template, so the wheel's package data ships them); the wording of every enum and
message id is in ``words.j2`` there. Python computes (:mod:`toolkit.report.model`),
templates render: no HTML is assembled in Python strings.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2

from toolkit.present.formatting import FILTERS, Html
from toolkit.report.assets import TEMPLATE_NAME, templates_dir
from toolkit.report.labels import DRIVER_LABELS

__all__ = ["render", "environment"]


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The sections' environment, built once per process (kernels render many reports)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir() / TEMPLATE_NAME)),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(FILTERS)
    env.globals["driver_labels"] = DRIVER_LABELS
    return env


def render(template: str, **context) -> Html:
    """Render ``templates/goalcheck/<template>`` with ``context`` as displayable HTML."""
    return Html(environment().get_template(template).render(**context).strip())
