"""Optimal cohort allocation as a min-cost flow (OR-Tools), and the greedy baseline it is measured
against. Pure: no I/O, the same rules and scores as matching (``matching.rules``).

The network, for participants P, facilitators F, their free slots S and months M:

    source -> p              capacity 1                      (each participant at most once)
    p -> (f, mode)           capacity 1, cost of fit         (only where no hard rule forbids it)
    (f, mode) -> s           capacity 1, cost of the date    (slots offered in that mode)
    s -> (f, month)          capacity 1                      (each slot once)
    (f, month) -> sink       one arc per free place, capacity 1, rising cost   (capacity per month)

The arcs out of (f, month) cost more for each further session, so filling them is convex and the
cheapest flow spreads the load across facilitators the way the load score of matching does. OR-Tools
finds the maximum flow of minimum cost: as many participants as the capacities and rules allow are
assigned, and among all such assignments the one of least total cost.

Costs are integers: each factor of the matching score contributes ``weight * (1 - value)`` scaled by
``COST_SCALE``, so a participant's cost is ``COST_SCALE * (1 - score)`` of the session they get.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]

from facilitator_svc.matching import rules
from facilitator_svc.vocabulary import FacilitatorStatus, Mode

COST_SCALE = 10_000
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class CohortMember:
    participant: rules.Participant
    preferences: rules.Preferences


@dataclass(frozen=True)
class Assignment:
    facilitator_id: UUID
    slot: rules.FreeSlot
    mode: Mode
    cost: int
    factors: tuple[rules.Factor, ...]


@dataclass(frozen=True)
class Unassigned:
    reason: str
    # How many facilitators each rule kept away from this participant.
    excluded_by: dict[str, int] = field(default_factory=dict)


@dataclass
class Allocation:
    assignments: dict[str, Assignment]
    unassigned: dict[str, Unassigned]
    objective: int
    status: str = "optimal"

    @property
    def assigned_count(self) -> int:
        return len(self.assignments)


def _cost(weight: float, value: float) -> int:
    return round(COST_SCALE * weight * (1.0 - value))


def _costs(weight: float, values: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """:func:`_cost` over an array (the same arithmetic, rounded half to even like ``round``)."""
    return np.rint(COST_SCALE * weight * (1.0 - values)).astype(np.int64)


def load_cost(capacity: int, booked_before: int) -> int:
    """What one more session costs a facilitator who already has ``booked_before`` that month."""
    return _cost(rules.WEIGHTS["load"], rules.load_fraction_free(capacity, booked_before))


def slot_cost(preferences: rules.Preferences, slot: rules.FreeSlot) -> int:
    value, _ = rules.soonest_value(preferences, slot)
    return _cost(rules.WEIGHTS["soonest"], value)


@dataclass
class Network:
    """The facts the flow is built from, kept to explain the result."""

    members: Sequence[CohortMember]
    candidates: Sequence[rules.Candidate]
    tz: ZoneInfo
    reference_km: float
    # (member index, candidate index, mode) -> cost of the pair's fit (place, language, specialism)
    fits: dict[tuple[int, int, Mode], int] = field(default_factory=dict)
    # candidate index -> usable slots (in the window, before expiry, in a month with free places)
    usable: dict[int, list[rules.FreeSlot]] = field(default_factory=dict)
    exclusions: dict[int, dict[str, int]] = field(default_factory=dict)


class _Register:
    """The candidates as columns, so each participant is judged against all of them in a few array
    operations: a cohort of thousands against hundreds of facilitators is millions of pairs."""

    def __init__(self, candidates: Sequence[rules.Candidate], usable: dict[int, list[rules.FreeSlot]], first_day: date):
        n = len(candidates)
        self.size = n
        self.active = np.array([c.status == FacilitatorStatus.ACTIVE for c in candidates], dtype=bool)
        self.organisation = [c.organisation for c in candidates]
        self.by_organisation: dict[str, npt.NDArray[np.bool_]] = defaultdict(lambda: np.zeros(n, dtype=bool))
        self.declared_organisation: dict[str, npt.NDArray[np.bool_]] = defaultdict(lambda: np.zeros(n, dtype=bool))
        self.declared_person: dict[str, list[int]] = defaultdict(list)
        self.by_email_hash: dict[str, list[int]] = defaultdict(list)
        self.by_region: dict[str, npt.NDArray[np.bool_]] = defaultdict(lambda: np.zeros(n, dtype=bool))
        self.speaks: dict[str, npt.NDArray[np.bool_]] = defaultdict(lambda: np.zeros(n, dtype=bool))
        self.specialises: dict[str, npt.NDArray[np.bool_]] = defaultdict(lambda: np.zeros(n, dtype=bool))
        for i, c in enumerate(candidates):
            self.by_organisation[c.organisation][i] = True
            for org in c.conflict_organisations:
                self.declared_organisation[org][i] = True
            for person in c.conflict_participants:
                self.declared_person[person].append(i)
            self.by_email_hash[c.email_hash].append(i)
            self.by_region[c.region][i] = True
            for language in {lang.split("-")[0] for lang in c.languages}:
                self.speaks[language][i] = True
            for specialism in c.specialisms:
                self.specialises[specialism][i] = True
        self.offers = {m: np.array([m.value in c.modes for c in candidates], dtype=bool) for m in Mode}
        self.usable_in = {
            m: np.array([any(m.value in s.modes for s in usable[i]) for i in range(n)], dtype=bool) for m in Mode
        }
        self.has_usable = np.array([bool(usable[i]) for i in range(n)], dtype=bool)
        self.has_slots = np.array([bool(c.slots) for c in candidates], dtype=bool)
        self.has_accredited_slots = np.array(
            [any(s.starts_at.date() <= c.accreditation_expires_on for s in c.slots) for c in candidates], dtype=bool
        )
        self.accredited = np.array([c.accreditation_expires_on >= first_day for c in candidates], dtype=bool)
        self.has_place = np.array([c.latitude is not None and c.longitude is not None for c in candidates], dtype=bool)
        self.lat = np.radians(np.array([c.latitude if c.latitude is not None else 0.0 for c in candidates]))
        self.lon = np.radians(np.array([c.longitude if c.longitude is not None else 0.0 for c in candidates]))

    def _mask(self, table: dict[str, npt.NDArray[np.bool_]], key: str | None) -> npt.NDArray[np.bool_]:
        return table[key] if key is not None and key in table else np.zeros(self.size, dtype=bool)

    def _indices(self, indices: Sequence[int]) -> npt.NDArray[np.bool_]:
        mask = np.zeros(self.size, dtype=bool)
        mask[list(indices)] = True
        return mask

    def judge(
        self, member: CohortMember, reference_km: float
    ) -> tuple[dict[Mode, npt.NDArray[np.int64]], dict[Mode, npt.NDArray[np.bool_]], dict[str, int]]:
        """For one participant: the fit cost per mode, where each mode is allowed, and how many
        facilitators each rule kept away (the same rules, in the same order, as ``rules.judge``)."""
        p, prefs = member.participant, member.preferences
        inactive = ~self.active
        same = self._mask(self.by_organisation, p.organisation)
        declared = self._mask(self.declared_organisation, p.organisation)
        # A declared conflict with the participant and being one of their raters are counted as one
        # rule, each facilitator once: the count must not tell a rater apart.
        personal = self._indices(
            [
                *self.declared_person.get(p.id, ()),
                *(i for h in p.rater_hashes for i in self.by_email_hash.get(h, ())),
            ]
        )
        related = inactive | same | declared | personal
        counts = {
            rules.Rule.INACTIVE.value: int(inactive.sum()),
            rules.Rule.SAME_ORGANISATION.value: int(same.sum()),
            rules.Rule.DECLARED_CONFLICT.value: int(declared.sum()),
            rules.Rule.CONFLICT_OF_INTEREST.value: int(personal.sum()),
        }
        remaining = ~related
        if prefs.mode is not None:
            wrong_mode = remaining & ~self.offers[prefs.mode]
            counts[rules.Rule.MODE_NOT_OFFERED.value] = int(wrong_mode.sum())
            remaining &= ~wrong_mode
        expired = remaining & ~self.accredited
        counts[rules.Rule.ACCREDITATION_EXPIRED.value] = int(expired.sum())
        remaining &= self.accredited
        unusable = remaining & ~self.has_usable
        counts[rules.Rule.NO_FREE_SLOT.value] = int((unusable & ~self.has_slots).sum())
        counts[rules.Rule.ACCREDITATION_EXPIRED.value] += int(
            (unusable & self.has_slots & ~self.has_accredited_slots).sum()
        )
        counts[rules.Rule.NO_CAPACITY.value] = int((unusable & self.has_accredited_slots).sum())
        remaining &= self.has_usable

        same_region = self._mask(self.by_region, p.region)
        language = np.ones(self.size) if not prefs.languages else np.zeros(self.size)
        for i, wanted in enumerate(prefs.languages):
            language = np.maximum(
                language, np.where(self._mask(self.speaks, wanted.split("-")[0]), max(0.25, 1.0 - 0.25 * i), 0.0)
            )
        specialism = np.ones(self.size)
        if prefs.specialisms:
            covered = sum(self._mask(self.specialises, s).astype(np.float64) for s in prefs.specialisms)
            specialism = np.asarray(covered, dtype=np.float64) / len(prefs.specialisms)
        shared = _costs(rules.WEIGHTS["language"], language) + _costs(rules.WEIGHTS["specialism"], specialism)

        costs: dict[Mode, npt.NDArray[np.int64]] = {}
        allowed: dict[Mode, npt.NDArray[np.bool_]] = {}
        modes = [prefs.mode] if prefs.mode is not None else list(Mode)
        in_mode = np.zeros(self.size, dtype=bool)
        near_enough = np.zeros(self.size, dtype=bool)
        for mode in modes:
            possible = remaining & self.offers[mode] & self.usable_in[mode]
            in_mode |= possible
            if mode == Mode.VIDEO:
                place = np.where(same_region, 1.0, rules.VIDEO_OTHER_REGION_PLACE)
            else:
                place = np.where(same_region, 1.0, rules.OTHER_REGION_PLACE)
                if prefs.latitude is not None and prefs.longitude is not None:
                    km = _distance_km(prefs.latitude, prefs.longitude, self.lat, self.lon)
                    place = np.where(self.has_place, np.maximum(0.0, 1.0 - km / reference_km), place)
                    if prefs.max_distance_km is not None:
                        possible = possible & ~(self.has_place & (km > prefs.max_distance_km))
            near_enough |= possible
            costs[mode] = _costs(rules.WEIGHTS["place"], place) + shared
            allowed[mode] = possible
        counts[rules.Rule.NO_FREE_SLOT.value] += int((remaining & ~in_mode).sum())
        counts[rules.Rule.TOO_FAR.value] = int((in_mode & ~near_enough).sum())
        return costs, allowed, {k: v for k, v in counts.items() if v}


def _distance_km(
    lat: float, lon: float, lats: npt.NDArray[np.float64], lons: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """``rules.distance_km`` from one point to many."""
    p1 = math.radians(lat)
    dp, dl = lats - p1, lons - math.radians(lon)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(lats) * np.sin(dl / 2) ** 2
    return np.asarray(2 * 6371.0088 * np.arcsin(np.minimum(1.0, np.sqrt(a))), dtype=np.float64)


def build(
    members: Sequence[CohortMember],
    candidates: Sequence[rules.Candidate],
    *,
    tz: ZoneInfo,
    reference_km: float,
    progress: Progress | None = None,
) -> Network:
    """Apply every hard rule to every pair and price the pairs that remain. The cohort shares one
    window: that of its first member."""
    network = Network(members, candidates, tz, reference_km)
    if not members:
        return network
    window = members[0].preferences
    for ci, c in enumerate(candidates):
        network.usable[ci] = (
            [
                s
                for s in c.slots
                if window.window_starts_at <= s.starts_at < window.window_ends_at
                and s.starts_at.astimezone(tz).date() <= c.accreditation_expires_on
                and c.load.get(rules.month_of(s.starts_at, tz), 0) < c.capacity_per_month
            ]
            if c.status == FacilitatorStatus.ACTIVE
            else []
        )
    if not candidates:
        return network
    register = _Register(candidates, network.usable, window.window_starts_at.astimezone(tz).date())
    for mi, member in enumerate(members):
        costs, allowed, counts = register.judge(member, reference_km)
        for mode, mask in allowed.items():
            mode_costs = costs[mode]
            for ci in np.flatnonzero(mask).tolist():
                network.fits[(mi, ci, mode)] = int(mode_costs[ci])
        network.exclusions[mi] = counts
        if progress is not None and mi % 100 == 0:
            progress(0.1 + 0.4 * mi / len(members), "building")
    return network


def fit_factors(network: Network, mi: int, ci: int, mode: Mode) -> tuple[rules.Factor, ...]:
    """The place, language and specialism reasons of a pair, as matching words them."""
    member, c = network.members[mi], network.candidates[ci]
    p = member.preferences
    place, place_detail, _ = rules.place_value(member.participant, p, c, mode, network.reference_km)
    language, language_detail = rules.language_value(p, c)
    specialism, specialism_detail = rules.specialism_value(p, c)
    return (
        rules.Factor("place", rules.WEIGHTS["place"], place, place_detail),
        rules.Factor("language", rules.WEIGHTS["language"], language, language_detail),
        rules.Factor("specialism", rules.WEIGHTS["specialism"], specialism, specialism_detail),
    )


def solve(network: Network, *, progress: Progress | None = None) -> Allocation:
    """The maximum assignment of minimum total cost."""
    members, candidates, tz = network.members, network.candidates, network.tz
    if not members:
        return Allocation({}, {}, 0)
    window = members[0].preferences
    flow = min_cost_flow.SimpleMinCostFlow()
    node_count = 0

    def new_node() -> int:
        nonlocal node_count
        node_count += 1
        return node_count - 1

    source, sink = new_node(), new_node()
    member_node = [new_node() for _ in members]
    fm_node: dict[tuple[int, Mode], int] = {}
    slot_node: dict[tuple[int, UUID], int] = {}
    month_node: dict[tuple[int, date], int] = {}
    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    costs: list[int] = []

    def arc(tail: int, head: int, cost: int) -> int:
        tails.append(tail)
        heads.append(head)
        caps.append(1)
        costs.append(cost)
        return len(tails) - 1

    for mi in range(len(members)):
        arc(source, member_node[mi], 0)
    pair_arcs: dict[int, tuple[int, int, Mode]] = {}
    for (mi, ci, mode), cost in network.fits.items():
        key = (ci, mode)
        if key not in fm_node:
            fm_node[key] = new_node()
        pair_arcs[arc(member_node[mi], fm_node[key], cost)] = (mi, ci, mode)
    slot_arcs: dict[int, tuple[int, Mode, rules.FreeSlot]] = {}
    for (ci, mode), node in fm_node.items():
        for s in network.usable[ci]:
            if mode.value not in s.modes:
                continue
            if (ci, s.id) not in slot_node:
                slot_node[(ci, s.id)] = new_node()
                month = rules.month_of(s.starts_at, tz)
                if (ci, month) not in month_node:
                    month_node[(ci, month)] = new_node()
                arc(slot_node[(ci, s.id)], month_node[(ci, month)], 0)
            slot_arcs[arc(node, slot_node[(ci, s.id)], slot_cost(window, s))] = (ci, mode, s)
    for (ci, month), node in month_node.items():
        c = candidates[ci]
        booked = c.load.get(month, 0)
        for k in range(c.capacity_per_month - booked):
            arc(node, sink, load_cost(c.capacity_per_month, booked + k))

    if progress is not None:
        progress(0.55, "solving")
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    flow.set_node_supply(source, len(members))
    flow.set_node_supply(sink, -len(members))
    for n in range(2, node_count):
        flow.set_node_supply(n, 0)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"the min-cost flow solver answered {status}")
    if progress is not None:
        progress(0.9, "explaining")

    # Pair each participant with a slot of the (facilitator, mode) node they flow into; any pairing
    # costs the same, since the two arcs' costs do not depend on each other.
    arriving: dict[tuple[int, Mode], list[int]] = defaultdict(list)
    for a, (mi, ci, mode) in pair_arcs.items():
        if flow.flow(a):
            arriving[(ci, mode)].append(mi)
    leaving: dict[tuple[int, Mode], list[rules.FreeSlot]] = defaultdict(list)
    for a, (ci, mode, s) in slot_arcs.items():
        if flow.flow(a):
            leaving[(ci, mode)].append(s)
    chosen: list[tuple[int, int, Mode, rules.FreeSlot]] = []
    for key, mis in arriving.items():
        slots = sorted(leaving[key], key=lambda s: s.starts_at)
        for mi, s in zip(sorted(mis), slots, strict=True):
            chosen.append((mi, key[0], key[1], s))
    allocation = _explain(network, chosen)
    if allocation.objective != flow.optimal_cost():
        raise RuntimeError(f"explained cost {allocation.objective} differs from the solver's {flow.optimal_cost()}")
    return allocation


def _explain(network: Network, chosen: Sequence[tuple[int, int, Mode, rules.FreeSlot]]) -> Allocation:
    """Reasons per participant, with each facilitator-month's places handed out in order of date."""
    members, candidates, tz = network.members, network.candidates, network.tz
    window = members[0].preferences
    used: dict[tuple[int, date], int] = defaultdict(int)
    assignments: dict[str, Assignment] = {}
    for mi, ci, mode, s in sorted(chosen, key=lambda x: (x[3].starts_at, x[0])):
        c = candidates[ci]
        month = rules.month_of(s.starts_at, tz)
        booked = c.load.get(month, 0) + used[(ci, month)]
        used[(ci, month)] += 1
        soon, soon_detail = rules.soonest_value(window, s)
        load, load_detail = rules.load_value(c.capacity_per_month, booked, month)
        factors = (
            *fit_factors(network, mi, ci, mode),
            rules.Factor("soonest", rules.WEIGHTS["soonest"], soon, soon_detail),
            rules.Factor("load", rules.WEIGHTS["load"], load, load_detail),
        )
        cost = network.fits[(mi, ci, mode)] + slot_cost(window, s) + load_cost(c.capacity_per_month, booked)
        assignments[members[mi].participant.id] = Assignment(c.id, s, mode, cost, factors)
    unassigned: dict[str, Unassigned] = {}
    eligible_facilitators: dict[int, set[int]] = defaultdict(set)
    for m, ci, _ in network.fits:
        eligible_facilitators[m].add(ci)
    for mi, member in enumerate(members):
        if member.participant.id in assignments:
            continue
        excluded = network.exclusions.get(mi, {})
        eligible = len(eligible_facilitators[mi])
        if eligible:
            reason = (
                f"every free session of the {eligible} facilitator(s) who could take them went to other members "
                "of the cohort: the capacities allow no more assignments"
            )
        elif not candidates:
            reason = "the region has no facilitator with a free session in the window"
        else:
            listed = ", ".join(
                f"{n} {rule.replace('_', ' ')}" for rule, n in sorted(excluded.items(), key=lambda x: -x[1])
            )
            reason = f"no facilitator may take them ({listed})"
        unassigned[member.participant.id] = Unassigned(reason, dict(excluded))
    return Allocation(assignments, unassigned, sum(a.cost for a in assignments.values()))


