"""What a progress report's HTML page and PDF show, read from the comparison's content alone: every
figure printed is a figure of the comparison (a published figure of one of the two reports, or the
change between two of them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from markupsafe import Markup

from hlm_kit.documents import svg
from report_svc.progress.service import Progress
from report_svc.reports.document import (
    BAND_FILLS,
    LEVEL_BANDS,
    OTHERS_COLOUR,
    OTHERS_LABEL,
    SELF_COLOUR,
    SELF_LABEL,
)

TITLE = "Leadership progress report"
THEN_COLOUR = "#768692"  # the earlier cycle: grey, 3:1 against the light bands; told apart by label, never colour alone

_SCORE_AXIS = svg.Axis(
    minimum=1,
    maximum=4,
    ticks=[(1, "1"), (1.75, "1.75"), (2.5, "2.5"), (3.25, "3.25"), (4, "4")],
    bands=[svg.Band(start, end, name, BAND_FILLS[n % 2]) for n, (name, start, end) in enumerate(LEVEL_BANDS)],
)


def _date(value: str | None) -> str | None:
    return f"{datetime.fromisoformat(value):%d %B %Y}" if value else None


def _cycle(cycle: dict[str, Any]) -> dict[str, Any]:
    questionnaire = cycle["questionnaire"]
    return {
        "questionnaire": questionnaire.get("name") or "",
        "version": questionnaire.get("version"),
        "kind": "360 feedback" if cycle.get("kind") != "self_assessment" else "self-assessment",
        "closed": _date(cycle.get("closed_at")),
        "groups": cycle["groups"],
    }


def build(progress: Progress) -> dict[str, Any]:
    """The template's context for one comparison."""
    content = progress.content
    then, now = _cycle(content["then"]), _cycle(content["now"])
    then_name = f"then ({then['closed']})" if then["closed"] else "then"
    now_name = f"now ({now['closed']})" if now["closed"] else "now"
    columns = [("self", SELF_LABEL)] + [(g["key"], g["label"]) for g in content["groups"]] + [("others", OTHERS_LABEL)]
    dimensions = []
    for number, d in enumerate(content["dimensions"], 1):
        rows = []
        for key, label in columns:
            pair = d[key] if key in ("self", "others") else d["groups"][key]
            rows.append({"label": label, **pair})
        dimensions.append({"number": number, "key": d["key"], "name": d["name"], "rows": rows})
    return {
        "title": f"{TITLE}: {now['questionnaire']}".rstrip(": "),
        "heading": TITLE,
        "participant": progress.now.participant_id,
        "framework": content.get("framework_key"),
        "then": then,
        "now": now,
        "levels": [{"name": name, "start": start, "end": end} for name, start, end in LEVEL_BANDS],
        "notes": content["notes"],
        "groups": content["groups"],
        "dimensions": dimensions,
        "charts": [
            _chart("progress-others", OTHERS_LABEL, "others", content["dimensions"], then_name, now_name),
            _chart("progress-self", "Your own ratings", "self", content["dimensions"], then_name, now_name),
        ],
    }


def _chart(
    chart_id: str, whose: str, key: str, dimensions: list[dict[str, Any]], then_name: str, now_name: str
) -> dict[str, Any]:
    colour = OTHERS_COLOUR if key == "others" else SELF_COLOUR
    bars, shown = [], []
    for number, d in enumerate(dimensions, 1):
        pair = d[key]
        for moment, figure, fill in (("then", pair["then"], THEN_COLOUR), ("now", pair["now"], colour)):
            # The dimension is named on its first bar only: the pair reads as one row, and WeasyPrint lays SVG
            # text out letter by letter, so every repeated name costs rendering time.
            label = f"{number}. {d['name']}, {moment}" if moment == "then" else moment
            bars.append(svg.Bar(label, figure["score"] if figure else None, fill, "" if figure else "not shown"))
            if figure is not None:
                shown.append(f"{number}. {d['name']}, {moment} {figure['score']:.2f}")
    chart: Markup = svg.horizontal_bars(
        bars,
        _SCORE_AXIS,
        chart_id=chart_id,
        title=f"{whose}: score per dimension {then_name} and {now_name}, on the 1 to 4 scale",
        description="; ".join(shown) + ". The same figures are in the table below.",
        label_width=220,
        bar_height=12,
        gap=4,
    )
    return {"id": chart_id, "heading": whose, "svg": chart}
