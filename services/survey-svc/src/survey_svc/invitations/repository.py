from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from hlm_kit.repository import RepositoryBase
from survey_svc.invitations.models import TokenFailure


class TokenFailureRepository(RepositoryBase[TokenFailure]):
    model = TokenFailure

    async def failures(self, client: bytes, window_start: datetime) -> int:
        found = await self.session.scalar(
            select(TokenFailure.failures).where(
                TokenFailure.client_hash == client, TokenFailure.window_start == window_start
            )
        )
        return found or 0

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
