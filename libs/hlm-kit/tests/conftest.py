from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest_asyncio

from hlm_kit.testing.messaging import MessagingSchema, messaging_schema
from hlm_kit.testing.pytest_plugin import TestDatabase
from hlm_kit.testing.tcp_proxy import TcpProxy


@pytest_asyncio.fixture
async def kit_schema(test_database: TestDatabase) -> AsyncIterator[MessagingSchema]:
    async with messaging_schema(test_database.admin_database_url) as schema:
        yield schema


@pytest_asyncio.fixture
async def proxy(amqp_url: str) -> AsyncIterator[TcpProxy]:
    """A forwarder to the broker that a test can cut (``refuse``) and restore (``accept``)."""
    target = urlsplit(amqp_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5672)
    yield proxy
    await proxy.close()
