"""The PDF summary of a period of the journal, for a portfolio or revalidation: the HTML of
``templates/summary.html.jinja`` printed as a tagged PDF/UA-1 document (hlm_kit.documents)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from hlm_kit.documents import html_to_pdf, template_environment
from survey_svc.goals.models import Goal
from survey_svc.observations.models import Observation

_templates = template_environment("survey_svc.observations")


def render(
    *,
    observations: list[Observation],
    goals: list[Goal],
    dimensions: dict[str, str],
    on_or_after: date,
    on_or_before: date,
    name: str | None,
    made_at: datetime,
) -> bytes:
    """The summary as a PDF. CPU-bound: call it from a worker thread."""
    tally = Counter(key for o in observations for key in o.dimension_keys)
    html = _templates.get_template("summary.html.jinja").render(
        title="Leadership observations" + (f": {name}" if name else ""),
        name=name,
        period=f"{on_or_after:%d %B %Y} to {on_or_before:%d %B %Y}",
        made_on=f"{made_at:%d %B %Y}",
        by_dimension=[(label, tally.get(key, 0)) for key, label in dimensions.items()],
        observations=[
            {
                "heading": f"{o.observed_on:%d %B %Y}: {o.context}",
                "dimensions": ", ".join(dimensions.get(key, key) for key in o.dimension_keys),
                "what_happened": o.what_happened,
                "reflection": o.reflection,
            }
            for o in observations
        ],
        goals=[
            {
                "heading": f"{g.title} ({g.status}" + (f", target {g.target_on:%d %B %Y})" if g.target_on else ")"),
                "description": g.description,
            }
            for g in goals
        ],
    )
    return html_to_pdf(html)
