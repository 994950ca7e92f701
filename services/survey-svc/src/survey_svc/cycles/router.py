"""The participant's side of cycles (and an academy admin's read and extension, in their region)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from hlm_kit.auth import AdminOrParticipant, Participant
from hlm_kit.db import Session
from hlm_kit.idempotency import IdempotencyKey
from hlm_kit.json_answer import json_response
from hlm_kit.pagination import Cursor, Ids, Limit
from survey_svc.cycles import lifecycle, self_answers
from survey_svc.cycles import service as cycle_service
from survey_svc.cycles.schemas import (
    ConvertIn,
    CycleCreate,
    CycleList,
    CycleOut,
    ExtendIn,
    OpenIn,
    SelfView,
)
from survey_svc.dependencies import SettingsDep
from survey_svc.raters import service as rater_service
from survey_svc.raters.schemas import NominationsIn, RaterList, RemindersQueued
from survey_svc.responses.schemas import DraftSaved, ResponseIn, Submitted

router = APIRouter(prefix="/v1/cycles", tags=["cycles"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CycleOut)
async def create(
    response: Response,
    session: Session,
    principal: Participant,
    body: CycleCreate,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> CycleOut:
    """Create a draft cycle pinned to a published questionnaire; organisation and region come from the token."""
    cycle, created = await cycle_service.create(session, principal, body, settings, idempotency_key)
    if not created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/v1/cycles/{cycle.id}"
    return cycle


@router.get("", response_model=CycleList)
async def list_cycles(
    session: Session,
    principal: AdminOrParticipant,
    ids: Ids,
    limit: Limit,
    participant_id: Annotated[
        str | None, Query(description="academy admins: one participant's cycles in the admin's region")
    ] = None,
    cursor: Cursor = None,
) -> Response:
    """The caller's cycles, newest first (an academy admin's: their region's); ``?ids=`` for a batch."""
    if ids is not None:
        return json_response(
            CycleList(items=await cycle_service.get_many(session, principal, ids)).model_dump_json().encode()
        )
    return json_response(
        await cycle_service.list_cycles(session, principal, participant_id=participant_id, cursor=cursor, limit=limit)
    )


@router.get("/{id}", response_model=CycleOut)
async def get(session: Session, principal: AdminOrParticipant, id: UUID) -> CycleOut:
    return await cycle_service.get(session, principal, id)


@router.get("/{id}/self", response_model=SelfView)
async def get_self(session: Session, principal: Participant, id: UUID) -> SelfView:
    """The participant's own questionnaire and their draft or submitted answers."""
    return await self_answers.get_self(session, principal, id)


@router.put("/{id}/self", response_model=DraftSaved)
async def save_self_draft(session: Session, principal: Participant, id: UUID, body: ResponseIn) -> DraftSaved:
    return await self_answers.save_self_draft(session, principal, id, body)


@router.post("/{id}/self/submit", status_code=status.HTTP_201_CREATED, response_model=Submitted)
async def submit_self(
    session: Session, principal: Participant, id: UUID, body: ResponseIn, settings: SettingsDep
) -> Submitted:
    """Submit the participant's answers, once. A self-assessment is complete with them."""
    return await self_answers.submit_self(session, principal, id, body, settings)


@router.post("/{id}/raters", status_code=status.HTTP_201_CREATED, response_model=RaterList)
async def nominate(
    session: Session, principal: Participant, id: UUID, body: NominationsIn, settings: SettingsDep
) -> RaterList:
    """Nominate raters by group; once the cycle is open each is invited straight away."""
    return await rater_service.nominate(session, principal, id, body, settings)


@router.get("/{id}/raters", response_model=RaterList)
async def list_raters(session: Session, principal: Participant, id: UUID) -> RaterList:
    """Whom the participant nominated (not withdrawn); never who has answered."""
    return await rater_service.list_raters(session, principal, id)


@router.delete("/{id}/raters/{rater_id}", status_code=status.HTTP_204_NO_CONTENT)
async def withdraw(session: Session, principal: Participant, id: UUID, rater_id: UUID) -> None:
    await rater_service.withdraw(session, principal, id, rater_id)


@router.post("/{id}/open", response_model=CycleOut)
async def open_cycle(
    session: Session, principal: Participant, id: UUID, body: OpenIn, settings: SettingsDep
) -> CycleOut:
    """Open the 360 with its closing date (or send the nominations for approval first)."""
    return await lifecycle.open_cycle(session, principal, id, body, settings)


@router.post("/{id}/reminders", status_code=status.HTTP_202_ACCEPTED, response_model=RemindersQueued)
async def remind(session: Session, principal: Participant, id: UUID) -> RemindersQueued:
    """Remind the raters who have neither submitted nor declined."""
    return await rater_service.remind(session, principal, id)


@router.post("/{id}/extend", response_model=CycleOut)
async def extend(
    session: Session, principal: AdminOrParticipant, id: UUID, body: ExtendIn, settings: SettingsDep
) -> CycleOut:
    """Move the closing date later (re-opening a closed cycle whose report is not released)."""
    return await lifecycle.extend(session, principal, id, body, settings)


@router.post("/{id}/close", response_model=CycleOut)
async def close(session: Session, principal: Participant, id: UUID) -> CycleOut:
    """Close early, once enough raters have submitted."""
    return await lifecycle.close(session, principal, id)


@router.post("/{id}/convert", response_model=CycleOut)
async def convert(response: Response, session: Session, principal: Participant, id: UUID, body: ConvertIn) -> CycleOut:
    """Turn a self-assessment into a 360 keeping its self ratings: 200 in place for a draft, 201 with a
    new cycle for a completed one."""
    cycle, created = await cycle_service.convert(session, principal, id, body)
    if created:
        response.status_code = status.HTTP_201_CREATED
        response.headers["Location"] = f"/v1/cycles/{cycle.id}"
    return cycle
