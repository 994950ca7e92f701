"""Nobody can work out a hidden group's answers, or a single rater's other than self and line manager, from
the published figures of a report: generated response sets, real arithmetic attacks, none may succeed."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hlm_contracts.enums import RaterGroup
from report_svc.scoring.confidentiality import plan_units
from report_svc.scoring.individual import build_360, response_counts
from report_svc.scoring.inputs import NON_SELF_GROUPS, Dimension, Item, Questionnaire, Response, Thresholds

PROPERTIES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LM = RaterGroup.LINE_MANAGER
KEY = b"order-key"


@st.composite
def questionnaires(draw: st.DrawFn) -> Questionnaire:
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    dimensions = tuple(Dimension(f"d{n}", f"Dimension {n}", n + 1) for n in range(len(sizes)))
    items = []
    for d, size in zip(dimensions, sizes, strict=True):
        for k in range(size):
            items.append(Item(f"{d.key}i{k}", d.key, f"Item {k} of {d.key}", len(items) + 1))
    return Questionnaire(dimensions, tuple(items))


@st.composite
def cycles(draw: st.DrawFn) -> tuple[Questionnaire, Thresholds, list[Response]]:
    questionnaire = draw(questionnaires())
    thresholds = Thresholds(
        line_manager=draw(st.integers(1, 2)),
        peer=draw(st.integers(2, 4)),
        direct_report=draw(st.integers(2, 4)),
        other=draw(st.integers(2, 4)),
        others_total=draw(st.integers(3, 5)),
    )
    counts = {
        RaterGroup.SELF: draw(st.integers(0, 1)),
        LM: draw(st.integers(0, 2)),
        RaterGroup.PEER: draw(st.integers(0, 5)),
        RaterGroup.DIRECT_REPORT: draw(st.integers(0, 5)),
        RaterGroup.OTHER: draw(st.integers(0, 4)),
    }
    level = st.one_of(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.none())
    responses = []
    for group, count in counts.items():
        for n in range(count):
            answers = {item.key: draw(level) for item in questionnaire.items}
            importance = {
                d.key: r for d in questionnaire.dimensions if (r := draw(st.one_of(st.none(), st.integers(1, 4))))
            }
            comments = {d.key: f"{group.value} {n} on {d.key}" for d in questionnaire.dimensions if draw(st.booleans())}
            responses.append(Response(group, answers, importance, comments))
    return questionnaire, thresholds, responses


def _counts(responses: list[Response]) -> dict[RaterGroup, int]:
    return {g: sum(1 for r in responses if r.group is g) for g in NON_SELF_GROUPS}


def _hidden(counts: dict[RaterGroup, int], thresholds: Thresholds) -> set[RaterGroup]:
    return {g for g, n in counts.items() if 0 < n < thresholds.of(g)}


@PROPERTIES
@given(cycle=cycles(), data=st.data())
def test_swapping_two_raters_within_a_published_unit_changes_nothing_a_reader_sees(
    cycle: tuple[Questionnaire, Thresholds, list[Response]], data: st.DataObject
) -> None:
    """If the report were the same whichever of two raters of different groups gave which answers, no
    arithmetic on it can attribute answers to a group (or to a rater) within the unit."""
    questionnaire, thresholds, responses = cycle
    report = build_360(questionnaire, responses, thresholds, KEY)
    if report["state"] != "ready":
        return
    units = plan_units(_counts(responses), thresholds)
    together = [u.groups for u in units] or [NON_SELF_GROUPS]  # no unit: every rater is only in "others"
    pairs = [
        (i, j)
        for i, j in itertools.combinations(range(len(responses)), 2)
        if responses[i].group is not RaterGroup.SELF
        and responses[j].group is not RaterGroup.SELF
        and any(responses[i].group in g and responses[j].group in g for g in together)
    ]
    if not pairs:
        return
    i, j = data.draw(st.sampled_from(pairs))
    swapped = list(responses)
    swapped[i] = Response(responses[i].group, responses[j].answers, responses[j].importance, responses[j].comments)
    swapped[j] = Response(responses[j].group, responses[i].answers, responses[i].importance, responses[i].comments)

    assert build_360(questionnaire, swapped, thresholds, KEY) == report


@PROPERTIES
@given(cycle=cycles())
def test_every_hidden_group_is_published_only_together_with_another_group(
    cycle: tuple[Questionnaire, Thresholds, list[Response]],
) -> None:
    questionnaire, thresholds, responses = cycle
    report = build_360(questionnaire, responses, thresholds, KEY)
    if report["state"] != "ready":
        return
    counts = _counts(responses)
    hidden = _hidden(counts, thresholds)
    for unit in report["groups"]:
        members = {RaterGroup(g) for g in unit["rater_groups"]}
        if members & hidden:
            assert len(members) > 1
            assert unit["combined"]
        shown_alone = members - hidden
        assert unit["n"] >= max(thresholds.of(g) for g in members)
        if not unit["combined"]:
            assert shown_alone == members


def _attack_by_subtraction(report: dict[str, Any], counts: dict[RaterGroup, int], thresholds: Thresholds) -> list[str]:
    """Take ``others`` apart as a reader can: subtract every combination of shown groups' totals
    (score x n) from the others' total and look at what is left. The reader knows how many responses
    each group gave; on a dimension whose group figures are shown, a unit without a figure there had no
    rater on it (the shown units add up to ``others``)."""
    units = {u["key"]: {RaterGroup(g) for g in u["rater_groups"]} for u in report["groups"]}
    hidden = _hidden(counts, thresholds)
    found = []
    for dimension in report["dimensions"]:
        others = dimension["others"]
        if others is None:
            continue
        cells = dimension["groups"]
        present = set().union(*(units[k] for k in cells)) if cells else {g for g, n in counts.items() if n}
        for size in range(len(cells) + 1):
            for chosen in itertools.combinations(cells, size):
                left_n = others["n"] - sum(cells[k]["n"] for k in chosen)
                left_groups = present - set().union(*(units[k] for k in chosen))
                if left_n <= 0:
                    continue
                # What is left is recovered if it is a single rater (not the line manager) or one group alone
                # that has fewer responses than its threshold.
                if left_n == 1 and left_groups != {LM}:
                    found.append(f"{dimension['key']}: one rater of {sorted(left_groups)} by subtracting {chosen}")
                if len(left_groups) == 1 and left_groups <= hidden:
                    found.append(f"{dimension['key']}: hidden group {left_groups} by subtracting {chosen}")
    return found


def _attack_items(report: dict[str, Any], questionnaire: Questionnaire, counts: dict[RaterGroup, int]) -> list[str]:
    """Item distributions and ranges: take away every answer a reader can know (the line manager's, when
    their single score on a one-item dimension is that item's answer) and see whether one rater is left."""
    found = []
    line_manager_shown = any(u["rater_groups"] == ["line_manager"] for u in report["groups"]) and counts[LM] == 1
    lm_answers: dict[str, int] = {}
    for dimension in report["dimensions"]:
        items = questionnaire.items_of(dimension["key"])
        cell = dimension["groups"].get("line_manager")
        if line_manager_shown and cell and len(items) == 1 and float(cell["score"]).is_integer():
            lm_answers[items[0].key] = int(cell["score"])
        others = dimension["others"]
        if others is not None:
            known = 1 if line_manager_shown and cell else 0
            if others["n"] - known == 1:
                found.append(f"{dimension['key']}: one rater's score from the range")
    for item in report["items"]:
        others = item["others"]
        if others is None:
            continue
        left = others["n"] - (1 if item["key"] in lm_answers else 0)
        if left == 1:
            found.append(f"{item['key']}: one rater's answer from the distribution")
    return found


@PROPERTIES
@given(cycle=cycles())
def test_subtracting_shown_groups_from_others_recovers_no_hidden_group_and_no_single_rater(
    cycle: tuple[Questionnaire, Thresholds, list[Response]],
) -> None:
    questionnaire, thresholds, responses = cycle
    report = build_360(questionnaire, responses, thresholds, KEY)
    if report["state"] != "ready":
        return
    assert _attack_by_subtraction(report, _counts(responses), thresholds) == []


@PROPERTIES
@given(cycle=cycles())
def test_ranges_item_means_and_distributions_recover_no_single_rater(
    cycle: tuple[Questionnaire, Thresholds, list[Response]],
) -> None:
    questionnaire, thresholds, responses = cycle
    report = build_360(questionnaire, responses, thresholds, KEY)
    if report["state"] != "ready":
        return
    assert _attack_items(report, questionnaire, _counts(responses)) == []


@PROPERTIES
@given(cycle=cycles())
def test_shown_groups_on_a_dimension_always_add_up_to_others_so_nothing_is_left_over(
    cycle: tuple[Questionnaire, Thresholds, list[Response]],
) -> None:
    questionnaire, thresholds, responses = cycle
    report = build_360(questionnaire, responses, thresholds, KEY)
    if report["state"] != "ready":
        assert response_counts(responses)["self"] + report["insufficient"]["others_submitted"] == len(responses)
        return
    for dimension in report["dimensions"]:
        if dimension["groups"]:
            assert sum(c["n"] for c in dimension["groups"].values()) == dimension["others"]["n"]


def test_the_attacks_do_find_what_a_naive_report_would_expose() -> None:
    """The attackers are not toothless: on a report that showed every group with responses as it is,
    subtraction finds the lone direct report."""
    naive = {
        "groups": [
            {"key": "line_manager", "rater_groups": ["line_manager"]},
            {"key": "peer", "rater_groups": ["peer"]},
        ],
        "dimensions": [
            {
                "key": "d0",
                "others": {"score": 2.5, "n": 5},
                "groups": {"line_manager": {"score": 3.0, "n": 1}, "peer": {"score": 2.0, "n": 3}},
            }
        ],
    }
    counts = {LM: 1, RaterGroup.PEER: 3, RaterGroup.DIRECT_REPORT: 1, RaterGroup.OTHER: 0}
    assert _attack_by_subtraction(naive, counts, Thresholds())
