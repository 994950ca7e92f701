from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, NamedTuple, cast
from uuid import UUID

from sqlalchemy import ColumnElement, Select, Table, bindparam, delete, func, literal_column, null, select, update
from sqlalchemy.dialects.postgresql import JSONB, insert

from hlm_kit.repository import RepositoryBase
from survey_svc.database import outbox
from survey_svc.raters.models import Invitation, InvitationStatus, InvitationToken
from survey_svc.responses.models import Response

# The tables, not the mapped classes: these statements are plain SQL for the ORM, with nothing to track.
_RESPONSE = cast(Table, Response.__table__)
_INVITATION = cast(Table, Invitation.__table__)
_TOKEN = cast(Table, InvitationToken.__table__)
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
        statement = _storing(ends_invitation=response.invitation_id is not None, publishes=event is not None)
        stored = await self.session.execute(statement, values)
        return stored.scalar_one_or_none() is not None


@cache
def _storing(*, ends_invitation: bool, publishes: bool) -> Select[tuple[UUID]]:
    """The statement of ``insert_once``, built once per shape: building and caching a statement of this
    size costs more than running it. Its parameters are named apart from every column: a parameter named
    as a column of a table a statement updates would be taken as a value to set."""
    stored = (
        insert(_RESPONSE)
        .values({name: bindparam(f"response_{name}") for name in _COLUMNS})
        .on_conflict_do_nothing()
        .returning(*(_RESPONSE.c[name] for name in _COLUMNS))
        .cte("stored")
    )
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
        # database rather than encoded a second time by the service.
        envelope: ColumnElement[Any] = bindparam("outbox_envelope", type_=JSONB)
        for part in ("answers", "importance", "comments"):
            envelope = func.jsonb_set(envelope, literal_column(f"'{{data,{part}}}'"), stored.c[part], type_=JSONB)
        row = select(
            *(bindparam(f"outbox_{name}", type_=outbox.table.c[name].type) for name in _EVENT_COLUMNS[:-1]),
            envelope,
        )
        writes.append(insert(outbox.table).from_select(list(_EVENT_COLUMNS), row.select_from(stored)).cte("published"))
    return select(stored.c.id).add_cte(*writes)
