"""What a group report's HTML page and PDF show, read from its JSON content alone: the heat map of mean
score by dimension and rater group (each cell printing its figure, with the same figures in a table),
and how many participants others place at each level per dimension."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hlm_contracts.enums import RaterGroup
from hlm_kit.documents import svg
from report_svc.group_reports.schemas import GroupReportOut
from report_svc.reports.document import LEVEL_BANDS, OTHERS_LABEL
from report_svc.scoring.confidentiality import GROUP_LABELS

TITLE = "Leadership feedback group report"
# Shades of NHS blue, lightest for Essential; the figure in each cell is printed in dark text or white,
# whichever contrasts more with its shade.
LEVEL_SHADES = ("#e8f1f8", "#a9c9e7", "#5e9ad3", "#005eb8")
SCALE = [svg.Band(start, end, name, LEVEL_SHADES[n]) for n, (name, start, end) in enumerate(LEVEL_BANDS)]
SCOPES = {"team": "Team", "organisation": "Organisation", "region": "Region"}


def group_label(key: str) -> str:
    if key == "self":
        return "Self (own ratings)"
    if key == "others":
        return OTHERS_LABEL
    return GROUP_LABELS[RaterGroup(key)]


def _date(value: datetime | None) -> str | None:
    return f"{value:%d %B %Y}" if value is not None else None


def build(report: GroupReportOut) -> dict[str, Any]:
    content = report.content
    questionnaire = content.get("questionnaire", {})
    columns = [group_label(g) for g in content["groups"]]
    dimensions = content["dimensions"]
    heat = content["heat_map"]
    names = {d["key"]: d["name"] for d in dimensions}
    rows = [f"{n}. {names[key]}" for n, key in enumerate(heat["rows"], 1)]
    shown = [
        f"{row}, {column} {value:.2f}"
        for row, values in zip(rows, heat["values"], strict=True)
        for column, value in zip(columns, values, strict=True)
        if value is not None
    ]
    chart = svg.heat_map(
        rows,
        columns,
        heat["values"],
        SCALE,
        chart_id="heat-map",
        title=f"Heat map: mean score by dimension and rater group over {report.participant_count} participants",
        description="; ".join(shown) + ". Darker cells score higher; the same figures are in the table below.",
    )
    return {
        "title": f"{TITLE}: {questionnaire.get('name', '')}".rstrip(": "),
        "heading": TITLE,
        "questionnaire": questionnaire.get("name", ""),
        "scope": SCOPES.get(report.scope, report.scope),
        "scope_value": report.scope_value,
        "participants": report.participant_count,
        "closed_from": _date(report.closed_from),
        "closed_to": _date(report.closed_to),
        "issued": _date(report.created_at),
        "columns": columns,
        "scale": [{"name": b.label, "start": b.start, "end": b.end, "fill": b.fill} for b in SCALE],
        "heat_map": chart,
        "rows": [{"name": row, "values": values} for row, values in zip(rows, heat["values"], strict=True)],
        "levels": [name for name, _, _ in LEVEL_BANDS],
        "distribution": [{"name": f"{n}. {d['name']}", "levels": d["levels"]} for n, d in enumerate(dimensions, 1)],
        "notes": content.get("notes", []),
    }
