"""The report's sections as HTML fragments, in the order a client reads them.

Each renders the report model (:mod:`toolkit.report.model`) through the templates
in ``templates/goalcheck``; a section whose inputs were not given is empty and is
listed in the appendix as not provided.
"""

from toolkit.report.sections.economics import economics_section, pipeline_section, readiness_section
from toolkit.report.sections.goals import (
    VERDICT_LABELS,
    appendix_section,
    assumptions_table,
    capacity_table,
    checklist_section,
    goal_sections,
    goals_table,
    milestone_table,
    reach_sentence,
    summary_section,
    title_block,
    verdict_badge,
    verdict_table,
)
from toolkit.report.sections.market import capacity_section, demand_section
from toolkit.report.sections.progress import STATUS_LABELS, progress_note, progress_section, status_badge

__all__ = ['title_block', 'summary_section', 'goals_table', 'verdict_table', 'reach_sentence', 'milestone_table',
           'capacity_table', 'assumptions_table', 'appendix_section', 'verdict_badge', 'VERDICT_LABELS',
           'goal_sections', 'capacity_section', 'demand_section', 'checklist_section', 'economics_section',
           'pipeline_section', 'readiness_section', 'progress_section', 'status_badge', 'progress_note',
           'STATUS_LABELS']
