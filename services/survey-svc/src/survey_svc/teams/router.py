"""Team 360s: start one, and see how many members it has and in which state."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status

from hlm_kit.auth import AdminOrParticipant
from hlm_kit.db import Session
from hlm_kit.idempotency import IdempotencyKey
from survey_svc.teams import service as team_service
from survey_svc.teams.schemas import TeamCycleCreate, TeamCycleOut

router = APIRouter(prefix="/v1/team-cycles", tags=["team cycles"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=TeamCycleOut)
async def create_team(
    response: Response,
    session: Session,
    principal: AdminOrParticipant,
    body: TeamCycleCreate,
    idempotency_key: IdempotencyKey = None,
) -> TeamCycleOut:
    """Start a team 360; members create team_360 cycles naming it. A retry with the same
    ``Idempotency-Key`` answers 200 with the team cycle the first attempt made."""
    team, created = await team_service.create_team(session, principal, body, idempotency_key)
    if not created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/v1/team-cycles/{team.id}"
    return team


@router.get("/{id}", response_model=TeamCycleOut)
async def get_team(session: Session, principal: AdminOrParticipant, id: UUID) -> TeamCycleOut:
    return await team_service.get_team(session, principal, id)
