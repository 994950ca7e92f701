"""What a report's HTML page and PDF show, read from the report's JSON content and nothing else.

Every figure printed here is a figure the JSON publishes, or a difference of two published figures, so
the page and the PDF can reveal no more than the API does. Groups are the report's units (its shown
groups); hidden groups appear only inside a combined unit or inside ``others``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from hlm_contracts.enums import RaterGroup, RatingLevel
from hlm_kit.documents import svg
from report_svc.reports.models import Report
from report_svc.scoring.confidentiality import GROUP_LABELS
from report_svc.scoring.individual import IMPORTANT, STRONG
from report_svc.scoring.inputs import NON_SELF_GROUPS

TITLE = "Leadership feedback report"
# The scoring rules' thresholds, as the published figures they are compared with.
STRONG_SCORE = float(STRONG)
IMPORTANT_SCORE = float(IMPORTANT)
LEVEL_BANDS = (
    (RatingLevel.ESSENTIAL.label, 1.0, 1.75),
    (RatingLevel.PROFICIENT.label, 1.75, 2.5),
    (RatingLevel.STRONG.label, 2.5, 3.25),
    (RatingLevel.EXEMPLARY.label, 3.25, 4.0),
)
# Bars are told apart by the label on their row, never by colour alone; each colour keeps a contrast of at
# least 3:1 against the light level bands behind it (WCAG 2.2, 1.4.11).
SELF_COLOUR = "#330072"
OTHERS_COLOUR = "#003087"
GROUP_COLOURS = {
    "line_manager": "#005eb8",
    "peer": "#007f3b",
    "direct_report": "#ae2573",
    "other": "#8a1538",
}
COMBINED_COLOUR = "#425563"
BAND_FILLS = ("#f0f4f5", "#e8edee")
GAPS_PER_GROUP = 3
OTHERS_LABEL = "All others"
SELF_LABEL = "You"

# No axis title: "How to read this report" explains the scale once, and WeasyPrint lays SVG text out letter
# by letter, so nine repeated titles would cost a noticeable share of the PDF's rendering time.
_SCORE_AXIS = svg.Axis(
    minimum=1,
    maximum=4,
    ticks=[(1, "1"), (1.75, "1.75"), (2.5, "2.5"), (3.25, "3.25"), (4, "4")],
    bands=[svg.Band(start, end, name, BAND_FILLS[n % 2]) for n, (name, start, end) in enumerate(LEVEL_BANDS)],
)


def _date(value: str | None) -> str | None:
    return f"{datetime.fromisoformat(value):%d %B %Y}" if value else None


def _level_name(value: int | None) -> str | None:
    return RatingLevel(value).label if value is not None else None


def _difference(a: float, b: float) -> float:
    # Differences of two published (two-decimal) figures, exactly: 3.1 - 2.9 prints 0.20, not 0.19999.
    return float(Decimal(str(a)) - Decimal(str(b)))


def _colour(unit_key: str) -> str:
    return GROUP_COLOURS.get(unit_key, COMBINED_COLOUR)


def build(report: Report) -> dict[str, Any]:
    """The template's context for one report: a 360, a self-assessment, or a report not produced."""
    content = report.content
    questionnaire = content.get("questionnaire", {})
    cycle = content.get("cycle", {})
    view: dict[str, Any] = {
        "title": f"{TITLE}: {questionnaire.get('name', '')}".rstrip(": "),
        "heading": TITLE,
        "report": {
            "id": str(report.id),
            "version": report.version,
            "kind": report.kind,
            "is_360": report.kind != "self_assessment",
            "participant": report.participant_id,
            "status": report.status.replace("_", " "),
        },
        "questionnaire": {
            "name": questionnaire.get("name", ""),
            "version": questionnaire.get("version"),
            "framework": questionnaire.get("framework_key"),
            "framework_version": questionnaire.get("framework_version"),
        },
        "cycle": {
            "opened": _date(cycle.get("opened_at")),
            "closes": _date(cycle.get("closes_at")),
            "closed": _date(cycle.get("closed_at")),
        },
        "levels": [{"name": name, "start": start, "end": end} for name, start, end in LEVEL_BANDS],
        "self_colour": SELF_COLOUR,
        "others_colour": OTHERS_COLOUR,
        "ready": content["state"] == "ready",
        "insufficient": (content.get("insufficient") or {}).get("reason"),
    }
    if not view["ready"]:
        return view
    if report.kind == "self_assessment":
        return {**view, **_self_assessment(content)}
    return {**view, **_feedback_360(content)}


