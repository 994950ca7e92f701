"""Rules of the public register: who is shown, what of them, and a facilitator's own choices."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from facilitator_svc.config import Settings, local_date
from facilitator_svc.facilitators.exceptions import FacilitatorNotFound
from facilitator_svc.facilitators.models import Facilitator
from facilitator_svc.facilitators.repository import FacilitatorRepository
from facilitator_svc.register import repository as register_repository
from facilitator_svc.register.schemas import PublicationIn, PublicationOut, RegisterEntry, RegisterPage
from facilitator_svc.vocabulary import FacilitatorStatus, PublishedField, SessionKind
from hlm_kit.auth import Principal
from hlm_kit.pagination import CursorCodec

# Ordered by id: an order by name would place an unnamed entry among the named ones and so hint at its name.
REGISTER_SEARCH_CURSOR = CursorCodec(tuple[UUID])


async def search(
    session: AsyncSession,
    search: register_repository.Search,
    settings: Settings,
    now: datetime,
    *,
    cursor: str | None,
    limit: int,
) -> RegisterPage:
    after = REGISTER_SEARCH_CURSOR.decode(cursor)
    rows = await register_repository.search(
        session, search, local_date(settings, now), after=after[0] if after else None, limit=limit + 1
    )
    page, next_cursor = REGISTER_SEARCH_CURSOR.page(rows, limit, key=lambda r: (r.id,))
    return RegisterPage(items=[entry_of(r._mapping) for r in page], next_cursor=next_cursor)


# The names as plain strings: reading an enum member's value costs more than the rest of an entry.
PUBLISHABLE: tuple[str, ...] = tuple(f.value for f in PublishedField)


def entry_of(row: Any) -> RegisterEntry:
    """The entry with the published fields alone: the others are not set, so the answer leaves them out."""
    published = set(row["published_fields"])
    values: dict[str, Any] = {"id": row["id"]}
    for name in PUBLISHABLE:
        if name in published:
            values[name] = row[name]
    return RegisterEntry.model_validate(values)


async def get_own(session: AsyncSession, principal: Principal, settings: Settings, now: datetime) -> PublicationOut:
    return _publication(await _own(session, principal), local_date(settings, now))


async def replace_own(
    session: AsyncSession, principal: Principal, body: PublicationIn, settings: Settings, now: datetime
) -> PublicationOut:
    facilitator = await _own(session, principal, for_update=True)
    facilitator.is_listed = body.is_listed
    facilitator.published_fields = [f.value for f in body.published_fields]
    # What they offer is also what they are booked for: choosing what the register shows must not undo it.
    if body.session_kinds is not None:
        facilitator.session_kinds = [k.value for k in body.session_kinds]
    facilitator.updated_at = now
    await session.flush()
    return _publication(facilitator, local_date(settings, now))


async def _own(session: AsyncSession, principal: Principal, *, for_update: bool = False) -> Facilitator:
    repository = FacilitatorRepository(session)
    facilitator = await repository.get_by_subject(principal.sub)
    if facilitator is not None and for_update:
        (facilitator,) = await repository.lock([facilitator.id])
    if facilitator is None:
        raise FacilitatorNotFound("no facilitator of the register is linked to your account")
    return facilitator


def _publication(f: Facilitator, today: date) -> PublicationOut:
    row = {"id": f.id, "published_fields": f.published_fields} | {
        field.value: getattr(f, field.value) for field in PublishedField
    }
    return PublicationOut(
        is_listed=f.is_listed,
        published_fields=[PublishedField(x) for x in f.published_fields],
        session_kinds=[SessionKind(x) for x in f.session_kinds],
        is_shown=f.is_listed and f.status == FacilitatorStatus.ACTIVE and f.accreditation_expires_on >= today,
        entry=entry_of(row),
    )
