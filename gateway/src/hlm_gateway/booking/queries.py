from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import quote

import strawberry
from strawberry.types import Info

from hlm_gateway.arguments import SUBJECT, Cursor, bounded
from hlm_gateway.booking.types import FacilitatorMatch, MatchRequestBody, SessionStatus, coaching_kind, match_from
from hlm_gateway.context import Context
from hlm_gateway.facilitators.types import LocationInput, SessionMode, TimeWindowInput, rest_value
from hlm_gateway.journey.types import FeedbackSession, session_from
from hlm_gateway.pagination import Connection, Edge, First, PageInfo
from hlm_gateway.upstream.facilitator import BookingList, BookingOut, MatchResult
from hlm_gateway.vocabulary import SessionKind

MAX_MATCHES = 100


@strawberry.type
class BookingQuery:
    @strawberry.field(
        description="Facilitators who may hold the cycle's feedback session, best first, each with the reasons "
        "for its score and its best free sessions. Anyone a rule rules out is left out; administrators may name "
        "the participant."
    )
    async def facilitator_matches(
        self,
        info: Info[Context, None],
        cycle_id: strawberry.ID,
        mode: SessionMode | None = None,
        languages: list[str] | None = None,
        specialisms: list[str] | None = None,
        window: TimeWindowInput | None = None,
        near: LocationInput | None = None,
        max_distance_km: float | None = None,
        participant_id: Annotated[strawberry.ID | None, SUBJECT] = None,
        limit: Annotated[int, bounded(1, MAX_MATCHES)] = 20,
    ) -> list[FacilitatorMatch] | None:
        return await _matches(
            info,
            SessionKind.FEEDBACK,
            str(cycle_id),
            mode,
            languages,
            specialisms,
            window,
            near,
            max_distance_km,
            participant_id,
            limit,
        )

    @strawberry.field(
        description="Facilitators and coaches who offer coaching or mentoring, best first, with the reasons for "
        "the score and their best free sessions of that kind. The session is the participant's own, about no "
        "cycle; the same rules apply as to a feedback session, conflicts of interest included. Administrators "
        "may name the participant."
    )
    async def coaching_matches(
        self,
        info: Info[Context, None],
        kind: SessionKind = SessionKind.COACHING,
        mode: SessionMode | None = None,
        languages: list[str] | None = None,
        specialisms: list[str] | None = None,
        window: TimeWindowInput | None = None,
        near: LocationInput | None = None,
        max_distance_km: float | None = None,
        participant_id: Annotated[strawberry.ID | None, SUBJECT] = None,
        limit: Annotated[int, bounded(1, MAX_MATCHES)] = 20,
    ) -> list[FacilitatorMatch] | None:
        return await _matches(
            info,
            coaching_kind(kind),
            None,
            mode,
            languages,
            specialisms,
            window,
            near,
            max_distance_km,
            participant_id,
            limit,
        )

    @strawberry.field(
        description="Your feedback sessions in order of time: a participant's own, a facilitator's own, or "
        "an administrator's region's."
    )
    async def feedback_sessions(
        self,
        info: Info[Context, None],
        first: First = 20,
        after: Cursor = None,
        status: SessionStatus | None = None,
        facilitator_id: strawberry.ID | None = None,
        starts_from: datetime | None = None,
        starts_before: datetime | None = None,
        kind: SessionKind | None = None,
    ) -> Connection[FeedbackSession] | None:
        params = {"limit": str(first)} | ({"cursor": after} if after else {})
        if status is not None:
            params["status"] = status.value
        if facilitator_id is not None:
            params["facilitator_id"] = str(facilitator_id)
        if starts_from is not None:
            params["from"] = starts_from.isoformat()
        if starts_before is not None:
            params["to"] = starts_before.isoformat()
        if kind is not None:
            params["kind"] = kind.value
        page = await info.context.facilitator.get("/v1/bookings", BookingList, params)
        next_cursor = page.next_cursor
        edges = [Edge(cursor=str(item.id), node=session_from(item)) for item in page.items]
        return Connection(
            edges=edges, page_info=PageInfo(has_next_page=next_cursor is not None, end_cursor=next_cursor)
        )

    @strawberry.field(description="One feedback session you take part in or manage.")
    async def feedback_session(self, info: Info[Context, None], id: strawberry.ID) -> FeedbackSession | None:
        return session_from(await info.context.facilitator.get(f"/v1/bookings/{quote(id, safe='')}", BookingOut))


async def _matches(
    info: Info[Context, None],
    kind: SessionKind,
    cycle_id: str | None,
    mode: SessionMode | None,
    languages: list[str] | None,
    specialisms: list[str] | None,
    window: TimeWindowInput | None,
    near: LocationInput | None,
    max_distance_km: float | None,
    participant_id: strawberry.ID | None,
    limit: int,
) -> list[FacilitatorMatch]:
    request: MatchRequestBody = {
        "kind": kind.value,
        "cycle_id": cycle_id,
        "mode": rest_value(mode),
        "languages": languages or [],
        "specialisms": specialisms or [],
        "window": rest_value(window),
        "location": rest_value(near),
        "max_distance_km": max_distance_km,
        "participant": {"id": str(participant_id)} if participant_id is not None else None,
        "limit": limit,
    }
    # A read, though a POST (the preferences are its body): nothing is written, so it is safe to ask again.
    found = await info.context.facilitator.post("/v1/matches", MatchResult, request)
    return [match_from(item) for item in found.eligible]
