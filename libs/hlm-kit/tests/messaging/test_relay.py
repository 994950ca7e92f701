"""The outbox relay delivers each committed event once, even across a broker outage, and as soon as the
transaction that wrote it commits, without a NOTIFY in that transaction; what no commit announces (a
rollback wakes nothing; a writer that died) the poll delivers."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aio_pika
import asyncpg
import pytest_asyncio
from prometheus_client import REGISTRY
from sqlalchemy import func, select, text
from structlog.testing import capture_logs

from hlm_contracts import AccreditationGrantedV1, ParticipantErasedV1
from hlm_contracts.topology import CONSUMER_QUEUES
from hlm_kit.db import create_engine, create_sessionmaker, make_metadata, to_plain_url
from hlm_kit.messaging.broker import Broker
from hlm_kit.messaging.outbox import Outbox
from hlm_kit.messaging.relay import OutboxNotifier, OutboxRelay
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
        await wait_for(lambda: not broker.is_connected)
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


async def test_a_broadcast_event_nobody_is_bound_for_is_sent_and_any_other_stays_in_the_outbox(
    kit_schema: KitSchema, amqp_url: str
) -> None:
    """An accreditation is published for whoever wants it (an academy's own systems, possibly none), so
    no queue is no error; an erasure owes its consumers a queue, so without one it is kept and logged."""
    tag = uuid.uuid4().hex[:8]
    bare = Topology(f"test.{tag}.events", f"test.{tag}.dlx", f"test.{tag}.")
    broker = Broker(amqp_url, bare)
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        await broker.connect()
        for queue in CONSUMER_QUEUES:
            await channel.queue_delete(bare.queue_name(queue))
            await channel.queue_delete(bare.dead_letter_queue_name(queue))
        async with kit_schema.sessionmaker() as session:
            granted = await kit_schema.outbox.add(
                session,
                AccreditationGrantedV1(
                    facilitator_id=uuid.uuid4(),
                    level="facilitator",
                    granted_on=datetime(2026, 12, 1, tzinfo=UTC).date(),
                    expires_on=datetime(2029, 12, 1, tzinfo=UTC).date(),
                ),
                subject="facilitator-1",
            )
            await session.commit()
        erased = await record_erasure(kit_schema, "participant-x")
        failed_before = _unroutable(ParticipantErasedV1.type)

        relay = OutboxRelay(kit_schema.engine, kit_schema.outbox, broker)
        with capture_logs() as logs:
            assert await relay.relay_batch() == 1

        assert await is_sent(kit_schema, granted.id)
        assert not await is_sent(kit_schema, erased)
        assert _unroutable(ParticipantErasedV1.type) == failed_before + 1
        assert [(e["log_level"], e.get("type")) for e in logs if e["event"].startswith("event unroutable")] == [
            ("error", ParticipantErasedV1.type)
        ]
        # The next pass does not send the broadcast again.
        assert await relay.relay_batch() == 0
    finally:
        await broker.close()
        channel = await connection.channel()
        await channel.exchange_delete(bare.events_exchange)
        await channel.exchange_delete(bare.dead_letter_exchange)
        await connection.close()


def _unroutable(type_name: str) -> float:
    return REGISTRY.get_sample_value("outbox_publish_failures_total", {"type": type_name}) or 0.0


async def test_a_broadcast_event_reaches_a_queue_that_someone_bound_to_it(
    kit_schema: KitSchema, amqp_url: str, topology: Topology, broker: Broker
) -> None:
    # An academy's own system binds a queue of its own to the accreditation events.
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        theirs = await channel.declare_queue(exclusive=True)
        await theirs.bind(topology.events_exchange, routing_key=AccreditationGrantedV1.type)
        async with kit_schema.sessionmaker() as session:
            granted = await kit_schema.outbox.add(
                session,
                AccreditationGrantedV1(
                    facilitator_id=uuid.uuid4(),
                    level="trainer",
                    granted_on=datetime(2026, 12, 1, tzinfo=UTC).date(),
                    expires_on=datetime(2029, 12, 1, tzinfo=UTC).date(),
                ),
                subject="facilitator-2",
            )
            await session.commit()

        assert await OutboxRelay(kit_schema.engine, kit_schema.outbox, broker).relay_batch() == 1

        message = await wait_for(lambda: theirs.get(fail=False, no_ack=True))
        assert message.message_id == granted.id
    finally:
        await connection.close()


# Far longer than any wait below: an event that arrives came through a wake-up, not through the poll.
POLL_NEVER_S = 30.0
WELL_BEFORE_THE_POLL_S = 10.0


@pytest_asyncio.fixture
async def broker(amqp_url: str, topology: Topology) -> AsyncIterator[Broker]:
    broker = Broker(amqp_url, topology)
    await broker.connect()
    yield broker
    await broker.close()


@contextlib.asynccontextmanager
async def running(*workers: OutboxRelay | OutboxNotifier) -> AsyncIterator[None]:
    tasks = [asyncio.create_task(worker.run()) for worker in workers]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert all(isinstance(r, asyncio.CancelledError) for r in results), results


async def quiet_relay(relay: OutboxRelay) -> None:
    """Let a freshly started relay finish its start-up passes (the first one, and the one its LISTEN
    connection triggers), so that afterwards only a commit, a notification or the poll wakes it."""
    await wait_for(lambda: relay.is_quiet)


async def test_an_event_is_published_as_soon_as_its_transaction_commits(
    kit_schema: KitSchema, amqp_url: str, topology: Topology, broker: Broker
) -> None:
    relay = OutboxRelay(kit_schema.engine, kit_schema.outbox, broker, poll_interval_s=POLL_NEVER_S)
    async with running(relay):
        await quiet_relay(relay)

        event_id = await record_erasure(kit_schema, "participant-1")
        await wait_for(lambda: is_sent(kit_schema, event_id), timeout_s=WELL_BEFORE_THE_POLL_S)

    delivered = await drain(amqp_url, topology.queue_name(REPORT_ERASURE_QUEUE))
    assert [m.message_id for m in delivered] == [event_id]


async def test_a_rolled_back_transaction_wakes_nothing_and_publishes_nothing(
    kit_schema: KitSchema, amqp_url: str, topology: Topology, broker: Broker
) -> None:
    wake = asyncio.Event()
    erased = ParticipantErasedV1(participant_id="participant-1", erased_at=datetime.now(UTC))
    with kit_schema.outbox.waking(wake):
        async with kit_schema.sessionmaker() as session:
            await kit_schema.outbox.add(session, erased, subject="participant-1")
            await session.rollback()
            # The session's next transaction writes no event: committing it announces nothing.
            await session.execute(select(1))
            await session.commit()
        async with kit_schema.sessionmaker() as session:
            await kit_schema.outbox.add(session, erased, subject="participant-1")
            # Closed without a commit, as a request that failed ends.
        async with session:
            await session.execute(select(1))
            await session.commit()
        await asyncio.sleep(0)  # a wake-up scheduled on the loop would have run by now
        assert not wake.is_set()

    relay = OutboxRelay(kit_schema.engine, kit_schema.outbox, broker, poll_interval_s=POLL_NEVER_S)
    assert await relay.relay_batch() == 0
    assert await drain(amqp_url, topology.queue_name(REPORT_ERASURE_QUEUE)) == []


async def test_the_relay_wakes_when_the_transaction_commits_not_when_a_savepoint_is_released(
    kit_schema: KitSchema,
) -> None:
    wake = asyncio.Event()
    erased = ParticipantErasedV1(participant_id="participant-1", erased_at=datetime.now(UTC))
    with kit_schema.outbox.waking(wake):
        async with kit_schema.sessionmaker() as session:
            async with session.begin_nested():
                await kit_schema.outbox.add(session, erased, subject="participant-1")
            # The row is not visible to the relay yet: waking it now would find nothing.
            assert not wake.is_set()
            await session.commit()
        assert wake.is_set()


async def test_a_commit_on_another_thread_wakes_the_relay_on_its_own_loop(kit_schema: KitSchema) -> None:
    wake = asyncio.Event()
    database_url = kit_schema.engine.url.render_as_string(hide_password=False)

    async def write_on_a_loop_of_its_own() -> None:
        engine = create_engine(database_url, pool_size=1)
        try:
            async with create_sessionmaker(engine)() as session:
                erased = ParticipantErasedV1(participant_id="participant-1", erased_at=datetime.now(UTC))
                await kit_schema.outbox.add(session, erased, subject="participant-1")
                await session.commit()
        finally:
            await engine.dispose()

    with kit_schema.outbox.waking(wake):
        await asyncio.to_thread(asyncio.run, write_on_a_loop_of_its_own())
        await asyncio.wait_for(wake.wait(), timeout=WELL_BEFORE_THE_POLL_S)


# Another process: writes one event through its own Outbox and engine, commits, and dies at once,
# before any relay of its own could have run (it has none, and no notifier either).
DYING_WRITER = """
import asyncio, os, sys
from datetime import UTC, datetime
from hlm_contracts import ParticipantErasedV1
from hlm_kit.db import create_engine, create_sessionmaker, make_metadata, to_plain_url
from hlm_kit.messaging.outbox import Outbox

async def main() -> None:
    outbox = Outbox(make_metadata(sys.argv[2]))
    engine = create_engine(sys.argv[1], pool_size=1)
    async with create_sessionmaker(engine)() as session:
        erased = ParticipantErasedV1(participant_id="participant-gone", erased_at=datetime.now(UTC))
        event = await outbox.add(session, erased, subject="participant-gone")
        await session.commit()
    print(event.id, flush=True)
    os._exit(0)

asyncio.run(main())
"""


async def test_an_event_whose_writer_died_before_relaying_it_is_delivered_by_the_poll(
    kit_schema: KitSchema, amqp_url: str, topology: Topology, broker: Broker
) -> None:
    relay = OutboxRelay(kit_schema.engine, kit_schema.outbox, broker, poll_interval_s=0.5)
    async with running(relay):
        await quiet_relay(relay)
        writer = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            DYING_WRITER,
            kit_schema.engine.url.render_as_string(hide_password=False),
            str(kit_schema.metadata.schema),
            stdout=asyncio.subprocess.PIPE,
        )
        stdout, _ = await writer.communicate()
        assert writer.returncode == 0
        event_id = stdout.decode().strip()
        await wait_for(lambda: is_sent(kit_schema, event_id))

    delivered = await drain(amqp_url, topology.queue_name(REPORT_ERASURE_QUEUE))
    assert [m.message_id for m in delivered] == [event_id]


async def test_an_api_only_process_wakes_the_relay_of_another_process(
    kit_schema: KitSchema, amqp_url: str, topology: Topology, broker: Broker
) -> None:
    # The writer's outbox is another object over the same table, as in another process: the relay
    # hears of the commit only through the writer's notifier.
    writer_outbox = Outbox(make_metadata(str(kit_schema.metadata.schema)))
    writer = dataclasses.replace(kit_schema, outbox=writer_outbox)
    relay = OutboxRelay(kit_schema.engine, kit_schema.outbox, broker, poll_interval_s=POLL_NEVER_S)
    async with running(relay, OutboxNotifier(kit_schema.engine, writer_outbox, retry_interval_s=0.2)):
        await quiet_relay(relay)

        first = await record_erasure(writer, "participant-1")
        await wait_for(lambda: is_sent(kit_schema, first), timeout_s=WELL_BEFORE_THE_POLL_S)

        # The notifier's connection is cut: it connects again, and the next commit is still announced.
        async with kit_schema.engine.connect() as connection:
            cut = await connection.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND query LIKE 'SELECT pg_notify%'"
                )
            )
        assert cut == 1
        second = await record_erasure(writer, "participant-2")
        await wait_for(lambda: is_sent(kit_schema, second), timeout_s=WELL_BEFORE_THE_POLL_S)

    delivered = await drain(amqp_url, topology.queue_name(REPORT_ERASURE_QUEUE))
    assert [m.message_id for m in delivered] == [first, second]


async def test_the_relay_carries_on_after_the_database_was_unreachable(
    kit_schema: KitSchema, amqp_url: str, topology: Topology, broker: Broker
) -> None:
    """A database restart must not end the relay: its errors (wrapped by SQLAlchemy) are retried, and
    what was written meanwhile is delivered once the database answers again."""
    url = kit_schema.engine.url
    to_database = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    await to_database.accept()
    relay_engine = create_engine(url.set(host="127.0.0.1", port=to_database.port).render_as_string(False))
    relay = OutboxRelay(relay_engine, kit_schema.outbox, broker, poll_interval_s=0.2)
    try:
        async with running(relay):  # which also fails if the relay ended other than by being cancelled
            first = await record_erasure(kit_schema, "participant-before")
            await wait_for(lambda: is_sent(kit_schema, first))

            failed_before = _relay_errors()
            await to_database.refuse()  # the relay's connections drop; new ones are refused
            during = await record_erasure(kit_schema, "participant-during")
            # Several passes fail meanwhile; each logs its traceback, which takes a while on a busy machine.
            await wait_for(lambda: _relay_errors() >= failed_before + 3, timeout_s=60)
            await to_database.accept()

            await wait_for(lambda: is_sent(kit_schema, during), timeout_s=60)
    finally:
        await relay_engine.dispose()
        await to_database.close()

    delivered = await drain(amqp_url, topology.queue_name(REPORT_ERASURE_QUEUE))
    assert sorted(m.message_id for m in delivered) == sorted([first, during])


def _relay_errors() -> float:
    return REGISTRY.get_sample_value("outbox_relay_errors_total") or 0.0


# Far longer than the few commits below take, however busy the machine: they all land within it.
LONG_LINGER_S = 1.0


class CountingRelay(OutboxRelay):
    """A relay that counts its passes (claims)."""

    passes = 0

    async def relay_batch(self) -> int:
        self.passes += 1
        return await super().relay_batch()


async def test_commits_within_the_linger_share_one_relay_pass(
    kit_schema: KitSchema, amqp_url: str, topology: Topology, broker: Broker
) -> None:
    """Raters submitting one after another at a quiet hour: their events go in one claim and one publishing
    round, as under load, not one pass per submit."""
    relay = CountingRelay(
        kit_schema.engine, kit_schema.outbox, broker, poll_interval_s=POLL_NEVER_S, linger_s=LONG_LINGER_S
    )
    async with running(relay):
        await quiet_relay(relay)
        relay.passes = 0

        event_ids = [await record_erasure(kit_schema, f"participant-{n}") for n in range(3)]
        await wait_for(lambda: all_sent(kit_schema, event_ids), timeout_s=WELL_BEFORE_THE_POLL_S)
        assert relay.passes == 1

    delivered = await drain(amqp_url, topology.queue_name(REPORT_ERASURE_QUEUE))
    assert [m.message_id for m in delivered] == event_ids


async def test_an_announced_commit_is_relayed_without_a_second_linger(
    kit_schema: KitSchema, amqp_url: str, topology: Topology, broker: Broker
) -> None:
    """An event written by an API-only replica waits for that replica's linger only: the relay that hears
    of it claims at once, so the event is no later than one written in the relay's own process."""
    writer_outbox = Outbox(make_metadata(str(kit_schema.metadata.schema)))
    writer = dataclasses.replace(kit_schema, outbox=writer_outbox)
    relay = OutboxRelay(
        kit_schema.engine, kit_schema.outbox, broker, poll_interval_s=POLL_NEVER_S, linger_s=POLL_NEVER_S
    )
    notifier = OutboxNotifier(kit_schema.engine, writer_outbox, retry_interval_s=0.2, linger_s=0.05)
    async with running(relay, notifier):
        await quiet_relay(relay)

        event_id = await record_erasure(writer, "participant-1")
        await wait_for(lambda: is_sent(kit_schema, event_id), timeout_s=WELL_BEFORE_THE_POLL_S)

    delivered = await drain(amqp_url, topology.queue_name(REPORT_ERASURE_QUEUE))
    assert [m.message_id for m in delivered] == [event_id]


async def test_commits_within_the_linger_share_one_notification(kit_schema: KitSchema) -> None:
    """An API-only process announces the commits of a quiet moment with one NOTIFY, after its linger, and
    none once they are announced."""
    writer_outbox = Outbox(make_metadata(str(kit_schema.metadata.schema)))
    writer = dataclasses.replace(kit_schema, outbox=writer_outbox)
    heard: list[float] = []
    loop = asyncio.get_running_loop()
    listener = await asyncpg.connect(to_plain_url(kit_schema.engine.url.render_as_string(hide_password=False)))
    try:
        await listener.add_listener(writer_outbox.notify_channel, lambda *_: heard.append(loop.time()))
        notifier = OutboxNotifier(kit_schema.engine, writer_outbox, retry_interval_s=0.2, linger_s=LONG_LINGER_S)
        async with running(notifier):
            await asyncio.sleep(0)  # the notifier is waiting for a commit
            first_commit = loop.time()
            for n in range(3):
                await record_erasure(writer, f"participant-{n}")
            assert heard == []  # still lingering

            await wait_for(lambda: bool(heard), timeout_s=WELL_BEFORE_THE_POLL_S)
            await asyncio.sleep(LONG_LINGER_S + 0.5)  # time for a second notification, were one owed
        assert len(heard) == 1
        assert heard[0] - first_commit >= LONG_LINGER_S
    finally:
        await listener.close()


async def test_a_notifier_stopped_while_it_lingers_announces_the_commits_first(kit_schema: KitSchema) -> None:
    """An API-only replica that stops (a deployment) right after a rater's submit still wakes the relays at
    once, rather than leave the event to their poll."""
    writer_outbox = Outbox(make_metadata(str(kit_schema.metadata.schema)))
    writer = dataclasses.replace(kit_schema, outbox=writer_outbox)
    heard: list[str] = []
    listener = await asyncpg.connect(to_plain_url(kit_schema.engine.url.render_as_string(hide_password=False)))
    try:
        await listener.add_listener(writer_outbox.notify_channel, lambda *args: heard.append(args[2]))
        notifier = OutboxNotifier(kit_schema.engine, writer_outbox, retry_interval_s=0.2, linger_s=POLL_NEVER_S)
        async with running(notifier):
            await asyncio.sleep(0)  # the notifier is waiting for a commit
            await record_erasure(writer, "participant-1")
            await asyncio.sleep(0.1)  # it lingers
            assert heard == []
        await wait_for(lambda: bool(heard), timeout_s=WELL_BEFORE_THE_POLL_S)
        assert heard == [writer_outbox.notify_channel]
    finally:
        await listener.close()


async def all_sent(kit: KitSchema, event_ids: list[str]) -> bool:
    return all([await is_sent(kit, event_id) for event_id in event_ids])
