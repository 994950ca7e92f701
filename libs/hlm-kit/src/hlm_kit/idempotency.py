"""Writes a client may retry: the ``Idempotency-Key`` header, and one rule to create a row once per key.

A client that got no answer (a timeout, a dropped connection, a gateway that gave up) sends the same
request again with the same key. The first attempt creates the row and keeps the key and a fingerprint of
the request body beside it; every later attempt with that key, from the same caller, is answered with that
row, however many arrive at the same moment. The same key with another body is a client's mistake and is
refused (409, problem type ``idempotency-key-reused``) rather than answered with a row the client did not
ask for.

    goal, created = await create_once(
        session, Goal, Goal.author_id == principal.sub, idempotency_key, body, create=make_goal
    )
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Header
from pydantic import BaseModel
from sqlalchemy import ColumnElement, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from hlm_kit.errors import Conflict, ProblemError

# The bound of the IETF httpapi draft's examples and of common providers' keys (a UUID is 36); long enough
# for any key a client makes up, short enough that a key cannot be used to store data.
MAX_KEY_LENGTH = 255
# Printable ASCII: what an HTTP field value carries without escaping. A NUL, a control character or a
# byte beyond ASCII is a client's bug (or a probe), and PostgreSQL's text refuses NUL outright.
KEY_PATTERN = r"^[\x20-\x7E]+$"

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=MAX_KEY_LENGTH,
        pattern=KEY_PATTERN,
        description=(
            "Send the same key (printable ASCII, at most 255 characters) when retrying this request: the "
            "answer is what the first attempt made, never a second one. Reusing a key with another body is "
            "refused with 409 idempotency-key-reused."
        ),
    ),
]
"""The ``Idempotency-Key`` request header, declared once for every service; a bad key is a 422 naming it."""


class IdempotencyKeyReused(Conflict):
    """The key was first sent with another request body."""

    code = "idempotency-key-reused"


class IdempotencyColumns:
    """Mixed into a model whose rows a retried request creates: the caller's key and the fingerprint of the
    request that made the row. The model also declares a unique constraint on (its caller column,
    ``idempotency_key``): that constraint, not this module, is what keeps a key to one row."""

    idempotency_key: Mapped[str | None] = mapped_column(Text)
    # Rows made before fingerprints were kept have none: a retry of those is answered, not refused.
    idempotency_fingerprint: Mapped[str | None] = mapped_column(Text)


RowT = TypeVar("RowT", bound=IdempotencyColumns)


@dataclass(frozen=True)
class Claim:
    """What a created row keeps of the request that made it; ``columns`` go into the row's constructor."""

    key: str | None
    fingerprint: str | None

    @property
    def columns(self) -> dict[str, str | None]:
        return {"idempotency_key": self.key, "idempotency_fingerprint": self.fingerprint}


NO_CLAIM = Claim(None, None)
"""The claim of a request sent without a key: nothing to keep."""


def fingerprint(request: BaseModel) -> str:
    """A SHA-256 of the request body as the endpoint understood it: keys in one order and fields left at
    their default left out, so the same request written differently (another key order, a default spelled
    out) has the same fingerprint."""
    canonical = json.dumps(
        request.model_dump(mode="json", exclude_defaults=True),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


async def create_once(
    session: AsyncSession,
    model: type[RowT],
    scope: ColumnElement[bool],
    key: str | None,
    request: BaseModel,
    *,
    create: Callable[[Claim], Awaitable[RowT]],
) -> tuple[RowT, bool]:
    """Create a row with ``create`` unless the caller's ``key`` has made one already; (the row, whether
    it is new). The caller commits a new row, and builds the same answer from either.

    ``scope`` selects the caller's rows (``Goal.author_id == principal.sub``): a key is its sender's own.
    ``create`` checks the request, makes the row with ``**claim.columns`` among its values, and adds it
    (and whatever goes with it, such as an outbox event); it raises a ``ProblemError`` to refuse.

    Safe under concurrency, with READ COMMITTED (PostgreSQL's default): ``create`` runs inside a
    SAVEPOINT. When attempts with one key race, the unique constraint on the key makes every loser wait
    for the winner's commit and then fail; a loser may also be refused first by a rule that the winner's
    row now breaks (the slot is taken). Either way the loser's savepoint is rolled back, leaving nothing of
    it, and the loser re-reads the winner's row, visible to its next statement, and answers with it.
    """
    if key is None:
        row = await create(NO_CLAIM)
        await session.flush()
        return row, True
    claim = Claim(key, fingerprint(request))
    earlier = await _find(session, model, scope, key)
    if earlier is not None:
        return _replay(earlier, claim), False
    try:
        async with session.begin_nested():
            row = await create(claim)
            await session.flush()
    except (IntegrityError, ProblemError):
        earlier = await _find(session, model, scope, key)
        if earlier is None:
            raise
        return _replay(earlier, claim), False
    return row, True


async def _find(session: AsyncSession, model: type[RowT], scope: ColumnElement[bool], key: str) -> RowT | None:
    statement = (
        select(model)
        .where(scope, model.idempotency_key == key)
        # A row this session holds may be older than the one just committed by the winner of a race.
        .execution_options(populate_existing=True)
    )
    return (await session.execute(statement)).scalars().one_or_none()


def _replay(earlier: RowT, claim: Claim) -> RowT:
    if earlier.idempotency_fingerprint is not None and earlier.idempotency_fingerprint != claim.fingerprint:
        raise IdempotencyKeyReused("this Idempotency-Key was sent before with another request body")
    return earlier
