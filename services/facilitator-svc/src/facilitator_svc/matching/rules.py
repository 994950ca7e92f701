"""The rules of matching, in one place, free of I/O: who may never facilitate whom, which sessions are
usable, and how an eligible facilitator is scored. Matching, booking and cohort allocation all decide
with these functions, so a facilitator the matcher calls ineligible can neither be booked nor allocated.

Hard rules (DOMAIN.md): never eligible are facilitators who are inactive; whose accreditation has
expired by the session date; of the participant's own organisation; with a declared conflict; who are
one of the participant's raters (matched on the keyed email hash); with no capacity left that month;
with no free slot in the wanted window or mode. Ranking weighs distance or region, the soonest slot,
current load, and language and specialism fit.

A rater's identity never leaves the survey service: a facilitator ruled out because they rate the
participant is reported, to everyone and everywhere, exactly as one who declared a conflict with the
participant is (``Rule.CONFLICT_OF_INTEREST``, ``CONFLICT_OF_INTEREST_DETAIL``), so nobody can tell which.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import NamedTuple
from uuid import UUID
from zoneinfo import ZoneInfo

from facilitator_svc.vocabulary import FacilitatorStatus, Mode, SessionKind


class Rule(StrEnum):
    """Why a facilitator cannot take a participant's session."""

    INACTIVE = "inactive"
    ACCREDITATION_EXPIRED = "accreditation_expired"
    SAME_ORGANISATION = "same_organisation"
    # The facilitator declared a conflict with the participant's organisation (not secret).
    DECLARED_CONFLICT = "declared_conflict"
    # A conflict with the participant in person: declared by the facilitator, or the facilitator is one
    # of the participant's raters. One rule for both, so a rater is never told apart.
    CONFLICT_OF_INTEREST = "conflict_of_interest"
    NO_CAPACITY = "no_capacity"
    NO_FREE_SLOT = "no_free_slot"
    MODE_NOT_OFFERED = "mode_not_offered"
    # The facilitator does not offer the kind of session asked for (feedback, coaching or mentoring).
    KIND_NOT_OFFERED = "kind_not_offered"
    TOO_FAR = "too_far"


# Rules that say something about the participant's relationships; a participant is told only that
# there is a conflict of interest, never which (a facilitator's declared conflicts are theirs to keep).
CONFLICTS = frozenset({Rule.SAME_ORGANISATION, Rule.DECLARED_CONFLICT, Rule.CONFLICT_OF_INTEREST})
# The one wording of a conflict of interest that is not to be told apart (see the module's docstring).
CONFLICT_OF_INTEREST_DETAIL = "a conflict of interest rules this facilitator out"

WEIGHTS: Mapping[str, float] = {
    "place": 0.30,
    "soonest": 0.20,
    "load": 0.15,
    "language": 0.20,
    "specialism": 0.15,
}
_MODES = {m.value: m for m in Mode}
_IN_PERSON = Mode.IN_PERSON  # read once: a member read from its enumeration goes through a descriptor
# An in-person facilitator outside the participant's region, where neither has coordinates.
OTHER_REGION_PLACE = 0.0
# A video session with a facilitator of another region: distance is no obstacle, but academies prefer
# their own region's facilitators, who know its services.
VIDEO_OTHER_REGION_PLACE = 0.8


@dataclass(frozen=True)
class Participant:
    id: str
    organisation: str
    region: str | None
    rater_hashes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Preferences:
    window_starts_at: datetime
    window_ends_at: datetime
    mode: Mode | None = None
    languages: tuple[str, ...] = ()
    specialisms: tuple[str, ...] = ()
    latitude: float | None = None
    longitude: float | None = None
    max_distance_km: float | None = None
    # The kind of session: only slots of this kind are usable, only with a facilitator who offers it.
    kind: SessionKind = SessionKind.FEEDBACK


class FreeSlot(NamedTuple):
    """A free session. A tuple rather than a frozen dataclass: a match reads some three hundred of them, and
    a frozen dataclass sets each field through ``object.__setattr__``."""

    id: UUID
    starts_at: datetime
    ends_at: datetime
    modes: tuple[str, ...]
    venue: str | None = None
    # The calendar month of the start where the academies are, when the loader already knows it.
    month: date | None = None
    kind: str = SessionKind.FEEDBACK.value


