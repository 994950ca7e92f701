"""What matching reads, and no more. ``best_scores`` asks the database for the facilitators who could
take the participant's session, one row each with a score none of their sessions can beat
(``bound.py``), so that only the few who could be shown are loaded; ``load_candidates`` loads those, in
one query whatever the size of the register: the register rows, each with the sessions it already has
per month and its free slots as arrays, one per column. Facilitators are chosen in SQL, by the same
conditions in every query, the participant's raters left out by the query itself (no list of ids or hashes
travels back and forth); sessions are read per facilitator through the index on (facilitator_id, starts_at);
columns come as plain rows, not ORM objects.

Building a statement and working out its cache key costs SQLAlchemy more than the database takes to run
it, so each statement is built once per shape of request (which filters, which mode, how many languages
and specialisms...) with named bound parameters, and run with the request's values."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Date,
    DateTime,
    Float,
    Integer,
    Select,
    Text,
    Uuid,
    and_,
    any_,
    bindparam,
    case,
    cast,
    func,
    not_,
    select,
    true,
    type_coerce,
)
from sqlalchemy import join as sa_join
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable
from sqlalchemy.types import NullType

from facilitator_svc.bookings.models import Booking
from facilitator_svc.facilitators.models import Facilitator
from facilitator_svc.matching import bound
from facilitator_svc.matching.rules import Candidate, FreeSlot, Participant, Preferences
from facilitator_svc.participants.models import ParticipantCycle, RaterConflict
from facilitator_svc.slots.models import Slot
from facilitator_svc.slots.repository import occupied, slot_is_free
from facilitator_svc.vocabulary import FacilitatorStatus, Mode, SessionKind

# How many shapes of statement are kept built: a few per combination of filters, mode, languages and
# specialisms asked for; the rare shape past these is built again when it comes.
_SHAPES = 512
_NOW = bindparam("now", type_=DateTime(timezone=True))
_TIMEZONE = bindparam("timezone", type_=Text)
# Lists travel as one array parameter, not one parameter each: the SQL of a statement stays the same
# whatever the number of facilitators, so PostgreSQL and the driver prepare and plan it once.
_IDS = bindparam("ids", type_=ARRAY(Uuid))
# The start of the window, or now if later: no session starting before it is offered.
_SESSIONS_FROM = bindparam("sessions_from", type_=DateTime(timezone=True))


async def _execute(session: AsyncSession, statement: Executable, values: dict[str, Any] | None = None) -> Any:
    """Run a statement of plain columns on the session's connection: the ORM's handling of a result
    (entities, loading options) cost more per statement than decoding its rows, and these read columns
    only. With changes waiting to be flushed, through the session, which flushes them first."""
    if session.new or session.dirty or session.deleted:
        return await session.execute(statement, values)
    connection = await session.connection()
    return await connection.execute(statement, values)


@dataclass(frozen=True)
class ScoreToBeat:
    """Leave out the facilitators who could not score ``score`` with any session (see ``bound``)."""

    preferences: Preferences
    reference_km: float
    score: float


@dataclass(frozen=True)
class CandidateFilter:
    """Which facilitators to load. ``prefilter`` leaves out in SQL those a hard rule excludes anyway,
    so an ordinary match never loads the ones it cannot offer."""

    participant: Participant | None = None
    mode: Mode | None = None
    earliest_date: date | None = None
    region: str | None = None
    # Every region but this one: matching reads the participant's own region first.
    beyond_region: str | None = None
    ids: Sequence[UUID] | None = None
    prefilter: bool = True
    # Only facilitators with a session the participant could take (in the mode asked for, before their
    # accreditation runs out; the bound also in a month they have room in), and only those sessions.
    bookable_only: bool = False
    score_to_beat: ScoreToBeat | None = None
    # In person only, with a limit on the distance: leave out those with coordinates further away (the
    # rules' own test, with a hair of slack for the database's floating point; rules.judge decides).
    within_km_of: tuple[float, float, float] | None = None
    # Only slots of this kind are read; with ``prefilter``, only facilitators who offer it.
    kind: SessionKind = SessionKind.FEEDBACK

    def shape(self) -> _Shape:
        p, beat = self.participant, self.score_to_beat
        return _Shape(
            region=self.region is not None,
            beyond_region=self.beyond_region is not None,
            ids=self.ids is not None,
            prefilter=self.prefilter,
            earliest_date=self.prefilter and self.earliest_date is not None,
            mode=self.mode if self.prefilter or self.bookable_only else None,
            participant=self.prefilter and p is not None,
            beat=bound.Asked.of(p, beat.preferences) if self.prefilter and p is not None and beat else None,
            bookable=self.bookable_only,
            within_km=self.prefilter and self.within_km_of is not None,
        )

    def values(self) -> dict[str, Any]:
        p, beat = self.participant, self.score_to_beat
        values: dict[str, Any] = {
            "region": self.region,
            "beyond_region": self.beyond_region,
            "ids": list(self.ids or ()),
            "earliest_date": self.earliest_date,
            "mode": self.mode.value if self.mode else None,
            "wanted_modes": [self.mode.value] if self.mode else None,
            "kind": self.kind.value,
            "wanted_kinds": [self.kind.value],
        }
        if p is not None:
            values |= {
                "organisation": p.organisation,
                "organisations": [p.organisation],
                "participants": [p.id],
                "participant_id": p.id,
            }
            if beat is not None:
                values |= bound.parameters(p, beat.preferences, beat.reference_km) | {
                    "row_floor": beat.score - bound.MARGIN
                }
        if self.within_km_of is not None:
            values["latitude"], values["longitude"], values["max_distance_km"] = self.within_km_of
        return values


@dataclass(frozen=True)
class _Shape:
    """What the SQL of a ``CandidateFilter`` depends on; its values are bound parameters."""

    region: bool
    beyond_region: bool
    ids: bool
    prefilter: bool
    earliest_date: bool
    mode: Mode | None
    participant: bool
    beat: bound.Asked | None
    bookable: bool
    within_km: bool


def _conditions(shape: _Shape) -> list[ColumnElement[bool]]:
    f = Facilitator
    conditions: list[ColumnElement[bool]] = []
    if shape.region:
        conditions.append(f.region == bindparam("region", type_=Text))
    if shape.beyond_region:
        conditions.append(f.region != bindparam("beyond_region", type_=Text))
    if shape.ids:
        conditions.append(f.id == any_(_IDS))
    if shape.bookable:
        # Someone whose latest session starts before the window's (after now) has none to take: left out on
        # the row, through its index, before any walk of their slots. On a national register that is most of
        # those beyond the participant's region, a year of sessions behind them and none offered ahead
        # (migration 0010).
        conditions.append(f.last_slot_starts_at >= _SESSIONS_FROM)
    if not shape.prefilter:
        return conditions
    conditions.append(f.status == FacilitatorStatus.ACTIVE)
    conditions.append(f.session_kinds.contains(bindparam("wanted_kinds", type_=ARRAY(Text))))
    if shape.earliest_date:
        conditions.append(f.accreditation_expires_on >= bindparam("earliest_date", type_=Date))
    if shape.mode is not None:
        conditions.append(f.modes.contains(bindparam("wanted_modes", type_=ARRAY(Text))))
    if shape.participant:
        conditions += [
            f.organisation != bindparam("organisation", type_=Text),
            not_(f.conflict_organisations.contains(bindparam("organisations", type_=ARRAY(Text)))),
            not_(f.conflict_participants.contains(bindparam("participants", type_=ARRAY(Text)))),
        ]
        # The participant's raters, read by the same statement rather than fetched first: one round trip
        # fewer per match. (``Participant.rater_hashes`` is for the rules, which judge only whom this leaves.)
        # NOT IN: the raters are read once per statement (a hashed subplan), not probed per facilitator.
        raters = select(RaterConflict.email_hash).where(
            RaterConflict.participant_id == bindparam("participant_id", type_=Text)
        )
        conditions.append(f.email_hash.not_in(raters))
        if shape.beat is not None:
            conditions.append(bound.best_possible_score(shape.beat) >= bindparam("row_floor", type_=Float))
    if shape.within_km:
        too_far = bound.distance_km() > bindparam("max_distance_km", type_=Float) + 1e-6
        conditions.append(not_(f.latitude.is_not(None) & f.longitude.is_not(None) & too_far))
    return conditions


def _raw(column: Any, name: str) -> Any:
    """A column as the driver returns it: SQLAlchemy's array and enum processing costs more than the
    rules that read the value."""
    return type_coerce(column, NullType()).label(name)


def _month(moment: Any) -> ColumnElement[datetime]:
    """The first instant of ``moment``'s calendar month where the academies are, as a local time."""
    return func.date_trunc("month", func.timezone(_TIMEZONE, moment))


