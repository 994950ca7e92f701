from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from hlm_kit.repository import RepositoryBase
from report_svc.cycles.models import Cycle, Response


class CycleRepository(RepositoryBase[Cycle]):
    model = Cycle

    async def lock(self, cycle_id: uuid.UUID) -> Cycle:
        """The cycle's row, created empty when no event has named it yet, locked for this transaction.

        Every event about a cycle takes this lock first, so a response and the close arriving at the same
        moment are handled one after the other and the second sees the first: the report is then built
        exactly when the last of them is stored, whatever their order.
        """
        await self.session.execute(insert(Cycle).values(id=cycle_id).on_conflict_do_nothing(index_elements=["id"]))
        cycle = await self.lock_existing(cycle_id)
        assert cycle is not None
        return cycle

    async def lock_existing(self, cycle_id: uuid.UUID) -> Cycle | None:
        """The cycle's row locked for this transaction, or None when it is not held (never stored, or
        deleted by an erasure meanwhile): for work on a cycle already known, which must not store it again."""
        statement = (
            select(Cycle).where(Cycle.id == cycle_id).with_for_update().execution_options(populate_existing=True)
        )
        return await self.get_one_or_none(statement)

    async def ids_using_questionnaire(self, questionnaire_id: uuid.UUID) -> Sequence[uuid.UUID]:
        result = await self.session.execute(
            select(Cycle.id).where(Cycle.questionnaire_id == questionnaire_id).order_by(Cycle.id)
        )
        return result.scalars().all()

    async def ids_of_participant(self, participant_id: str) -> Sequence[uuid.UUID]:
        result = await self.session.execute(
            select(Cycle.id).where(Cycle.participant_id == participant_id).order_by(Cycle.id)
        )
        return result.scalars().all()


class ResponseRepository(RepositoryBase[Response]):
    model = Response

    async def add_once(self, response: Response) -> None:
        """Store a response unless it is stored already (the same response may be announced twice)."""
        await self.session.execute(
            insert(Response)
            .values(
                id=response.id,
                cycle_id=response.cycle_id,
                rater_group=response.rater_group,
                answers=response.answers,
                importance=response.importance,
                comments=response.comments,
            )
            .on_conflict_do_nothing(index_elements=["id"])
        )
