"""What a rater does with their link alone: open the questionnaire, save a draft, submit once,
decline; and, for a line manager asked to, approve or send back the nominations.

Every link that does not open a questionnaire gets the same 404, whatever the reason (unknown,
submitted, declined, withdrawn, closed, released), and each such failure counts against the caller's
address (see ``rate_limit``; the router counts it, once the request's own transaction is rolled back).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import RaterGroup
from survey_svc.config import Settings
from survey_svc.cycles import lifecycle
from survey_svc.cycles.models import Cycle, CycleStatus
from survey_svc.cycles.repository import CycleRepository
from survey_svc.invitations import rate_limit, tokens
from survey_svc.invitations.exceptions import InvitationNotFound, NotAtThisStage
from survey_svc.invitations.schemas import InvitationView, NominationView, RejectIn
from survey_svc.questionnaires import service as questionnaire_service
from survey_svc.raters.models import Invitation, InvitationStatus
from survey_svc.raters.repository import InvitationRepository
from survey_svc.responses import answers as answer_rules
from survey_svc.responses import service as response_service
from survey_svc.responses.schemas import DraftSaved, ResponseIn, Submitted

Stage = Literal["approval", "feedback"]
_TOKEN_ALPHABET = frozenset(string.ascii_letters + string.digits + "-_")


@dataclass
class Opened:
    invitation: Invitation
    cycle: Cycle
    stage: Stage


@dataclass(frozen=True)
class Caller:
    """The token a request presents and the address it came from (for the guessing limit)."""

    token: str
    address: str


async def resolve(session: AsyncSession, caller: Caller, settings: Settings) -> Opened:
    """The invitation and cycle a token opens, or the one 404 for every other case."""
    await rate_limit.ensure_allowed(session, rate_limit.client_hash(caller.address), settings)
    token = caller.token
    if not 20 <= len(token) <= 128 or not set(token) <= _TOKEN_ALPHABET:
        raise InvitationNotFound()
    presented = tokens.token_hash(token)
    found = await InvitationRepository(session).by_token_hash(presented)
    # The look-up is by hash, so its timing says nothing useful about any token; the hashes are still
    # compared in constant time before the link is trusted.
    if found is None or not tokens.same_hash(found[1], presented):
        raise InvitationNotFound()
    invitation = found[0]
    cycle = await CycleRepository(session).get_by_id(invitation.cycle_id)
    if cycle is None or invitation.status != InvitationStatus.INVITED or cycle.report_released_at is not None:
        raise InvitationNotFound()
    if cycle.status == CycleStatus.OPEN:
        return Opened(invitation, cycle, "feedback")
    if cycle.status == CycleStatus.AWAITING_APPROVAL and invitation.rater_group == RaterGroup.LINE_MANAGER:
        return Opened(invitation, cycle, "approval")
    raise InvitationNotFound()


def _require(opened: Opened, stage: Stage) -> None:
    if opened.stage != stage:
        raise NotAtThisStage(
            "the nominations are waiting for your approval first"
            if opened.stage == "approval"
            else "the nominations have already been decided"
        )


async def view(session: AsyncSession, caller: Caller, settings: Settings) -> InvitationView:
    opened = await resolve(session, caller, settings)
    if opened.invitation.first_opened_at is None:
        opened.invitation.first_opened_at = datetime.now(UTC)
    return await _view(session, opened)


async def _view(session: AsyncSession, opened: Opened) -> InvitationView:
    invitation, cycle = opened.invitation, opened.cycle
    if opened.stage == "approval":
        nominations = [
            NominationView(name=i.name, email=i.email, rater_group=i.rater_group)
            for i in await InvitationRepository(session).live(cycle.id)
        ]
        return InvitationView(
            stage="approval",
            participant_name=cycle.participant_name,
            rater_group=invitation.rater_group,
            closes_at=cycle.closes_at,
            questionnaire=None,
            draft=None,
            draft_saved_at=None,
            nominations=nominations,
        )
    return InvitationView(
        stage="feedback",
        participant_name=cycle.participant_name,
        rater_group=invitation.rater_group,
        closes_at=cycle.closes_at,
        questionnaire=await questionnaire_service.get(session, cycle.questionnaire_id),
        draft=ResponseIn.model_validate(invitation.draft) if invitation.draft is not None else None,
        draft_saved_at=invitation.draft_saved_at,
    )


async def save_draft(session: AsyncSession, caller: Caller, body: ResponseIn, settings: Settings) -> DraftSaved:
    opened = await resolve(session, caller, settings)
    _require(opened, "feedback")
    answer_rules.check(
        await questionnaire_service.get_document(session, opened.cycle.questionnaire_id), body, complete=False
    )
    now = datetime.now(UTC)
    if not await InvitationRepository(session).save_draft(opened.invitation.id, body.model_dump(mode="json"), now):
        raise InvitationNotFound()
    return DraftSaved(saved_at=now)


async def submit(session: AsyncSession, caller: Caller, body: ResponseIn, settings: Settings) -> Submitted:
    """Store the response once. Two submissions of one invitation, even at the same instant, store one
    response: the database's unique constraint on the invitation refuses the second."""
    opened = await resolve(session, caller, settings)
    _require(opened, "feedback")
    invitation, cycle = opened.invitation, opened.cycle
    try:
        response = await response_service.submit(
            session,
            cycle_id=cycle.id,
            questionnaire_id=cycle.questionnaire_id,
            rater_group=invitation.rater_group,
            invitation_id=invitation.id,
            body=body,
            publish=True,
        )
    except response_service.AlreadySubmitted:
        raise InvitationNotFound() from None
    await InvitationRepository(session).submitted(invitation.id, response.submitted_at)
    return Submitted(submitted_at=response.submitted_at)


async def decline(session: AsyncSession, caller: Caller, settings: Settings) -> None:
    opened = await resolve(session, caller, settings)
    _require(opened, "feedback")
    if not await InvitationRepository(session).decline(opened.invitation.id, datetime.now(UTC)):
        raise InvitationNotFound()


async def _locked_for_approval(session: AsyncSession, caller: Caller, settings: Settings) -> Opened:
    opened = await resolve(session, caller, settings)
    _require(opened, "approval")
    # Lock the cycle and look again: the participant or another click may have changed it meanwhile.
    await session.refresh(opened.cycle, with_for_update=True)
    if opened.cycle.status != CycleStatus.AWAITING_APPROVAL:
        raise NotAtThisStage("the nominations have already been decided")
    return opened


async def approve(session: AsyncSession, caller: Caller, settings: Settings) -> InvitationView:
    """The line manager approves: the cycle opens, every rater is invited, and the same link now opens
    the line manager's own questionnaire."""
    opened = await _locked_for_approval(session, caller, settings)
    await lifecycle.approve(session, opened.cycle, settings)
    return await _view(session, Opened(opened.invitation, opened.cycle, "feedback"))


async def reject(session: AsyncSession, caller: Caller, body: RejectIn, settings: Settings) -> None:
    opened = await _locked_for_approval(session, caller, settings)
    await lifecycle.reject(session, opened.cycle, body.note)
