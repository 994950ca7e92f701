"""The individual report: scores per dimension and item, gaps, priorities and comments, published only
through the units that :mod:`report_svc.scoring.confidentiality` allows.

Scores are computed exactly (fractions) and rounded half up to two decimals only when published; levels
are read from the published figure, so a reader never sees a score and a level that disagree.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hlm_contracts.enums import RaterGroup, RatingLevel
from report_svc.scoring.confidentiality import GROUP_LABELS, Unit, plan_units
from report_svc.scoring.inputs import NON_SELF_GROUPS, Questionnaire, Response, Thresholds

# A blind spot or hidden strength: self and others a whole band (0.75) apart or more.
DEFAULT_GAP_THRESHOLD = Fraction(3, 4)
# Dimensions that others rate at least this important but score below Strong are the priorities; those
# they rate as important and score Strong or above are the strengths.
IMPORTANT = Fraction(3)
STRONG = Decimal("2.5")
DEFAULT_TOP_ITEMS = 5

READY = "ready"
INSUFFICIENT = "insufficient_responses"

Report = dict[str, Any]


def hundredths(value: Fraction) -> int:
    """A figure as published, in hundredths: rounded half up (away from zero), in integers alone."""
    return _hundredths_of(value.numerator, value.denominator)


def _hundredths_of(numerator: int, denominator: int) -> int:
    """:func:`hundredths` of ``numerator / denominator`` (``denominator`` > 0), in lowest terms or not: the
    rounding gives the same for any multiple of both."""
    rounded = (200 * abs(numerator) + denominator) // (2 * denominator)
    return -rounded if numerator < 0 else rounded


def published(value: Fraction) -> Decimal:
    """A figure as published: two decimals, half up."""
    return Decimal(hundredths(value)).scaleb(-2)


def _figure(value: Fraction) -> float:
    """A published figure as the report's JSON carries it."""
    return hundredths(value) / 100


# The level bands' lower bounds in hundredths: Proficient, Strong, Exemplary.
_PROFICIENT, _STRONG, _EXEMPLARY = 175, 250, 325


def level_of(value: Decimal) -> str:
    """The level band of a published score: [1, 1.75) Essential, [1.75, 2.5) Proficient,
    [2.5, 3.25) Strong, [3.25, 4] Exemplary."""
    if value < Decimal("1.75"):
        return RatingLevel.ESSENTIAL.label
    if value < STRONG:
        return RatingLevel.PROFICIENT.label
    if value < Decimal("3.25"):
        return RatingLevel.STRONG.label
    return RatingLevel.EXEMPLARY.label


def _level_of_hundredths(value: int) -> str:
    """:func:`level_of` of a figure in hundredths."""
    if value < _PROFICIENT:
        return RatingLevel.ESSENTIAL.label
    if value < _STRONG:
        return RatingLevel.PROFICIENT.label
    if value < _EXEMPLARY:
        return RatingLevel.STRONG.label
    return RatingLevel.EXEMPLARY.label


