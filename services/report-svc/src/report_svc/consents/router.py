from __future__ import annotations

from fastapi import APIRouter, Response

from hlm_kit.auth import Participant
from hlm_kit.db import Session
from report_svc.consents import service as consent_service
from report_svc.consents.schemas import ConsentOut

router = APIRouter(prefix="/v1/consents/organisation", tags=["consents"])


@router.get("", response_model=ConsentOut)
async def get(session: Session, principal: Participant) -> ConsentOut:
    """Whether the participant lets their organisation read their released reports."""
    return await consent_service.get(session, principal)


@router.put("", response_model=ConsentOut)
async def grant(session: Session, principal: Participant) -> ConsentOut:
    """Let the organisation of the caller's token read their released individual reports (idempotent)."""
    return await consent_service.grant(session, principal)


@router.delete("", status_code=204)
async def withdraw(session: Session, principal: Participant) -> Response:
    """Withdraw the consent; the organisation stops seeing the reports at once (idempotent)."""
    await consent_service.withdraw(session, principal)
    return Response(status_code=204)
