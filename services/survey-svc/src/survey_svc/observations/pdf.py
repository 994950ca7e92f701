"""The PDF summary of a period of the journal, for a portfolio or revalidation (reportlab: pure
Python, no system libraries to install)."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date, datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from survey_svc.goals.models import Goal
from survey_svc.observations.models import Observation


def _p(text: str, style: object) -> Paragraph:
    # Paragraph reads a small markup language: what people wrote is escaped so it prints as written.
    return Paragraph(escape(text).replace("\n", "<br/>"), style)  # type: ignore[arg-type]


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
    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["Italic"]
    story: list[Flowable] = [
        _p("Leadership observations", styles["Title"]),
        _p(
            (f"{name}: " if name else "")
            + f"{on_or_after:%d %B %Y} to {on_or_before:%d %B %Y}, "
            + f"{len(observations)} observation(s). Made {made_at:%d %B %Y}.",
            small,
        ),
        Spacer(1, 6 * mm),
        _p("By dimension of the Healthcare Leadership Model", styles["Heading2"]),
    ]
    tally = Counter(key for o in observations for key in o.dimension_keys)
    rows = [["Dimension", "Observations"]] + [[label, str(tally.get(key, 0))] for key, label in dimensions.items()]
    table = Table(rows, colWidths=[120 * mm, 35 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f1f4f8")]),
            ]
        )
    )
    story += [table, Spacer(1, 6 * mm), _p("Observations", styles["Heading2"])]
    if not observations:
        story.append(_p("No observations in this period.", body))
    for observation in observations:
        tags = ", ".join(dimensions.get(key, key) for key in observation.dimension_keys)
        story += [
            _p(f"{observation.observed_on:%d %B %Y}: {observation.context}", styles["Heading4"]),
            _p(f"Dimensions: {tags}", small),
            _p(observation.what_happened, body),
        ]
        if observation.reflection:
            story += [_p("Reflection", styles["Heading5"]), _p(observation.reflection, body)]
        story.append(Spacer(1, 3 * mm))
    story += [Spacer(1, 3 * mm), _p("Development goals", styles["Heading2"])]
    if not goals:
        story.append(_p("No development goals.", body))
    for goal in goals:
        due = f", target {goal.target_on:%d %B %Y}" if goal.target_on else ""
        story.append(_p(f"{goal.title} ({goal.status}{due})", styles["Heading4"]))
        if goal.description:
            story.append(_p(goal.description, body))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title="Leadership observations",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    document.build(story)
    return buffer.getvalue()