def greedy(network: Network) -> Allocation:
    """The baseline: participants in the order given, each taking the cheapest session still free
    (fit, date and the facilitator's load at that moment), with no regard for who comes after."""
    members, candidates, tz = network.members, network.candidates, network.tz
    if not members:
        return Allocation({}, {}, 0)
    window = members[0].preferences
    by_member: dict[int, list[tuple[int, Mode, int]]] = defaultdict(list)
    for (mi, ci, mode), cost in network.fits.items():
        by_member[mi].append((ci, mode, cost))
    # Free slots per (facilitator, mode, month), cheapest first: the cheapest free one is at the front.
    queues: dict[tuple[int, Mode, date], list[tuple[int, rules.FreeSlot]]] = defaultdict(list)
    for ci, slots in network.usable.items():
        for slot in slots:
            for mode_name in slot.modes:
                queues[(ci, Mode(mode_name), rules.month_of(slot.starts_at, tz))].append(
                    (slot_cost(window, slot), slot)
                )
    for queue in queues.values():
        queue.sort(key=lambda x: (x[0], x[1].starts_at, x[1].id))
    months: dict[tuple[int, Mode], list[date]] = defaultdict(list)
    for ci, mode, month in queues:
        months[(ci, mode)].append(month)
    heads: dict[tuple[int, Mode, date], int] = defaultdict(int)
    taken: set[UUID] = set()
    used: dict[tuple[int, date], int] = defaultdict(int)
    chosen: list[tuple[int, int, Mode, rules.FreeSlot]] = []

    def front(key: tuple[int, Mode, date]) -> tuple[int, rules.FreeSlot] | None:
        queue = queues[key]
        while heads[key] < len(queue) and queue[heads[key]][1].id in taken:
            heads[key] += 1
        return queue[heads[key]] if heads[key] < len(queue) else None

    for mi in range(len(members)):
        best: tuple[int, int, Mode, rules.FreeSlot] | None = None
        for ci, mode, fit_cost in by_member[mi]:
            c = candidates[ci]
            for month in months[(ci, mode)]:
                booked = c.load.get(month, 0) + used[(ci, month)]
                if booked >= c.capacity_per_month:
                    continue
                head = front((ci, mode, month))
                if head is None:
                    continue
                cost = fit_cost + head[0] + load_cost(c.capacity_per_month, booked)
                if best is None or cost < best[0]:
                    best = (cost, ci, mode, head[1])
        if best is not None:
            _, ci, mode, slot = best
            taken.add(slot.id)
            used[(ci, rules.month_of(slot.starts_at, tz))] += 1
            chosen.append((mi, ci, mode, slot))
    allocation = _explain(network, chosen)
    allocation.status = "greedy"
    return allocation


def summary(allocation: Allocation) -> dict[str, Any]:
    return {
        "assigned": allocation.assigned_count,
        "unassigned": len(allocation.unassigned),
        "objective": allocation.objective,
    }
