"""The best score a facilitator could reach, worked out in SQL, so that matching judges in Python only the
facilitators who could be shown.

A match ranks facilitators by the score of their best session (``rules.judge``) and shows the first few.
The database works out, for every facilitator the hard rules leave, a score no session of theirs can
beat; matching judges them in that order, highest first, and stops once the next one's bound falls
short of the last score it would show. Those never judged could not have been shown, so the ranking,
the scores and the reasons are those a judgement of the whole register gives. The rules stay in
``rules.py``: a bound only decides who is judged, never a score or a reason.

Two bounds:

- ``best_possible_score``, from the register row alone: place at its best over the modes asked for,
  language and specialism as ``rules`` works them out, soonest and load at their maximum of 1. It
  leaves out, before any of their sessions is read, the facilitators of other regions who cannot
  compete (place counts for 0.30, and a facilitator elsewhere gets at most 0.8 of it by video, 0 in
  person unless near the participant's own location);
- ``best_session_score``, over a facilitator's usable sessions: the same sum as ``rules.judge``,
  soonest and load included, in floating point as the database does it; with both modes asked for, the
  place is the better of the two, so the earliest session of each month is enough.

Both must never be below a score ``rules.judge`` gives (scores are rounded to four places and the two
floating points need not agree to the last bit, hence ``MARGIN``): tests hold them side by side.

The expressions depend on the shape of the request only (``Asked``); its values are bound parameters
(``parameters``), so that a statement is built once per shape and run for every request of that shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, DateTime, Float, Text, any_, bindparam, case, cast, func, literal
from sqlalchemy.dialects.postgresql import ARRAY

from facilitator_svc.facilitators.models import Facilitator
from facilitator_svc.matching.rules import (
    OTHER_REGION_PLACE,
    VIDEO_OTHER_REGION_PLACE,
    WEIGHTS,
    Participant,
    Preferences,
)
from facilitator_svc.vocabulary import Mode

# A facilitator is left unjudged only when their bound falls short of the score to beat by more than this.
MARGIN = 1e-4
EARTH_RADIUS_KM = 6371.0088  # as rules.distance_km


@dataclass(frozen=True)
class Asked:
    """What the SQL of a bound depends on: the mode asked for, whether the participant's region and
    place are known, how many languages and specialisms are asked for."""

    mode: Mode | None
    has_region: bool
    has_location: bool
    languages: int
    specialisms: int

    @classmethod
    def of(cls, participant: Participant, preferences: Preferences) -> Asked:
        return cls(
            preferences.mode,
            participant.region is not None,
            preferences.latitude is not None and preferences.longitude is not None,
            len(preferences.languages),
            len(preferences.specialisms),
        )

    @property
    def modes(self) -> tuple[Mode, ...]:
        return (self.mode,) if self.mode is not None else (Mode.VIDEO, Mode.IN_PERSON)


def parameters(participant: Participant, preferences: Preferences, reference_km: float) -> dict[str, Any]:
    """The values the expressions of this module are run with."""
    values: dict[str, Any] = {
        "home": participant.region,
        "latitude": preferences.latitude,
        "longitude": preferences.longitude,
        "reference_km": reference_km,
        "window_starts_at": preferences.window_starts_at,
        "window_span_s": (preferences.window_ends_at - preferences.window_starts_at).total_seconds(),
    }
    for i, wanted in enumerate(preferences.languages):
        values[f"language_{i}"] = wanted.split("-")[0]
    for i, specialism in enumerate(preferences.specialisms):
        values[f"specialism_{i}"] = [specialism]
    return values


def distance_km() -> ColumnElement[float]:
    """The haversine of ``rules.distance_km``, from the participant's place to the facilitator's."""
    f = Facilitator
    p1, p2 = func.radians(bindparam("latitude", type_=Float)), func.radians(f.latitude)
    dp, dl = p2 - p1, func.radians(f.longitude - bindparam("longitude", type_=Float))
    a = func.power(func.sin(dp / 2), 2) + func.cos(p1) * func.cos(p2) * func.power(func.sin(dl / 2), 2)
    return 2 * EARTH_RADIUS_KM * func.asin(func.least(1.0, func.sqrt(a)))


def _place_in(mode: Mode, asked: Asked) -> ColumnElement[float]:
    """``rules.place_value`` for a session in ``mode``."""
    f = Facilitator
    same_region = f.region == bindparam("home", type_=Text) if asked.has_region else literal(False)
    if mode == Mode.VIDEO:
        return case((same_region, 1.0), else_=VIDEO_OTHER_REGION_PLACE)
    by_region = case((same_region, 1.0), else_=OTHER_REGION_PLACE)
    if not asked.has_location:
        return by_region
    near = func.greatest(0.0, 1.0 - distance_km() / bindparam("reference_km", type_=Float))
    return case((f.latitude.is_not(None) & f.longitude.is_not(None), near), else_=by_region)


def _speaks(i: int) -> ColumnElement[bool]:
    """The facilitator speaks the ``i``-th language asked for, a regional variant counting alike."""
    return bindparam(f"language_{i}", type_=Text) == any_(Facilitator.language_bases)


def _language(asked: Asked) -> ColumnElement[float]:
    """``rules.language_value``: the first language asked for that the facilitator speaks decides."""
    if not asked.languages:
        return literal(1.0, Float)
    return case(*((_speaks(i), max(0.25, 1.0 - 0.25 * i)) for i in range(asked.languages)), else_=0.0)


def _specialism(asked: Asked) -> ColumnElement[float]:
    """``rules.specialism_value``: the share of the specialisms asked for that the facilitator has."""
    if not asked.specialisms:
        return literal(1.0, Float)
    has = [
        case((Facilitator.specialisms.contains(bindparam(f"specialism_{i}", type_=ARRAY(Text))), 1.0), else_=0.0)
        for i in range(asked.specialisms)
    ]
    total: ColumnElement[float] = has[0]
    for h in has[1:]:
        total = total + h
    return total / asked.specialisms


def _of_the_facilitator(asked: Asked) -> ColumnElement[float]:
    """The part of a score that is the facilitator's whatever the session: language and specialism."""
    return WEIGHTS["language"] * _language(asked) + WEIGHTS["specialism"] * _specialism(asked)