def _months_touched(starts_from: datetime, starts_before: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """From the first instant of the local calendar month of ``starts_from`` to the first instant of the
    month after that of ``starts_before``: instants, so that an index on ``starts_at`` can serve them."""
    first = starts_from.astimezone(tz).replace(day=1, hour=0, minute=0, second=0, microsecond=0, fold=0)
    last = starts_before.astimezone(tz)
    after_last = datetime(last.year + last.month // 12, last.month % 12 + 1, 1, tzinfo=tz)
    return first, after_last


def _month_instants(
    starts_from: datetime, starts_before: datetime, tz: ZoneInfo
) -> tuple[list[datetime], list[datetime]]:
    """The first instant of each calendar month the window touches where the academies are, and the first
    instant of the month after each. Worked out once per request here: the bound worked both out from local
    times for every facilitator and month, four conversions each, a tenth of its database time."""
    first, after_last = _months_touched(starts_from, starts_before, tz)
    # Local midnights, the earlier of two where a clock goes back at midnight, as ``_months_touched`` gives them.
    firsts, month = [], first.replace(tzinfo=None)
    while month < after_last.replace(tzinfo=None):
        firsts.append(month.replace(tzinfo=tz))
        month = month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)
    return firsts, [*firsts[1:], after_last]


def _window_values(starts_from: datetime, starts_before: datetime, now: datetime, timezone: str) -> dict[str, Any]:
    load_from, load_until = _months_touched(starts_from, starts_before, ZoneInfo(timezone))
    return {
        "now": now,
        "timezone": timezone,
        "sessions_from": max(starts_from, now),
        "sessions_before": starts_before,
        "load_from": load_from,
        "load_until": load_until,
    }


def _bookings_by_month() -> Any:
    """Occupying bookings of the facilitator (``Facilitator`` in the enclosing query) per local calendar
    month, over the months the window touches, through the index on (facilitator_id, starts_at)."""
    month = _month(Booking.starts_at)
    return (
        select(Booking.facilitator_id, month.label("month"), func.count().label("sessions"))
        .where(
            Booking.facilitator_id == Facilitator.id,
            Booking.starts_at >= bindparam("load_from", type_=DateTime(timezone=True)),
            Booking.starts_at < bindparam("load_until", type_=DateTime(timezone=True)),
            *occupied(_NOW),
        )
        .group_by(Booking.facilitator_id, month)
    )


@functools.lru_cache(maxsize=_SHAPES)
def _candidates_statement(shape: _Shape, earliest_per_group: bool) -> Select[Any]:
    """The register rows ``shape`` chooses, each with its sessions booked per month and its free slots
    in the window (``_free_slots_of``): one statement and one round trip for everyone loaded."""
    f = Facilitator
    per_month = _bookings_by_month().correlate(Facilitator).subquery("per_month")
    # The sessions booked per month, as one JSON object of the facilitator's row ({"2031-03-01": 2}).
    load = select(func.json_object_agg(func.to_char(per_month.c.month, "YYYY-MM-DD"), per_month.c.sessions))
    slots = _free_slots_of(shape, earliest_per_group).lateral("slots")
    # In the order ``load_candidates`` unpacks them.
    return (
        select(
            f.id,
            f.name,
            f.organisation,
            f.region,
            _raw(f.status, "status"),
            _raw(f.accreditation_level, "accreditation_level"),
            f.accreditation_expires_on,
            f.capacity_per_month,
            _raw(f.modes, "modes"),
            _raw(f.languages, "languages"),
            _raw(f.specialisms, "specialisms"),
            f.email_hash,
            f.latitude,
            f.longitude,
            _raw(f.conflict_organisations, "conflict_organisations"),
            _raw(f.conflict_participants, "conflict_participants"),
            _raw(f.session_kinds, "session_kinds"),
            load.scalar_subquery().label("load"),
            *(_raw(column, name) for name, column in slots.c.items()),
        )
        .join_from(f, slots, true())
        .where(and_(true(), *_conditions(shape)))
    )


async def load_candidates(
    session: AsyncSession,
    which: CandidateFilter,
    *,
    window_starts_at: datetime,
    window_ends_at: datetime,
    now: datetime,
    timezone: str,
    earliest_per_group: int | None = None,
) -> list[Candidate]:
    """The facilitators ``which`` chooses, each with the slots that start in the window, after now, with no
    occupying booking on their time (and, for a filter with ``bookable_only``, only those the participant
    could take but for the month's room, which the rules judge from ``Candidate.load``, and only the
    facilitators with one).

    ``earliest_per_group`` keeps only the earliest few of each facilitator, month and set of modes (or
    mode). A facilitator's sessions of one month and mode score alike but for the date, and earlier
    scores higher, so a match that shows a facilitator's best few sessions never needs the later ones.
    """
    statement = _candidates_statement(which.shape(), earliest_per_group is not None)
    values = which.values() | _window_values(window_starts_at, window_ends_at, now, timezone)
    values["per_group"] = earliest_per_group
    out = []
    # Rows unpacked by position: a row's attribute is looked up on its class first, and each of the twenty
    # read per facilitator raised and dropped an AttributeError before SQLAlchemy found it by name.
    for (
        id,
        name,
        organisation,
        region,
        status,
        accreditation_level,
        accreditation_expires_on,
        capacity_per_month,
        modes,
        languages,
        specialisms,
        email_hash,
        latitude,
        longitude,
        conflict_organisations,
        conflict_participants,
        session_kinds,
        load,
        *slots,
    ) in (await _execute(session, statement, values)).all():
        if which.bookable_only and not slots[0]:
            continue
        out.append(
            Candidate(
                id=id,
                name=name,
                organisation=organisation,
                region=region,
                status=FacilitatorStatus(status),
                accreditation_level=accreditation_level,
                accreditation_expires_on=accreditation_expires_on,
                capacity_per_month=capacity_per_month,
                modes=tuple(modes),
                languages=tuple(languages),
                specialisms=tuple(specialisms),
                email_hash=email_hash,
                latitude=latitude,
                longitude=longitude,
                conflict_organisations=tuple(conflict_organisations),
                conflict_participants=tuple(conflict_participants),
                slots=_slots(*slots),
                load={date.fromisoformat(month): n for month, n in (load or {}).items()},
                session_kinds=tuple(session_kinds),
            )
        )
    return out


# A slot's modes as the rules read them, one tuple per way of writing them (``_free_slots_of``).
_MODES_OF: dict[str, tuple[str, ...]] = {}


def _slots(
    ids: Sequence[UUID] | None,
    starts: Sequence[datetime],
    ends: Sequence[datetime],
    modes: Sequence[str],
    venues: Sequence[str | None],
    months: Sequence[date],
    kinds: Sequence[str],
) -> tuple[FreeSlot, ...]:
    """A facilitator's free slots from their row's arrays of them (``_free_slots_of``)."""
    if not ids:
        return ()
    out: list[FreeSlot] = []
    previous = None
    for id, starts_at, ends_at, written, venue, month, kind in zip(
        ids, starts, ends, modes, venues, months, kinds, strict=True
    ):
        # A session among the earliest in both its modes comes twice, one after the other (the arrays are in
        # the order of start and id): compared with the one before rather than hashed into a set, which for
        # the driver's UUIDs means making a 128-bit integer each time.
        if id != previous:
            previous = id
            if (slot_modes := _MODES_OF.get(written)) is None:
                slot_modes = _MODES_OF.setdefault(written, tuple(written.split(",")))
            out.append(FreeSlot(id, starts_at, ends_at, slot_modes, venue, month, kind))
    return tuple(out)


def _free_sessions(bookable: bool, mode: Mode | None) -> Any:
    """Per facilitator (LATERAL, so through the index on (facilitator_id, starts_at) whatever the planner
    makes of the size of the register): the slots that start in the window, after now, with no occupying
    booking on their time, each ranked by date within its month and set of modes. ``bookable``: only
    those the participant could take, in ``mode`` if given, ranked within their month and mode
    (``mode``): every session there is usable, so what scores alike is narrower (a session offered both
    ways is in both)."""
    month = _month(Slot.starts_at)
    conditions: list[ColumnElement[bool]] = [
        Slot.facilitator_id == Facilitator.id,
        Slot.starts_at >= _SESSIONS_FROM,
        Slot.starts_at < bindparam("sessions_before", type_=DateTime(timezone=True)),
        # A feedback slot is never offered for coaching, nor the other way round.
        Slot.kind == bindparam("kind", type_=Text),
        slot_is_free(_NOW),
    ]
    source: Any = Slot
    group: Any = Slot.modes
    extra: list[Any] = []
    if bookable:
        offered = func.unnest(Slot.modes).table_valued("mode").render_derived(name="offered")
        source, group = sa_join(Slot, offered, true()), offered.c.mode
        extra.append(offered.c.mode)
        if mode is not None:
            conditions.append(offered.c.mode == bindparam("mode", type_=Text))
        # Sessions from the day after the accreditation expires, local time, are past it (as rules.judge).
        expired_from = func.timezone(_TIMEZONE, cast(Facilitator.accreditation_expires_on + 1, DateTime))
        conditions.append(Slot.starts_at < expired_from)
    return (
        select(
            Slot.id,
            Slot.facilitator_id,
            Slot.starts_at,
            Slot.ends_at,
            _raw(Slot.modes, "modes"),
            Slot.venue,
            Slot.kind,
            month.label("month"),
            *extra,
            func.row_number().over(partition_by=(month, group), order_by=(Slot.starts_at, Slot.id)).label("rank"),
        )
        .select_from(source)
        .where(*conditions)
        .correlate(Facilitator)
        .lateral("free")
    )


def _free_slots_of(shape: _Shape, earliest_per_group: bool) -> Any:
    """Per facilitator (``Facilitator`` in the enclosing query, LATERAL), their free slots in the window as one
    row of arrays, one per column (ids, starts, ends, modes, venues, months, kinds), earliest first, NULL for
    none (see ``load_candidates``). Arrays of one type each, not one array of rows: decoding that array was a
    sixth of a match's instructions, a third of it the driver finding the decoder of each field of each row.
    A slot's modes come as one text ("video,in_person"), in their order; its month as a date."""
    free = _free_sessions(shape.bookable, shape.mode)
    kept = select(
        free.c.id.label("slot_ids"),
        free.c.starts_at.label("slot_starts"),
        free.c.ends_at.label("slot_ends"),
        func.array_to_string(free.c.modes, ",").label("slot_modes"),
        free.c.venue.label("slot_venues"),
        cast(free.c.month, Date).label("slot_months"),
        free.c.kind.label("slot_kinds"),
    )
    if earliest_per_group:
        kept = kept.where(free.c.rank <= bindparam("per_group", type_=Integer))
    # Sorted once for the seven arrays (PostgreSQL 15 sorts for each aggregate with its own ORDER BY); the
    # aggregates of one row read the same rows in the same order, so the arrays stay aligned.
    # Sessions in a month the facilitator has no room in are left to the rules, which read the month's load
    # from the same row (``load``): counting the month's bookings again for each session kept was most of
    # the statement's work.
    sorted_kept = kept.order_by(free.c.starts_at, free.c.id).correlate(Facilitator).subquery("kept")
    return select(*(func.array_agg(column).label(name) for name, column in sorted_kept.c.items())).correlate(
        Facilitator
    )


def _earliest_free_per_month() -> Any:
    """Per facilitator (LATERAL) and month the window touches with room left in it, from the month of their
    earliest free session on: the month's occupying bookings, and the earliest session the participant could
    take in any of the modes asked for, the one that scores highest of its month but for the place (see
    ``bound.best_session_score``), NULL when the month has none. Each is one walk of the index on
    (facilitator_id, starts_at) that stops at the first free session of the kind asked for; whether a
    session is free is read from its own row (``Slot.busy_until``), never from the facilitator's bookings.

    The first walk goes over the whole window: a facilitator with no free session in it costs one walk,
    not a count and a walk per month (a national register's facilitators beyond the region, with their
    year of sessions behind them, were 766 empty counts and walks per match), and the month it stops in
    needs no walk of its own."""
    months = (
        func.unnest(
            bindparam("month_starts", type_=ARRAY(DateTime(timezone=True))),
            bindparam("month_ends", type_=ARRAY(DateTime(timezone=True))),
        )
        .table_valued("month_from", "month_until")
        .render_derived()
    )
    month_from, month_until = months.c.month_from, months.c.month_until
    sessions_from = _SESSIONS_FROM
    sessions_before = bindparam("sessions_before", type_=DateTime(timezone=True))
    # Sessions from the day after the accreditation expires, local time, are past it (as rules.judge).
    expired_from = func.timezone(_TIMEZONE, cast(Facilitator.accreditation_expires_on + 1, DateTime))

    def walk(starts_from: Any, starts_before: Any) -> Select[Any]:
        return (
            select(Slot.starts_at)
            .where(
                Slot.facilitator_id == Facilitator.id,
                Slot.starts_at >= starts_from,
                Slot.starts_at < starts_before,
                # Only the kind asked for: a walk stopping at a free session of another kind would bound
                # the facilitator by a session the participant cannot take.
                Slot.kind == bindparam("kind", type_=Text),
                # In any of the modes asked for: one walk whatever their number (the bound takes the best
                # place of those modes, see bound.best_session_score).
                Slot.modes.overlap(bindparam("group_modes", type_=ARRAY(Text))),
                slot_is_free(_NOW),
            )
            .order_by(Slot.starts_at)
            .limit(1)
        )

    first = walk(sessions_from, func.least(sessions_before, expired_from)).correlate_except(Slot).lateral("first")
    # The earliest of the month: the window's earliest in its own month, a walk of the month in a later one
    # (only for a month with room: a select list is worked out after the conditions).
    later = walk(func.greatest(sessions_from, month_from), func.least(sessions_before, month_until, expired_from))
    earliest = case(
        (month_from <= first.c.starts_at, first.c.starts_at),
        else_=later.correlate_except(Slot).scalar_subquery(),
    )
    # The month's occupying bookings, counted once per month whatever the modes asked for, and before any
    # walk: a month with no room is not walked at all.
    month_load = (
        select(func.count().label("booked"))
        .where(
            Booking.facilitator_id == Facilitator.id,
            Booking.starts_at >= month_from,
            Booking.starts_at < month_until,
            *occupied(_NOW),
        )
        .correlate_except(Booking)
        .lateral("month_load")
    )
    per_month = (
        select(earliest.label("starts_at"), month_load.c.booked)
        .select_from(first)
        # The months before the first free session's hold nothing to take.
        .join(months, month_until > first.c.starts_at)
        .join(month_load, true())
        .where(month_load.c.booked < Facilitator.capacity_per_month)
        # Kept a subquery of its own (OFFSET 0), so that the walk is run once per month: merged into the
        # statement, each use of its result (the bound, the test below, ``at_least``) ran it again.
        .offset(0)
        .correlate(Facilitator)
        .subquery("per_month")
    )
    return select(per_month).where(per_month.c.starts_at.is_not(None)).correlate(Facilitator).lateral("free")


@functools.lru_cache(maxsize=_SHAPES)
def _best_scores_statement(shape: _Shape, asked: bound.Asked, at_least: bool) -> Select[Any]:
    free = _earliest_free_per_month()
    best = bound.best_session_score(asked, starts_at=free.c.starts_at, booked=free.c.booked).label("bound")
    per_facilitator = (
        select(best, Facilitator.id)
        .join_from(Facilitator, free, true())
        .where(*_conditions(shape))
        .group_by(Facilitator.id)
    )
    if at_least:
        per_facilitator = per_facilitator.having(best >= bindparam("at_least", type_=Float))
    # One row of two arrays, best first, rather than a row per facilitator: the driver decodes an array in
    # one go, where each of some two hundred rows went through SQLAlchemy's handling of a result.
    bounds = per_facilitator.subquery("bounds")
    order = (bounds.c.bound.desc(), bounds.c.id)
    return select(
        _raw(func.array_agg(aggregate_order_by(bounds.c.bound, *order)), "bounds"),
        _raw(func.array_agg(aggregate_order_by(bounds.c.id, *order)), "ids"),
    )


async def best_scores(
    session: AsyncSession,
    which: CandidateFilter,
    preferences: Preferences,
    *,
    reference_km: float,
    now: datetime,
    timezone: str,
    at_least: float | None = None,
) -> list[tuple[float, UUID]]:
    """The facilitators ``which`` chooses (with ``bookable_only``) who have a session the participant
    could take, each with a score none of their sessions can beat (``bound.best_session_score``), best
    first; with ``at_least``, only those whose bound reaches it. Their sessions stay in the database."""
    participant = which.participant
    if participant is None or not which.bookable_only:
        raise ValueError("best_scores needs the participant, and bookable sessions only")
    statement = _best_scores_statement(which.shape(), bound.Asked.of(participant, preferences), at_least is not None)
    month_starts, month_ends = _month_instants(
        preferences.window_starts_at, preferences.window_ends_at, ZoneInfo(timezone)
    )
    values = (
        which.values()
        | _window_values(preferences.window_starts_at, preferences.window_ends_at, now, timezone)
        | bound.parameters(participant, preferences, reference_km)
        | {
            "at_least": at_least,
            "month_starts": month_starts,
            "month_ends": month_ends,
            "group_modes": [m.value for m in ((which.mode,) if which.mode is not None else tuple(Mode))],
        }
    )
    bounds, ids = (await _execute(session, statement, values)).one()
    return list(zip(bounds, ids, strict=True)) if ids else []


@functools.lru_cache(maxsize=_SHAPES)
def _promising_statement(shape: _Shape, asked: bound.Asked) -> Select[UUID]:
    row_bound = bound.best_possible_score(asked)
    return (
        select(Facilitator.id)
        .where(*_conditions(shape))
        .order_by(row_bound.desc(), Facilitator.id)
        .limit(bindparam("count", type_=Integer))
    )


async def most_promising(
    session: AsyncSession,
    which: CandidateFilter,
    preferences: Preferences,
    *,
    reference_km: float,
    count: int,
    now: datetime,
) -> list[UUID]:
    """The ``count`` facilitators ``which`` chooses whose register row promises the highest score
    (``bound.best_possible_score``): a start when there is no score to beat yet, found without reading
    any session."""
    participant = which.participant
    if participant is None:
        raise ValueError("most_promising needs the participant")
    statement = _promising_statement(which.shape(), bound.Asked.of(participant, preferences))
    values = (
        which.values()
        | bound.parameters(participant, preferences, reference_km)
        | {"count": count, "sessions_from": max(preferences.window_starts_at, now)}
    )
    return list((await _execute(session, statement, values)).scalars())


async def monthly_load(
    session: AsyncSession,
    facilitator_ids: Sequence[UUID],
    starts_from: datetime,
    starts_before: datetime,
    now: datetime,
    timezone: str,
) -> dict[UUID, dict[date, int]]:
    """Occupying bookings per facilitator and local calendar month, over the months the window touches."""
    per_facilitator = _bookings_by_month().lateral("load")
    c = per_facilitator.c
    statement = (
        select(c.facilitator_id, c.month, c.sessions)
        .join_from(Facilitator, per_facilitator, true())
        .where(Facilitator.id == any_(_IDS))
    )
    values = {"ids": list(facilitator_ids)} | _window_values(starts_from, starts_before, now, timezone)
    out: dict[UUID, dict[date, int]] = defaultdict(dict)
    for facilitator_id, month, sessions in await _execute(session, statement, values):
        out[facilitator_id][month.date()] = int(sessions)
    return out


async def rater_hashes(session: AsyncSession, participant_id: str) -> frozenset[str]:
    statement = select(RaterConflict.email_hash).where(RaterConflict.participant_id == participant_id)
    return frozenset((await _execute(session, statement)).scalars().all())


async def known_participant(
    session: AsyncSession, participant_id: str, cycle_id: UUID | None = None
) -> ParticipantCycle | None:
    """The participant's organisation and region as their latest (or the named) cycle recorded them."""
    statement = select(ParticipantCycle).where(ParticipantCycle.participant_id == participant_id)
    if cycle_id is not None:
        statement = statement.where(ParticipantCycle.cycle_id == cycle_id)
    statement = statement.order_by(ParticipantCycle.opened_at.desc()).limit(1)
    return (await session.execute(statement)).scalars().first()
