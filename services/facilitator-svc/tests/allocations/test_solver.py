"""The cohort solver: optimal (checked against brute force), every hard rule and capacity kept."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from facilitator_svc.allocations import solver
from facilitator_svc.matching import rules
from facilitator_svc.vocabulary import FacilitatorStatus, Mode

TZ = ZoneInfo("Europe/London")
START = datetime(2031, 3, 3, 8, tzinfo=UTC)
END = START + timedelta(days=60)
ORGS = ["RX1", "RQ3", "RYJ", "R1K"]
LANGS = ["en", "cy", "pa", "pl"]
SPECIALISMS = ["team_360", "primary_care", "senior_leadership"]


def make_case(
    rng: random.Random, members: int, facilitators: int, max_slots: int, min_capacity: int = 0
) -> tuple[list[solver.CohortMember], list[rules.Candidate]]:
    candidates = []
    for i in range(facilitators):
        modes = rng.choice([("in_person",), ("video",), ("in_person", "video")])
        slots = tuple(
            rules.FreeSlot(
                uuid.UUID(int=i * 1000 + k),
                start := START + timedelta(days=rng.randrange(1, 58), hours=rng.randrange(0, 8)),
                start + timedelta(hours=1),
                tuple(m for m in modes if rng.random() < 0.8) or modes,
            )
            for k in range(rng.randrange(1 if min_capacity else 0, max_slots + 1))
        )
        candidates.append(
            rules.Candidate(
                id=uuid.UUID(int=i + 1),
                name=f"F{i}",
                organisation=rng.choice(ORGS),
                region=rng.choice(["london", "london", "east"]),
                status=FacilitatorStatus.ACTIVE if rng.random() < 0.9 else FacilitatorStatus.INACTIVE,
                accreditation_level="facilitator",
                accreditation_expires_on=date(2031, 4, rng.randrange(1, 30))
                if rng.random() < 0.2
                else date(2033, 1, 1),
                capacity_per_month=rng.randrange(min_capacity, 3),
                modes=modes,
                languages=tuple(rng.sample(LANGS, rng.randrange(1, 3))),
                specialisms=tuple(rng.sample(SPECIALISMS, rng.randrange(0, 3))),
                email_hash=f"hash-{i}",
                latitude=51 + rng.random() if rng.random() < 0.5 else None,
                longitude=-rng.random() if rng.random() < 0.5 else None,
                conflict_organisations=tuple(rng.sample(ORGS, 1)) if rng.random() < 0.2 else (),
                slots=slots,
                load={date(2031, 3, 1): rng.randrange(0, 2)} if rng.random() < 0.3 else {},
            )
        )
    cohort = []
    for j in range(members):
        cohort.append(
            solver.CohortMember(
                rules.Participant(
                    f"p{j}",
                    rng.choice(ORGS),
                    "london",
                    frozenset({f"hash-{rng.randrange(facilitators)}"}) if rng.random() < 0.3 else frozenset(),
                ),
                rules.Preferences(
                    window_starts_at=START,
                    window_ends_at=END,
                    mode=rng.choice([None, Mode.IN_PERSON, Mode.VIDEO]),
                    languages=tuple(rng.sample(LANGS, rng.randrange(0, 2))),
                    specialisms=tuple(rng.sample(SPECIALISMS, rng.randrange(0, 2))),
                    latitude=51.5 if rng.random() < 0.5 else None,
                    longitude=-0.1 if rng.random() < 0.5 else None,
                ),
            )
        )
    return cohort, candidates


def brute_force(network: solver.Network) -> tuple[int, int]:
    """(most participants assignable, least total cost among such assignments), by trying them all."""
    window = network.members[0].preferences
    options: list[list[tuple[int, Mode, rules.FreeSlot, int]]] = []
    for mi in range(len(network.members)):
        mine = []
        for (m, ci, mode), fit_cost in network.fits.items():
            if m != mi:
                continue
            for s in network.usable[ci]:
                if mode.value in s.modes:
                    mine.append((ci, mode, s, fit_cost + solver.slot_cost(window, s)))
        options.append(mine)
    best = (0, 0)
    used_slots: set[uuid.UUID] = set()
    per_month: Counter[tuple[int, date]] = Counter()

    def load_total() -> int:
        total = 0
        for (ci, month), n in per_month.items():
            c = network.candidates[ci]
            booked = c.load.get(month, 0)
            total += sum(solver.load_cost(c.capacity_per_month, booked + k) for k in range(n))
        return total

    def visit(mi: int, assigned: int, cost: int) -> None:
        nonlocal best
        if mi == len(options):
            total = cost + load_total()
            if assigned > best[0] or (assigned == best[0] and total < best[1]):
                best = (assigned, total)
            return
        visit(mi + 1, assigned, cost)
        for ci, _mode, s, arc_cost in options[mi]:
            c = network.candidates[ci]
            month = rules.month_of(s.starts_at, network.tz)
            if s.id in used_slots or c.load.get(month, 0) + per_month[(ci, month)] >= c.capacity_per_month:
                continue
            used_slots.add(s.id)
            per_month[(ci, month)] += 1
            visit(mi + 1, assigned + 1, cost + arc_cost)
            used_slots.discard(s.id)
            per_month[(ci, month)] -= 1

    visit(0, 0, 0)
    return best


def small_case(seed: int) -> solver.Network:
    rng = random.Random(seed)
    members, candidates = make_case(
        rng, members=rng.randrange(3, 6), facilitators=rng.randrange(2, 5), max_slots=3, min_capacity=1
    )
    return solver.build(members, candidates, tz=TZ, reference_km=80)


SEEDS = range(40)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_allocation_equals_the_optimum_found_by_brute_force(seed: int) -> None:
    network = small_case(seed)

    result = solver.solve(network)

    assert (result.assigned_count, result.objective) == brute_force(network)


def test_the_brute_force_cases_make_participants_compete_for_sessions() -> None:
    """Most small cases have several participants with a choice, and some leave someone unassigned or
    where the greedy order costs more: the comparison above is not a walk over empty cases."""
    networks = [small_case(seed) for seed in SEEDS]
    with_choices = [n for n in networks if len({(m, c) for (m, c, _) in n.fits}) >= 3]
    contested = [n for n in networks if (r := solver.solve(n)).unassigned or solver.greedy(n).objective != r.objective]

    assert len(with_choices) >= 25
    assert len(contested) >= 10


def test_a_case_where_greedy_is_worse_is_solved_optimally() -> None:
    """Two participants, two sessions: the first in line grabs the session the second needs most."""
    near, far = uuid.UUID(int=1), uuid.UUID(int=2)

    def candidate(id: uuid.UUID, languages: tuple[str, ...]) -> rules.Candidate:
        return rules.Candidate(
            id=id,
            name=str(id),
            organisation="RYJ",
            region="london",
            status=FacilitatorStatus.ACTIVE,
            accreditation_level="facilitator",
            accreditation_expires_on=date(2033, 1, 1),
            capacity_per_month=1,
            modes=("video",),
            languages=languages,
            specialisms=(),
            email_hash=str(id),
            slots=(
                rules.FreeSlot(uuid.uuid4(), START + timedelta(days=1), START + timedelta(days=1, hours=1), ("video",)),
            ),
        )

    def member(name: str, languages: tuple[str, ...]) -> solver.CohortMember:
        return solver.CohortMember(
            rules.Participant(name, "RX1", "london"),
            rules.Preferences(window_starts_at=START, window_ends_at=END, languages=languages),
        )

    members = [member("flexible", ("en",)), member("welsh-only", ("cy",))]
    network = solver.build(members, [candidate(near, ("en", "cy")), candidate(far, ("en",))], tz=TZ, reference_km=80)

    optimal, greedy = solver.solve(network), solver.greedy(network)

    assert optimal.assignments["welsh-only"].facilitator_id == near
    assert optimal.assignments["flexible"].facilitator_id == far
    assert optimal.objective < greedy.objective


def test_every_hard_rule_and_every_capacity_holds_in_a_large_allocation() -> None:
    rng = random.Random(7)
    members, candidates = make_case(rng, members=300, facilitators=40, max_slots=12)
    network = solver.build(members, candidates, tz=TZ, reference_km=80)

    result = solver.solve(network)

    by_id = {c.id: c for c in candidates}
    used = Counter[tuple[uuid.UUID, date]]()
    slots_taken: set[uuid.UUID] = set()
    for member in members:
        assignment = result.assignments.get(member.participant.id)
        if assignment is None:
            assert result.unassigned[member.participant.id].reason
            continue
        c = by_id[assignment.facilitator_id]
        assert rules.relationship_exclusions(member.participant, c) == []
        assert c.status == FacilitatorStatus.ACTIVE
        assert assignment.slot in c.slots
        assert assignment.slot.id not in slots_taken
        assert assignment.mode.value in assignment.slot.modes
        assert assignment.mode.value in c.modes
        assert member.preferences.mode in (None, assignment.mode)
        assert START <= assignment.slot.starts_at < END
        assert assignment.slot.starts_at.astimezone(TZ).date() <= c.accreditation_expires_on
        slots_taken.add(assignment.slot.id)
        used[(c.id, rules.month_of(assignment.slot.starts_at, TZ))] += 1
        assert {f.key for f in assignment.factors} == {"place", "soonest", "load", "language", "specialism"}
    for (facilitator_id, month), n in used.items():
        c = by_id[facilitator_id]
        assert c.load.get(month, 0) + n <= c.capacity_per_month
    assert result.assigned_count + len(result.unassigned) == len(members)
    greedy = solver.greedy(network)
    assert greedy.assigned_count <= result.assigned_count
    if greedy.assigned_count == result.assigned_count:
        assert result.objective <= greedy.objective


def test_those_left_unassigned_are_told_why() -> None:
    members, candidates = make_case(random.Random(3), members=1, facilitators=3, max_slots=2)
    only = solver.CohortMember(
        rules.Participant("p-same-org", candidates[0].organisation, "london"), members[0].preferences
    )
    same_org = [
        rules.Candidate(
            **{**c.__dict__, "organisation": candidates[0].organisation, "status": FacilitatorStatus.ACTIVE}
        )
        for c in candidates
    ]

    result = solver.solve(solver.build([only], same_org, tz=TZ, reference_km=80))

    unassigned = result.unassigned["p-same-org"]
    assert unassigned.excluded_by == {"same_organisation": 3}
    assert unassigned.reason == "no facilitator may take them (3 same organisation)"


def test_a_rater_and_a_declared_conflict_with_the_participant_are_told_apart_by_nobody() -> None:
    _, candidates = make_case(random.Random(5), members=1, facilitators=1, max_slots=2)
    base = rules.Candidate(
        **{**candidates[0].__dict__, "organisation": "RQ3", "status": FacilitatorStatus.ACTIVE, "email_hash": "h"}
    )
    preferences = rules.Preferences(window_starts_at=START, window_ends_at=END)
    as_rater = solver.CohortMember(rules.Participant("p-rated", "RX1", "london", frozenset({"h"})), preferences)
    as_declared = solver.CohortMember(rules.Participant("p-declared", "RX1", "london"), preferences)
    declared = rules.Candidate(**{**base.__dict__, "conflict_participants": ("p-declared",)})

    by_rater = solver.solve(solver.build([as_rater], [base], tz=TZ, reference_km=80)).unassigned["p-rated"]
    by_declared = solver.solve(solver.build([as_declared], [declared], tz=TZ, reference_km=80)).unassigned["p-declared"]

    assert by_rater == by_declared
    assert by_rater.excluded_by == {"conflict_of_interest": 1}
    assert by_rater.reason == "no facilitator may take them (1 conflict of interest)"


def test_capacity_taken_by_others_is_given_as_the_reason() -> None:
    slot = rules.FreeSlot(uuid.uuid4(), START + timedelta(days=1), START + timedelta(days=1, hours=1), ("video",))
    candidate = rules.Candidate(
        id=uuid.uuid4(),
        name="Only",
        organisation="RYJ",
        region="london",
        status=FacilitatorStatus.ACTIVE,
        accreditation_level="trainer",
        accreditation_expires_on=date(2033, 1, 1),
        capacity_per_month=5,
        modes=("video",),
        languages=("en",),
        specialisms=(),
        email_hash="h",
        slots=(slot,),
    )
    members = [
        solver.CohortMember(rules.Participant(f"p{i}", "RX1", "london"), rules.Preferences(START, END))
        for i in range(2)
    ]

    result = solver.solve(solver.build(members, [candidate], tz=TZ, reference_km=80))

    assert result.assigned_count == 1
    (reason,) = [u.reason for u in result.unassigned.values()]
    assert reason.startswith("every free session of the 1 facilitator(s) who could take them went to other members")


@pytest.mark.parametrize("seed", range(10))
def test_the_cohort_is_judged_by_the_same_rules_and_prices_as_matching(seed: int) -> None:
    """The solver judges the whole cohort with array operations; every pair must come out as
    ``rules.judge`` (which matching and booking use) decides it, at the price of matching's factors."""
    rng = random.Random(1000 + seed)
    members, candidates = make_case(rng, members=25, facilitators=12, max_slots=6)
    members = [
        solver.CohortMember(m.participant, rules.Preferences(**{**m.preferences.__dict__, "max_distance_km": 40.0}))
        if i % 3 == 0
        else m
        for i, m in enumerate(members)
    ]
    network = solver.build(members, candidates, tz=TZ, reference_km=80)

    for mi, member in enumerate(members):
        for ci, c in enumerate(candidates):
            verdict = rules.judge(member.participant, member.preferences, c, tz=TZ, reference_km=80)
            modes = {mode for (m, i, mode) in network.fits if (m, i) == (mi, ci)}
            assert bool(modes) == verdict.is_eligible, (mi, ci, verdict.exclusions)
            for mode in modes:
                factors = solver.fit_factors(network, mi, ci, mode)
                assert network.fits[(mi, ci, mode)] == sum(solver._cost(f.weight, f.value) for f in factors)
        excluded = network.exclusions[mi]
        assert sum(excluded.values()) >= len(candidates) - len({i for (m, i, _) in network.fits if m == mi})