@dataclass(frozen=True)
class Candidate:
    """A facilitator as the rules see them, with their free slots in the window and their load."""

    id: UUID
    name: str
    organisation: str
    region: str
    status: FacilitatorStatus
    accreditation_level: str
    accreditation_expires_on: date
    capacity_per_month: int
    modes: tuple[str, ...]
    languages: tuple[str, ...]
    specialisms: tuple[str, ...]
    email_hash: str
    latitude: float | None = None
    longitude: float | None = None
    conflict_organisations: tuple[str, ...] = ()
    conflict_participants: tuple[str, ...] = ()
    slots: tuple[FreeSlot, ...] = ()
    # Sessions that occupy the facilitator, per calendar month (first day of the month), of every kind.
    load: Mapping[date, int] = field(default_factory=dict)
    # The kinds of session the facilitator offers.
    session_kinds: tuple[str, ...] = (SessionKind.FEEDBACK.value,)


@dataclass(frozen=True)
class Exclusion:
    rule: Rule
    detail: str


@dataclass(frozen=True)
class Factor:
    key: str
    weight: float
    value: float
    detail: str

    @property
    def contribution(self) -> float:
        return self.weight * self.value


@dataclass(frozen=True)
class SlotOption:
    slot: FreeSlot
    mode: Mode
    score: float
    factors: tuple[Factor, ...]


@dataclass(frozen=True)
class Verdict:
    """A facilitator judged for one participant: the usable sessions, best first, or why there are none."""

    candidate: Candidate
    exclusions: tuple[Exclusion, ...]
    options: tuple[SlotOption, ...]

    @property
    def is_eligible(self) -> bool:
        return not self.exclusions and bool(self.options)

    @property
    def best(self) -> SlotOption:
        return self.options[0]


def month_of(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date().replace(day=1)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) on a sphere of the Earth's mean radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def relationship_exclusions(participant: Participant, candidate: Candidate) -> list[Exclusion]:
    """Rules about who the two people are, whatever the session."""
    out: list[Exclusion] = []
    if candidate.status != FacilitatorStatus.ACTIVE:
        out.append(Exclusion(Rule.INACTIVE, f"the facilitator is {candidate.status.value}"))
    if candidate.organisation == participant.organisation:
        out.append(Exclusion(Rule.SAME_ORGANISATION, f"both work for {participant.organisation}"))
    if participant.organisation in candidate.conflict_organisations:
        out.append(
            Exclusion(Rule.DECLARED_CONFLICT, f"the facilitator declared a conflict with {participant.organisation}")
        )
    # One exclusion whether declared, a rater, or both: neither the rule, the wording nor the count of
    # exclusions may tell a rater apart.
    if participant.id in candidate.conflict_participants or candidate.email_hash in participant.rater_hashes:
        out.append(Exclusion(Rule.CONFLICT_OF_INTEREST, CONFLICT_OF_INTEREST_DETAIL))
    return out


def place_value(
    participant: Participant, preferences: Preferences, candidate: Candidate, mode: Mode, reference_km: float
) -> tuple[float, str, float | None]:
    """How well the facilitator's place suits the session: (value, detail, distance in km if known)."""
    same_region = participant.region is not None and candidate.region == participant.region
    if mode == Mode.VIDEO:
        if same_region:
            return 1.0, f"video session, facilitator in your region ({candidate.region})", None
        return VIDEO_OTHER_REGION_PLACE, f"video session, facilitator in {candidate.region}", None
    if (
        preferences.latitude is not None
        and preferences.longitude is not None
        and candidate.latitude is not None
        and candidate.longitude is not None
    ):
        km = distance_km(preferences.latitude, preferences.longitude, candidate.latitude, candidate.longitude)
        return max(0.0, 1.0 - km / reference_km), f"{km:.0f} km away", km
    if same_region:
        return 1.0, f"in your region ({candidate.region})", None
    return OTHER_REGION_PLACE, f"outside your region, in {candidate.region}", None


def language_value(preferences: Preferences, candidate: Candidate) -> tuple[float, str]:
    if not preferences.languages:
        return 1.0, "no language asked for"
    spoken = {lang.split("-")[0] for lang in candidate.languages}
    for i, wanted in enumerate(preferences.languages):
        if wanted.split("-")[0] in spoken:
            # The first language asked for is worth most; each later one a quarter less.
            return max(0.25, 1.0 - 0.25 * i), f"speaks {wanted}" + (" (your first choice)" if i == 0 else "")
    return 0.0, f"speaks none of {', '.join(preferences.languages)}"