def best_possible_score(asked: Asked) -> ColumnElement[float]:
    """In SQL, per facilitator, from the register row alone: no session of theirs scores more."""
    w = WEIGHTS
    places = [_place_in(m, asked) for m in asked.modes]
    place = places[0] if len(places) == 1 else func.greatest(*places)
    return w["place"] * place + w["soonest"] + w["load"] + _of_the_facilitator(asked)


def best_session_score(asked: Asked, *, starts_at: Any, booked: Any) -> ColumnElement[float]:
    """In SQL, an aggregate per facilitator (``Facilitator`` grouped by its key) over sessions in any
    of the modes asked for, each with ``booked`` sessions occupying its month: no session of theirs scores
    more (``rules.judge``). With both modes asked for, the place is the better of the two whatever the
    session's own modes, so that one walk per month finds the earliest session of either."""
    w = WEIGHTS
    places = [_place_in(m, asked) for m in asked.modes]
    place = places[0] if len(places) == 1 else func.greatest(*places)
    of_the_session = w["place"] * place + w["soonest"] * _soonest(starts_at) + w["load"] * _free_share(booked)
    return func.max(of_the_session) + _of_the_facilitator(asked)


def _free_share(booked: Any) -> ColumnElement[float]:
    """``rules.load_fraction_free`` of a month with ``booked`` occupying sessions."""
    f = Facilitator
    share_booked = cast(booked, Float) / f.capacity_per_month
    return case((f.capacity_per_month > 0, func.greatest(0.0, 1.0 - share_booked)), else_=0.0)


def _but_the_soonest(asked: Asked, free: ColumnElement[float]) -> ColumnElement[float]:
    """A session's score but its soonest term: place, load (``free``), language and specialism."""
    w = WEIGHTS
    places = [_place_in(m, asked) for m in asked.modes]
    place = places[0] if len(places) == 1 else func.greatest(*places)
    return w["place"] * place + w["load"] * free + _of_the_facilitator(asked)


def month_reaches(
    asked: Asked, *, month_from: Any, booked: Any | None, at_least: ColumnElement[float]
) -> ColumnElement[bool]:
    """Whether a session of the month starting at ``month_from`` could score ``at_least``: its soonest
    at most that of the month's first instant in the window, its load at most that of ``booked`` sessions
    (or the month's whole room, before they are counted). No more than ``best_session_score`` gives a
    session of the month, so a month that does not reach is left out with nothing lost."""
    free = _free_share(booked) if booked is not None else literal(1.0, Float)
    sessions_from = bindparam("sessions_from", type_=DateTime(timezone=True))
    soonest = _soonest(func.greatest(sessions_from, month_from))
    # A hair of slack: the sum is not added in ``best_session_score``'s order.
    reach: ColumnElement[float] = WEIGHTS["soonest"] * soonest + _but_the_soonest(asked, free)
    return reach >= at_least - 1e-9


def latest_start_reaching(asked: Asked, *, booked: Any, at_least: ColumnElement[float]) -> ColumnElement[Any]:
    """The latest start of a session of a month with ``booked`` sessions that could still score ``at_least``:
    ``rules.soonest_fraction`` falls as the session starts later, so a walk to the earliest free session
    can stop there. A hair later than the exact instant (a millionth of the window), so that floating
    point never cuts a session ``best_session_score`` would keep."""
    w = WEIGHTS
    window_start = bindparam("window_starts_at", type_=DateTime(timezone=True))
    span = bindparam("window_span_s", type_=Float)
    # soonest = 1 - waited / span must reach (at_least - the rest) / weight: waited at most span * (1 - that).
    needed = (at_least - _but_the_soonest(asked, _free_share(booked))) / w["soonest"]
    return window_start + func.make_interval(0, 0, 0, 0, 0, 0, span * (1.0 + 1e-6 - needed))


def _soonest(starts_at: Any) -> ColumnElement[float]:
    """``rules.soonest_fraction``: 1 at the start of the window, falling to 0 at its end (the window
    always ends after it starts: see ``service.preferences_of``)."""
    window_start = bindparam("window_starts_at", type_=DateTime(timezone=True))
    waited = cast(func.extract("epoch", starts_at - window_start), Float)
    return func.least(1.0, func.greatest(0.0, 1.0 - waited / bindparam("window_span_s", type_=Float)))


def best_possible_score_elsewhere(preferences: Preferences) -> float:
    """What any facilitator outside the participant's region could score at most, before knowing who
    they are: when the last facilitator shown scores more, no other region need be read at all."""
    w = WEIGHTS
    places = []
    for mode in (preferences.mode,) if preferences.mode is not None else (Mode.VIDEO, Mode.IN_PERSON):
        if mode == Mode.VIDEO:
            places.append(VIDEO_OTHER_REGION_PLACE)
        else:
            # In person, a facilitator over the border may live next door to the participant.
            near = preferences.latitude is not None and preferences.longitude is not None
            places.append(1.0 if near else OTHER_REGION_PLACE)
    return w["place"] * max(places) + w["soonest"] + w["load"] + w["language"] + w["specialism"]
