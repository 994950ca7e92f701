"""The transactional outbox: an event row written in the same transaction as the change it reports."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import EventData
from hlm_kit.messaging.envelope import CloudEvent


def outbox_table(metadata: MetaData) -> Table:
    """The ``outbox_message`` table in the service's schema."""
    return Table(
        "outbox_message",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("event_id", Text, nullable=False, unique=True),
        Column("type", Text, nullable=False),
        Column("subject", Text),
        Column("envelope", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text),
        Column("sent_at", DateTime(timezone=True)),
        # The relay only ever looks at unsent rows; keep that scan small however many rows were sent.
        Index(None, "next_attempt_at", "id", postgresql_where=text("sent_at IS NULL")),
    )


class Outbox:
    """Writes events into a service's outbox and wakes the relay when the transaction commits."""

    def __init__(self, metadata: MetaData) -> None:
        self.table = outbox_table(metadata)
        # NOTIFY is delivered at commit, so the relay wakes exactly when the row becomes visible.
        self.notify_channel = f"{metadata.schema or 'public'}_outbox"

    async def add(self, session: AsyncSession, data: EventData, *, subject: str | None = None) -> CloudEvent:
        """Record ``data`` as an event in the session's transaction; the caller commits."""
        event = CloudEvent.wrap(data, subject=subject)
        await session.execute(
            insert(self.table).values(
                event_id=event.id,
                type=event.type,
                subject=event.subject,
                envelope=event.model_dump(mode="json", exclude_none=True),
            )
        )
        await session.execute(select(func.pg_notify(self.notify_channel, "")))
        return event
