from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from pydantic import AwareDatetime

from facilitator_svc.bookings import service as booking_service
from facilitator_svc.bookings.models import BookingStatus
from facilitator_svc.bookings.schemas import BookingIn, BookingList, BookingOut, CancelIn, RatingIn, RescheduleIn
from facilitator_svc.clock import Now
from facilitator_svc.config import AppSettings
from facilitator_svc.vocabulary import SessionKind
from hlm_kit.auth import AdminOrFacilitator, AdminOrParticipant, AnyUser, Participant
from hlm_kit.db import Session
from hlm_kit.idempotency import IdempotencyKey
from hlm_kit.json_answer import json_response
from hlm_kit.pagination import Cursor, id_list, page_limit

router = APIRouter(prefix="/v1/bookings", tags=["bookings"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=BookingOut,
    summary="Hold a slot for a short time (or book it at once with confirm)",
    responses={409: {"description": "The slot is taken, the facilitator has no capacity, or a rule forbids it"}},
)
async def create(
    response: Response,
    session: Session,
    principal: AdminOrParticipant,
    body: BookingIn,
    settings: AppSettings,
    now: Now,
    idempotency_key: IdempotencyKey = None,
) -> BookingOut:
    booking, is_new = await booking_service.create(
        session, principal, body, settings, now, idempotency_key=idempotency_key
    )
    response.headers["Location"] = f"/v1/bookings/{booking.id}"
    if not is_new:
        response.headers["Idempotent-Replayed"] = "true"
    return booking


@router.get("", response_model=BookingList, summary="Your sessions, or your region's for an administrator")
async def list_bookings(
    session: Session,
    principal: AnyUser,
    limit: Annotated[int, page_limit(default=100, maximum=500)],
    cycle_ids: Annotated[
        list[UUID] | None,
        id_list(
            "cycle_ids",
            "comma-separated cycle ids: only the sessions of these cycles (a batch read by cycle), at most 100",
        ),
    ],
    status: BookingStatus | None = None,
    facilitator_id: UUID | None = None,
    starts_from: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    starts_before: Annotated[AwareDatetime | None, Query(alias="to")] = None,
    kind: Annotated[SessionKind | None, Query(description="only sessions of this kind")] = None,
    cursor: Cursor = None,
) -> Response:
    listed = await booking_service.list_bookings(
        session,
        principal,
        status=status,
        facilitator_id=facilitator_id,
        cycle_ids=cycle_ids,
        starts_from=starts_from,
        starts_before=starts_before,
        kind=kind,
        cursor=cursor,
        limit=limit,
    )
    return json_response(listed)


@router.get("/{id}", response_model=BookingOut)
async def get(session: Session, principal: AnyUser, id: UUID) -> BookingOut:
    return await booking_service.get(session, principal, id)


@router.post("/{id}/confirm", response_model=BookingOut)
async def confirm(session: Session, principal: AdminOrParticipant, id: UUID, now: Now) -> BookingOut:
    return await booking_service.confirm(session, principal, id, now)


@router.post("/{id}/cancel", response_model=BookingOut)
async def cancel(session: Session, principal: AnyUser, id: UUID, now: Now, body: CancelIn | None = None) -> BookingOut:
    return await booking_service.cancel(session, principal, id, body or CancelIn(), now)


@router.post("/{id}/reschedule", response_model=BookingOut)
async def reschedule(
    session: Session, principal: AdminOrParticipant, id: UUID, body: RescheduleIn, settings: AppSettings, now: Now
) -> BookingOut:
    return await booking_service.reschedule(session, principal, id, body, settings, now)


@router.post("/{id}/complete", response_model=BookingOut)
async def complete(session: Session, principal: AdminOrFacilitator, id: UUID, now: Now) -> BookingOut:
    return await booking_service.complete(session, principal, id, now)


@router.post("/{id}/rating", response_model=BookingOut, summary="The participant's rating of a completed session")
async def rate(session: Session, principal: Participant, id: UUID, body: RatingIn, now: Now) -> BookingOut:
    return await booking_service.rate(session, principal, id, body, now)
