from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from facilitator_svc.facilitators.models import Facilitator
from facilitator_svc.vocabulary import Mode, PublishedField, SessionKind

# The condition of the partial index ix_facilitator_register, written as the index writes it: a bound
# parameter in its place would keep PostgreSQL from proving that the index covers the query.
SHOWN = text("facilitator.is_listed AND facilitator.status = 'active'")

# Only the publishable columns are ever read: what the register must not show is never fetched.
ENTRY_COLUMNS = (
    Facilitator.id,
    Facilitator.published_fields,
    Facilitator.name,
    Facilitator.organisation,
    Facilitator.region,
    Facilitator.modes,
    Facilitator.languages,
    Facilitator.specialisms,
    Facilitator.session_kinds,
    Facilitator.accreditation_level,
)


@dataclass(frozen=True)
class Search:
    region: str | None = None
    mode: Mode | None = None
    language: str | None = None
    specialism: str | None = None
    session_kind: SessionKind | None = None


def _published(field: PublishedField) -> ColumnElement[bool]:
    return Facilitator.published_fields.contains([field.value])


async def search(
    session: AsyncSession, search: Search, today: date, *, after: UUID | None, limit: int
) -> Sequence[Any]:
    """Shown facilitators matching ``search``, in order of id. A filter matches only a field its
    facilitator published: otherwise a search would reveal what they kept to themselves."""
    f = Facilitator
    statement = select(*ENTRY_COLUMNS).where(SHOWN, f.accreditation_expires_on >= today)
    if search.region is not None:
        statement = statement.where(f.region == search.region, _published(PublishedField.REGION))
    if search.mode is not None:
        statement = statement.where(f.modes.contains([search.mode.value]), _published(PublishedField.MODES))
    if search.language is not None:
        statement = statement.where(f.languages.contains([search.language]), _published(PublishedField.LANGUAGES))
    if search.specialism is not None:
        statement = statement.where(f.specialisms.contains([search.specialism]), _published(PublishedField.SPECIALISMS))
    if search.session_kind is not None:
        statement = statement.where(
            f.session_kinds.contains([search.session_kind.value]), _published(PublishedField.SESSION_KINDS)
        )
    if after is not None:
        statement = statement.where(f.id > after)
    result = await session.execute(statement.order_by(f.id).limit(limit))
    return result.all()
