"""One generic repository base (after Polar's RepositoryBase): the same verbs for every table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, Self, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

ModelT = TypeVar("ModelT", bound=DeclarativeBase)


class RepositoryBase(Generic[ModelT]):
    """Subclass with ``model = MyModel``; build queries with :meth:`select` and run them here."""

    model: type[ModelT]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> Self:
        return cls(session)

    def select(self) -> Select[ModelT]:
        return select(self.model)

    async def get_by_id(self, id: Any, *, for_update: bool = False) -> ModelT | None:
        return await self.session.get(self.model, id, with_for_update=for_update)

    async def get_one_or_none(self, statement: Select[ModelT]) -> ModelT | None:
        result = await self.session.execute(statement)
        return result.scalars().unique().one_or_none()

    async def get_all(self, statement: Select[ModelT]) -> Sequence[ModelT]:
        result = await self.session.execute(statement)
        return result.scalars().unique().all()

    async def add(self, obj: ModelT, *, flush: bool = True) -> ModelT:
        self.session.add(obj)
        if flush:
            await self.session.flush()
        return obj
