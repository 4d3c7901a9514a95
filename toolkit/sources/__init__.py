"""Readers of real demand exports: Google Trends, Wordstat, Keyword Planner, our CSV.

Time-series readers return a DataFrame (Trends, one column per term) or a
Series (Wordstat dynamics) on a DatetimeIndex; keyword readers return the
*keywords table* described in :mod:`toolkit.sources.keywords`. Every malformed
input raises :class:`toolkit.errors.InputError` naming the file, the field and
what was expected. The live pytrends source lives in
:mod:`toolkit.sources.trends_live` and is imported on demand.
"""

from toolkit.sources.keyword_planner import read_keyword_planner, read_keyword_planner_monthly
from toolkit.sources.keywords import KEYWORD_COLUMNS, read_keywords, read_keywords_csv
from toolkit.sources.trends import read_trends_csv
from toolkit.sources.wordstat import read_wordstat_dynamics, read_wordstat_top

__all__ = [
    "KEYWORD_COLUMNS",
    "read_keyword_planner",
    "read_keyword_planner_monthly",
    "read_keywords",
    "read_keywords_csv",
    "read_trends_csv",
    "read_wordstat_dynamics",
    "read_wordstat_top",
]
