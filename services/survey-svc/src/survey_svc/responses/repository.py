from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, NamedTuple, cast
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Integer,
    LargeBinary,
    ScalarSelect,
    Select,
    Table,
    Text,
    any_,
    bindparam,
    delete,
    func,
    literal_column,
    null,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, insert
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.sql.selectable import CTE

from hlm_kit.db import DriverStatement, DriverUnit
from hlm_kit.repository import RepositoryBase
from survey_svc.cycles.models import Cycle, CycleStatus
from survey_svc.database import outbox
from survey_svc.raters.models import Invitation, InvitationStatus, InvitationToken
from survey_svc.responses.models import Response

# The tables, not the mapped classes: these statements are plain SQL for the ORM, with nothing to track.
_RESPONSE = cast(Table, Response.__table__)
_INVITATION = cast(Table, Invitation.__table__)
_TOKEN = cast(Table, InvitationToken.__table__)
_CYCLE = cast(Table, Cycle.__table__)
_EVENT_COLUMNS = ("event_id", "type", "subject", "envelope")


class ResponseRow(NamedTuple):
    """A response to store, as its row holds it: a plain value rather than a mapped object, which would
    cost the hot path its instrumentation for nothing (the row is written by one statement, not the unit
    of work)."""

    id: UUID
    cycle_id: UUID
    invitation_id: UUID | None
    rater_group: str
    answers: list[dict[str, Any]]
    importance: list[dict[str, Any]]
    comments: list[dict[str, Any]]
    submitted_at: datetime


_COLUMNS = ResponseRow._fields
# What a rater's link gives the response it stores (``insert_by_link``): the statement reads them.
_FROM_LINK = ("cycle_id", "invitation_id", "rater_group")


class LinkedResponse(NamedTuple):
    """A response stored through a rater's link: the parts the request gives, the link the rest."""

    id: UUID
    answers: list[dict[str, Any]]
    importance: list[dict[str, Any]]
    comments: list[dict[str, Any]]
    submitted_at: datetime


class ResponseRepository(RepositoryBase[Response]):
    model = Response

    async def insert_once(self, response: ResponseRow, *, event: dict[str, Any] | None = None) -> bool:
        """Store ``response`` unless its invitation (or its cycle's self) already has one, and say whether
        it was stored. Stored, a rater's response also ends their invitation as submitted, dropping its
        draft and every link to it, and ``event`` (the outbox row of its response.submitted, from
        ``outbox.row``) is written with the stored answers, importance and comments in its data: all of it
        one statement, one round trip, on the hot path of the service. Core, not the unit of work:
        nothing here is read back.

        ``ON CONFLICT DO NOTHING`` lets the unique indexes refuse the second submission inside the same
        statement: a concurrent first one is waited for, as with a plain INSERT, but the refusal aborts
        nothing (the caller's transaction needs no savepoint), and what depends on the response being
        stored (the invitation's end, the links, the event) is then left undone with it."""
        values = {f"response_{name}": value for name, value in zip(_COLUMNS, response, strict=True)}
        if event is not None:
            values.update({f"outbox_{name}": value for name, value in event.items()})
        statement = _storing(
            ends_invitation=response.invitation_id is not None, publishes=event is not None, linked=None
        )
        stored = await self.session.execute(statement, values)
        return stored.scalar_one_or_none() is not None


_TOKEN_HASH = bindparam("link_token_hash", type_=LargeBinary(32))
_FAILURE_LIMIT = bindparam("link_failure_limit", type_=Integer)
_QUESTIONNAIRES = bindparam("link_questionnaires", type_=ARRAY(PG_UUID(as_uuid=True)))


async def insert_by_link(
    unit: DriverUnit,
    token_hash: bytes,
    response: LinkedResponse,
    *,
    questionnaires: list[UUID],
    failures: tuple[ScalarSelect[Any], dict[str, Any]],
    failure_limit: int,
    event: dict[str, Any],
) -> bool:
    """As ``ResponseRepository.insert_once`` for a rater's response, in the same statement as the look-up of
    the link ``token_hash``, as the request's one statement on the driver's connection (``unit``): stored only
    when the link opens an invitation still waiting for its answers, in an open cycle whose report is not
    released and which is pinned to one of ``questionnaires`` (those the response answers completely and
    rightly), and the caller's ``failures`` (a subquery of their address's failed look-ups, and its
    parameters) are below ``failure_limit``; the response takes its cycle, invitation and group from the
    link, and so does ``event``'s data (its cycle and group, beside the parts ``insert_once`` fills) and
    subject. One round trip for the link and the writes, which commit with it.

    Whether it stored: when not, whatever the reason (no such link, another stage, another questionnaire,
    the address over its limit, a response already stored), nothing was written, and the caller finds out
    why with the link's own look-up."""
    values = {f"response_{name}": value for name, value in zip(LinkedResponse._fields, response, strict=True)}
    values.update({f"outbox_{name}": value for name, value in event.items()})
    values.update({_TOKEN_HASH.key: token_hash, _FAILURE_LIMIT.key: failure_limit, **failures[1]})
    values[_QUESTIONNAIRES.key] = questionnaires
    return await _by_link(failures[0]).fetchrow(unit, values) is not None


