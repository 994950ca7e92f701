"""A publication of resources reaches a consumer's queue through the relay, once such a queue is bound."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aio_pika
import httpx
import pytest_asyncio
from asgi_lifespan import LifespanManager
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from framework_svc.database import outbox
from framework_svc.main import create_app
from framework_svc.resources.models import Resource
from hlm_contracts import ConsumerQueue, ResourcesPublishedV1
from hlm_kit.messaging.envelope import CloudEvent
from hlm_kit.messaging.topology import Topology, declare_exchanges, declare_queue
from hlm_kit.testing.pytest_plugin import AuthHeaders, delete_topology, wait_for

# The queue report-svc will consume the event from, declared here the way the topology declares queues.
REPORT_RESOURCES = ConsumerQueue("report", "resources_published", (ResourcesPublishedV1.type,))


@pytest_asyncio.fixture
async def bound_queue(amqp_url: str, topology: Topology) -> AsyncIterator[str]:
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        await declare_exchanges(channel, topology)
        await declare_queue(channel, topology, REPORT_RESOURCES)
    finally:
        await connection.close()
    yield topology.queue_name(REPORT_RESOURCES)
    await delete_topology(amqp_url, topology, [REPORT_RESOURCES])


@pytest_asyncio.fixture
async def committed_resource_keys(engine: AsyncEngine, catalogue: list[str]) -> AsyncIterator[list[str]]:
    """Keys of the resources this test commits; removed afterwards, so the published set is as shipped."""
    keys = ["test-reading", "test-coaching"]
    yield keys
    async with engine.begin() as connection:
        await connection.execute(delete(Resource).where(Resource.key.in_(keys)))


async def test_a_publication_arrives_on_a_bound_queue_once_with_the_published_set(
    settings: Any,
    engine: AsyncEngine,
    amqp_url: str,
    topology: Topology,
    bound_queue: str,
    committed_resource_keys: list[str],
    resources_document: dict[str, Any],
    auth: AuthHeaders,
) -> None:
    app = create_app(
        settings.model_copy(
            update={
                "events_exchange": topology.events_exchange,
                "dead_letter_exchange": topology.dead_letter_exchange,
                "queue_prefix": topology.queue_prefix,
                "run_workers": True,
                "relay_poll_interval_s": 0.2,
            }
        )
    )
    admin = auth("academy_admin")
    refs = {"resources": [{"key": key, "version": 1} for key in committed_resource_keys]}
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://framework-svc") as client,
    ):
        assert (await client.post("/v1/resources", json=resources_document, headers=admin)).status_code == 201
        async with engine.connect() as connection:
            earlier = await connection.scalar(select(func.coalesce(func.max(outbox.table.c.id), 0)))
        assert (await client.post("/v1/resources/publish", json=refs, headers=admin)).status_code == 200

        async def delivered() -> list[CloudEvent] | None:
            # Only this publication's row: an earlier one may wait out a retry after it found no queue.
            async with engine.connect() as connection:
                sent_at = await connection.scalar(
                    select(outbox.table.c.sent_at).where(
                        outbox.table.c.type == ResourcesPublishedV1.type, outbox.table.c.id > earlier
                    )
                )
            return None if sent_at is None else await _drain(amqp_url, bound_queue)

        events = await wait_for(delivered)

    ours = [
        ResourcesPublishedV1.model_validate(e.data)
        for e in events
        if set(committed_resource_keys) <= {r["key"] for r in e.data["resources"]}
    ]
    assert len(ours) == 1
    assert {e.type for e in events} == {ResourcesPublishedV1.type}
    reading = next(r for r in ours[0].resources if r.key == "test-reading")
    assert {t.dimension_key for t in reading.serves} == {"leading_with_care", "working_with_others"}
    assert "caring-to-change" in {r.key for r in ours[0].resources}


async def _drain(amqp_url: str, queue_name: str) -> list[CloudEvent]:
    connection = await aio_pika.connect(amqp_url)
    try:
        queue = await (await connection.channel()).get_queue(queue_name)
        events = []
        while (message := await queue.get(fail=False, no_ack=True)) is not None:
            events.append(CloudEvent.model_validate_json(message.body))
        return events
    finally:
        await connection.close()
