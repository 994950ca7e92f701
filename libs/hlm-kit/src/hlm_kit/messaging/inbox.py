"""The inbox: which events a service has already handled, keyed by the event's (source, id)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, MetaData, Table, Text, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession


def inbox_table(metadata: MetaData) -> Table:
    """The ``inbox_message`` table in the service's schema."""
    return Table(
        "inbox_message",
        metadata,
        Column("source", Text, primary_key=True),
        Column("event_id", Text, primary_key=True),
        Column("type", Text, nullable=False),
        Column("handler", Text, nullable=False),
        Column("handled_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class Inbox:
    def __init__(self, metadata: MetaData) -> None:
        self.table = inbox_table(metadata)

    async def claim(self, session: AsyncSession, *, source: str, event_id: str, type: str, handler: str) -> bool:
        """Record the event in the session's transaction; False when it was handled before.

        The row commits together with the handler's writes, so either both happen or neither does.
        """
        result = await session.execute(
            insert(self.table)
            .values(source=source, event_id=event_id, type=type, handler=handler)
            .on_conflict_do_nothing(index_elements=["source", "event_id"])
            .returning(self.table.c.event_id)
        )
        return result.scalar_one_or_none() is not None
