"""Matching a participant: the facilitators who could be shown judged by the rules, the eligible ranked
with reasons. The participant's region is judged whole; another region's facilitators are read only if
they could still score enough to be shown (``bound.py``), so a match costs about the same whatever the
size of the register beyond the participant's region."""

from __future__ import annotations

import dataclasses
import functools
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from facilitator_svc.access import is_admin
from facilitator_svc.config import Settings
from facilitator_svc.matching import rules
from facilitator_svc.matching.bound import MARGIN, best_possible_score_elsewhere
from facilitator_svc.matching.repository import (
    CandidateFilter,
    ScoreToBeat,
    best_scores,
    known_participant,
    load_candidates,
    most_promising,
    rater_hashes,
)
from facilitator_svc.matching.schemas import (
    MatchRequest,
    ParticipantRef,
    Window,
)
from facilitator_svc.vocabulary import Mode, SessionKind
from hlm_kit.auth import Principal, Role
from hlm_kit.errors import FieldError, Forbidden, UnprocessableContent


async def resolve_participant(
    session: AsyncSession,
    principal: Principal,
    ref: ParticipantRef | None,
    cycle_id: UUID | None,
    *,
    with_raters: bool = True,
) -> rules.Participant:
    """The participant the request is about: the caller, or (for an administrator) the one named.
    ``with_raters=False`` leaves their raters' hashes out, for a caller whose statements read them
    (``CandidateFilter`` with the participant does).

    Organisation and region come from the token or the request, else from the participant's
    assessment cycle as survey-svc announced it; without an organisation the same-organisation rule
    cannot be applied, so the request is refused rather than matched blindly.
    """
    if ref is not None:
        if not is_admin(principal):
            raise Forbidden("only an academy administrator may act for another participant")
        participant_id, organisation, region = ref.id, ref.organisation, ref.region
    elif principal.has_role(Role.PARTICIPANT):
        participant_id, organisation, region = principal.sub, principal.org, principal.region
    else:
        raise UnprocessableContent(
            "name the participant",
            errors=[
                FieldError(
                    loc=["body", "participant"], msg="an administrator must name the participant", type="missing"
                )
            ],
        )
    if organisation is None or region is None:
        known = await known_participant(session, participant_id, cycle_id)
        if known is not None:
            organisation = organisation or known.organisation
            region = region or known.region
    if ref is not None:
        region = region or principal.region
        if region != principal.region:
            raise Forbidden(f"the participant belongs to the region {region!r}, which you do not manage")
    if organisation is None:
        raise UnprocessableContent(
            "the participant's organisation is unknown, so conflicts of interest cannot be checked",
            errors=[
                FieldError(
                    loc=["body", "participant", "organisation"],
                    msg="no organisation in the token, the request or a known assessment cycle",
                    type="missing",
                )
            ],
        )
    raters = await rater_hashes(session, participant_id) if with_raters else frozenset[str]()
    return rules.Participant(participant_id, organisation, region, raters)


def refuse_cycle_unless_feedback(kind: SessionKind, cycle_id: UUID | None) -> None:
    """Coaching and mentoring are the participant's own, not part of a 360 cycle: naming a cycle for them is
    refused rather than ignored, so that nobody takes the session for the one that releases the cycle's report."""
    if cycle_id is not None and kind != SessionKind.FEEDBACK:
        raise UnprocessableContent(
            f"a {kind.value} session is not part of an assessment cycle",
            errors=[
                FieldError(
                    loc=["body", "cycle_id"],
                    msg=f"a {kind.value} session names no cycle: leave cycle_id out",
                    type="cycle_not_for_kind",
                )
            ],
        )


def preferences_of(body: MatchRequest, settings: Settings, now: datetime) -> rules.Preferences:
    window = body.window or Window(starts_at=now, ends_at=now + timedelta(days=settings.match_window_days))
    if window.ends_at <= now:
        raise UnprocessableContent(
            "the window has passed",
            errors=[
                FieldError(loc=["body", "window", "ends_at"], msg="the window must end in the future", type="in_past")
            ],
        )
    return rules.Preferences(
        window_starts_at=max(window.starts_at, now),
        window_ends_at=window.ends_at,
        mode=body.mode,
        languages=tuple(body.languages),
        specialisms=tuple(body.specialisms),
        latitude=body.location.latitude if body.location else None,
        longitude=body.location.longitude if body.location else None,
        max_distance_km=body.max_distance_km,
        kind=body.kind,
    )


