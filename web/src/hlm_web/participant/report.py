"""A report's content (report-svc's JSON, as the gateway passes it on) as a page shows it.

Each dimension is a table: a row per figure (your own rating, each group of raters the report shows on
its own, all raters together), with the score and its level in words, so a screen reader hears the
comparison a chart would draw. Groups the report withholds are simply absent: the page adds nothing
the report does not publish."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

KIND_TITLES = {
    "self_assessment": "Your self-assessment report",
    "feedback_360": "Your 360 feedback report",
    "team_360": "Your team 360 report",
}


@dataclass(frozen=True)
class Figure:
    who: str
    score: str
    level: str
    responses: str


@dataclass(frozen=True)
class DimensionView:
    key: str
    name: str
    figures: list[Figure]
    importance: str | None
    notes: list[str]


@dataclass(frozen=True)
class PriorityView:
    """A priority area of a 360 report and the development resources it points to, each of which the
    participant may save to one of their goals."""

    key: str
    name: str
    resources: list[dict[str, Any]]


@dataclass
class ReportView:
    id: str
    cycle_id: str
    title: str
    ready: bool
    reason: str | None
    dimensions: list[DimensionView] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    released_at: str | None = None
    # The gateway answers Report.pdfUrl to whoever may read the report; this front serves it at
    # /reports/{id}.pdf with the person's token.
    has_pdf: bool = False
    # The earlier report this one can be compared with (the gateway's Report.progress), if any.
    since_report_id: str | None = None
    priorities: list[PriorityView] = field(default_factory=list)


def _figure(who: str, value: dict[str, Any] | None) -> Figure | None:
    if not value:
        return None
    n = value.get("n")
    return Figure(who, f"{value['score']:.2f}", value.get("level", ""), str(n) if n is not None else "")


def report_view(report: dict[str, Any]) -> ReportView:
    content = report["content"]
    if isinstance(content, str):  # JSON scalar as text, as some gateways send it
        content = json.loads(content)
    kind = content.get("kind") or report.get("kind") or ""
    view = ReportView(
        id=report["id"],
        cycle_id=report["cycleId"],
        title=KIND_TITLES.get(kind, "Your report"),
        ready=content.get("state") == "ready",
        reason=(content.get("insufficient") or {}).get("reason"),
        notes=list(content.get("notes") or []),
        released_at=report.get("releasedAt"),
        has_pdf=bool(report.get("pdfUrl")),
        since_report_id=(report.get("progress") or {}).get("sinceReportId"),
    )
    groups = {g["key"]: g["label"] for g in content.get("groups") or []}
    names = {}
    for dimension in content.get("dimensions") or []:
        names[dimension["key"]] = dimension["name"]
        figures = [
            f
            for f in [
                _figure("You", dimension.get("self")),
                *(_figure(groups.get(key, key), value) for key, value in (dimension.get("groups") or {}).items()),
                _figure("All raters", dimension.get("others")),
            ]
            if f is not None
        ]
        importance = (dimension.get("importance") or {}).get("self")
        notes = []
        if dimension.get("groups_withheld"):
            notes.append("Groups are not shown apart here: too few of them rated this dimension.")
        if dimension.get("blind_spot"):
            notes.append("You rated yourself higher than your raters did.")
        if dimension.get("hidden_strength"):
            notes.append("Your raters rated you higher than you did.")
        view.dimensions.append(
            DimensionView(
                key=dimension["key"],
                name=dimension["name"],
                figures=figures,
                importance=f"{importance:.2f}" if isinstance(importance, int | float) else None,
                notes=notes,
            )
        )
    linked = content.get("resources") or {}
    for key in content.get("priorities") or []:
        view.priorities.append(PriorityView(key=key, name=names.get(key, key), resources=list(linked.get(key) or [])))
    for entry in content.get("comments") or []:
        view.comments.append(
            {
                "dimension": names.get(entry["dimension_key"], entry["dimension_key"]),
                "self": entry.get("self"),
                "others": entry.get("others") or [],
            }
        )
    return view