def _self_assessment(content: dict[str, Any]) -> dict[str, Any]:
    comments = {c["dimension_key"]: c for c in content.get("comments", [])}
    dimensions = []
    for number, d in enumerate(content["dimensions"], 1):
        own = d.get("self")
        bars = [svg.Bar(SELF_LABEL, own["score"] if own else None, SELF_COLOUR)]
        dimensions.append(
            {
                "number": number,
                "key": d["key"],
                "name": d["name"],
                "rows": [{"label": SELF_LABEL, "figure": own, "n": None, "colour": SELF_COLOUR}],
                "chart": _bars(f"dimension-{number}", d["name"], bars),
                "importance": {"self": (d.get("importance") or {}).get("self"), "others": None, "others_n": None},
                "range": None,
                "gap": None,
                "withheld": False,
                "flags": [],
                "items": [
                    {"text": i["text"], "self": _level_name(i.get("self")), "others": None}
                    for i in content.get("items", [])
                    if i["dimension_key"] == d["key"]
                ],
                "comments": _comments_of(comments.get(d["key"])),
            }
        )
    return {
        "respondents": [{"label": SELF_LABEL, "invited": None, "submitted": content["response_counts"].get("self", 0)}],
        "groups": [],
        "explanations": [],
        "summary": None,
        "dimensions": dimensions,
        "performance_importance": None,
        "top_items": [],
        "bottom_items": [],
        "gaps": [],
    }


