from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import and_, any_, delete, literal, or_

from hlm_kit.repository import RepositoryBase
from survey_svc.observations.models import Observation


class ObservationRepository(RepositoryBase[Observation]):
    model = Observation

    async def own(self, author_id: str, id: UUID, *, for_update: bool = False) -> Observation | None:
        statement = self.select().where(Observation.id == id, Observation.author_id == author_id)
        if for_update:
            statement = statement.with_for_update()
        return await self.get_one_or_none(statement)

    async def page(
        self,
        author_id: str,
        *,
        dimension: str | None,
        on_or_after: date | None,
        on_or_before: date | None,
        after: tuple[date, UUID] | None,
        limit: int,
    ) -> Sequence[Observation]:
        """The author's entries, most recent first."""
        statement = (
            self.select()
            .where(Observation.author_id == author_id)
            .order_by(Observation.observed_on.desc(), Observation.id.desc())
            .limit(limit)
        )
        if dimension is not None:
            statement = statement.where(literal(dimension) == any_(Observation.dimension_keys))
        if on_or_after is not None:
            statement = statement.where(Observation.observed_on >= on_or_after)
        if on_or_before is not None:
            statement = statement.where(Observation.observed_on <= on_or_before)
        if after is not None:
            observed_on, id = after
            statement = statement.where(
                or_(
                    Observation.observed_on < observed_on,
                    and_(Observation.observed_on == observed_on, Observation.id < id),
                )
            )
        return await self.get_all(statement)

    async def delete_for_author(self, author_id: str) -> None:
        await self.session.execute(delete(Observation).where(Observation.author_id == author_id))
