"""The rater's side: reached with the invitation token alone, no account and no bearer token."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, status

from hlm_kit.db import Session, Sessionmaker
from survey_svc.dependencies import SettingsDep
from survey_svc.invitations import rate_limit
from survey_svc.invitations import service as invitation_service
from survey_svc.invitations.exceptions import LINK_NOT_VALID, InvitationNotFound
from survey_svc.invitations.schemas import InvitationView, RejectIn
from survey_svc.invitations.service import Caller
from survey_svc.responses.schemas import DraftSaved, ResponseIn, Submitted

router = APIRouter(prefix="/v1/invitations", tags=["invitations"])

NOT_VALID: dict[int | str, dict[str, Any]] = {
    404: {"description": LINK_NOT_VALID},
    429: {"description": "Too many invalid links from this address; see Retry-After."},
}


async def _caller(
    request: Request,
    # Named ``token``, so hlm_kit's redacted path, used by every log line and error document, hides it.
    token: Annotated[str, Path(description="The token of the rater's link (it is never logged).")],
    sessionmaker: Sessionmaker,
    settings: SettingsDep,
) -> AsyncIterator[Caller]:
    """The caller of a link; a link that opens nothing counts against their address. This dependency
    ends after the request's session, so the count is written once the request's transaction (which
    the refusal rolls back) has given its connection back."""
    caller = Caller(token=token, address=request.client.host if request.client else "unknown")
    try:
        yield caller
    except InvitationNotFound:
        await rate_limit.record_failure(sessionmaker, rate_limit.client_hash(caller.address), settings)
        raise


InvitationCaller = Annotated[Caller, Depends(_caller)]


@router.get("/{token}", response_model=InvitationView, responses=NOT_VALID)
async def get(session: Session, caller: InvitationCaller, settings: SettingsDep) -> InvitationView:
    """The rater's questionnaire with their draft, or the nominations a line manager is asked to approve."""
    return await invitation_service.view(session, caller, settings)


@router.put("/{token}/draft", response_model=DraftSaved, responses=NOT_VALID)
async def save_draft(session: Session, caller: InvitationCaller, body: ResponseIn, settings: SettingsDep) -> DraftSaved:
    return await invitation_service.save_draft(session, caller, body, settings)


@router.post("/{token}/submit", status_code=status.HTTP_201_CREATED, response_model=Submitted, responses=NOT_VALID)
async def submit(session: Session, caller: InvitationCaller, body: ResponseIn, settings: SettingsDep) -> Submitted:
    """Submit the whole response, once; the link stops working afterwards."""
    return await invitation_service.submit(session, caller, body, settings)


@router.post("/{token}/decline", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_VALID)
async def decline(session: Session, caller: InvitationCaller, settings: SettingsDep) -> None:
    await invitation_service.decline(session, caller, settings)


@router.post("/{token}/approve", response_model=InvitationView, responses=NOT_VALID)
async def approve(session: Session, caller: InvitationCaller, settings: SettingsDep) -> InvitationView:
    """The line manager approves the nominations; the cycle opens and the link turns into their questionnaire."""
    return await invitation_service.approve(session, caller, settings)


@router.post("/{token}/reject", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_VALID)
async def reject(session: Session, caller: InvitationCaller, body: RejectIn, settings: SettingsDep) -> None:
    """The line manager sends the nominations back to the participant, with a note."""
    await invitation_service.reject(session, caller, body, settings)
