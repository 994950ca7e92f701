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

from hlm_kit.db import to_plain_url
from hlm_kit.messaging.broker import Broker, BrokerUnavailable
from hlm_kit.messaging.envelope import CloudEvent
from hlm_kit.messaging.outbox import Outbox

log = structlog.get_logger(__name__)

EVENTS_PUBLISHED = Counter("outbox_events_published_total", "Outbox events confirmed by the broker", ["type"])
EVENTS_FAILED = Counter("outbox_publish_failures_total", "Outbox events the broker refused (unroutable)", ["type"])

# An unroutable event is a deployment error (a consumer queue is missing); retry slowly, not hot.
UNROUTABLE_RETRY_S = 60.0
CLEANUP_EVERY_S = 3600.0


class OutboxRelay:
    """Claims unsent rows with ``FOR UPDATE SKIP LOCKED`` (replicas never publish the same row at
    once), publishes each with publisher confirms and ``mandatory``, and marks it sent. It wakes on
    ``LISTEN/NOTIFY`` and polls as a fallback, so a lost notification only delays an event.

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
    ) -> None:
        self._engine = engine
        self._outbox = outbox
        self._broker = broker
        self._poll_interval_s = poll_interval_s
        self._batch_size = batch_size
        self._retention = timedelta(days=retention_days)
        self._wake = asyncio.Event()

    async def run(self) -> None:
        """Relay until cancelled."""
        listener = asyncio.create_task(self._listen(), name="outbox-listen")
        loop = asyncio.get_running_loop()
        next_cleanup = loop.time()
        try:
            while True:
                await self._broker.wait_connected()
                try:
                    published = await self.relay_batch()
                except BrokerUnavailable as exc:
                    log.warning("broker unavailable; outbox rows kept for the next try", error=str(exc))
                    published = 0
                    await asyncio.sleep(min(self._poll_interval_s, 1.0))
                except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
                    log.warning("outbox relay failed; retrying", error=str(exc))
                    published = 0
                    await asyncio.sleep(self._poll_interval_s)
                if loop.time() >= next_cleanup:
                    await self._delete_old_sent_rows()
                    next_cleanup = loop.time() + CLEANUP_EVERY_S
                if published >= self._batch_size:
                    continue  # more may be waiting
                self._wake.clear()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self._poll_interval_s)
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener

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
                *(self._broker.publish(CloudEvent.model_validate(row.envelope)) for row in rows),
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

    async def _listen(self) -> None:
        """Hold a LISTEN connection and set the wake flag on every notification; reconnect on loss."""
        url = to_plain_url(self._engine.url.render_as_string(hide_password=False))
        while True:
            connection: asyncpg.Connection | None = None
            try:
                connection = await asyncpg.connect(url, timeout=10)
                closed = asyncio.Event()
                connection.add_termination_listener(lambda _conn, closed=closed: closed.set())
                await connection.add_listener(self._outbox.notify_channel, lambda *_: self._wake.set())
                self._wake.set()  # rows may have been committed while we were not listening
                await closed.wait()
            except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
                log.warning("outbox LISTEN connection lost; polling until it is back", error=str(exc))
            finally:
                if connection is not None and not connection.is_closed():
                    with contextlib.suppress(Exception):
                        await connection.close()
            await asyncio.sleep(self._poll_interval_s)
