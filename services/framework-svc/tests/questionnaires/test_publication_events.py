"""Publishing a questionnaire reaches the broker exactly once, even when RabbitMQ is down at the time, and
the event carries the trace of the request that published it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import aio_pika
import httpx
import pytest_asyncio
import yaml
from asgi_lifespan import LifespanManager
from pydantic import SecretStr
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from framework_svc.catalogue.loader import DATA_DIRECTORY
from framework_svc.database import outbox
from framework_svc.main import create_app
from framework_svc.questionnaires.models import Questionnaire
from hlm_contracts import QuestionnairePublishedV1
from hlm_contracts.topology import queues_for
from hlm_kit.messaging.envelope import CloudEvent
from hlm_kit.messaging.topology import Topology
from hlm_kit.testing.pytest_plugin import AuthHeaders, wait_for
from hlm_kit.testing.tcp_proxy import TcpProxy

SURVEY_SNAPSHOTS = next(q for q in queues_for("survey") if q.name == "survey.questionnaire_published")


@pytest_asyncio.fixture
async def refusing_broker(amqp_url: str) -> AsyncIterator[tuple[TcpProxy, str]]:
    """A TCP forwarder to the real RabbitMQ that starts out refusing connections."""
    target = urlsplit(amqp_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5672)
    await proxy.refuse()
    url = target._replace(netloc=f"{target.username}:{target.password}@127.0.0.1:{proxy.port}").geturl()
    yield proxy, url
    await proxy.close()


@pytest_asyncio.fixture
async def committed_questionnaire_key(engine: AsyncEngine, catalogue: list[str]) -> AsyncIterator[str]:
    """A questionnaire key unique to the test; its committed rows are removed afterwards."""
    key = f"outage-{uuid.uuid4().hex[:8]}"
    yield key
    async with engine.begin() as connection:
        await connection.execute(delete(Questionnaire).where(Questionnaire.key == key))


async def drain(amqp_url: str, queue_name: str) -> list[aio_pika.abc.AbstractIncomingMessage]:
    connection = await aio_pika.connect(amqp_url)
    try:
        queue = await (await connection.channel()).get_queue(queue_name)
        messages = []
        while (message := await queue.get(fail=False, no_ack=True)) is not None:
            messages.append(message)
        return messages
    finally:
        await connection.close()


async def test_a_questionnaire_published_while_rabbitmq_refuses_connections_arrives_exactly_once(
    settings: Any,
    engine: AsyncEngine,
    amqp_url: str,
    topology: Topology,
    refusing_broker: tuple[TcpProxy, str],
    committed_questionnaire_key: str,
    auth: AuthHeaders,
) -> None:
    proxy, url_through_proxy = refusing_broker
    app = create_app(
        settings.model_copy(
            update={
                "amqp_url": SecretStr(url_through_proxy),
                "events_exchange": topology.events_exchange,
                "dead_letter_exchange": topology.dead_letter_exchange,
                "queue_prefix": topology.queue_prefix,
                "run_workers": True,
                "relay_poll_interval_s": 0.2,
                "broker_reconnect_max_delay_s": 0.2,
            }
        )
    )
    document = yaml.safe_load((DATA_DIRECTORY / "hlm-360.yaml").read_text())
    document["key"] = committed_questionnaire_key
    admin = auth("academy_admin")
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://framework-svc") as client,
    ):
        imported = await client.post("/v1/questionnaires", json=document, headers=admin)
        assert imported.status_code == 201, imported.text
        questionnaire_id = imported.json()["id"]
        published = await client.post(f"/v1/questionnaires/{questionnaire_id}/publish", headers=admin)
        assert published.status_code == 200
        # The business change is committed although the broker is unreachable: the event waits, and the
        # service stays ready (it serves its API), reporting the broker down.
        ready = await client.get("/health/ready")
        assert ready.status_code == 200
        assert ready.json()["optional"]["broker"] is False

        await proxy.accept()

        async def sent() -> bool:
            async with engine.connect() as connection:
                sent_at = await connection.scalar(
                    select(outbox.table.c.sent_at).where(outbox.table.c.subject == questionnaire_id)
                )
            return sent_at is not None

        await wait_for(sent)
        await wait_for(lambda: _ready(client))

    # The catalogue's own publications, committed earlier in the session, go out in the same run.
    delivered = [
        CloudEvent.model_validate_json(m.body) for m in await drain(amqp_url, topology.queue_name(SURVEY_SNAPSHOTS))
    ]
    ours = [event for event in delivered if event.subject == questionnaire_id]
    assert len(ours) == 1
    event = ours[0]
    assert (event.type, event.source) == (QuestionnairePublishedV1.type, "framework-svc")
    data = QuestionnairePublishedV1.model_validate(event.data)
    assert data.key == committed_questionnaire_key
    assert len(data.items) == len(document["items"])
    assert {i.dimension_key for i in data.items} == {d.key for d in data.dimensions}


async def _ready(client: httpx.AsyncClient) -> bool:
    """Ready with nothing degraded: the broker is connected again."""
    return (await client.get("/health/ready")).json()["status"] == "ok"


async def test_the_published_event_continues_the_trace_of_the_request_that_published_it(
    settings: Any,
    engine: AsyncEngine,
    amqp_url: str,
    topology: Topology,
    committed_questionnaire_key: str,
    auth: AuthHeaders,
) -> None:
    trace_id, caller_span_id = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    app = create_app(
        settings.model_copy(
            update={
                "events_exchange": topology.events_exchange,
                "dead_letter_exchange": topology.dead_letter_exchange,
                "queue_prefix": topology.queue_prefix,
                "run_workers": True,
            }
        )
    )
    document = yaml.safe_load((DATA_DIRECTORY / "hlm-360.yaml").read_text())
    document["key"] = committed_questionnaire_key
    admin = auth("academy_admin")
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://framework-svc") as client,
    ):
        await wait_for(lambda: _ready(client))  # the topology is declared: the event is routable
        imported = await client.post("/v1/questionnaires", json=document, headers=admin)
        assert imported.status_code == 201, imported.text
        questionnaire_id = imported.json()["id"]
        published = await client.post(
            f"/v1/questionnaires/{questionnaire_id}/publish",
            headers={**admin, "traceparent": f"00-{trace_id}-{caller_span_id}-01"},
        )
        assert published.status_code == 200

        async def sent() -> bool:
            async with engine.connect() as connection:
                sent_at = await connection.scalar(
                    select(outbox.table.c.sent_at).where(outbox.table.c.subject == questionnaire_id)
                )
            return sent_at is not None

        await wait_for(sent)

    delivered = [
        CloudEvent.model_validate_json(m.body) for m in await drain(amqp_url, topology.queue_name(SURVEY_SNAPSHOTS))
    ]
    [event] = [event for event in delivered if event.subject == questionnaire_id]

    assert event.traceparent is not None
    version, event_trace_id, event_span_id, flags = event.traceparent.split("-")
    assert (version, event_trace_id, flags) == ("00", trace_id, "01")
    assert event_span_id not in (caller_span_id, "0" * 16)  # a span of the service's own, in the caller's trace
