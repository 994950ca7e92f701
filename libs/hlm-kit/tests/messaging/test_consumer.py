"""A consumer handles each event once, dead-letters what it cannot handle, and keeps going."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aio_pika
import pytest_asyncio
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanContext, SpanKind
from prometheus_client import REGISTRY
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import ParticipantErasedV1
from hlm_contracts.topology import ConsumerQueue
from hlm_kit.db import create_engine, create_sessionmaker
from hlm_kit.messaging.broker import Broker
from hlm_kit.messaging.consumer import EventConsumer
from hlm_kit.messaging.envelope import CLOUDEVENTS_CONTENT_TYPE, CloudEvent
from hlm_kit.messaging.topology import Topology
from hlm_kit.testing.messaging import MessagingSchema
from hlm_kit.testing.pytest_plugin import delete_topology, wait_for
from hlm_kit.testing.tcp_proxy import TcpProxy


@dataclass
class Harness:
    consumer: EventConsumer
    broker: Broker
    topology: Topology
    queue: ConsumerQueue
    schema: MessagingSchema
    amqp_url: str
    handled: list[str]
    # The span each event's handler ran in, by event id.
    handled_in: dict[str, SpanContext] = field(default_factory=dict)

    async def send(self, body: bytes, routing_key: str = ParticipantErasedV1.type) -> None:
        connection = await aio_pika.connect(self.amqp_url)
        try:
            channel = await connection.channel()
            exchange = await channel.get_exchange(self.topology.events_exchange)
            await exchange.publish(
                aio_pika.Message(body=body, content_type=CLOUDEVENTS_CONTENT_TYPE), routing_key=routing_key
            )
        finally:
            await connection.close()

    async def effects(self) -> list[str]:
        async with self.schema.engine.connect() as connection:
            return list((await connection.scalars(select(self.schema.effect.c.event_id))).all())

    async def dead_letters(self) -> list[bytes]:
        connection = await aio_pika.connect(self.amqp_url)
        try:
            channel = await connection.channel()
            dlq = await channel.get_queue(self.topology.dead_letter_queue_name(self.queue))
            bodies = []
            while (message := await dlq.get(fail=False, no_ack=True)) is not None:
                bodies.append(message.body)
            return bodies
        finally:
            await connection.close()

    def held(self) -> float:
        """Tries of an event put off because the database was unreachable."""
        value = REGISTRY.get_sample_value("events_held_for_database_total", {"queue": self.consumer.queue_name})
        return value or 0.0

    def consumed(self, outcome: str) -> float:
        value = REGISTRY.get_sample_value(
            "events_consumed_total", {"queue": self.consumer.queue_name, "outcome": outcome}
        )
        return value or 0.0


def erasure(participant_id: str = "participant-1") -> CloudEvent:
    return CloudEvent.wrap(ParticipantErasedV1(participant_id=participant_id, erased_at=datetime.now(UTC)))


@pytest_asyncio.fixture
async def harness(kit_schema: MessagingSchema, amqp_url: str, topology: Topology) -> AsyncIterator[Harness]:
    queue = ConsumerQueue("kit", f"erasure_{uuid.uuid4().hex[:6]}", (ParticipantErasedV1.type,))
    handled: list[str] = []
    handled_in: dict[str, SpanContext] = {}

    async def on_erased(session: AsyncSession, data: Any, event: CloudEvent) -> None:
        handled.append(event.id)
        handled_in[event.id] = trace.get_current_span().get_span_context()
        if data.participant_id == "always-fails":
            raise RuntimeError("the handler cannot cope with this one")
        await session.execute(insert(kit_schema.effect).values(event_id=event.id, note=data.participant_id))

    broker = Broker(amqp_url, topology)
    await broker.connect()
    consumer = EventConsumer(
        queue=queue,
        handlers={ParticipantErasedV1: on_erased},
        broker=broker,
        sessionmaker=kit_schema.sessionmaker,
        inbox=kit_schema.inbox,
        max_attempts=3,
        retry_base_delay_s=0.01,
    )
    await consumer.start()
    yield Harness(consumer, broker, topology, queue, kit_schema, amqp_url, handled, handled_in)
    await broker.close()
    await delete_topology(amqp_url, topology, [queue])


async def test_the_same_event_delivered_twice_takes_effect_once(harness: Harness) -> None:
    event = erasure()
    duplicates_before = harness.consumed("duplicate")
    await harness.send(event.to_json_bytes())
    await harness.send(event.to_json_bytes())

    await wait_for(lambda: _at_least(harness.consumed("duplicate"), duplicates_before + 1))
    assert await harness.effects() == [event.id]
    async with harness.schema.engine.connect() as connection:
        inbox_rows = await connection.scalar(select(func.count()).select_from(harness.schema.inbox.table))
    assert inbox_rows == 1


async def test_a_poison_message_is_dead_lettered_and_the_consumer_goes_on(harness: Harness) -> None:
    await harness.send(b"this is not a cloudevent")
    await harness.send(
        b'{"specversion": "1.0", "id": "x", "source": "s", "type": "hlm.survey.participant.erased.v1",'
        b' "time": "2026-01-01T00:00:00Z", "data": {"participant_id": ""}}'
    )
    good = erasure("participant-after-poison")
    await harness.send(good.to_json_bytes())

    await wait_for(lambda: _contains(harness.effects(), good.id))
    dead = await _wait_for_dead_letters(harness, 2)
    assert dead[0] == b"this is not a cloudevent"
    assert b'"participant_id": ""' in dead[1]
    assert harness.handled == [good.id]  # poison never reached the handler


async def test_a_handler_that_keeps_failing_is_retried_then_dead_lettered(harness: Harness) -> None:
    failing = erasure("always-fails")
    good = erasure("participant-ok")
    await harness.send(failing.to_json_bytes())
    await harness.send(good.to_json_bytes())

    dead = await _wait_for_dead_letters(harness, 1)
    assert CloudEvent.model_validate_json(dead[0]).id == failing.id
    assert harness.handled.count(failing.id) == 3  # max_attempts
    await wait_for(lambda: _contains(harness.effects(), good.id))
    assert failing.id not in await harness.effects()  # its failed attempts were rolled back


async def test_a_handler_runs_in_the_trace_of_the_request_that_caused_the_event(
    harness: Harness, spans: InMemorySpanExporter
) -> None:
    trace_id, producer_span_id = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    event = erasure().model_copy(update={"traceparent": f"00-{trace_id}-{producer_span_id}-01"})
    await harness.send(event.to_json_bytes())

    await wait_for(lambda: _contains(harness.effects(), event.id))
    [consumed] = [
        span
        for span in spans.get_finished_spans()
        if span.kind is SpanKind.CONSUMER and span.attributes and span.attributes["messaging.message.id"] == event.id
    ]
    assert consumed.context is not None
    assert consumed.parent is not None
    assert f"{consumed.context.trace_id:032x}" == trace_id
    assert f"{consumed.parent.span_id:016x}" == producer_span_id
    assert harness.handled_in[event.id] == consumed.context  # the handler ran inside it


async def _wait_for_dead_letters(harness: Harness, count: int) -> list[bytes]:
    collected: list[bytes] = []

    async def enough() -> bool:
        collected.extend(await harness.dead_letters())
        return len(collected) >= count

    await wait_for(enough)
    return collected


async def _at_least(value: float, minimum: float) -> bool:
    return value >= minimum


async def _contains(values: Any, wanted: str) -> bool:
    return wanted in await values


async def test_a_consumer_consumes_again_once_the_broker_is_back(
    kit_schema: MessagingSchema, amqp_url: str, topology: Topology, proxy: TcpProxy
) -> None:
    """aio-pika's robust channel restores only the queues declared through it: a consumer that went
    through the broker outage must still receive what is published after it."""
    queue = ConsumerQueue("kit", f"outage_{uuid.uuid4().hex[:6]}", (ParticipantErasedV1.type,))
    effects: list[str] = []

    async def on_erased(session: AsyncSession, data: Any, event: CloudEvent) -> None:
        effects.append(data.participant_id)

    await proxy.accept()
    broker = Broker(proxy.url_for(amqp_url), topology, reconnect_max_delay_s=0.2)
    await broker.connect()
    consumer = EventConsumer(
        queue=queue,
        handlers={ParticipantErasedV1: on_erased},
        broker=broker,
        sessionmaker=kit_schema.sessionmaker,
        inbox=kit_schema.inbox,
    )
    harness = Harness(consumer, broker, topology, queue, kit_schema, amqp_url, [])
    try:
        await consumer.start()
        await harness.send(erasure("before-the-outage").to_json_bytes())
        await wait_for(lambda: "before-the-outage" in effects)

        await proxy.refuse()  # drops the consumer's connection
        await wait_for(lambda: not broker.is_connected)
        await harness.send(erasure("during-the-outage").to_json_bytes())  # straight to the broker
        await proxy.accept()

        await harness.send(erasure("after-the-outage").to_json_bytes())
        await wait_for(lambda: {"during-the-outage", "after-the-outage"} <= set(effects))
        assert sorted(effects) == ["after-the-outage", "before-the-outage", "during-the-outage"]
    finally:
        await broker.close()
        await delete_topology(amqp_url, topology, [queue])


async def test_events_arriving_while_the_database_is_unreachable_wait_for_it_and_are_not_dead_lettered(
    kit_schema: MessagingSchema, amqp_url: str, topology: Topology
) -> None:
    """A database restart is not the handler failing: the event waits for the database, however many
    attempts that takes, and is handled once it answers; nothing goes to the dead-letter queue."""
    url = kit_schema.engine.url
    to_database = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    await to_database.refuse()  # the database is away before the event arrives
    engine = create_engine(url.set(host="127.0.0.1", port=to_database.port).render_as_string(False))
    queue = ConsumerQueue("kit", f"db_outage_{uuid.uuid4().hex[:6]}", (ParticipantErasedV1.type,))
    handled: list[str] = []
    handled_in: dict[str, SpanContext] = {}

    async def on_erased(session: AsyncSession, data: Any, event: CloudEvent) -> None:
        handled.append(event.id)
        handled_in[event.id] = trace.get_current_span().get_span_context()
        await session.execute(insert(kit_schema.effect).values(event_id=event.id, note=data.participant_id))

    broker = Broker(amqp_url, topology)
    await broker.connect()
    consumer = EventConsumer(
        queue=queue,
        handlers={ParticipantErasedV1: on_erased},
        broker=broker,
        sessionmaker=create_sessionmaker(engine),
        inbox=kit_schema.inbox,
        max_attempts=2,
        retry_base_delay_s=0.01,
        unavailable_max_delay_s=0.1,
    )
    harness = Harness(consumer, broker, topology, queue, kit_schema, amqp_url, handled)
    try:
        await consumer.start()
        event = erasure("while-the-database-is-away")
        dead_lettered_before = harness.consumed("dead_lettered")
        await harness.send(event.to_json_bytes())
        # The outage lasts for twice max_attempts tries, which would have dead-lettered the event had
        # they counted.
        await wait_for(lambda: harness.held() >= 4)
        await to_database.accept()

        await wait_for(lambda: _contains(harness.effects(), event.id))
        assert await harness.dead_letters() == []
        assert harness.consumed("dead_lettered") == dead_lettered_before
    finally:
        await broker.close()
        await engine.dispose()
        await to_database.close()
        await delete_topology(amqp_url, topology, [queue])