def _link(failures: ScalarSelect[Any]) -> CTE:
    """The invitation a token's hash opens for feedback, as ``invitations.service`` tells it (the
    invitation waiting for answers, its cycle open and its report not released), while the address's
    ``failures`` are below the limit, and its cycle pinned to one of the questionnaires the response answers:
    a rater's link that their submit may store a response through."""
    invitation, cycle, token = _INVITATION, _CYCLE, _TOKEN
    return (
        select(
            invitation.c.id.label("invitation_id"),
            invitation.c.rater_group,
            cycle.c.id.label("cycle_id"),
            cycle.c.questionnaire_id,
            token.c.token_hash,
        )
        .select_from(token.join(invitation, invitation.c.id == token.c.invitation_id))
        .join(cycle, cycle.c.id == invitation.c.cycle_id)
        .where(
            token.c.token_hash == _TOKEN_HASH,
            invitation.c.status == InvitationStatus.INVITED.value,
            cycle.c.status == CycleStatus.OPEN.value,
            cycle.c.report_released_at.is_(None),
            cycle.c.questionnaire_id == any_(_QUESTIONNAIRES),
            func.coalesce(failures, 0) < _FAILURE_LIMIT,
        )
        .cte("link")
    )


@cache
def _storing(*, ends_invitation: bool, publishes: bool, linked: ScalarSelect[Any] | None) -> Select[Any]:
    """The statement of ``insert_once`` or, ``linked`` (the subquery of an address's failures),
    ``insert_by_link``, built once per shape: building and caching a statement of this size costs more than
    running it. Its parameters are named apart from every column: a parameter named as a column of a table
    a statement updates would be taken as a value to set."""
    link = None if linked is None else _link(linked)
    if link is None:
        stored_values = insert(_RESPONSE).values({name: bindparam(f"response_{name}") for name in _COLUMNS})
    else:
        given = [
            link.c[name] if name in _FROM_LINK else bindparam(f"response_{name}", type_=_RESPONSE.c[name].type)
            for name in _COLUMNS
        ]
        stored_values = insert(_RESPONSE).from_select(list(_COLUMNS), select(*given))
    stored = stored_values.on_conflict_do_nothing().returning(*(_RESPONSE.c[name] for name in _COLUMNS)).cte("stored")
    writes = []
    if ends_invitation:
        writes.append(
            update(_INVITATION)
            .where(_INVITATION.c.id == stored.c.invitation_id)
            .values(status=InvitationStatus.SUBMITTED.value, ended_at=stored.c.submitted_at, draft=null())
            .values(draft_saved_at=null())
            .cte("ended")
        )
        writes.append(delete(_TOKEN).where(_TOKEN.c.invitation_id == stored.c.invitation_id).cte("revoked"))
    if publishes:
        # The event's data carries the response's parts as the row stores them, copied here in the
        # database rather than encoded a second time by the service; through a link, its cycle and group
        # too, which only the statement knows, and the cycle as the event's subject.
        envelope: ColumnElement[Any] = bindparam("outbox_envelope", type_=JSONB)
        for part in ("answers", "importance", "comments"):
            envelope = _set(envelope, f"data,{part}", stored.c[part])
        subject: ColumnElement[Any] = bindparam("outbox_subject", type_=outbox.table.c.subject.type)
        if link is not None:
            subject = stored.c.cycle_id.cast(Text)
            envelope = _set(envelope, "data,cycle_id", func.to_jsonb(subject))
            envelope = _set(envelope, "data,rater_group", func.to_jsonb(stored.c.rater_group))
            envelope = _set(envelope, "subject", func.to_jsonb(subject))
        row = select(
            bindparam("outbox_event_id", type_=outbox.table.c.event_id.type),
            bindparam("outbox_type", type_=outbox.table.c.type.type),
            subject,
            envelope,
        )
        writes.append(insert(outbox.table).from_select(list(_EVENT_COLUMNS), row.select_from(stored)).cte("published"))
    return select(stored.c.id).add_cte(*writes)


@cache
def _by_link(failures: ScalarSelect[Any]) -> DriverStatement:
    """``insert_by_link``'s statement, compiled once: every rater's submit runs it, and SQLAlchemy would
    otherwise walk its 1,300 elements for their cache key on each."""
    return DriverStatement(_storing(ends_invitation=True, publishes=True, linked=failures))


def _set(document: ColumnElement[Any], path: str, value: ColumnElement[Any]) -> ColumnElement[Any]:
    """``document`` (JSONB) with ``value`` at ``path`` (keys separated by commas), added if missing."""
    return func.jsonb_set(document, literal_column(f"'{{{path}}}'"), value, type_=JSONB)
