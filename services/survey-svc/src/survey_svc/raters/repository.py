from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple, cast
from uuid import UUID

from sqlalchemy import LargeBinary, ScalarSelect, Select, Table, bindparam, delete, null, select, update

from hlm_kit.db import DriverStatement
from hlm_kit.repository import RepositoryBase
from survey_svc.cycles.models import Cycle
from survey_svc.raters.models import Invitation, InvitationStatus, InvitationToken


class InvitationRepository(RepositoryBase[Invitation]):
    model = Invitation

    async def live(self, cycle_id: UUID) -> Sequence[Invitation]:
        """Nominations not withdrawn, in the order they were made."""
        return await self.get_all(
            self.select()
            .where(Invitation.cycle_id == cycle_id, Invitation.status != InvitationStatus.WITHDRAWN)
            .order_by(Invitation.nominated_at, Invitation.id)
        )

    async def awaiting_answer(self, cycle_id: UUID) -> Sequence[Invitation]:
        """Raters who have neither submitted nor declined: the only ones reminders go to."""
        return await self.get_all(
            self.select()
            .where(Invitation.cycle_id == cycle_id, Invitation.status == InvitationStatus.INVITED)
            .order_by(Invitation.nominated_at, Invitation.id)
        )

    async def note_first_opened(self, id: UUID, at: datetime) -> None:
        """When the link was first opened; a later or concurrent first open changes nothing."""
        await self.session.execute(_NOTE_FIRST_OPENED, {_INVITATION_ID.key: id, _FIRST_OPENED_AT.key: at})

    async def in_cycle(self, cycle_id: UUID, id: UUID, *, for_update: bool = False) -> Invitation | None:
        statement = self.select().where(Invitation.cycle_id == cycle_id, Invitation.id == id)
        if for_update:
            statement = statement.with_for_update()
        return await self.get_one_or_none(statement)

    async def by_token_hash(
        self, token_hash: bytes, *, for_update: bool = False, with_value: ValueQuery | None = None
    ) -> tuple[Invitation, Cycle, bytes, int | None] | None:
        """The invitation a token opens and its cycle, in one statement, with the stored hash (compared again
        in constant time) and, read in the same statement, ``with_value`` (e.g. the caller's failure count:
        a subquery that is always the same object, and its parameters). ``for_update`` locks the
        invitation's row, for a write that reads it first."""
        statement = _by_token_hash(for_update, with_value[0] if with_value else None)
        parameters = {_TOKEN_HASH.key: token_hash, **(with_value[1] if with_value else {})}
        row = (await self.session.execute(statement, parameters)).one_or_none()
        return (row[0], row[1], row[2], row[3]) if row else None

    async def link_by_token_hash(self, token_hash: bytes, *, with_value: ValueQuery | None = None) -> Link | None:
        """As ``by_token_hash`` (no lock), the few columns a rater's link is checked and answered with
        rather than the objects: on a rater's submit, loading two whole rows as objects costs more than
        the rest of the look-up."""
        statement = _link_by_token_hash(with_value[0] if with_value else None)
        parameters = {_TOKEN_HASH.key: token_hash, **(with_value[1] if with_value else {})}
        row = (await self.session.execute(statement, parameters)).one_or_none()
        return Link._make(row) if row else None

    async def open_link_by_token_hash(
        self, token_hash: bytes, *, for_update: bool = False, with_value: ValueQuery | None = None
    ) -> OpenLink | None:
        """As ``link_by_token_hash``, with what a rater's page shows or writes (the cycle's participant and
        closing date, the draft): a page opened, a page saved or the draft sent reads these columns, not the two
        rows as objects, which cost more to load than the rest of the request's look-up. ``for_update``
        locks the invitation's row, for a write that reads it first."""
        statement = _open_link_by_token_hash(for_update, with_value[0] if with_value else None)
        parameters = {_TOKEN_HASH.key: token_hash, **(with_value[1] if with_value else {})}
        row = (await self.session.execute(statement, parameters)).one_or_none()
        return OpenLink._make(row) if row else None

    async def add_token(self, invitation_id: UUID, token_hash: bytes, issued_at: datetime) -> None:
        self.session.add(InvitationToken(token_hash=token_hash, invitation_id=invitation_id, issued_at=issued_at))
        await self.session.flush()

    async def remove_token(self, token_hash: bytes) -> None:
        await self.session.execute(delete(InvitationToken).where(InvitationToken.token_hash == token_hash))

    async def revoke_tokens(self, invitation_id: UUID) -> None:
        """Every link of an invitation that has ended stops working for good."""
        await self.session.execute(delete(InvitationToken).where(InvitationToken.invitation_id == invitation_id))

    async def save_draft(self, id: UUID, draft: dict[str, Any], saved_at: datetime) -> bool:
        """Keep the rater's draft while the invitation is still open; False when it has ended. Conditional
        in the statement, so a draft saved as the rater submits elsewhere cannot land after the submission."""
        saved = await _SAVE_DRAFT.execute(
            self.session, {_INVITATION_ID.key: id, _DRAFT.key: draft, _SAVED_AT.key: saved_at}
        )
        return saved.scalar_one_or_none() is not None

    async def decline(self, id: UUID, declined_at: datetime) -> bool:
        """End an open invitation as declined, dropping its draft and every link to it; False when it had
        already ended."""
        declined = await self.session.execute(
            update(Invitation)
            .where(Invitation.id == id, Invitation.status == InvitationStatus.INVITED)
            .values(status=InvitationStatus.DECLINED, ended_at=declined_at, draft=None, draft_saved_at=None)
            .returning(Invitation.id)
        )
        if declined.scalar_one_or_none() is None:
            return False
        await self.revoke_tokens(id)
        return True


