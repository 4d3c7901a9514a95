"""The report's sections as escaped HTML fragments, in the order a client reads them."""

from toolkit.report.sections.economics import checklist_section, economics_section, pipeline_section, readiness_section
from toolkit.report.sections.goals import (
    VERDICT_LABELS,
    assumptions_table,
    capacity_table,
    goal_sections,
    goals_table,
    milestone_table,
    reach_sentence,
    title_block,
    verdict_badge,
    verdict_table,
)
from toolkit.report.sections.market import capacity_section, demand_section
from toolkit.report.sections.progress import STATUS_LABELS, progress_note, progress_section, status_badge

__all__ = ['title_block', 'goals_table', 'verdict_table', 'reach_sentence', 'milestone_table', 'capacity_table', 'assumptions_table', 'verdict_badge', 'VERDICT_LABELS', 'goal_sections', 'capacity_section', 'demand_section', 'checklist_section', 'economics_section', 'pipeline_section', 'readiness_section', 'progress_section', 'status_badge', 'progress_note', 'STATUS_LABELS']
