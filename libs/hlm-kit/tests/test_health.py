"""Readiness says whether a service can serve its API: its database. A broker outage leaves every replica
in its load balancer (the outbox keeps the events) and shows in the readiness body and on /metrics."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest_asyncio
from asgi_lifespan import LifespanManager
from prometheus_client.parser import text_string_to_metric_families

from hlm_kit.app import create_service_app
from hlm_kit.db import make_metadata
from hlm_kit.messaging.inbox import Inbox
from hlm_kit.messaging.outbox import Outbox
from hlm_kit.messaging.topology import Topology
from hlm_kit.settings import ServiceSettings
from hlm_kit.testing.pytest_plugin import TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET, TestDatabase, wait_for
from hlm_kit.testing.tcp_proxy import TcpProxy


@pytest_asyncio.fixture
async def database_proxy(postgres_admin_url: str) -> AsyncIterator[TcpProxy]:
    """A forwarder to PostgreSQL that a test can cut (``refuse``) and restore (``accept``)."""
    target = urlsplit(postgres_admin_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    yield proxy
    await proxy.close()


@contextlib.asynccontextmanager
async def service(database_url: str, amqp_url: str, topology: Topology) -> AsyncIterator[httpx.AsyncClient]:
    """A service built as every service is (``create_service_app``), with no routes of its own."""
    metadata = make_metadata("kit_health")
    settings = ServiceSettings.model_validate(
        {
            "environment": "test",
            "database_url": database_url,
            "amqp_url": amqp_url,
            "events_exchange": topology.events_exchange,
            "dead_letter_exchange": topology.dead_letter_exchange,
            "queue_prefix": topology.queue_prefix,
            "broker_reconnect_max_delay_s": 0.2,
            "run_workers": False,
            "jwt_secret": TEST_JWT_SECRET,
            "jwt_issuer": TEST_JWT_ISSUER,
            "jwt_audience": TEST_JWT_AUDIENCE,
            "log_json": False,
            "log_level": "WARNING",
        }
    )
    app = create_service_app(
        name="kit-health", version="0", settings=settings, routers=[], outbox=Outbox(metadata), inbox=Inbox(metadata)
    )
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit-health") as client,
    ):
        yield client


async def readiness(client: httpx.AsyncClient) -> tuple[int, dict[str, Any]]:
    response = await client.get("/health/ready")
    return response.status_code, response.json()


async def broker_connected_gauge(client: httpx.AsyncClient) -> float:
    response = await client.get("/metrics")
    for family in text_string_to_metric_families(response.text):
        if family.name == "hlm_broker_connected":
            return float(family.samples[0].value)
    raise AssertionError("hlm_broker_connected is not exported")


async def test_a_service_stays_ready_while_the_broker_is_unreachable_and_says_so(
    test_database: TestDatabase, amqp_url: str, topology: Topology, proxy: TcpProxy
) -> None:
    await proxy.refuse()
    async with service(test_database.url_for("framework_svc"), proxy.url_for(amqp_url), topology) as client:
        status, body = await readiness(client)
        assert status == 200
        assert body == {"status": "degraded", "checks": {"database": True}, "optional": {"broker": False}}
        assert await broker_connected_gauge(client) == 0

        await proxy.accept()

        async def fully_ready() -> bool:
            return (await readiness(client)) == (
                200,
                {"status": "ok", "checks": {"database": True}, "optional": {"broker": True}},
            )

        await wait_for(fully_ready)
        assert await broker_connected_gauge(client) == 1


async def test_a_service_whose_database_is_unreachable_is_not_ready(
    test_database: TestDatabase, amqp_url: str, topology: Topology, database_proxy: TcpProxy
) -> None:
    await database_proxy.refuse()
    async with service(database_proxy.url_for(test_database.url_for("framework_svc")), amqp_url, topology) as client:
        status, body = await readiness(client)
        assert status == 503
        assert body["status"] == "unavailable"
        assert body["checks"] == {"database": False}
        assert (await client.get("/health/live")).status_code == 200
