from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import DateTime, LargeBinary, ScalarSelect, Select, Table, bindparam, delete, func, select
from sqlalchemy.dialects.postgresql import insert

from hlm_kit.repository import RepositoryBase
from survey_svc.invitations.models import TokenFailure


class TokenFailureRepository(RepositoryBase[TokenFailure]):
    model = TokenFailure

    async def failures(self, client: bytes, window_start: datetime) -> int:
        return await self.session.scalar(_failures(client, window_start)) or 0

    @staticmethod
    def failures_query(client: bytes, window_start: datetime) -> tuple[ScalarSelect[int], dict[str, Any]]:
        """``client``'s failures in the window (NULL for none), to read inside another statement: the
        subquery, always the same object (a statement holding it is built once), and its parameters."""
        return _FAILURES_IN_WINDOW, {_CLIENT.key: client, _WINDOW_START.key: window_start}

    async def count(self, client: bytes, window_start: datetime) -> None:
        """One more failure of ``client`` in the window, counted in one statement (concurrent failures
        from one address all count)."""
        await self.session.execute(
            insert(TokenFailure)
            .values(client_hash=client, window_start=window_start, failures=1)
            .on_conflict_do_update(
                index_elements=[TokenFailure.client_hash, TokenFailure.window_start],
                set_={"failures": TokenFailure.failures + 1},
            )
        )

    async def forget_older_than(self, age: timedelta) -> None:
        await self.session.execute(delete(TokenFailure).where(TokenFailure.window_start < func.now() - age))


_CLIENT = bindparam("failures_client_hash", type_=LargeBinary(32))
_WINDOW_START = bindparam("failures_window_start", type_=DateTime(timezone=True))
# Of the table, not the mapped class: a statement naming a mapped attribute is run through the ORM's
# loading of results, and the link look-up that holds this subquery on every rater's request reads plain
# columns.
_TOKEN_FAILURE = cast(Table, TokenFailure.__table__)
_FAILURES_IN_WINDOW = (
    select(_TOKEN_FAILURE.c.failures)
    .where(_TOKEN_FAILURE.c.client_hash == _CLIENT, _TOKEN_FAILURE.c.window_start == _WINDOW_START)
    .scalar_subquery()
)


def _failures(client: bytes, window_start: datetime) -> Select[int]:
    return select(TokenFailure.failures).where(
        TokenFailure.client_hash == client, TokenFailure.window_start == window_start
    )