def specialism_value(preferences: Preferences, candidate: Candidate) -> tuple[float, str]:
    if not preferences.specialisms:
        return 1.0, "no specialism asked for"
    covered = [s for s in preferences.specialisms if s in candidate.specialisms]
    if not covered:
        return 0.0, f"no experience listed in {', '.join(preferences.specialisms)}"
    return len(covered) / len(preferences.specialisms), f"experienced in {', '.join(covered)}"


def soonest_fraction(preferences: Preferences, starts_at: datetime) -> float:
    """1 for a session at the start of the window, falling to 0 at its end."""
    span = (preferences.window_ends_at - preferences.window_starts_at).total_seconds()
    waited = (starts_at - preferences.window_starts_at).total_seconds()
    value = 1.0 - waited / span if span > 0 else 1.0
    return min(1.0, max(0.0, value))


def soonest_value(preferences: Preferences, slot: FreeSlot) -> tuple[float, str]:
    return soonest_fraction(preferences, slot.starts_at), f"session on {slot.starts_at.date().isoformat()}"


def load_fraction_free(capacity: int, booked: int) -> float:
    """The share of the month's capacity still free: 1 for an idle facilitator, 0 for a full one."""
    return max(0.0, 1.0 - booked / capacity) if capacity > 0 else 0.0


@functools.lru_cache(maxsize=256)
def _month_name(month: date) -> str:
    return month.strftime("%B %Y")


def load_value(capacity: int, booked: int, month: date) -> tuple[float, str]:
    detail = f"{booked} of {capacity} sessions booked in {_month_name(month)}"
    return load_fraction_free(capacity, booked), detail


