from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from hlm_kit.testing.messaging import MessagingSchema, messaging_schema
from hlm_kit.testing.pytest_plugin import TestDatabase


@pytest_asyncio.fixture
async def kit_schema(test_database: TestDatabase) -> AsyncIterator[MessagingSchema]:
    async with messaging_schema(test_database.admin_database_url) as schema:
        yield schema
