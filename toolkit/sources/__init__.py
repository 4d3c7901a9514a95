"""Readers of real demand exports: Google Trends, Wordstat, Keyword Planner, our CSV.

Time-series readers return a DataFrame (Trends, one column per term) or a
Series (Wordstat dynamics) on a DatetimeIndex; keyword readers return the
*keywords table* described in :mod:`toolkit.sources.keywords`. Every malformed
input raises :class:`toolkit.errors.InputError` naming the file, the field and
what was expected. The live pytrends source, :func:`fetch_trends`, returns the
same shape as :func:`read_trends_csv` (pytrends itself is imported only when a
live request is made).
"""

from toolkit.sources.keyword_planner import read_keyword_planner, read_keyword_planner_monthly
from toolkit.sources.keywords import KEYWORD_COLUMNS, read_keywords, read_keywords_csv
from toolkit.sources.trends import read_trends_csv
from toolkit.sources.trends_live import fetch_trends
from toolkit.sources.wordstat import read_wordstat_dynamics, read_wordstat_top

__all__ = [
    "KEYWORD_COLUMNS",
    "fetch_trends",
    "read_keyword_planner",
    "read_keyword_planner_monthly",
    "read_keywords",
    "read_keywords_csv",
    "read_trends_csv",
    "read_wordstat_dynamics",
    "read_wordstat_top",
]
