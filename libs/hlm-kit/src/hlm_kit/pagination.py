"""Keyset pagination and batch reads by id, the same in every service.

A list is read a page at a time. Each page but the last carries ``next_cursor``: an opaque token holding
the sort key of the page's last row, which the client passes back as ``?cursor=`` for the next page.
Pages stay stable while rows are added, and a deep page costs what the first one does. The token is the
URL-safe base64 (unpadded) of the key as a JSON array; clients must not build or read it.

Every request that gets a parameter wrong gets one answer, the one FastAPI gives for any bad query
parameter: 422 problem+json of type ``validation-error`` whose ``errors[].loc`` names the parameter
(``["query", "cursor"]``, ``["query", "ids", 2]``, ``["query", "limit"]``).
"""

# No `from __future__ import annotations`: FastAPI reads the annotations of the `limit` dependencies
# made in `page_limit`, which name its arguments, and a string annotation could not be resolved there.

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

from fastapi import Depends, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, StringConstraints, TypeAdapter, ValidationError

T = TypeVar("T")
Key = TypeVar("Key")
Row = TypeVar("Row")

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
MAX_BATCH_IDS = 100

CURSOR_LOC = ("query", "cursor")


class BadCursor(RequestValidationError):
    """A ``cursor`` this service did not issue (or no longer reads): answered like any other bad query
    parameter, 422 ``validation-error`` with the error at ``["query", "cursor"]``."""

    def __init__(self, reason: str = "not a cursor this service issued") -> None:
        super().__init__([{"loc": CURSOR_LOC, "msg": reason, "type": "cursor_invalid"}])


class CursorCodec(Generic[Key]):
    """Turns the sort key of a row into an opaque ``cursor`` and back, checking it on the way in.

    ``key_type`` is what the key is, usually a tuple of the sort columns and the id that breaks ties
    (``tuple[datetime, UUID]``); pydantic validates it, so a cursor that decodes is one the query can use.
    """

    def __init__(self, key_type: type[Key]) -> None:
        self._adapter: TypeAdapter[Key] = TypeAdapter(key_type)

    def encode(self, key: Key) -> str:
        """The cursor pointing just past the row whose sort key is ``key``."""
        return base64.urlsafe_b64encode(self._adapter.dump_json(key)).decode().rstrip("=")

    def decode(self, cursor: str | None) -> Key | None:
        """The sort key in ``cursor``; ``None`` for no cursor or an empty one (``?cursor=``), both the first
        page. :class:`BadCursor` when it is not one :meth:`encode` made for this key type."""
        if not cursor:
            return None
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            return self._adapter.validate_json(raw)
        except (binascii.Error, ValueError, ValidationError) as exc:
            raise BadCursor() from exc

    def page(self, rows: Sequence[Row], limit: int, key: Callable[[Row], Key]) -> tuple[list[Row], str | None]:
        """Split ``rows``, read with ``limit + 1`` (one more than a page, to learn whether another page
        follows), into the page's rows and the cursor of the next page (``None`` on the last page)."""
        page = list(rows[:limit])
        return page, self.encode(key(page[-1])) if len(rows) > limit else None


class PlainCursor(CursorCodec[str]):
    """A cursor that is the sort key itself, for a list ordered by one public key matching ``pattern`` (a
    framework's key), whose clients already show that key as a position in the list. It is checked like
    any other cursor: one that does not match ``pattern`` is :class:`BadCursor`."""

    def __init__(self, pattern: str) -> None:
        self._adapter = TypeAdapter(Annotated[str, StringConstraints(pattern=pattern)])

    def encode(self, key: str) -> str:
        return key

    def decode(self, cursor: str | None) -> str | None:
        if not cursor:
            return None
        try:
            return self._adapter.validate_python(cursor)
        except ValidationError as exc:
            raise BadCursor() from exc


Cursor = Annotated[
    str | None,
    Query(description="`next_cursor` of the previous page, as it was given; leave out for the first page"),
]
"""The ``?cursor=`` of a paged list (a route's parameter, default ``None``); decode it with the list's
:class:`CursorCodec`."""


def page_limit(*, default: int | None = DEFAULT_LIMIT, maximum: int = MAX_LIMIT) -> Any:
    """A dependency reading ``?limit=``, the number of rows per page: ``default`` when absent, 422 at
    ``["query", "limit"]`` below 1 or above ``maximum``. :data:`Limit` is the platform's usual bounds;
    an endpoint documented with other bounds keeps them through this function. ``default=None`` leaves
    the choice to the endpoint (a setting of the service) and gives ``None`` when absent."""
    if default is None:

        async def limit_or_none(
            limit: Annotated[
                int | None, Query(ge=1, le=maximum, description=f"rows per page, at most {maximum}")
            ] = None,
        ) -> int | None:
            return limit

        return Depends(limit_or_none)

    async def limit(
        limit: Annotated[
            int, Query(ge=1, le=maximum, description=f"rows per page: {default} unless given, at most {maximum}")
        ] = default,
    ) -> int:
        return limit

    return Depends(limit)


Limit = Annotated[int, page_limit()]
"""``?limit=``: rows per page, 50 unless given, at most 100."""


class Page(BaseModel, Generic[T]):
    """One page of a list: its rows, and the cursor of the next page (``null`` on the last one)."""

    items: list[T]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` for the next page; null on the last page."
    )


_ID_LIST: TypeAdapter[list[UUID]] = TypeAdapter(Annotated[list[UUID], Field(max_length=MAX_BATCH_IDS)])


def id_list(name: str = "ids", description: str | None = None) -> Any:
    """``Annotated[list[UUID] | None, id_list("cycle_ids")]``: a batch read by the ids of ``?<name>=a,b,c``,
    read and refused as :data:`Ids` is (the errors at ``["query", name, <position>]``)."""
    loc = ("query", name)
    summary = description or f"comma-separated ids (batch read, in the order asked), at most {MAX_BATCH_IDS}"

    async def ids(ids: Annotated[str | None, Query(alias=name, description=summary)] = None) -> list[UUID] | None:
        if ids is None:
            return None
        parts = [part.strip() for part in ids.split(",") if part.strip()]
        try:
            return _ID_LIST.validate_python(parts)
        except ValidationError as exc:
            raise RequestValidationError(
                [{**error, "loc": (*loc, *error["loc"])} for error in exc.errors(include_url=False)]
            ) from exc

    return Depends(ids)


Ids = Annotated[list[UUID] | None, id_list()]
"""``?ids=a,b,c``: a batch read by id. ``None`` when absent; else the UUIDs in the order given (blanks
between commas skipped). More than 100, or any part that is not a UUID, is 422 with every bad part named
at ``["query", "ids", <position>]`` (too many: at ``["query", "ids"]``)."""
