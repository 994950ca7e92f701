"""The outbox relay delivers each committed event once, even across a broker outage."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime

import aio_pika
from sqlalchemy import func, select

from hlm_contracts import ParticipantErasedV1
from hlm_contracts.topology import CONSUMER_QUEUES
from hlm_kit.messaging.broker import Broker
from hlm_kit.messaging.relay import OutboxRelay
from hlm_kit.messaging.topology import Topology
from hlm_kit.testing.messaging import MessagingSchema as KitSchema
from hlm_kit.testing.pytest_plugin import wait_for
from hlm_kit.testing.tcp_proxy import TcpProxy

REPORT_ERASURE_QUEUE = next(q for q in CONSUMER_QUEUES if q.name == "report.participant_erased")


async def drain(amqp_url: str, queue_name: str) -> list[aio_pika.abc.AbstractIncomingMessage]:
    """Every message waiting in ``queue_name``, acknowledged."""
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        queue = await channel.get_queue(queue_name, ensure=True)
        messages = []
        while (message := await queue.get(fail=False, no_ack=True)) is not None:
            messages.append(message)
        return messages
    finally:
        await connection.close()


async def record_erasure(kit: KitSchema, participant_id: str) -> str:
    async with kit.sessionmaker() as session:
        event = await kit.outbox.add(
            session,
            ParticipantErasedV1(participant_id=participant_id, erased_at=datetime.now(UTC)),
            subject=participant_id,
        )
        await session.commit()
    return event.id


async def is_sent(kit: KitSchema, event_id: str) -> bool:
    table = kit.outbox.table
    async with kit.engine.connect() as connection:
        sent_at = await connection.scalar(select(table.c.sent_at).where(table.c.event_id == event_id))
    return sent_at is not None


async def test_event_written_while_the_broker_refuses_connections_arrives_exactly_once(
    kit_schema: KitSchema, amqp_url: str, topology: Topology, proxy: TcpProxy
) -> None:
    await proxy.refuse()
    broker = Broker(proxy.url_for(amqp_url), topology, reconnect_max_delay_s=0.2)
    relay = OutboxRelay(kit_schema.engine, kit_schema.outbox, broker, poll_interval_s=0.2)
    tasks = [asyncio.create_task(broker.connect()), asyncio.create_task(relay.run())]
    try:
        event_id = await record_erasure(kit_schema, "participant-1")
        # The broker is unreachable: the event waits in the outbox, committed and unsent.
        assert not broker.is_connected
        assert not await is_sent(kit_schema, event_id)

        await proxy.accept()
        await wait_for(lambda: is_sent(kit_schema, event_id))
        # One more relay pass must not publish it again.
        assert await relay.relay_batch() == 0

        delivered = await drain(amqp_url, topology.queue_name(REPORT_ERASURE_QUEUE))
        assert [m.message_id for m in delivered] == [event_id]
        assert delivered[0].content_type == "application/cloudevents+json"
        assert delivered[0].delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    finally:
        for task in tasks:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*tasks)
        await broker.close()


async def test_events_written_during_an_outage_are_sent_once_the_connection_is_back(
    kit_schema: KitSchema, amqp_url: str, topology: Topology, proxy: TcpProxy
) -> None:
    await proxy.accept()
    broker = Broker(proxy.url_for(amqp_url), topology, reconnect_max_delay_s=0.2)
    relay = OutboxRelay(kit_schema.engine, kit_schema.outbox, broker, poll_interval_s=0.2)
    tasks = [asyncio.create_task(broker.connect()), asyncio.create_task(relay.run())]
    try:
        before = await record_erasure(kit_schema, "participant-before")
        await wait_for(lambda: is_sent(kit_schema, before))

        await proxy.refuse()  # drops the live connection too
        await wait_for(lambda: _false(broker.is_connected))
        during = [await record_erasure(kit_schema, f"participant-{i}") for i in range(3)]

        await proxy.accept()
        for event_id in during:
            await wait_for(lambda event_id=event_id: is_sent(kit_schema, event_id))  # type: ignore[misc]

        delivered = await drain(amqp_url, topology.queue_name(REPORT_ERASURE_QUEUE))
        ids = [m.message_id for m in delivered]
        assert sorted(ids) == sorted([before, *during])
    finally:
        for task in tasks:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*tasks)
        await broker.close()


async def test_an_unroutable_event_is_an_error_and_stays_in_the_outbox(kit_schema: KitSchema, amqp_url: str) -> None:
    # A topology with no queues at all: nothing is bound, so every event is unroutable.
    tag = uuid.uuid4().hex[:8]
    bare = Topology(f"test.{tag}.events", f"test.{tag}.dlx", f"test.{tag}.")
    broker = Broker(amqp_url, bare)
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        await broker.connect()
        # Remove the queues the broker declared so the exchange has no binding left.
        for queue in CONSUMER_QUEUES:
            await channel.queue_delete(bare.queue_name(queue))
            await channel.queue_delete(bare.dead_letter_queue_name(queue))
        event_id = await record_erasure(kit_schema, "participant-x")
        relay = OutboxRelay(kit_schema.engine, kit_schema.outbox, broker)
        assert await relay.relay_batch() == 0
        table = kit_schema.outbox.table
        async with kit_schema.engine.connect() as db:
            row = (
                await db.execute(
                    select(table.c.sent_at, table.c.attempts, table.c.last_error).where(table.c.event_id == event_id)
                )
            ).one()
            due_now = await db.scalar(
                select(func.count())
                .select_from(table)
                .where(table.c.sent_at.is_(None), table.c.next_attempt_at <= func.now())
            )
        assert row.sent_at is None
        assert row.attempts == 1
        assert row.last_error == "unroutable"
        assert due_now == 0  # retried later, not in a hot loop
    finally:
        await broker.close()
        channel = await connection.channel()
        await channel.exchange_delete(bare.events_exchange)
        await channel.exchange_delete(bare.dead_letter_exchange)
        await connection.close()


async def _false(value: bool) -> bool:
    return not value
