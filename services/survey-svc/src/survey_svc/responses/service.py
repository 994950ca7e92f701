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
from survey_svc.responses.repository import LinkedResponse, ResponseRepository, ResponseRow, Stored, insert_by_link
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


class NotKnownYet(Exception):
    """The questionnaire a response was stored against has not been read by this process yet, so the
    answers cannot be checked without a session: the unit of work is rolled back and the submit made
    through the request's session instead (once per questionnaire and process)."""


async def submit_by_link(
    unit: DriverUnit,
    token_hash: bytes,
    body: PlainResponse,
    *,
    failures: tuple[ScalarSelect[Any], dict[str, Any]],
    failure_limit: int,
) -> tuple[Stored, datetime] | None:
    """As ``submit`` for a rater's response (validated into plain dicts), in one statement with the look-up
    of their link (``repository.insert_by_link``), in the request's unit of work on the driver's connection:
    stored, with its response.submitted, only when the link ``token_hash`` opens an invitation waiting for its
    answers in an open cycle and the address's ``failures`` are below ``failure_limit``. None when nothing was
    written, for whatever reason: the caller's look-up of the link tells which.

    The answers are checked after the statement, against the questionnaire of the cycle it found: a body
    that does not answer it raises 422 (each problem listed), and the unit of work, with what the statement
    wrote, is rolled back; so it is with ``NotKnownYet``."""
    unobserved = answer_rules.not_observed_at(body)
    answers, importance, comments = answer_rules.plain_stored_parts(body, unobserved)
    response = LinkedResponse(uuid.uuid4(), answers, importance, comments, datetime.now(UTC))
    # The statement writes the event's cycle, group and parts from the row it stores; the contract's
    # model is validated here with stand-ins for the first two (a test reads each from the outbox).
    stand_in = ResponseRow(
        response.id, _STAND_IN_CYCLE, None, RaterGroup.OTHER.value, [], [], [], response.submitted_at
    )
    event = outbox.row(unit, submitted_event(stand_in, parts=False))
    stored = await insert_by_link(
        unit, token_hash, response, failures=failures, failure_limit=failure_limit, event=event
    )
    if stored is None:
        return None
    keys = questionnaire_service.known_answer_keys(stored.questionnaire_id)
    if keys is None:
        raise NotKnownYet()
    answer_rules.check_plain(keys, body, unobserved, complete=True)
    return stored, response.submitted_at


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
