"""Progress between two cycles reveals nothing that the two reports do not reveal alone: generated pairs
of cycles, with a rater who answered both (in the worst case, identically) and groups shown in one
cycle and hidden in the other, attacked by every linear combination of the comparison's figures."""

from __future__ import annotations

from typing import Any

import numpy
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hlm_contracts.enums import RaterGroup
from report_svc.progress import comparison
from report_svc.scoring.individual import build_360, rater_dimension_score
from report_svc.scoring.inputs import NON_SELF_GROUPS, Dimension, Item, Questionnaire, Response, Thresholds

PROPERTIES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
S, LM, P, DR, OT = (
    RaterGroup.SELF,
    RaterGroup.LINE_MANAGER,
    RaterGroup.PEER,
    RaterGroup.DIRECT_REPORT,
    RaterGroup.OTHER,
)
QUESTIONNAIRE = Questionnaire(
    dimensions=(Dimension("care", "Leading with care", 1), Dimension("vision", "Sharing the vision", 2)),
    items=(
        Item("c1", "care", "They notice when someone is struggling.", 1),
        Item("c2", "care", "They make time to listen.", 2),
        Item("v1", "vision", "They explain where the service is going.", 3),
    ),
)
ABOUT = {"framework_key": "hlm", "name": "Example 360", "version": 1}


def _report(responses: list[Response], thresholds: Thresholds, key: bytes) -> dict[str, Any]:
    content = build_360(QUESTIONNAIRE, responses, thresholds, key)
    content["questionnaire"] = ABOUT
    return content


@st.composite
def cycles(draw: st.DrawFn) -> tuple[Thresholds, list[Response]]:
    thresholds = Thresholds(
        line_manager=draw(st.integers(1, 2)),
        peer=draw(st.integers(2, 4)),
        direct_report=draw(st.integers(2, 4)),
        other=draw(st.integers(2, 4)),
        others_total=draw(st.integers(3, 5)),
    )
    level = st.one_of(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.none())
    responses = [Response(S, {i.key: draw(level) for i in QUESTIONNAIRE.items})] if draw(st.booleans()) else []
    for group, most in ((LM, 2), (P, 5), (DR, 5), (OT, 4)):
        for _ in range(draw(st.integers(0, most))):
            responses.append(Response(group, {i.key: draw(level) for i in QUESTIONNAIRE.items}))
    return thresholds, responses


@st.composite
def pairs_of_cycles(draw: st.DrawFn) -> tuple[Thresholds, list[Response], Thresholds, list[Response], tuple[int, int]]:
    """Two cycles of one participant; one rater (not the line manager) answered both, in either group, and
    in the worst case gave the same answers both times."""
    then_thresholds, then = draw(cycles())
    now_thresholds, now = draw(cycles())
    shared_then = [n for n, r in enumerate(then) if r.group not in (S, LM)]
    shared_now = [n for n, r in enumerate(now) if r.group not in (S, LM)]
    shared = (-1, -1)
    if shared_then and shared_now:
        shared = (draw(st.sampled_from(shared_then)), draw(st.sampled_from(shared_now)))
        if draw(st.booleans()):
            now[shared[1]] = Response(now[shared[1]].group, then[shared[0]].answers)
    return then_thresholds, then, now_thresholds, now, shared


