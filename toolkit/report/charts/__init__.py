"""The report's charts: each ``plot_x(..., ax=None)`` returns its Axes, labelled with units."""

from toolkit.report.charts.capacity import plot_capacity, plot_scenarios, plot_tornado
from toolkit.report.charts.demand import plot_demand, plot_seasonal_index
from toolkit.report.charts.economics import (
    plot_clv_vs_cac,
    plot_funnel_schedule,
    plot_funnel_volumes,
    plot_lever_history,
)
from toolkit.report.charts.forecast import (
    STANDARD_MARGINS,
    figure_html,
    label_margins,
    plot_fan,
    plot_reach_dates,
    setup_report_style,
)
from toolkit.report.charts.progress import STATUS_COLOURS, plot_lever_gap, plot_progress

__all__ = ['plot_fan', 'plot_reach_dates', 'setup_report_style', 'figure_html', 'label_margins', 'STANDARD_MARGINS', 'plot_capacity', 'plot_tornado', 'plot_scenarios', 'plot_demand', 'plot_seasonal_index', 'plot_funnel_volumes', 'plot_funnel_schedule', 'plot_lever_history', 'plot_clv_vs_cac', 'plot_progress', 'plot_lever_gap', 'STATUS_COLOURS']
