"""Storing a submitted response, the participant's own or a rater's, and telling report-svc of it.

Who may submit is each caller's business (the participant for their own answers, a rater's link for
theirs); what happens to the answers once they are accepted is the same for both, and is here.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ScalarSelect
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import RaterGroup, ResponseSubmittedV1
from hlm_kit.db import DriverUnit
from survey_svc.database import outbox
from survey_svc.questionnaires import service as questionnaire_service
from survey_svc.responses import answers as answer_rules
from survey_svc.responses.models import Response
from survey_svc.responses.repository import LinkedResponse, ResponseRepository, ResponseRow, insert_by_link
from survey_svc.responses.schemas import PlainResponse, ResponseIn


class AlreadySubmitted(Exception):
    """The database refused a second response for the same invitation (or the same cycle's self).
    Each caller answers it in its own terms; nothing was written, and the caller's transaction stays
    usable."""


async def submit(
    session: AsyncSession,
    *,
    cycle_id: UUID,
    questionnaire_id: UUID,
    rater_group: str,
    invitation_id: UUID | None,
    body: ResponseIn,
    publish: bool,
) -> ResponseRow:
    """Check that ``body`` answers every item of the questionnaire, store it once and, when ``publish``
    (the cycle is open), write response.submitted to the outbox, in the caller's transaction. A rater's
    response (``invitation_id``) ends their invitation as submitted, its draft and links dropped, in the
    same statement.

    Two submissions, even at the same instant, store one response: the database's unique constraints
    (per invitation, and per cycle for ``self``) refuse the second, raising ``AlreadySubmitted``."""
    answer_rules.check(await questionnaire_service.answer_keys(session, questionnaire_id), body, complete=True)
    answers, importance, comments = answer_rules.stored_parts(body)
    response = ResponseRow(
        id=uuid.uuid4(),
        cycle_id=cycle_id,
        invitation_id=invitation_id,
        rater_group=rater_group,
        answers=answers,
        importance=importance,
        comments=comments,
        submitted_at=datetime.now(UTC),
    )
    event = None
    if publish:
        # The event's answers, importance and comments are the stored row's, copied by the statement that
        # stores it (``insert_once``): checked once above, and encoded once. Validating them again into
        # the contract's models only to dump them back, and encoding them a second time, cost a rater's
        # submit a quarter of its CPU. The body's rules are the contract's (its keys, levels, ratings and
        # non-blank comments, each item and dimension once), so the event is the one validated here.
        event = outbox.row(session, submitted_event(response, parts=False), subject=str(cycle_id))
    if not await ResponseRepository(session).insert_once(response, event=event):
        raise AlreadySubmitted()
    return response


async def submit_by_link(
    unit: DriverUnit,
    token_hash: bytes,
    body: PlainResponse,
    *,
    failures: tuple[ScalarSelect[Any], dict[str, Any]],
    failure_limit: int,
) -> datetime | None:
    """As ``submit`` for a rater's response (validated into plain dicts), in one statement with the look-up
    of their link (``repository.insert_by_link``), the request's one statement on the driver's connection:
    stored, with its response.submitted, only when the link ``token_hash`` opens an invitation waiting for
    its answers in an open cycle pinned to a questionnaire this process has read and ``body`` answers
    completely and rightly (``questionnaire_service.completely_answered``, the rules of ``check``), and the
    address's ``failures`` are below ``failure_limit``. When it was stored; None when nothing was written,
    for whatever reason (a wrong body too, which the statement is then not sent for): the caller's look-up
    of the link, then ``submit``'s check, tell which."""
    answered = answer_rules.GivenKeys.of(body)
    questionnaires = questionnaire_service.completely_answered(answered)
    if not questionnaires:
        return None
    answers, importance, comments = answer_rules.plain_stored_parts(body, answered.unobserved)
    response = LinkedResponse(uuid.uuid4(), answers, importance, comments, datetime.now(UTC))
    # The statement writes the event's cycle, group and parts from the row it stores (a test reads each from
    # the outbox); until then the contract's model holds stand-ins for them, made of values of its own types
    # rather than validated: nothing in it came from the request.
    data = ResponseSubmittedV1.model_construct(
        cycle_id=_STAND_IN_CYCLE,
        response_id=response.id,
        rater_group=RaterGroup.OTHER,
        answers=[],
        importance=[],
        comments=[],
        submitted_at=response.submitted_at,
    )
    event = outbox.row(unit, data)
    stored = await insert_by_link(
        unit,
        token_hash,
        response,
        questionnaires=questionnaires,
        failures=failures,
        failure_limit=failure_limit,
        event=event,
    )
    return response.submitted_at if stored else None


_STAND_IN_CYCLE = UUID(int=0)


def submitted_event(response: Response | ResponseRow, *, parts: bool = True) -> ResponseSubmittedV1:
    """What report-svc learns of a response: its group and answers, never who gave them. Without
    ``parts``, its answers, importance and comments are left empty, for a statement to fill from the
    stored row (``ResponseRepository.insert_once``)."""
    return ResponseSubmittedV1.model_validate(
        {
            "cycle_id": response.cycle_id,
            "response_id": response.id,
            "rater_group": response.rater_group,
            "answers": response.answers if parts else [],
            "importance": response.importance if parts else [],
            "comments": response.comments if parts else [],
            "submitted_at": response.submitted_at,
        }
    )