async def match(
    session: AsyncSession, principal: Principal, body: MatchRequest, settings: Settings, now: datetime
) -> dict[str, Any]:
    """The answer (``MatchResult``) as plain values, for ``hlm_kit.json_answer.encode``."""
    if body.include_ineligible and not is_admin(principal):
        raise Forbidden("only an academy administrator may see who is excluded and why")
    refuse_cycle_unless_feedback(body.kind, body.cycle_id)
    # Every facilitator judged is read through ``bookable``, whose statement leaves out the participant's
    # raters itself: the rules need not know them, and the match saves a round trip.
    participant = await resolve_participant(session, principal, body.participant, body.cycle_id, with_raters=False)
    preferences = preferences_of(body, settings, now)
    tz = ZoneInfo(settings.timezone)
    reference_km = settings.match_reference_distance_km
    keep = settings.match_slots_per_facilitator
    home = participant.region

    async def load(which: CandidateFilter, earliest_per_group: int) -> list[rules.Candidate]:
        return await load_candidates(
            session,
            which,
            window_starts_at=preferences.window_starts_at,
            window_ends_at=preferences.window_ends_at,
            now=now,
            timezone=settings.timezone,
            earliest_per_group=earliest_per_group,
        )

    async def bounds(which: CandidateFilter, at_least: float | None = None) -> list[tuple[float, UUID]]:
        return await best_scores(
            session,
            which,
            preferences,
            reference_km=reference_km,
            now=now,
            timezone=settings.timezone,
            at_least=at_least,
        )

    # The facilitators the participant could book, as far as SQL can tell: the hard rules on the register
    # row, and a session in the window, in the mode, before the accreditation ends, in a month with room.
    bookable = CandidateFilter(
        participant=participant,
        kind=body.kind,
        mode=body.mode,
        earliest_date=preferences.window_starts_at.astimezone(tz).date(),
        bookable_only=True,
        within_km_of=(
            (preferences.latitude, preferences.longitude, preferences.max_distance_km)
            if body.mode == Mode.IN_PERSON
            and preferences.latitude is not None
            and preferences.longitude is not None
            and preferences.max_distance_km is not None
            else None
        ),
    )
    verdicts: list[rules.Verdict] = []
    judged: set[UUID] = set()

    def to_beat() -> float | None:
        """The score of the last facilitator the list would show now, if it is full."""
        eligible = rules.rank(verdicts)
        return eligible[body.limit - 1].best.score if len(eligible) >= body.limit else None

    async def judge_best_first(ordered: list[tuple[float, UUID]]) -> None:
        """Judge facilitators in the order of their bound (bound.py) until nobody left could be shown."""
        # Nobody judged yet (the region's first bound): no UUID hashed to find out.
        pending = [(bound, id) for bound, id in ordered if id not in judged] if judged else ordered
        while pending:
            score = to_beat()
            if score is None:
                n = body.limit - len(rules.rank(verdicts))
            else:
                # A few at a time: each judged may raise the score to beat, and leave the rest out.
                reach = next((i for i, (bound, _) in enumerate(pending) if bound < score - MARGIN), len(pending))
                n = min(reach, body.limit)
                if n == 0:
                    return
            batch, pending = pending[:n], pending[n:]
            judged.update(id for _, id in batch)
            # With their best few sessions, to show, and the reasons of the best (the only ones shown).
            candidates = await load(dataclasses.replace(bookable, ids=[id for _, id in batch]), keep)
            verdicts.extend(
                rules.judge(participant, preferences, c, tz=tz, reference_km=reference_km, keep=keep, worded=1)
                for c in candidates
            )

    if home is not None:
        # The participant's region first: its facilitators are the likeliest to be shown.
        await judge_best_first(await bounds(dataclasses.replace(bookable, region=home)))
    # Other regions only for a facilitator who could still make the list, and only then read at all.
    elsewhere = dataclasses.replace(bookable, beyond_region=home)
    if (score := to_beat()) is None:
        # The region cannot fill the list: those elsewhere whose register row promises most come first,
        # for a score to beat before any more sessions are read.
        places_left = body.limit - len(rules.rank(verdicts))
        promising = await most_promising(
            session, elsewhere, preferences, reference_km=reference_km, count=places_left, now=now
        )
        if promising:
            await judge_best_first(await bounds(dataclasses.replace(elsewhere, ids=promising)))
        score = to_beat()
    if score is None or best_possible_score_elsewhere(preferences) >= score - MARGIN:
        if score is not None:
            elsewhere = dataclasses.replace(elsewhere, score_to_beat=ScoreToBeat(preferences, reference_km, score))
        await judge_best_first(await bounds(elsewhere, at_least=score - MARGIN if score is not None else None))
    ranked = rules.rank(verdicts)[: body.limit]
    shown = settings.match_slots_per_facilitator
    # The answer as plain values in the fields' order, encoded as they are (``encode``): a model built
    # per reason, session and facilitator (some two hundred of them), or the whole validated at once,
    # cost more than judging the facilitators.
    result: dict[str, Any] = {
        "participant": {"id": participant.id, "organisation": participant.organisation, "region": participant.region},
        "kind": body.kind,
        "window": {"starts_at": preferences.window_starts_at, "ends_at": preferences.window_ends_at},
        "eligible": [
            {
                "rank": i,
                "facilitator": card(v.candidate),
                "score": v.best.score,
                "reasons": reasons(v.best),
                "slots": [
                    {
                        "slot_id": o.slot.id,
                        "starts_at": o.slot.starts_at,
                        "ends_at": o.slot.ends_at,
                        "kind": o.slot.kind,
                        "mode": o.mode,
                        "venue": o.slot.venue,
                        "score": o.score,
                    }
                    for o in v.options[:shown]
                ],
            }
            for i, v in enumerate(ranked, 1)
        ],
        "ineligible": None,
    }
    if body.include_ineligible:
        # An administrator also sees everyone of their region (the participant's) who is excluded, and
        # why: the region is read whole, unfiltered, and judged.
        # Whether a session is usable, and why not, shows on the earliest of each month and set of modes.
        everyone = await load(CandidateFilter(region=home, prefilter=False, kind=body.kind), 1)
        # Read unfiltered, so the rules tell the raters apart (as a conflict of interest, like any other).
        known = dataclasses.replace(participant, rater_hashes=await rater_hashes(session, participant.id))
        region_verdicts = [
            rules.judge(known, preferences, c, tz=tz, reference_km=reference_km, keep=1) for c in everyone
        ]
        result["ineligible"] = [
            {
                "facilitator": card(v.candidate),
                "reasons": [{"rule": e.rule.value, "detail": e.detail} for e in v.exclusions],
            }
            for v in sorted(region_verdicts, key=lambda v: (v.candidate.name, str(v.candidate.id)))
            if not v.is_eligible
        ]
    return result


@functools.lru_cache(maxsize=1024, typed=True)
def _rounded(value: float) -> float:
    """``round(value, 4)``, remembered: a float is rounded to four places through its decimal text, and most
    of the factors shown (language, specialism, a month's load, a video session's place) and their
    contributions take the same few values match after match. (Factors are never below +0.0, so -0.0, an
    equal key, never comes.)"""
    return round(value, 4)


def reasons(option: rules.SlotOption) -> list[dict[str, Any]]:
    """The factors of a score, largest contribution first: the first reason is the main one."""
    return [
        {
            "factor": f.key,
            "weight": f.weight,
            "value": _rounded(f.value),
            "contribution": _rounded(f.contribution),
            "detail": f.detail,
        }
        for f in sorted(option.factors, key=lambda f: -f.contribution)
    ]


def card(candidate: rules.Candidate) -> dict[str, Any]:
    """What a participant sees of a facilitator (``FacilitatorCard``)."""
    return {
        "id": candidate.id,
        "name": candidate.name,
        "organisation": candidate.organisation,
        "region": candidate.region,
        "accreditation_level": candidate.accreditation_level,
        "modes": list(candidate.modes),
        "languages": list(candidate.languages),
        "specialisms": list(candidate.specialisms),
    }