class Model:
    """Each rater's dimension score in each cycle as an unknown, the shared rater's two as one (answers
    alike in both cycles: the worst case), the participant's own as known to the reader."""

    def __init__(self, then: list[Response], now: list[Response], shared: tuple[int, int]) -> None:
        self.cycles = {"then": then, "now": now}
        self.column: dict[tuple[str, int], int] = {}
        for name, responses in self.cycles.items():
            for n, response in enumerate(responses):
                if response.group is S:
                    continue
                if name == "now" and n == shared[1] and shared[0] >= 0:
                    self.column[(name, n)] = self.column[("then", shared[0])]
                else:
                    self.column[(name, n)] = len(set(self.column.values()))
        self.width = max(self.column.values(), default=-1) + 1

    def raters(self, cycle: str, dimension: str, groups: set[RaterGroup]) -> list[int]:
        return [
            n
            for n, r in enumerate(self.cycles[cycle])
            if r.group in groups and rater_dimension_score(QUESTIONNAIRE, r, dimension) is not None
        ]

    def mean(self, cycle: str, dimension: str, groups: set[RaterGroup], n: int) -> numpy.ndarray:
        raters = self.raters(cycle, dimension, groups)
        assert len(raters) == n  # the published n is the number of raters behind the figure
        vector = numpy.zeros(self.width)
        for rater in raters:
            vector[self.column[(cycle, rater)]] += 1 / n
        return vector

    def report_figures(self, cycle: str, content: dict[str, Any], dimension: str) -> list[numpy.ndarray]:
        """Every figure of one report on a dimension that depends on raters: others, and each unit."""
        d = next(x for x in content["dimensions"] if x["key"] == dimension)
        units = {g["key"]: {RaterGroup(r) for r in g["rater_groups"]} for g in content["groups"]}
        rows = [self.mean(cycle, dimension, set(NON_SELF_GROUPS), d["others"]["n"])] if d["others"] else []
        rows += [self.mean(cycle, dimension, units[k], cell["n"]) for k, cell in d["groups"].items()]
        return rows


def _progress_figures(model: Model, progress: dict[str, Any], dimension: str) -> list[numpy.ndarray]:
    d = next(x for x in progress["dimensions"] if x["key"] == dimension)
    rows = []
    for key, pair in [("others", d["others"]), *d["groups"].items()]:
        groups = set(NON_SELF_GROUPS) if key == "others" else {RaterGroup(key)}
        vectors = {
            moment: model.mean(moment, dimension, groups, pair[moment]["n"])
            for moment in ("then", "now")
            if pair[moment] is not None
        }
        rows += vectors.values()
        if pair["change"] is not None:
            rows.append(vectors["now"] - vectors["then"])
    return rows


def _in_span(rows: list[numpy.ndarray], target: numpy.ndarray) -> bool:
    if not rows:
        return False
    matrix = numpy.array(rows)
    return bool(numpy.linalg.matrix_rank(numpy.vstack([matrix, target])) == numpy.linalg.matrix_rank(matrix))


def _secrets(model: Model, contents: dict[str, dict[str, Any]], dimension: str) -> dict[str, numpy.ndarray]:
    """What must stay unknown: each rater's score other than the line manager's, and each group's sum in
    a cycle whose report does not show that group on its own on this dimension."""
    secrets: dict[str, numpy.ndarray] = {}
    for cycle, responses in model.cycles.items():
        d = next(x for x in contents[cycle]["dimensions"] if x["key"] == dimension)
        shown = set(comparison.shown_alone(contents[cycle])) & set(d["groups"])
        for n in model.raters(cycle, dimension, {P, DR, OT}):
            vector = numpy.zeros(model.width)
            vector[model.column[(cycle, n)]] = 1
            secrets[f"{cycle} rater {n} ({responses[n].group.value})"] = vector
        for group in NON_SELF_GROUPS:
            raters = model.raters(cycle, dimension, {group})
            if group.value in shown or not raters:
                continue
            vector = numpy.zeros(model.width)
            for n in raters:
                vector[model.column[(cycle, n)]] = 1
            secrets[f"{cycle} hidden group {group.value}"] = vector
    return secrets


