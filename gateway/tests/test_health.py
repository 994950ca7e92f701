"""The gateway is ready once its process is up: it owns no storage, and its queries need only the
services. A broker outage degrades its subscriptions, shows in the readiness body and on /metrics, and
keeps every replica in its load balancer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import httpx
import pytest_asyncio
from asgi_lifespan import LifespanManager
from prometheus_client.parser import text_string_to_metric_families

from hlm_gateway.config import Settings
from hlm_gateway.main import create_app
from hlm_kit.messaging.topology import Topology
from hlm_kit.testing.pytest_plugin import wait_for
from hlm_kit.testing.tcp_proxy import TcpProxy

from .conftest import UNREACHABLE, common


@pytest_asyncio.fixture
async def broker_proxy(amqp_url: str) -> AsyncIterator[TcpProxy]:
    """A forwarder to RabbitMQ that a test can cut (``refuse``) and restore (``accept``)."""
    target = urlsplit(amqp_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5672)
    yield proxy
    await proxy.close()


async def broker_connected_gauge(client: httpx.AsyncClient) -> float:
    for family in text_string_to_metric_families((await client.get("/metrics")).text):
        if family.name == "hlm_broker_connected":
            return float(family.samples[0].value)
    raise AssertionError("hlm_broker_connected is not exported")


async def test_the_gateway_stays_ready_while_the_broker_is_unreachable_and_says_so(
    amqp_url: str, topology: Topology, broker_proxy: TcpProxy
) -> None:
    await broker_proxy.refuse()
    settings = Settings.model_validate(
        {
            **common(broker_proxy.url_for(amqp_url)),
            **{f"{name}_url": UNREACHABLE for name in ("framework", "survey", "report", "facilitator")},
            "events_exchange": topology.events_exchange,
            "dead_letter_exchange": topology.dead_letter_exchange,
            "queue_prefix": topology.queue_prefix,
            "broker_reconnect_max_delay_s": 0.2,
        }
    )
    app = create_app(settings)
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client,
    ):
        ready = await client.get("/health/ready")
        assert ready.status_code == 200
        assert ready.json() == {"status": "degraded", "checks": {}, "optional": {"broker": False, "live_events": False}}
        assert await broker_connected_gauge(client) == 0

        await broker_proxy.accept()

        async def fully_ready() -> bool:
            response = await client.get("/health/ready")
            return response.status_code == 200 and response.json()["status"] == "ok"

        await wait_for(fully_ready)
        assert await broker_connected_gauge(client) == 1
