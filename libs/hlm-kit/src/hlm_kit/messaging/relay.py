"""The outbox relay: publishes committed outbox rows to the broker until each is confirmed."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

import aio_pika
import asyncpg
import structlog
from prometheus_client import Counter
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from hlm_contracts.topology import BROADCAST_EVENT_TYPES
from hlm_kit.db import to_plain_url
from hlm_kit.messaging.broker import Broker, BrokerUnavailable
from hlm_kit.messaging.envelope import CloudEvent
from hlm_kit.messaging.outbox import Outbox

log = structlog.get_logger(__name__)

EVENTS_PUBLISHED = Counter("outbox_events_published_total", "Outbox events confirmed by the broker", ["type"])
EVENTS_FAILED = Counter("outbox_publish_failures_total", "Outbox events the broker refused (unroutable)", ["type"])
RELAY_ERRORS = Counter("outbox_relay_errors_total", "Relay passes that failed (database unreachable, or unexpected)")

# An unroutable event is a deployment error (a consumer queue is missing); retry slowly, not hot.
UNROUTABLE_RETRY_S = 60.0
CLEANUP_EVERY_S = 3600.0
# How long a relay or a notifier woken by a commit waits before it claims or notifies, so that the commits of
# the next moments share its pass or its NOTIFY (``ServiceSettings.outbox_linger_s``).
OUTBOX_LINGER_S = 0.05
# How long a notifier stopped while it lingers tries to announce the commits it lingered on.
STOPPING_NOTIFY_TIMEOUT_S = 2.0


class OutboxRelay:
    """Claims unsent rows with ``FOR UPDATE SKIP LOCKED`` (replicas never publish the same row at
    once), publishes each with publisher confirms and ``mandatory``, and marks it sent.

    A broadcast event (``hlm_contracts.topology.BROADCAST_EVENT_TYPES``) is published for whoever binds
    a queue to it, possibly nobody, so it goes without ``mandatory``: the broker's confirm marks it sent
    even when no queue took it. Every other event owes its consumers a queue, and one that no queue takes
    is an error, kept and retried.

    It wakes as soon as a transaction of its own process that wrote an event commits (``Outbox``'s commit
    hook), when a process without a relay announces a commit (``LISTEN``, see ``OutboxNotifier``), and
    every ``poll_interval_s`` whatever happened: rows whose writer died before its relay ran, or whose
    announcement was lost, are delivered by the poll of any replica.

    Woken by a commit of its own process, it lingers ``linger_s`` before it claims, so that the commits of
    those moments share one pass (one claim, one publishing round, one update marking them sent), as they
    do under load, rather than a pass each when raters submit one after another: an event reaches the broker
    at most ``linger_s`` later than it could have. An announcement starts the pass at once (its notifier
    lingered already), and a full batch is followed by the next at once.

    Delivery is at least once: a crash between the broker's confirm and the commit re-sends the row,
    and consumers drop the duplicate through their inbox.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        outbox: Outbox,
        broker: Broker,
        *,
        poll_interval_s: float = 2.0,
        batch_size: int = 100,
        retention_days: int = 7,
        linger_s: float = OUTBOX_LINGER_S,
    ) -> None:
        self._engine = engine
        self._outbox = outbox
        self._broker = broker
        self._poll_interval_s = poll_interval_s
        self._linger_s = linger_s
        self._batch_size = batch_size
        self._retention = timedelta(days=retention_days)
        self._wake = asyncio.Event()
        self._listening = False  # LISTEN is up and the commits made before it were looked for
        self._waiting = False
        # Woken by another process's announcement (or LISTEN coming up), not by a commit of this one: that
        # process's notifier has lingered already, so the pass starts at once.
        self._heard = False

    @property
    def is_quiet(self) -> bool:
        """Listening for other processes' commits and waiting with nothing pending: from now on only a
        commit, a notification or the poll starts a pass."""
        return self._listening and self._waiting and not self._wake.is_set()

    async def run(self) -> None:
        """Relay until cancelled."""
        listener = asyncio.create_task(self._listen(), name="outbox-listen")
        try:
            with self._outbox.waking(self._wake):
                await self._relay_until_cancelled()
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener

    async def _relay_until_cancelled(self) -> None:
        loop = asyncio.get_running_loop()
        next_cleanup = loop.time()
        while True:
            await self._broker.wait_connected()
            # Cleared before the claim, not after: a commit that lands while the batch runs wakes the next.
            self._wake.clear()
            self._heard = False
            try:
                published = await self.relay_batch()
                if loop.time() >= next_cleanup:
                    await self._delete_old_sent_rows()
                    next_cleanup = loop.time() + CLEANUP_EVERY_S
            except BrokerUnavailable as exc:
                log.warning("broker unavailable; outbox rows kept for the next try", error=str(exc))
                published = 0
                await asyncio.sleep(min(self._poll_interval_s, 1.0))
            except Exception as exc:
                # The database restarting or unreachable (SQLAlchemy's errors wrap asyncpg's), or anything
                # else: the rows stay in the outbox, and a relay that stopped would leave them there until
                # the process restarts, so it logs and tries again.
                log.exception("outbox relay failed; retrying", exc_info=exc)
                RELAY_ERRORS.inc()
                published = 0
                await asyncio.sleep(self._poll_interval_s)
            if published >= self._batch_size:
                continue  # more may be waiting
            self._waiting = True
            woken = False
            with contextlib.suppress(asyncio.TimeoutError):
                woken = await asyncio.wait_for(self._wake.wait(), timeout=self._poll_interval_s)
            self._waiting = False
            if woken and not self._heard and self._linger_s > 0:
                await asyncio.sleep(self._linger_s)  # the commits of the next moments join this pass

    async def relay_batch(self) -> int:
        """Publish one batch of due rows; return how many the broker confirmed."""
        table = self._outbox.table
        async with self._engine.begin() as conn:
            rows = (
                await conn.execute(
                    select(table.c.id, table.c.type, table.c.envelope)
                    .where(table.c.sent_at.is_(None), table.c.next_attempt_at <= func.now())
                    .order_by(table.c.id)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            # Confirms are pipelined: publish the batch concurrently, then look at each outcome.
            outcomes = await asyncio.gather(
                *(
                    self._broker.publish(
                        CloudEvent.model_validate(row.envelope), mandatory=row.type not in BROADCAST_EVENT_TYPES
                    )
                    for row in rows
                ),
                return_exceptions=True,
            )
            sent: list[int] = []
            for row, outcome in zip(rows, outcomes, strict=True):
                if outcome is None:
                    sent.append(row.id)
                    EVENTS_PUBLISHED.labels(row.type).inc()
                elif isinstance(outcome, aio_pika.exceptions.DeliveryError):
                    EVENTS_FAILED.labels(row.type).inc()
                    log.error("event unroutable: no queue is bound for its type", type=row.type, row_id=row.id)
                    await conn.execute(
                        update(table)
                        .where(table.c.id == row.id)
                        .values(
                            attempts=table.c.attempts + 1,
                            last_error="unroutable",
                            next_attempt_at=func.now() + timedelta(seconds=UNROUTABLE_RETRY_S),
                        )
                    )
                elif isinstance(outcome, BaseException) and not isinstance(outcome, BrokerUnavailable):
                    raise outcome
            if sent:
                await conn.execute(update(table).where(table.c.id.in_(sent)).values(sent_at=func.now()))
            broker_down = any(isinstance(o, BrokerUnavailable) for o in outcomes)
        if broker_down:
            # What was confirmed is marked sent (committed above); the rest waits for the broker.
            raise BrokerUnavailable("the broker did not confirm every event of the batch")
        return len(sent)

    async def _delete_old_sent_rows(self) -> None:
        table = self._outbox.table
        async with self._engine.begin() as conn:
            await conn.execute(
                delete(table).where(table.c.sent_at.is_not(None), table.c.sent_at < func.now() - self._retention)
            )

    def _hear(self) -> None:
        self._heard = True
        self._wake.set()

    async def _listen(self) -> None:
        """Hold a LISTEN connection and set the wake flag on every notification; reconnect on loss.

        Only processes without a relay notify (``OutboxNotifier``); a replica's own commits wake it in-process.
        """
        url = to_plain_url(self._engine.url.render_as_string(hide_password=False))
        while True:
            connection: asyncpg.Connection | None = None
            try:
                connection = await asyncpg.connect(url, timeout=10)
                closed = asyncio.Event()
                connection.add_termination_listener(lambda _conn, closed=closed: closed.set())
                await connection.add_listener(self._outbox.notify_channel, lambda *_: self._hear())
                self._hear()  # rows may have been committed while we were not listening
                self._listening = True
                await closed.wait()
            except Exception as exc:  # asyncpg's client-side errors too: the listener must not end
                log.warning("outbox LISTEN connection lost; polling until it is back", error=str(exc))
            finally:
                self._listening = False
                if connection is not None and not connection.is_closed():
                    with contextlib.suppress(Exception):
                        await connection.close()
            await asyncio.sleep(self._poll_interval_s)


class OutboxNotifier:
    """Runs in a process that writes events but relays none (an API-only replica): after each burst of
    commits that added events, one ``NOTIFY`` on the outbox's channel, so the relays of other processes
    (``LISTEN``) deliver those events at once rather than at their next poll.

    The ``NOTIFY`` goes in a transaction of its own on a connection of its own, never in the business
    transaction: PostgreSQL serialises the commits of transactions that notify (one lock on the
    notification queue, held through the commit's WAL flush), which would cap how fast a service
    commits. Woken by a commit, it lingers ``linger_s`` before notifying, so that the commits of those
    moments share one ``NOTIFY`` (and the woken relay one pass), as they do under load, rather than one
    each when raters submit one after another; commits that land while a notification is on its way
    collapse into the next one. It commits without waiting for the flush: a notification lost in a crash
    only delays an event until a relay polls. Stopped while it lingers, it notifies before it stops.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        outbox: Outbox,
        *,
        retry_interval_s: float = 2.0,
        linger_s: float = OUTBOX_LINGER_S,
    ) -> None:
        self._url = to_plain_url(engine.url.render_as_string(hide_password=False))
        self._outbox = outbox
        self._retry_interval_s = retry_interval_s
        self._linger_s = linger_s
        self._connection: asyncpg.Connection | None = None

    async def run(self) -> None:
        """Notify until cancelled."""
        wake = asyncio.Event()
        try:
            with self._outbox.waking(wake):
                while True:
                    await wake.wait()
                    await self._linger()
                    wake.clear()
                    try:
                        await self._notify_to_the_end()
                    except Exception as exc:
                        # Any failure, asyncpg's client-side errors on a connection killed mid-query
                        # included: a notifier that stopped would leave other relays to their polls for
                        # good, so it reconnects and announces again.
                        log.warning("could not wake the relays of other processes; they will poll", error=str(exc))
                        await self._disconnect()
                        await asyncio.sleep(self._retry_interval_s)
                        wake.set()  # announce again what this attempt did not
        finally:
            await self._disconnect()

    async def _linger(self) -> None:
        """Wait ``linger_s`` for the commits of the next moments; stopped meanwhile, announce the commits
        already made first, rather than leave their events to a relay's poll, within a few seconds (a
        database that does not answer must not hold the service's stop)."""
        if self._linger_s <= 0:
            return
        try:
            await asyncio.sleep(self._linger_s)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await self._notify_to_the_end(timeout_s=STOPPING_NOTIFY_TIMEOUT_S)
            raise

    async def _notify_to_the_end(self, timeout_s: float = 10.0) -> None:
        """Notify; cancelled meanwhile (the service stops), finish the round trip first, then stop. An
        asyncpg connection cancelled in the middle of an exchange fails when it is closed, with an error
        nobody can retrieve."""
        notifying = asyncio.ensure_future(self._notify(timeout_s))
        try:
            await asyncio.shield(notifying)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(notifying, timeout=5)
            raise

    async def _notify(self, timeout_s: float) -> None:
        if self._connection is None or self._connection.is_closed():
            self._connection = await asyncpg.connect(
                self._url, timeout=timeout_s, server_settings={"synchronous_commit": "off"}
            )
        await self._connection.execute("SELECT pg_notify($1, '')", self._outbox.notify_channel, timeout=timeout_s)

    async def _disconnect(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            with contextlib.suppress(Exception):
                await connection.close(timeout=5)
