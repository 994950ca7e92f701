from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from hlm_contracts.base import Key
from hlm_kit.auth import CurrentPrincipal
from hlm_kit.db import Session
from hlm_kit.idempotency import IdempotencyKey
from hlm_kit.pagination import Cursor, Limit
from survey_svc.goals import service as goal_service
from survey_svc.goals.schemas import GoalIn, GoalList, GoalOut, GoalPatch, GoalStatusName

router = APIRouter(prefix="/v1/goals", tags=["goals"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=GoalOut)
async def create(
    response: Response,
    session: Session,
    principal: CurrentPrincipal,
    body: GoalIn,
    idempotency_key: IdempotencyKey = None,
) -> GoalOut:
    goal, created = await goal_service.create(session, principal, body, idempotency_key)
    if not created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/v1/goals/{goal.id}"
    return goal


@router.get("", response_model=GoalList)
async def list_goals(
    session: Session,
    principal: CurrentPrincipal,
    limit: Limit,
    status: Annotated[GoalStatusName | None, Query()] = None,
    reminder_due: Annotated[bool, Query(description="only active goals whose reminder date has come")] = False,
    cursor: Cursor = None,
) -> GoalList:
    """The caller's own goals, oldest first, a page at a time; ``?reminder_due=true`` for the reminders the
    app should show today."""
    return await goal_service.list_goals(
        session, principal, status=status, reminder_due=reminder_due, cursor=cursor, limit=limit
    )


@router.get("/{id}", response_model=GoalOut)
async def get(session: Session, principal: CurrentPrincipal, id: UUID) -> GoalOut:
    return await goal_service.get(session, principal, id)


@router.patch("/{id}", response_model=GoalOut)
async def update(session: Session, principal: CurrentPrincipal, id: UUID, body: GoalPatch) -> GoalOut:
    return await goal_service.update(session, principal, id, body)


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete(session: Session, principal: CurrentPrincipal, id: UUID) -> None:
    await goal_service.delete(session, principal, id)


@router.put("/{id}/resources/{resource_key}", response_model=GoalOut)
async def save_resource(session: Session, principal: CurrentPrincipal, id: UUID, resource_key: Key) -> GoalOut:
    """Save a published development resource to the goal; saving it again changes nothing. An unknown or
    unpublished resource key is refused (422)."""
    return await goal_service.save_resource(session, principal, id, resource_key)


@router.delete("/{id}/resources/{resource_key}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_resource(session: Session, principal: CurrentPrincipal, id: UUID, resource_key: Key) -> None:
    """Take a saved resource off the goal (204 also when it was not on it)."""
    await goal_service.remove_resource(session, principal, id, resource_key)
