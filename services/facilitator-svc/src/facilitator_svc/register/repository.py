from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, Text, and_, bindparam, select, text, type_coerce
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import NullType

from facilitator_svc.facilitators.models import Facilitator
from facilitator_svc.vocabulary import Mode, PublishedField, SessionKind

# The condition of the partial index ix_facilitator_register, written as the index writes it: a bound
# parameter in its place would keep PostgreSQL from proving that the index covers the query.
SHOWN = text("facilitator.is_listed AND facilitator.status = 'active'")

# The table itself, not the mapped class: the register reads rows of columns, never facilitator objects,
# so a search skips the ORM's statement compilation and row loading.
_T = Facilitator.__table__.c


def _as_read(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """An array column as asyncpg reads it, a list of str: typed plainly so no result processor copies
    every list of every row again."""
    return type_coerce(column, NullType()).label(column.key)


# Only the publishable columns are ever read: what the register must not show is never fetched.
ENTRY_COLUMNS = (
    _T.id,
    _as_read(_T.published_fields),
    _T.name,
    _T.organisation,
    _T.region,
    _as_read(_T.modes),
    _as_read(_T.languages),
    _as_read(_T.specialisms),
    _as_read(_T.session_kinds),
    _T.accreditation_level,
)

# Each filter: the column it tests, how, and the published field it needs.
_FILTERS: dict[str, ColumnElement[bool]] = {
    "region": and_(_T.region == bindparam("region"), _T.published_fields.contains([PublishedField.REGION.value])),
    "mode": and_(
        _T.modes.contains(bindparam("mode", type_=ARRAY(Text))),
        _T.published_fields.contains([PublishedField.MODES.value]),
    ),
    "language": and_(
        _T.languages.contains(bindparam("language", type_=ARRAY(Text))),
        _T.published_fields.contains([PublishedField.LANGUAGES.value]),
    ),
    "specialism": and_(
        _T.specialisms.contains(bindparam("specialism", type_=ARRAY(Text))),
        _T.published_fields.contains([PublishedField.SPECIALISMS.value]),
    ),
    "session_kind": and_(
        _T.session_kinds.contains(bindparam("session_kind", type_=ARRAY(Text))),
        _T.published_fields.contains([PublishedField.SESSION_KINDS.value]),
    ),
}


@dataclass(frozen=True)
class Search:
    region: str | None = None
    mode: Mode | None = None
    language: str | None = None
    specialism: str | None = None
    session_kind: SessionKind | None = None


@cache
def _statement(filters: tuple[str, ...], paged: bool) -> Select[Any]:
    """The search for one combination of filters, built once: a request only binds its values."""
    statement = select(*ENTRY_COLUMNS).where(SHOWN, _T.accreditation_expires_on >= bindparam("today"))
    statement = statement.where(*(_FILTERS[name] for name in filters))
    if paged:
        statement = statement.where(_T.id > bindparam("after"))
    return statement.order_by(_T.id).limit(bindparam("limit"))


async def search(
    session: AsyncSession, search: Search, today: date, *, after: UUID | None, limit: int
) -> Sequence[Any]:
    """Shown facilitators matching ``search``, in order of id. A filter matches only a field its
    facilitator published: otherwise a search would reveal what they kept to themselves."""
    values: dict[str, Any] = {"today": today, "limit": limit, "after": after}
    for name in _FILTERS:
        value = getattr(search, name)
        if value is not None:
            value = value.value if isinstance(value, Enum) else value
            values[name] = value if name == "region" else [value]
    statement = _statement(tuple(name for name in _FILTERS if name in values), after is not None)
    rows: Sequence[Any] = (await session.execute(statement, values)).all()
    return rows
