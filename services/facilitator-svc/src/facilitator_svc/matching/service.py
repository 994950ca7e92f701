"""Matching a participant: every facilitator judged by the rules, the eligible ranked with reasons."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from facilitator_svc.access import is_admin
from facilitator_svc.config import Settings
from facilitator_svc.matching import rules
from facilitator_svc.matching.repository import (
    CandidateFilter,
    free_slots,
    known_participant,
    load_candidates,
    rater_hashes,
)
from facilitator_svc.matching.schemas import (
    ExclusionOut,
    FacilitatorCard,
    IneligibleOut,
    MatchedParticipant,
    MatchOut,
    MatchRequest,
    MatchResult,
    ParticipantRef,
    Preferences,
    ReasonOut,
    SlotOffer,
    Window,
)
from hlm_kit.auth import Principal, Role
from hlm_kit.errors import FieldError, Forbidden, UnprocessableContent


async def resolve_participant(
    session: AsyncSession, principal: Principal, ref: ParticipantRef | None, cycle_id: UUID | None
) -> rules.Participant:
    """The participant the request is about: the caller, or (for an administrator) the one named.

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
    return rules.Participant(participant_id, organisation, region, await rater_hashes(session, participant_id))


def preferences_of(body: Preferences, settings: Settings, now: datetime) -> rules.Preferences:
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
    )


async def match(
    session: AsyncSession, principal: Principal, body: MatchRequest, settings: Settings, now: datetime
) -> MatchResult:
    if body.include_ineligible and not is_admin(principal):
        raise Forbidden("only an academy administrator may see who is excluded and why")
    participant = await resolve_participant(session, principal, body.participant, body.cycle_id)
    preferences = preferences_of(body, settings, now)
    tz = ZoneInfo(settings.timezone)
    load = {
        "window_starts_at": preferences.window_starts_at,
        "window_ends_at": preferences.window_ends_at,
        "now": now,
        "timezone": settings.timezone,
        # A facilitator's best session is the earliest of some month and mode: scoring needs no other.
        "earliest_per_group": 1,
    }
    candidates = await load_candidates(
        session,
        CandidateFilter(
            participant=participant, mode=body.mode, earliest_date=preferences.window_starts_at.astimezone(tz).date()
        ),
        **load,  # type: ignore[arg-type]
    )
    if body.include_ineligible:
        seen = {c.id for c in candidates}
        candidates += [
            c
            for c in await load_candidates(
                session,
                CandidateFilter(region=principal.region, prefilter=False),
                **load,  # type: ignore[arg-type]
            )
            if c.id not in seen
        ]
    reference_km = settings.match_reference_distance_km
    # Every facilitator is scored, but only those shown get their best few sessions spelt out.
    verdicts = [rules.judge(participant, preferences, c, tz=tz, reference_km=reference_km, keep=1) for c in candidates]
    shown = [v.candidate for v in rules.rank(verdicts)[: body.limit]]
    more_slots = await free_slots(
        session,
        [c.id for c in shown],
        preferences.window_starts_at,
        preferences.window_ends_at,
        now,
        timezone=settings.timezone,
        earliest_per_group=settings.match_slots_per_facilitator,
    )
    ranked = [
        rules.judge(
            participant,
            preferences,
            dataclasses.replace(c, slots=tuple(more_slots.get(c.id, ()))),
            tz=tz,
            reference_km=reference_km,
            keep=settings.match_slots_per_facilitator,
        )
        for c in shown
    ]
    # A session booked between the two reads may leave a facilitator with none: they drop out.
    ranked = [v for v in ranked if v.is_eligible]
    result = MatchResult(
        participant=MatchedParticipant(
            id=participant.id, organisation=participant.organisation, region=participant.region
        ),
        window=Window(starts_at=preferences.window_starts_at, ends_at=preferences.window_ends_at),
        eligible=[
            MatchOut(
                rank=i,
                facilitator=card(v.candidate),
                score=v.best.score,
                reasons=reasons(v.best),
                slots=[
                    SlotOffer(
                        slot_id=o.slot.id,
                        starts_at=o.slot.starts_at,
                        ends_at=o.slot.ends_at,
                        mode=o.mode,
                        venue=o.slot.venue,
                        score=o.score,
                    )
                    for o in v.options[: settings.match_slots_per_facilitator]
                ],
            )
            for i, v in enumerate(ranked, 1)
        ],
    )
    if body.include_ineligible:
        result.ineligible = [
            IneligibleOut(
                facilitator=card(v.candidate),
                reasons=[ExclusionOut(rule=e.rule.value, detail=e.detail) for e in v.exclusions],
            )
            for v in sorted(verdicts, key=lambda v: (v.candidate.name, str(v.candidate.id)))
            if not v.is_eligible
        ]
    return result


def reasons(option: rules.SlotOption) -> list[ReasonOut]:
    """The factors of a score, largest contribution first: the first reason is the main one."""
    return [
        ReasonOut(
            factor=f.key,
            weight=f.weight,
            value=round(f.value, 4),
            contribution=round(f.contribution, 4),
            detail=f.detail,
        )
        for f in sorted(option.factors, key=lambda f: -f.contribution)
    ]


def card(candidate: rules.Candidate) -> FacilitatorCard:
    return FacilitatorCard(
        id=candidate.id,
        name=candidate.name,
        organisation=candidate.organisation,
        region=candidate.region,
        accreditation_level=candidate.accreditation_level,
        modes=list(candidate.modes),
        languages=list(candidate.languages),
        specialisms=list(candidate.specialisms),
    )