def _mean(values: Sequence[Fraction]) -> Fraction:
    """The exact mean, summed over one common denominator (one normalisation, not one per addition)."""
    common = math.lcm(*(v.denominator for v in values))
    return Fraction(sum(v.numerator * (common // v.denominator) for v in values), common * len(values))


def _mean_of_totals(totals: Sequence[tuple[int, int]]) -> Fraction:
    """:func:`_mean` of rater scores given as (sum of levels, how many), made into one fraction only."""
    common = math.lcm(*(n for _, n in totals))
    return Fraction(sum(total * (common // n) for total, n in totals), common * len(totals))


def _mean_of_levels(levels: Sequence[int]) -> Fraction:
    return Fraction(sum(levels), len(levels))


def rater_dimension_score(questionnaire: Questionnaire, response: Response, dimension_key: str) -> Fraction | None:
    """The mean of a rater's answered items in a dimension; None when they observed none of them."""
    return _rater_score(response, [item.key for item in questionnaire.items_of(dimension_key)])


def _rater_score(response: Response, item_keys: Sequence[str]) -> Fraction | None:
    total = _rater_total(response, item_keys)
    return Fraction(*total) if total is not None else None


def _rater_total(response: Response, item_keys: Sequence[str]) -> tuple[int, int] | None:
    """A rater's score in a dimension as (sum of the levels answered, how many), their mean being the score."""
    answers = response.answers
    levels = [level for key in item_keys if (level := answers.get(key)) is not None]
    return (sum(levels), len(levels)) if levels else None


def _score(value: Fraction, n: int | None = None) -> dict[str, Any]:
    shown = hundredths(value)
    figure: dict[str, Any] = {"score": shown / 100, "level": _level_of_hundredths(shown)}
    if n is not None:
        figure["n"] = n
    return figure


def comment_order(order_key: bytes, text: str) -> str:
    """Comments are listed by a keyed hash of their text: stable across renders, and saying nothing about
    who wrote a comment or when."""
    return hmac.new(order_key, text.encode(), hashlib.sha256).hexdigest()


def response_counts(responses: Sequence[Response]) -> dict[str, int]:
    counts = {group.value: 0 for group in (RaterGroup.SELF, *NON_SELF_GROUPS)}
    for response in responses:
        counts[response.group.value] += 1
    return counts


def build_self_assessment(questionnaire: Questionnaire, responses: Sequence[Response], order_key: bytes) -> Report:
    """The participant's own ratings, theirs at once."""
    own = [r for r in responses if r.group is RaterGroup.SELF]
    dimensions = []
    for dimension in sorted(questionnaire.dimensions, key=lambda d: d.position):
        scores = [s for r in own if (s := rater_dimension_score(questionnaire, r, dimension.key)) is not None]
        importance = [r.importance[dimension.key] for r in own if dimension.key in r.importance]
        dimensions.append(
            {
                "key": dimension.key,
                "name": dimension.name,
                "self": _score(_mean(scores)) if scores else None,
                "importance": {"self": _figure(_mean_of_levels(importance)) if importance else None},
            }
        )
    items = [
        {
            "key": item.key,
            "dimension_key": item.dimension_key,
            "text": item.text,
            "self": own[0].answers.get(item.key) if own else None,
        }
        for item in sorted(questionnaire.items, key=lambda i: i.position)
    ]
    return {
        "kind": "self_assessment",
        "state": READY,
        "response_counts": {"self": len(own)},
        "dimensions": dimensions,
        "items": items,
        "comments": _comments(questionnaire, own, order_key),
    }


def required_for_others(groups: Sequence[RaterGroup], thresholds: Thresholds) -> int:
    """How many raters a report's ``others`` needs: ``others_total``, and when every rater comes from
    the same group, that group's own threshold too, since then ``others`` is that group's figure."""
    distinct = set(groups)
    required = thresholds.others_total
    if len(distinct) == 1:
        required = max(required, thresholds.of(next(iter(distinct))))
    return required


def build_360(
    questionnaire: Questionnaire,
    responses: Sequence[Response],
    thresholds: Thresholds,
    order_key: bytes,
    *,
    gap_threshold: Fraction = DEFAULT_GAP_THRESHOLD,
    top_items: int = DEFAULT_TOP_ITEMS,
) -> Report:
    """A 360 report, or the state saying why there is none and how many responses are missing."""
    counts = response_counts(responses)
    others_submitted = sum(counts[g.value] for g in NON_SELF_GROUPS)
    others_required = required_for_others([r.group for r in responses if r.group is not RaterGroup.SELF], thresholds)
    if others_submitted < others_required:
        missing = others_required - others_submitted
        return {
            "kind": "feedback_360",
            "state": INSUFFICIENT,
            "response_counts": counts,
            "insufficient": {
                "reason": (
                    f"A 360 report needs at least {others_required} responses from raters other than "
                    f"yourself; {others_submitted} were submitted. The cycle must be extended until "
                    f"{missing} more arrive."
                ),
                "others_required": others_required,
                "others_submitted": others_submitted,
                "missing": missing,
            },
        }

    units = plan_units({g: counts[g.value] for g in NON_SELF_GROUPS}, thresholds)
    own = [r for r in responses if r.group is RaterGroup.SELF]
    raters = [r for r in responses if r.group is not RaterGroup.SELF]
    # Every figure over ``others`` needs the report's minimum of raters. It depends only on how many
    # raters each group has, never on which of them answered what, so swapping two raters' responses
    # within a unit leaves the report unchanged.
    minimum = others_required

    item_keys = _item_keys_by_dimension(questionnaire)
    dimensions = []
    for dimension in sorted(questionnaire.dimensions, key=lambda d: d.position):
        keys = item_keys.get(dimension.key, [])
        # Each rater's score as (sum, count): one fraction is made per mean, not one per rater.
        own_scores = [s for r in own if (s := _rater_total(r, keys)) is not None]
        rated = [(r.group, s) for r in raters if (s := _rater_total(r, keys)) is not None]
        self_score = _mean_of_totals(own_scores) if own_scores else None
        others_score = _mean_of_totals([s for _, s in rated]) if len(rated) >= minimum else None
        entry: dict[str, Any] = {
            "key": dimension.key,
            "name": dimension.name,
            "self": _score(self_score) if self_score is not None else None,
            "others": None,
            "groups": {},
            "groups_withheld": False,
        }
        if others_score is not None:
            # Rounding never reverses an order: the lowest score's figure is the lowest figure.
            shown = [_hundredths_of(total, n) for _, (total, n) in rated]
            entry["others"] = {
                **_score(others_score, len(rated)),
                "range": {"min": min(shown) / 100, "max": max(shown) / 100},
            }
            entry["groups"], entry["groups_withheld"] = _unit_cells(units, rated)

        own_importance = [r.importance[dimension.key] for r in own if dimension.key in r.importance]
        others_importance = [r.importance[dimension.key] for r in raters if dimension.key in r.importance]
        importance_others = _mean_of_levels(others_importance) if len(others_importance) >= minimum else None
        entry["importance"] = {
            "self": _figure(_mean_of_levels(own_importance)) if own_importance else None,
            "others": _figure(importance_others) if importance_others is not None else None,
            "others_n": len(others_importance) if importance_others is not None else None,
        }
        gap = self_score - others_score if self_score is not None and others_score is not None else None
        entry["gap"] = _figure(gap) if gap is not None else None
        entry["blind_spot"] = gap is not None and gap >= gap_threshold
        entry["hidden_strength"] = gap is not None and -gap >= gap_threshold
        important = importance_others is not None and importance_others >= IMPORTANT
        entry["priority"] = important and others_score is not None and hundredths(others_score) < _STRONG
        # The other side of the same quadrant: important to the role and already Strong or above.
        entry["strength"] = important and others_score is not None and hundredths(others_score) >= _STRONG
        dimensions.append(entry)

    items = _items(questionnaire, own, raters, minimum)
    ranked = [i for i in items if i["others"] is not None]
    count = min(top_items, len(ranked) // 2)
    by_mean = sorted(ranked, key=lambda i: (-i["others"]["mean"], i["position"]))
    bottom = sorted(ranked, key=lambda i: (i["others"]["mean"], i["position"]))

    notes = []
    if any(u.groups == (RaterGroup.LINE_MANAGER,) for u in units):
        notes.append("The line manager's ratings are shown on their own: a line manager is identifiable by design.")
    if any(u.combined for u in units):
        notes.append(
            "Groups with fewer responses than their minimum are not shown on their own; "
            "their responses are shown combined with other groups."
        )
    if not units:
        notes.append("Too few responses in some groups to show any group apart: only all raters together are shown.")

    return {
        "kind": "feedback_360",
        "state": READY,
        "response_counts": counts,
        "thresholds": {
            "line_manager": thresholds.line_manager,
            "peer": thresholds.peer,
            "direct_report": thresholds.direct_report,
            "other": thresholds.other,
            "others_total": thresholds.others_total,
        },
        "groups": [
            {
                "key": u.key,
                "label": u.label,
                "rater_groups": [g.value for g in u.groups],
                "combined": u.combined,
                "n": sum(counts[g.value] for g in u.groups),
            }
            for u in units
        ],
        "notes": notes,
        "dimensions": dimensions,
        "blind_spots": [d["key"] for d in dimensions if d["blind_spot"]],
        "hidden_strengths": [d["key"] for d in dimensions if d["hidden_strength"]],
        "priorities": [d["key"] for d in dimensions if d["priority"]],
        "strengths": [d["key"] for d in dimensions if d["strength"]],
        "items": items,
        "top_items": [i["key"] for i in by_mean[:count]],
        "bottom_items": [i["key"] for i in bottom[:count]],
        "comments": _comments(questionnaire, responses, order_key),
    }


def _item_keys_by_dimension(questionnaire: Questionnaire) -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {}
    for item in questionnaire.items:
        keys.setdefault(item.dimension_key, []).append(item.key)
    return keys


def _unit_cells(
    units: tuple[Unit, ...], rated: list[tuple[RaterGroup, tuple[int, int]]]
) -> tuple[dict[str, dict[str, Any]], bool]:
    """Each unit's figure on one dimension, or none at all when a unit is thinned below its threshold
    there (then ``others`` minus the shown units would isolate it)."""
    cells: dict[str, list[tuple[int, int]]] = {}
    for unit in units:
        scores = [s for g, s in rated if g in unit.groups]
        if not scores:
            continue
        if len(scores) < unit.threshold:
            return {}, True
        cells[unit.key] = scores
    return {key: _score(_mean_of_totals(scores), len(scores)) for key, scores in cells.items()}, False


# The levels as an item's distribution names them, looked up once.
_LEVELS = tuple((str(level.value), level.value) for level in RatingLevel)


def _items(
    questionnaire: Questionnaire, own: Sequence[Response], raters: Sequence[Response], minimum: int
) -> list[dict[str, Any]]:
    items = []
    for item in sorted(questionnaire.items, key=lambda i: i.position):
        given = [level for r in raters if (level := r.answers.get(item.key)) is not None]
        others: dict[str, Any] | None = None
        if len(given) >= minimum:
            others = {
                "mean": _hundredths_of(sum(given), len(given)) / 100,
                "n": len(given),
                "distribution": {key: given.count(value) for key, value in _LEVELS},
                "not_observed": len(raters) - len(given),
            }
        items.append(
            {
                "key": item.key,
                "dimension_key": item.dimension_key,
                "text": item.text,
                "position": item.position,
                "self": own[0].answers.get(item.key) if own else None,
                "others": others,
            }
        )
    return items


def _comments(questionnaire: Questionnaire, responses: Sequence[Response], order_key: bytes) -> list[dict[str, Any]]:
    """Comments per dimension, in dimension order; raters' comments unlabelled and in keyed-hash order,
    the participant's own apart."""
    grouped = []
    for dimension in sorted(questionnaire.dimensions, key=lambda d: d.position):
        own = [
            r.comments[dimension.key] for r in responses if r.group is RaterGroup.SELF and dimension.key in r.comments
        ]
        theirs = [
            r.comments[dimension.key]
            for r in responses
            if r.group is not RaterGroup.SELF and dimension.key in r.comments
        ]
        if not own and not theirs:
            continue
        grouped.append(
            {
                "dimension_key": dimension.key,
                "self": own[0] if own else None,
                "others": sorted(theirs, key=lambda text: comment_order(order_key, text)),
            }
        )
    return grouped


__all__ = ["GROUP_LABELS", "build_360", "build_self_assessment", "level_of", "published"]
