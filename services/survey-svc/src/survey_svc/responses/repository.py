from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert

from hlm_kit.repository import RepositoryBase
from survey_svc.responses.models import Response


class ResponseRepository(RepositoryBase[Response]):
    model = Response

    async def insert_once(self, response: Response) -> bool:
        """Store ``response`` unless its invitation (or its cycle's self) already has one, and say whether
        it was stored. A plain INSERT rather than the unit of work: this is the hot path of the service,
        and the row is not read back.

        ``ON CONFLICT DO NOTHING`` lets the unique indexes refuse the second submission inside the same
        statement: a concurrent first one is waited for, as with a plain INSERT, but the refusal aborts
        nothing, so the caller's transaction needs no savepoint (two round trips fewer per response)."""
        stored = await self.session.execute(
            insert(Response)
            .values(
                id=response.id,
                cycle_id=response.cycle_id,
                invitation_id=response.invitation_id,
                rater_group=response.rater_group,
                answers=response.answers,
                importance=response.importance,
                comments=response.comments,
                submitted_at=response.submitted_at,
            )
            .on_conflict_do_nothing()
            .returning(Response.id)
        )
        return stored.scalar_one_or_none() is not None