def _feedback_360(content: dict[str, Any]) -> dict[str, Any]:
    units = content.get("groups", [])
    thresholds = content.get("thresholds", {})
    counts = content.get("response_counts", {})
    comments = {c["dimension_key"]: c for c in content.get("comments", [])}
    items_by_key = {i["key"]: i for i in content.get("items", [])}
    names = {d["key"]: d["name"] for d in content["dimensions"]}

    dimensions = []
    for number, d in enumerate(content["dimensions"], 1):
        own, others = d.get("self"), d.get("others")
        rows = [{"label": SELF_LABEL, "figure": own, "n": None, "colour": SELF_COLOUR}]
        for unit in units:
            cell = d["groups"].get(unit["key"])
            rows.append(
                {
                    "label": unit["label"],
                    "figure": cell,
                    "n": cell["n"] if cell else None,
                    "colour": _colour(unit["key"]),
                }
            )
        rows.append(
            {"label": OTHERS_LABEL, "figure": others, "n": others["n"] if others else None, "colour": OTHERS_COLOUR}
        )
        bars = [
            svg.Bar(
                row["label"],
                row["figure"]["score"] if row["figure"] else None,
                row["colour"],
                "" if row["figure"] else "not shown",
            )
            for row in rows
        ]
        dimensions.append(
            {
                "number": number,
                "key": d["key"],
                "name": d["name"],
                "rows": rows,
                "chart": _bars(f"dimension-{number}", d["name"], bars),
                "importance": d.get("importance") or {"self": None, "others": None, "others_n": None},
                "range": others["range"] if others else None,
                "gap": d.get("gap"),
                "withheld": bool(d.get("groups_withheld")),
                "flags": [
                    label
                    for flag, label in (
                        ("strength", "strength"),
                        ("priority", "priority area"),
                        ("blind_spot", "blind spot"),
                        ("hidden_strength", "hidden strength"),
                    )
                    if _flag(d, flag)
                ],
                "items": [_item(i) for i in content.get("items", []) if i["dimension_key"] == d["key"]],
                "comments": _comments_of(comments.get(d["key"])),
            }
        )

    def figures(d: dict[str, Any]) -> dict[str, Any]:
        return {
            "number": next(x["number"] for x in dimensions if x["key"] == d["key"]),
            "name": d["name"],
            "self": (d.get("self") or {}).get("score"),
            "others": (d.get("others") or {}).get("score"),
            "others_level": (d.get("others") or {}).get("level"),
            "importance": (d.get("importance") or {}).get("others"),
            "gap": d.get("gap"),
        }

    summary = {
        kind: [figures(d) for d in content["dimensions"] if _flag(d, flag)]
        for kind, flag in (
            ("strengths", "strength"),
            ("priorities", "priority"),
            ("blind_spots", "blind_spot"),
            ("hidden_strengths", "hidden_strength"),
        )
    }

    def ranked(keys: list[str]) -> list[dict[str, Any]]:
        return [
            {
                "text": items_by_key[k]["text"],
                "dimension": names.get(items_by_key[k]["dimension_key"], ""),
                "mean": items_by_key[k]["others"]["mean"],
                "n": items_by_key[k]["others"]["n"],
            }
            for k in keys
            if k in items_by_key and items_by_key[k].get("others")
        ]

    others_submitted = sum(counts.get(g.value, 0) for g in NON_SELF_GROUPS)
    respondents = [{"label": SELF_LABEL, "invited": None, "submitted": counts.get("self", 0)}]
    respondents += [{"label": u["label"], "invited": u.get("invited"), "submitted": u["n"]} for u in units]
    respondents.append({"label": OTHERS_LABEL, "invited": content.get("invited_others"), "submitted": others_submitted})

    return {
        "respondents": respondents,
        "groups": [
            {"label": u["label"], "n": u["n"], "combined": u["combined"], "colour": _colour(u["key"])} for u in units
        ],
        "explanations": _explanations(units, thresholds, counts, dimensions),
        "notes": content.get("notes", []),
        "summary": summary,
        "dimensions": dimensions,
        "performance_importance": _performance_importance(dimensions),
        "top_items": ranked(content.get("top_items", [])),
        "bottom_items": ranked(content.get("bottom_items", [])),
        "gaps": _gaps(units, content["dimensions"]),
    }


def _flag(d: dict[str, Any], flag: str) -> bool:
    if flag in d:
        return bool(d[flag])
    if flag == "strength":
        # Reports built before strengths were named: the same rule, read from the published figures.
        others, importance = d.get("others"), (d.get("importance") or {}).get("others")
        return (
            others is not None
            and importance is not None
            and importance >= IMPORTANT_SCORE
            and others["score"] >= STRONG_SCORE
        )
    return False


def _item(item: dict[str, Any]) -> dict[str, Any]:
    others = item.get("others")
    return {
        "text": item["text"],
        "self": _level_name(item.get("self")),
        "others": (
            {
                "mean": others["mean"],
                "n": others["n"],
                "distribution": [others["distribution"][str(level.value)] for level in RatingLevel],
                "not_observed": others["not_observed"],
            }
            if others
            else None
        ),
    }


def _comments_of(group: dict[str, Any] | None) -> dict[str, Any]:
    if group is None:
        return {"self": None, "others": []}
    return {"self": group.get("self"), "others": group.get("others", [])}


def _bars(chart_id: str, name: str, bars: list[svg.Bar]) -> Markup:
    shown = [f"{b.label} {b.value:.2f}" for b in bars if b.value is not None]
    return svg.horizontal_bars(
        bars,
        _SCORE_AXIS,
        chart_id=chart_id,
        title=f"{name}: scores by group on the 1 to 4 scale",
        description="; ".join(shown) + ". The same figures are in the table beside the chart.",
    )