ValueQuery = tuple[ScalarSelect[Any], Mapping[str, Any]]
"""A scalar subquery read in the same statement as a token's link, and its parameters."""


class Link(NamedTuple):
    """The columns of a token's invitation and cycle that a rater's link is checked and answered with."""

    invitation_id: UUID
    invitation_status: str
    rater_group: str
    cycle_id: UUID
    cycle_status: str
    report_released_at: datetime | None
    questionnaire_id: UUID
    token_hash: bytes
    value: Any


class OpenLink(NamedTuple):
    """A ``Link`` with what a rater's page shows or writes: the cycle's participant and closing date, the
    draft and when it was saved, and when the link was first opened."""

    invitation_id: UUID
    invitation_status: str
    rater_group: str
    cycle_id: UUID
    cycle_status: str
    report_released_at: datetime | None
    questionnaire_id: UUID
    token_hash: bytes
    value: Any
    participant_name: str
    closes_at: datetime | None
    draft: dict[str, Any] | None
    draft_saved_at: datetime | None
    first_opened_at: datetime | None


_TOKEN_HASH = bindparam("token_hash", type_=LargeBinary(32))


# The statements of a token's look-up are built once each (for each subquery read with them, always the same
# few objects): on a rater's link, building one costs more than running it.
@lru_cache(maxsize=16)
def _by_token_hash(for_update: bool, with_value: ScalarSelect[Any] | None) -> Select[Any]:
    statement = (
        select(Invitation, Cycle, InvitationToken.token_hash, with_value if with_value is not None else null())
        .join(InvitationToken, InvitationToken.invitation_id == Invitation.id)
        .join(Cycle, Cycle.id == Invitation.cycle_id)
        .where(InvitationToken.token_hash == _TOKEN_HASH)
    )
    return statement.with_for_update(of=Invitation) if for_update else statement


@lru_cache(maxsize=16)
def _link_by_token_hash(with_value: ScalarSelect[Any] | None, *opened: Any) -> Select[Any]:
    """A token's ``Link`` columns, then any ``opened`` columns of the invitation or cycle."""
    invitation, cycle, token = _TABLES
    return (
        select(
            invitation.c.id,
            invitation.c.status,
            invitation.c.rater_group,
            cycle.c.id,
            cycle.c.status,
            cycle.c.report_released_at,
            cycle.c.questionnaire_id,
            token.c.token_hash,
            with_value if with_value is not None else null(),
            *opened,
        )
        .select_from(token.join(invitation, invitation.c.id == token.c.invitation_id))
        .join(cycle, cycle.c.id == invitation.c.cycle_id)
        .where(token.c.token_hash == _TOKEN_HASH)
    )


_TABLES = tuple(cast(Table, model.__table__) for model in (Invitation, Cycle, InvitationToken))

_INVITATION_ID = bindparam("invitation_id", type_=_TABLES[0].c.id.type)
_DRAFT = bindparam("new_draft", type_=_TABLES[0].c.draft.type)
_SAVED_AT = bindparam("new_draft_saved_at", type_=_TABLES[0].c.draft_saved_at.type)
# Saving a draft is the statement of every page a rater sends: built once, on the table rather than through
# the ORM (nothing in the request reads the row as an object), as building it cost more than running it, and
# sent as its SQL compiled once (``DriverStatement``): about 0.1M instructions less per page sent than
# ``session.execute``. (The link's look-up stays with ``session.execute``: the driver's result describes its
# fourteen columns anew on every execution, which cost more than the compiled form saved.)
_SAVE_DRAFT = DriverStatement(
    update(_TABLES[0])
    .where(_TABLES[0].c.id == _INVITATION_ID, _TABLES[0].c.status == InvitationStatus.INVITED)
    .values({_TABLES[0].c.draft: _DRAFT, _TABLES[0].c.draft_saved_at: _SAVED_AT})
    .returning(_TABLES[0].c.id)
)
_FIRST_OPENED_AT = bindparam("opened_at", type_=_TABLES[0].c.first_opened_at.type)
# Noted on every rater's first page, built once as the draft's update is.
_NOTE_FIRST_OPENED = (
    update(_TABLES[0])
    .where(_TABLES[0].c.id == _INVITATION_ID, _TABLES[0].c.first_opened_at.is_(None))
    .values({_TABLES[0].c.first_opened_at: _FIRST_OPENED_AT})
)


@lru_cache(maxsize=16)
def _open_link_by_token_hash(for_update: bool, with_value: ScalarSelect[Any] | None) -> Select[Any]:
    invitation, cycle, _ = _TABLES
    statement = _link_by_token_hash(
        with_value,
        cycle.c.participant_name,
        cycle.c.closes_at,
        invitation.c.draft,
        invitation.c.draft_saved_at,
        invitation.c.first_opened_at,
    )
    return statement.with_for_update(of=invitation) if for_update else statement
