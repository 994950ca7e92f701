"""The participant's own answers to their cycle: read, save a draft, submit once."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import CycleKind, RaterGroup
from hlm_kit.auth import Principal
from survey_svc import access
from survey_svc.config import Settings
from survey_svc.cycles import lifecycle
from survey_svc.cycles import service as cycle_service
from survey_svc.cycles.exceptions import SelfAlreadySubmitted
from survey_svc.cycles.models import CloseReason, Cycle, CycleStatus
from survey_svc.cycles.repository import CycleRepository
from survey_svc.cycles.schemas import SelfView
from survey_svc.questionnaires import service as questionnaire_service
from survey_svc.responses import answers as answer_rules
from survey_svc.responses import service as response_service
from survey_svc.responses.schemas import DraftSaved, ResponseIn, Submitted


def _self_questionnaire_id(cycle: Cycle) -> UUID:
    return cycle.self_questionnaire_id or cycle.questionnaire_id


async def get_self(session: AsyncSession, principal: Principal, id: UUID) -> SelfView:
    cycle = await access.own_cycle(session, principal, id, for_update=False)
    questionnaire = await questionnaire_service.get(session, _self_questionnaire_id(cycle))
    submitted = await CycleRepository(session).self_response(cycle.id)
    if submitted is not None:
        answers = answer_rules.as_input(submitted.answers, submitted.importance, submitted.comments)
        return SelfView(
            questionnaire=questionnaire, status="submitted", answers=answers, submitted_at=submitted.submitted_at
        )
    draft = ResponseIn.model_validate(cycle.self_draft) if cycle.self_draft is not None else None
    return SelfView(
        questionnaire=questionnaire, status="draft" if draft else "not_started", answers=draft, submitted_at=None
    )


async def save_self_draft(session: AsyncSession, principal: Principal, id: UUID, body: ResponseIn) -> DraftSaved:
    cycle = await access.own_cycle(session, principal, id)
    cycle_service.ensure_accepting(cycle)
    if await CycleRepository(session).self_response(cycle.id) is not None:
        raise SelfAlreadySubmitted("your answers are submitted and can no longer change")
    answer_rules.check(
        await questionnaire_service.answer_keys(session, _self_questionnaire_id(cycle)), body, complete=False
    )
    cycle.self_draft = body.model_dump(mode="json")
    saved_at = datetime.now(UTC)
    return DraftSaved(saved_at=saved_at)


async def submit_self(
    session: AsyncSession, principal: Principal, id: UUID, body: ResponseIn, settings: Settings
) -> Submitted:
    """Submit the participant's own answers. A self-assessment is then complete: it opens and closes at
    once, so its report is the participant's straight away."""
    cycle = await access.own_cycle(session, principal, id)
    cycle_service.ensure_accepting(cycle)
    if await CycleRepository(session).self_response(cycle.id) is not None:
        raise SelfAlreadySubmitted("your answers are already submitted")
    try:
        response = await response_service.submit(
            session,
            cycle_id=cycle.id,
            questionnaire_id=_self_questionnaire_id(cycle),
            rater_group=RaterGroup.SELF.value,
            invitation_id=None,
            body=body,
            # Answers given before a 360 opens reach report-svc when it opens, after cycle.opened.
            publish=cycle.kind != CycleKind.SELF_ASSESSMENT and cycle.status == CycleStatus.OPEN,
        )
    except response_service.AlreadySubmitted:
        raise SelfAlreadySubmitted("your answers are already submitted") from None
    now = response.submitted_at
    cycle.self_draft = None
    if cycle.kind == CycleKind.SELF_ASSESSMENT:
        cycle.closes_at = now
        await lifecycle.activate(session, cycle, settings, now=now)
        await lifecycle.close_cycle(session, cycle, CloseReason.SELF_ASSESSMENT_SUBMITTED, now=now)
    return Submitted(submitted_at=now)
