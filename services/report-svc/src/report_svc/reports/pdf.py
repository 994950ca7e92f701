"""Reports as PDF: charts drawn with matplotlib (self vs others per dimension, performance vs importance,
item distributions), laid out with reportlab. Both are plain Python wheels, so the service needs no
system libraries to print a report."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

# Figures are drawn on Agg canvases directly, never through pyplot's global state, so reports can be
# rendered in worker threads side by side.
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import (
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from report_svc.reports.models import Report

LEVEL_COLOURS = ["#d7301f", "#fc8d59", "#91bfdb", "#4575b4"]
WIDTH = A4[0] - 4 * cm
# The tallest a chart may be: the page's frame (A4 less 2 cm margins and reportlab's 6 pt paddings) with room
# to spare. A taller flowable cannot be laid out at all.
MAX_HEIGHT = A4[1] - 4 * cm - 2 * cm
# Items per distribution chart: the HLM 360's 45 items in one chart would be taller than a page.
ITEMS_PER_CHART = 24


def _png(figure: Figure) -> io.BytesIO:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150)
    buffer.seek(0)
    return buffer


def _image(figure: Figure) -> Image:
    width_in, height_in = figure.get_size_inches()
    width, height = WIDTH, WIDTH * height_in / width_in
    if height > MAX_HEIGHT:
        width, height = width * MAX_HEIGHT / height, MAX_HEIGHT
    return Image(_png(figure), width=width, height=height)


def _self_vs_others(dimensions: list[dict[str, Any]]) -> Figure:
    figure = Figure(figsize=(7, 0.45 * len(dimensions) + 1.2), layout="constrained")
    axes = figure.add_subplot()
    names = [d["name"] for d in dimensions][::-1]
    positions = range(len(names))
    own = [(d["self"] or {}).get("score", 0) for d in dimensions][::-1]
    others = [(d.get("others") or {}).get("score", 0) for d in dimensions][::-1]
    axes.barh([p + 0.2 for p in positions], own, height=0.4, label="Self", color="#7b3294")
    if any(others):
        axes.barh([p - 0.2 for p in positions], others, height=0.4, label="Others", color="#008837")
    axes.set_yticks(list(positions), names, fontsize=8)
    axes.set_xlim(0, 4)
    axes.set_xticks([1, 1.75, 2.5, 3.25, 4], ["1", "Proficient\n1.75", "Strong\n2.5", "Exemplary\n3.25", "4"])
    axes.set_xlabel("Score (1 Essential to 4 Exemplary)")
    axes.legend(loc="lower right", fontsize=8)
    axes.set_title("Self and others by dimension")
    return figure


def _performance_vs_importance(dimensions: list[dict[str, Any]]) -> Figure | None:
    points = [
        (d["others"]["score"], d["importance"]["others"], d["name"])
        for d in dimensions
        if d.get("others") and d.get("importance", {}).get("others") is not None
    ]
    if not points:
        return None
    figure = Figure(figsize=(7, 4.5), layout="constrained")
    axes = figure.add_subplot()
    axes.axvspan(1, 2.5, ymin=(3 - 1) / 3, color="#fde0dd", label="Priority: important, below Strong")
    for score, importance, name in points:
        axes.scatter(score, importance, color="#2c7bb6")
        axes.annotate(name, (score, importance), fontsize=7, xytext=(3, 3), textcoords="offset points")
    axes.set_xlim(1, 4)
    axes.set_ylim(1, 4)
    axes.set_xlabel("Others' score")
    axes.set_ylabel("Importance for the role (others)")
    axes.set_title("Performance and importance")
    axes.legend(loc="lower right", fontsize=7)
    return figure


def _distributions(items: list[dict[str, Any]]) -> list[Figure]:
    """One chart per page of items, so each stays readable."""
    shown = [i for i in items if i.get("others")]
    pages = [shown[n : n + ITEMS_PER_CHART] for n in range(0, len(shown), ITEMS_PER_CHART)]
    return [_distribution(page, part=n + 1, parts=len(pages)) for n, page in enumerate(pages)]


def _distribution(shown: list[dict[str, Any]], *, part: int, parts: int) -> Figure:
    figure = Figure(figsize=(7, 0.28 * len(shown) + 1.4), layout="constrained")
    axes = figure.add_subplot()
    labels = [i["key"] for i in shown][::-1]
    left = [0.0] * len(shown)
    for level, colour, name in zip(
        ("1", "2", "3", "4"), LEVEL_COLOURS, ("Essential", "Proficient", "Strong", "Exemplary"), strict=True
    ):
        counts = [i["others"]["distribution"][level] for i in shown][::-1]
        axes.barh(range(len(shown)), counts, left=left, color=colour, label=name)
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.set_yticks(range(len(shown)), labels, fontsize=7)
    axes.set_xlabel("Raters giving each level")
    axes.set_title("How raters answered each item" + (f" ({part} of {parts})" if parts > 1 else ""))
    axes.legend(loc="lower right", fontsize=7, ncols=4)
    return figure


def render(report: Report) -> bytes:
    """The report as a PDF document."""
    content = report.content
    styles = getSampleStyleSheet()
    story: list[Any] = [
        Paragraph("Leadership feedback report", styles["Title"]),
        Paragraph(escape(content.get("questionnaire", {}).get("name", "")), styles["Heading2"]),
        Paragraph(
            f"Kind: {escape(report.kind)} · version {report.version} · status {escape(report.status)}", styles["Normal"]
        ),
        Spacer(1, 0.4 * cm),
    ]
    if content["state"] != "ready":
        story.append(Paragraph("No report yet", styles["Heading2"]))
        story.append(Paragraph(escape(content["insufficient"]["reason"]), styles["Normal"]))
        return _build(story)

    for note in content.get("notes", []):
        story.append(Paragraph(escape(note), styles["Italic"]))
    dimensions = content["dimensions"]
    story.append(_image(_self_vs_others(dimensions)))

    rows: list[list[Any]] = [["Dimension", "Self", "Others", "n", "Range", "Level", "Gap", ""]]
    for d in dimensions:
        others = d.get("others") or {}
        flags = ", ".join(
            label
            for key, label in (
                ("blind_spot", "blind spot"),
                ("hidden_strength", "hidden strength"),
                ("priority", "priority"),
            )
            if d.get(key)
        )
        rows.append(
            [
                Paragraph(escape(d["name"]), styles["BodyText"]),
                f"{d['self']['score']:.2f}" if d.get("self") else "-",
                f"{others['score']:.2f}" if others else "-",
                str(others.get("n", "")),
                f"{others['range']['min']:.2f}-{others['range']['max']:.2f}" if others else "",
                others.get("level", (d.get("self") or {}).get("level", "")),
                f"{d['gap']:+.2f}" if d.get("gap") is not None else "",
                flags,
            ]
        )
    table = Table(rows, colWidths=[4.6 * cm, 1.2 * cm, 1.3 * cm, 0.8 * cm, 2.1 * cm, 2.0 * cm, 1.2 * cm, 2.3 * cm])
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story += [Spacer(1, 0.3 * cm), table]
    if (chart := _performance_vs_importance(dimensions)) is not None:
        story += [PageBreak(), _image(chart)]
    for chart in _distributions(content.get("items", [])):
        story += [PageBreak(), _image(chart)]
    if content.get("comments"):
        story += [PageBreak(), Paragraph("Comments", styles["Heading2"])]
        names = {d["key"]: d["name"] for d in dimensions}
        for group in content["comments"]:
            story.append(
                Paragraph(escape(names.get(group["dimension_key"], group["dimension_key"])), styles["Heading3"])
            )
            if group.get("self"):
                story.append(Paragraph(f"<i>Your comment:</i> {escape(group['self'])}", styles["BodyText"]))
            for text in group.get("others", []):
                story.append(Paragraph(f"• {escape(text)}", styles["BodyText"]))
    return _build(story)


def _build(story: list[Any]) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, title="Leadership feedback report"
    ).build(story)
    return buffer.getvalue()
