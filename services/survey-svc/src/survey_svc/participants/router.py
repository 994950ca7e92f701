from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from hlm_kit.auth import CurrentPrincipal
from hlm_kit.db import Session
from survey_svc.participants import service as participant_service

router = APIRouter(prefix="/v1/participants", tags=["participants"])


@router.delete("/{participant_id}", status_code=status.HTTP_204_NO_CONTENT)
async def erase(
    session: Session,
    principal: CurrentPrincipal,
    participant_id: Annotated[str, Path(min_length=1, max_length=255)],
) -> None:
    """Erase a participant's data here and tell every other service to do the same (the participant
    themself, or an academy admin of a region the participant has a cycle in; to any other admin, 404)."""
    await participant_service.erase(session, principal, participant_id)
