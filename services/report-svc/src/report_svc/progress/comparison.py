"""Progress between two cycles: a participant's two released reports on the same framework, compared
dimension by dimension, built from the two reports' published content and nothing else.

Every figure of a comparison is a figure one of the two reports publishes (with the thresholds of its
own cycle already applied), or the difference of two such figures of the same measure. So a reader of
the comparison holds nothing that the two reports do not hold already:

- a group hidden in a cycle (below its threshold, merged or folded into a combined group) has no figure
  of that cycle here, even when the same group is shown in the other cycle: no figure is derived by
  subtracting shown groups from ``others``;
- combined groups are not compared: a combination stands for different people in each cycle;
- a change is shown only where both cycles publish the figure, so it never stands in for a missing one.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from hlm_contracts.enums import RaterGroup
from report_svc.scoring.confidentiality import GROUP_LABELS
from report_svc.scoring.inputs import NON_SELF_GROUPS

Content = Mapping[str, Any]


def framework_key(content: Content) -> str:
    """The framework of a report's questionnaire; reports built before it was recorded are of the HLM,
    the only framework questionnaires had then (as ``reports.service`` reads them)."""
    questionnaire: Mapping[str, Any] = content.get("questionnaire") or {}
    return str(questionnaire.get("framework_key", "hlm"))


def dimension_keys(content: Content) -> list[str]:
    return [d["key"] for d in content.get("dimensions", [])]


def why_not_comparable(then: Content, now: Content) -> str | None:
    """Why two reports' contents cannot be compared, or None when they can: both ready, on questionnaires
    of the same framework whose dimensions have the same keys."""
    if then.get("state") != "ready" or now.get("state") != "ready":
        return "only reports that were produced can be compared"
    if framework_key(then) != framework_key(now):
        return "the reports are on questionnaires of different frameworks"
    if sorted(dimension_keys(then)) != sorted(dimension_keys(now)):
        return "the reports' questionnaires do not have the same dimensions"
    return None


def _difference(now: float, then: float) -> float:
    # Of two published (two-decimal) figures, exactly: 3.1 - 2.9 is 0.20, not 0.19999.
    return float(Decimal(str(now)) - Decimal(str(then)))


def _figure(cell: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A published figure as the comparison repeats it: score, level and (for raters) how many."""
    if cell is None:
        return None
    figure = {"score": cell["score"], "level": cell["level"]}
    if "n" in cell:
        figure["n"] = cell["n"]
    return figure


def _pair(then: Mapping[str, Any] | None, now: Mapping[str, Any] | None) -> dict[str, Any]:
    then_figure, now_figure = _figure(then), _figure(now)
    change = (
        _difference(now_figure["score"], then_figure["score"])
        if then_figure is not None and now_figure is not None
        else None
    )
    return {"then": then_figure, "now": now_figure, "change": change}


def shown_alone(content: Content) -> list[str]:
    """The rater groups a report shows on their own (not combined with any other group)."""
    return [g["key"] for g in content.get("groups", []) if not g.get("combined") and len(g["rater_groups"]) == 1]


def _cycle(content: Content) -> dict[str, Any]:
    questionnaire: Mapping[str, Any] = content.get("questionnaire") or {}
    cycle: Mapping[str, Any] = content.get("cycle") or {}
    return {
        "kind": content.get("kind"),
        "questionnaire": {
            "id": questionnaire.get("id"),
            "name": questionnaire.get("name"),
            "version": questionnaire.get("version"),
            "framework_version": questionnaire.get("framework_version"),
        },
        "opened_at": cycle.get("opened_at"),
        "closed_at": cycle.get("closed_at"),
        "groups": [
            {"key": g["key"], "label": g["label"], "combined": bool(g.get("combined")), "n": g["n"]}
            for g in content.get("groups", [])
        ],
    }


def compare(then: Content, now: Content) -> dict[str, Any]:
    """The progress from ``then`` to ``now`` (two comparable reports' contents, ``then`` the earlier):
    per dimension, in the order of ``now``, self, every rater group shown on its own in either cycle, and
    all others, each then, now and the change."""
    reason = why_not_comparable(then, now)
    if reason is not None:
        raise ValueError(reason)
    then_dimensions = {d["key"]: d for d in then["dimensions"]}
    alone_then, alone_now = set(shown_alone(then)), set(shown_alone(now))
    groups = [g.value for g in NON_SELF_GROUPS if g.value in alone_then | alone_now]
    dimensions = []
    for d_now in now["dimensions"]:
        d_then = then_dimensions[d_now["key"]]
        cells_then: Mapping[str, Any] = d_then.get("groups") or {}
        cells_now: Mapping[str, Any] = d_now.get("groups") or {}
        dimensions.append(
            {
                "key": d_now["key"],
                "name": d_now["name"],
                "self": _pair(d_then.get("self"), d_now.get("self")),
                # A group's figure of a cycle only where that cycle shows the group on its own.
                "groups": {
                    g: _pair(
                        cells_then.get(g) if g in alone_then else None,
                        cells_now.get(g) if g in alone_now else None,
                    )
                    for g in groups
                },
                "others": _pair(d_then.get("others"), d_now.get("others")),
            }
        )
    return {
        "framework_key": framework_key(now),
        "then": _cycle(then),
        "now": _cycle(now),
        "groups": [{"key": g, "label": GROUP_LABELS[RaterGroup(g)]} for g in groups],
        "dimensions": dimensions,
        "notes": _notes(then, now, alone_then, alone_now),
    }


def _notes(then: Content, now: Content, alone_then: set[str], alone_now: set[str]) -> list[str]:
    """In plain words, which confidentiality rules shaped the comparison."""
    notes = [
        "Each cycle's figures follow that cycle's own rules of confidentiality: a group is shown for a "
        "cycle only where that cycle's report shows it on its own."
    ]
    for key in [g.value for g in NON_SELF_GROUPS]:
        label = GROUP_LABELS[RaterGroup(key)]
        if key in alone_then and key not in alone_now:
            notes.append(f"{label}: shown in the earlier cycle only; too few responded in the later one.")
        elif key in alone_now and key not in alone_then:
            notes.append(f"{label}: shown in the later cycle only; too few responded in the earlier one.")
    if any(g.get("combined") for g in [*then.get("groups", []), *now.get("groups", [])]):
        notes.append(
            "Groups combined with others to keep answers confidential are not compared: a combination "
            "stands for different people in each cycle. They are in each cycle's own report."
        )
    if "line_manager" in alone_then | alone_now:
        notes.append("The line manager's ratings are shown on their own: a line manager is identifiable by design.")
    return notes