def _explanations(
    units: list[dict[str, Any]], thresholds: dict[str, int], counts: dict[str, int], dimensions: list[dict[str, Any]]
) -> list[str]:
    """Which confidentiality rules changed this report, and why, in words."""
    lines = []
    shown_alone = {u["rater_groups"][0] for u in units if not u["combined"]}
    for unit in units:
        if not unit["combined"]:
            continue
        below = [g for g in unit["rater_groups"] if g not in shown_alone and counts.get(g, 0) < thresholds.get(g, 0)]
        reasons = ", ".join(
            f"{GROUP_LABELS[RaterGroup(g)].lower()} ({counts.get(g, 0)} of the {thresholds.get(g)} needed)"
            for g in below
        )
        lines.append(
            f"{unit['label']}: too few responses came from {reasons} to show them on their own, so their "
            f"answers are shown together in this group ({unit['n']} responses)."
        )
    grouped = {g for u in units for g in u["rater_groups"]}
    left = [g.value for g in NON_SELF_GROUPS if counts.get(g.value, 0) and g.value not in grouped]
    if left:
        lines.append(
            "No group can be shown apart without revealing a smaller one, so "
            + ", ".join(GROUP_LABELS[RaterGroup(g)].lower() for g in left)
            + f" appear only within {OTHERS_LABEL.lower()}."
        )
    withheld = [d["name"] for d in dimensions if d.get("withheld")]
    if withheld:
        lines.append(
            "On "
            + ", ".join(withheld)
            + ", too few raters of some group observed enough to score it, so only your own score and "
            f"{OTHERS_LABEL.lower()} are shown there."
        )
    return lines


def _performance_importance(dimensions: list[dict[str, Any]]) -> dict[str, Any] | None:
    points = []
    for d in dimensions:
        others = d["rows"][-1]["figure"]
        importance = d["importance"].get("others")
        if others is None or importance is None:
            continue
        quadrant = (
            "priority area"
            if importance >= IMPORTANT_SCORE and others["score"] < STRONG_SCORE
            else "strength"
            if importance >= IMPORTANT_SCORE
            else "less important to the role"
        )
        points.append(
            {
                "number": d["number"],
                "name": d["name"],
                "score": others["score"],
                "importance": importance,
                "quadrant": quadrant,
            }
        )
    if not points:
        return None
    chart = svg.numbered_scatter(
        [svg.Point(p["number"], p["score"], p["importance"], p["name"]) for p in points],
        svg.Axis(1, 4, [(1, "1"), (1.75, "1.75"), (2.5, "2.5"), (3.25, "3.25"), (4, "4")], label="Others' score"),
        svg.Axis(1, 4, [(1, "1"), (2, "2"), (3, "3"), (4, "4")], label="Importance to the role (others)"),
        chart_id="performance-importance",
        title="Performance and importance: others' score against how important others rate each dimension",
        description="; ".join(
            f"{p['number']} {p['name']}: score {p['score']:.2f}, importance {p['importance']:.2f}" for p in points
        )
        + ". Numbers are listed in the legend and table beside the chart.",
        regions=[
            svg.Region(1, 2.5, 3, 4, "Priority areas", "#fde0dd"),
            svg.Region(2.5, 4, 3, 4, "Strengths", "#e5f1e9"),
        ],
    )
    return {"chart": chart, "points": points}


def _gaps(units: list[dict[str, Any]], dimensions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per shown group (and all others), the dimensions where your score differs most from theirs."""
    columns = [(u["key"], u["label"]) for u in units] + [("others", OTHERS_LABEL)]
    result = []
    for key, label in columns:
        rows = []
        for d in dimensions:
            own = (d.get("self") or {}).get("score")
            theirs = (d.get("others") if key == "others" else d["groups"].get(key)) or {}
            if own is None or theirs.get("score") is None:
                continue
            rows.append(
                {"name": d["name"], "self": own, "group": theirs["score"], "gap": _difference(own, theirs["score"])}
            )
        rows.sort(key=lambda r: (-abs(r["gap"]), r["name"]))
        if rows:
            result.append({"label": label, "rows": rows[:GAPS_PER_GROUP]})
    return result
