"""The progress badge: one id derived from a goal's plan status *and* its current chance.

"On track" beside a 1% chance is the contradiction this prevents: the badge
says "on track" only when the plan is on track and the goal is attainable now;
a plan saved (explicitly) toward the realistic maximum says so. Used by the
report model and the batch index alike; the wording lives in the templates.
"""

from __future__ import annotations

__all__ = ["progress_badge", "BADGE_TONES", "STRETCH"]

STRETCH = 0.2

#: Badge id -> tone (its colour); the wording is in templates/goalcheck/words.j2.
BADGE_TONES = {
    "met": "good", "missed": "bad", "on_track": "good", "on_plan_uncertain": "warn",
    "on_plan_out_of_reach": "bad", "on_plan_toward_max": "warn", "behind_still_likely": "warn", "behind": "bad",
    "behind_toward_max": "bad", "no_plan": "muted",
}


def progress_badge(status: str, chance: float | None, *, toward: str = "goal", confidence: float = 0.8) -> str:
    """Badge id from the plan ``status`` (on_track, behind, met, missed, no_plan), the goal's current
    ``chance``, and what the plan leads to (``goal`` or ``realistic_max``)."""
    if status in ("met", "missed", "no_plan"):
        return status
    if toward == "realistic_max":
        return "behind_toward_max" if status == "behind" else "on_plan_toward_max"
    p = 0.0 if chance is None else float(chance)
    if status == "behind":
        return "behind_still_likely" if p >= confidence else "behind"
    if p >= confidence:
        return "on_track"
    return "on_plan_uncertain" if p >= STRETCH else "on_plan_out_of_reach"
