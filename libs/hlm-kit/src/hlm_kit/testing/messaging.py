"""A throwaway schema with an outbox, an inbox and an effect table, for tests of messaging mechanics."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy import Column, MetaData, Table, Text, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from hlm_kit.db import create_engine, create_sessionmaker, make_metadata
from hlm_kit.messaging.inbox import Inbox
from hlm_kit.messaging.outbox import Outbox


@dataclass
class MessagingSchema:
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    metadata: MetaData
    outbox: Outbox
    inbox: Inbox
    # What a test handler does: one row per event handled, so a duplicate shows as an extra row.
    effect: Table


@contextlib.asynccontextmanager
async def messaging_schema(database_url: str) -> AsyncIterator[MessagingSchema]:
    """Create a uniquely named schema holding the messaging tables; drop it on exit."""
    schema = f"msg_{uuid.uuid4().hex[:10]}"
    metadata = make_metadata(schema)
    outbox, inbox = Outbox(metadata), Inbox(metadata)
    effect = Table("effect", metadata, Column("event_id", Text, nullable=False), Column("note", Text))
    engine = create_engine(database_url, pool_size=5)
    async with engine.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        await connection.run_sync(metadata.create_all)
    try:
        yield MessagingSchema(engine, create_sessionmaker(engine), metadata, outbox, inbox, effect)
    finally:
        async with engine.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await engine.dispose()