@PROPERTIES
@given(pair=pairs_of_cycles())
def test_the_comparison_recovers_nothing_that_neither_report_reveals_alone(
    pair: tuple[Thresholds, list[Response], Thresholds, list[Response], tuple[int, int]],
) -> None:
    then_thresholds, then, now_thresholds, now, shared = pair
    contents = {"then": _report(then, then_thresholds, b"then"), "now": _report(now, now_thresholds, b"now")}
    if any(c["state"] != "ready" for c in contents.values()):
        return
    progress = comparison.compare(contents["then"], contents["now"])
    model = Model(then, now, shared)

    for dimension in ("care", "vision"):
        figures = _progress_figures(model, progress, dimension)
        alone = {cycle: model.report_figures(cycle, contents[cycle], dimension) for cycle in contents}
        for name, secret in _secrets(model, contents, dimension).items():
            if _in_span(figures, secret):
                assert _in_span(alone["then"], secret) or _in_span(alone["now"], secret), (
                    f"{dimension}: {name} recovered from the comparison"
                )


@PROPERTIES
@given(pair=pairs_of_cycles())
def test_every_figure_is_its_own_cycles_published_figure_and_a_hidden_group_stays_hidden(
    pair: tuple[Thresholds, list[Response], Thresholds, list[Response], tuple[int, int]],
) -> None:
    then_thresholds, then, now_thresholds, now, _ = pair
    contents = {"then": _report(then, then_thresholds, b"then"), "now": _report(now, now_thresholds, b"now")}
    if any(c["state"] != "ready" for c in contents.values()):
        return
    progress = comparison.compare(contents["then"], contents["now"])

    for d in progress["dimensions"]:
        for moment, content in contents.items():
            published = next(x for x in content["dimensions"] if x["key"] == d["key"])
            alone = set(comparison.shown_alone(content))
            for key in ("self", "others"):
                cell = published[key]
                expected = None if cell is None else {k: v for k, v in cell.items() if k != "range"}
                assert d[key][moment] == expected
            for key, pair_of in d["groups"].items():
                if key in alone and key in published["groups"]:
                    assert pair_of[moment] == published["groups"][key]
                else:
                    assert pair_of[moment] is None  # hidden, combined or withheld in this cycle: not shown
        for pair_of in [d["self"], d["others"], *d["groups"].values()]:
            if pair_of["then"] is None or pair_of["now"] is None:
                assert pair_of["change"] is None
            else:
                assert pair_of["change"] == pytest.approx(pair_of["now"]["score"] - pair_of["then"]["score"])


def test_the_attack_finds_what_a_comparison_that_derived_a_hidden_group_would_expose() -> None:
    """The attacker is not toothless: direct reports shown alone in the earlier cycle and folded into the
    peers in the later one; a comparison that printed the later direct reports' figure (others minus the
    shown groups) would be caught."""
    then = [Response(S, {"c1": 3, "c2": 3, "v1": 3})] + [
        Response(g, {"c1": 1 + n % 4, "c2": 2, "v1": 3}) for n, g in enumerate([LM, P, P, P, DR, DR, DR])
    ]
    now = [Response(S, {"c1": 3, "c2": 3, "v1": 3})] + [
        Response(g, {"c1": 1 + n % 4, "c2": 3, "v1": 2}) for n, g in enumerate([LM, P, P, P, DR])
    ]
    contents = {"then": _report(then, Thresholds(), b"then"), "now": _report(now, Thresholds(), b"now")}
    progress = comparison.compare(contents["then"], contents["now"])
    care = next(d for d in progress["dimensions"] if d["key"] == "care")
    assert care["groups"]["direct_report"]["then"] is not None
    assert care["groups"]["direct_report"]["now"] is None
    assert care["groups"]["peer"]["now"] is None  # combined with the direct report: not the peers alone
    model = Model(then, now, (5, 4))
    secret = _secrets(model, contents, "care")["now hidden group direct_report"]

    derived = (
        model.mean("now", "care", set(NON_SELF_GROUPS), 5)
        - model.mean("now", "care", {LM}, 1) * (1 / 5)
        - model.mean("now", "care", {P}, 3) * (3 / 5)
    )
    leaky = [*_progress_figures(model, progress, "care"), derived]

    assert not _in_span(_progress_figures(model, progress, "care"), secret)
    assert _in_span(leaky, secret)