def judge(
    participant: Participant,
    preferences: Preferences,
    candidate: Candidate,
    *,
    tz: ZoneInfo,
    reference_km: float,
    keep: int | None = None,
    worded: int | None = None,
) -> Verdict:
    """Every rule applied to one facilitator; their usable sessions scored, best first. ``keep`` limits
    how many of the best sessions are kept (all by default), ``worded`` how many of those are spelt out
    with their reasons (all kept by default; the others have none): scoring a session is arithmetic,
    wording its reasons is what costs, and a match shows the reasons of each facilitator's best only."""
    exclusions = relationship_exclusions(participant, candidate)
    if preferences.mode is not None and preferences.mode.value not in candidate.modes:
        mode_words = preferences.mode.value.replace("_", " ")
        exclusions.append(Exclusion(Rule.MODE_NOT_OFFERED, f"the facilitator does not work {mode_words}"))
    if preferences.kind.value not in candidate.session_kinds:
        exclusions.append(
            Exclusion(Rule.KIND_NOT_OFFERED, f"the facilitator does not offer {preferences.kind.value} sessions")
        )
    today = preferences.window_starts_at.astimezone(tz).date()
    if candidate.accreditation_expires_on < today:
        exclusions.append(
            Exclusion(Rule.ACCREDITATION_EXPIRED, f"accreditation expired on {candidate.accreditation_expires_on}")
        )
    if exclusions:
        return Verdict(candidate, tuple(exclusions), ())

    place_cache: dict[Mode, tuple[float, str, float | None]] = {}
    language, language_detail = language_value(preferences, candidate)
    specialism, specialism_detail = specialism_value(preferences, candidate)
    w_place, w_soon, w_load = WEIGHTS["place"], WEIGHTS["soonest"], WEIGHTS["load"]
    w_language, w_specialism = WEIGHTS["language"], WEIGHTS["specialism"]
    # The instants every session is compared with, in UTC as the driver gives a session's times: two
    # times of one zone compare field by field, where times of two zones each ask their zone for its
    # offset (comparing and subtracting times was 8 % of a match's instructions).
    window_start, window_end = preferences.window_starts_at.astimezone(UTC), preferences.window_ends_at.astimezone(UTC)
    span = (window_end - window_start).total_seconds()
    wanted = preferences.mode.value if preferences.mode is not None else None
    kind = preferences.kind.value
    # Sessions starting from the day after expiry, local time, are past the accreditation.
    expired_from = datetime.combine(
        candidate.accreditation_expires_on + timedelta(days=1), time(0), tzinfo=tz
    ).astimezone(UTC)
    capacity = candidate.capacity_per_month
    max_km = preferences.max_distance_km
    # The terms of every score that are the facilitator's whatever the session (added in the same order).
    language_term, specialism_term = w_language * language, w_specialism * specialism
    # Per month: its load factor (None for a month with no room) and the sessions booked in it.
    load_of: dict[date, tuple[float | None, int]] = {}
    # Per mode offered: its place factor (place_value), and whether the distance rules it out.
    place_of: dict[str, tuple[Mode, float, bool]] = {}
    scored: list[tuple[float, datetime, UUID, FreeSlot, Mode, float, date, int]] = []
    in_window = in_mode = accredited = too_far = 0
    # One pass over the sessions, cheapest tests first: a match scores thousands of them.
    for slot in candidate.slots:
        starts_at = slot.starts_at
        if slot.kind != kind or not window_start <= starts_at < window_end:
            continue
        in_window += 1
        if wanted is not None and wanted not in slot.modes:
            continue
        in_mode += 1
        if starts_at >= expired_from:
            continue
        accredited += 1
        month = slot.month or month_of(starts_at, tz)
        if month in load_of:
            load, booked = load_of[month]
        else:
            booked = candidate.load.get(month, 0)
            load = load_fraction_free(capacity, booked) if booked < capacity else None
            load_of[month] = load, booked
        if load is None:
            continue
        soon = min(1.0, max(0.0, 1.0 - (starts_at - window_start).total_seconds() / span)) if span > 0 else 1.0
        best_score = -1.0
        best_mode: Mode | None = None
        for mode_name in slot.modes if wanted is None else (wanted,):
            if mode_name not in place_of:
                mode = _MODES[mode_name]
                place_cache[mode] = place_value(participant, preferences, candidate, mode, reference_km)
                km = place_cache[mode][2]
                ruled_out = mode is _IN_PERSON and max_km is not None and km is not None and km > max_km
                place_of[mode_name] = (mode, place_cache[mode][0], ruled_out)
            mode, place, ruled_out = place_of[mode_name]
            if ruled_out:
                too_far += 1
                continue
            # The same sum, in the same order, as the factors' contributions below.
            score = round(w_place * place + w_soon * soon + w_load * load + language_term + specialism_term, 4)
            if best_mode is None or score > best_score:
                best_score, best_mode = score, mode
        if best_mode is not None:
            # Ties go to the id: UUIDs order as their text does (same length, same layout), without making it.
            scored.append((best_score, starts_at, slot.id, slot, best_mode, soon, month, booked))
    if not scored:
        return Verdict(candidate, tuple(_why_no_session(preferences, in_window, in_mode, accredited, too_far)), ())
    scored.sort(key=lambda x: (-x[0], x[1], x[2]))
    options = []
    for i, (score, _, _, slot, mode, soon, month, booked) in enumerate(scored[:keep] if keep is not None else scored):
        if worded is not None and i >= worded:
            options.append(SlotOption(slot, mode, score, ()))
            continue
        place, place_detail, _ = place_cache[mode]
        factors = (
            Factor("place", w_place, place, place_detail),
            Factor("soonest", w_soon, soon, f"session on {slot.starts_at.date().isoformat()}"),
            Factor("load", w_load, *load_value(candidate.capacity_per_month, booked, month)),
            Factor("language", w_language, language, language_detail),
            Factor("specialism", w_specialism, specialism, specialism_detail),
        )
        options.append(SlotOption(slot, mode, score, factors))
    return Verdict(candidate, (), tuple(options))


def _why_no_session(
    preferences: Preferences, in_window: int, in_mode: int, accredited: int, too_far: int
) -> Iterable[Exclusion]:
    """Why none of the facilitator's sessions is usable, from how many passed each test in turn."""
    if not in_mode:
        wanted = f" {preferences.mode.value.replace('_', ' ')}" if preferences.mode else ""
        of_kind = "" if preferences.kind == SessionKind.FEEDBACK else f" {preferences.kind.value}"
        other = " (only in another mode)" if in_window else ""
        yield Exclusion(Rule.NO_FREE_SLOT, f"no free{wanted}{of_kind} session in the window{other}")
        return
    if not accredited:
        yield Exclusion(Rule.ACCREDITATION_EXPIRED, "accreditation expires before every free session in the window")
        return
    if too_far:
        yield Exclusion(Rule.TOO_FAR, f"further than {preferences.max_distance_km:g} km for an in-person session")
    if too_far < accredited:
        yield Exclusion(Rule.NO_CAPACITY, "no capacity left in the months of the free sessions")


def rank(verdicts: Iterable[Verdict]) -> list[Verdict]:
    """Eligible facilitators, best first: by score, then the sooner session, then name for stability."""
    eligible = [v for v in verdicts if v.is_eligible]
    eligible.sort(key=lambda v: (-v.best.score, v.best.slot.starts_at, v.candidate.name, str(v.candidate.id)))
    return eligible
