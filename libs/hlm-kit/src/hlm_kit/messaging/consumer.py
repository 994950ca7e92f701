"""Event consumers: one durable quorum queue per handler, an inbox for duplicates, a DLQ for failures."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import asyncpg
import structlog
from aio_pika.abc import AbstractIncomingMessage
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind
from prometheus_client import Counter
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hlm_contracts import EventData
from hlm_contracts.registry import UnknownEventType, event_class
from hlm_contracts.topology import ConsumerQueue
from hlm_kit.messaging.broker import Broker
from hlm_kit.messaging.envelope import CloudEvent
from hlm_kit.messaging.inbox import Inbox
from hlm_kit.messaging.topology import declare_queue
from hlm_kit.observability import bind_correlation_id

log = structlog.get_logger(__name__)

EVENTS_CONSUMED = Counter("events_consumed_total", "Events taken from a queue", ["queue", "outcome"])
EVENTS_HELD = Counter(
    "events_held_for_database_total", "Tries of an event put off because the database was unreachable", ["queue"]
)

_tracer = trace.get_tracer("hlm_kit.messaging")

Handler = Callable[[AsyncSession, Any, CloudEvent], Awaitable[None]]
"""A handler gets a session inside the transaction that also records the inbox row, the event's data
(the contract model of its type) and the envelope. It must not commit."""


class EventConsumer:
    """Consumes one queue. Each message is handled in one transaction together with its inbox row, so a
    redelivered event changes nothing. A handler that raises is retried with exponential back-off; after
    the last attempt the message is rejected and dead-lettered to ``<queue>.dlq``. A message that cannot
    be read at all (not JSON, not a CloudEvent, unknown type, data breaking its contract) is poison: it
    is dead-lettered at once, since retrying cannot help. Either way the queue moves on.

    The database being unreachable is not the handler's failure: the message is held (unacknowledged)
    and tried again, with back-off capped at ``unavailable_max_delay_s``, for as long as that lasts,
    without using up its attempts, so a database restart dead-letters nothing.
    """

    def __init__(
        self,
        *,
        queue: ConsumerQueue,
        handlers: Mapping[type[EventData], Handler],
        broker: Broker,
        sessionmaker: async_sessionmaker[AsyncSession],
        inbox: Inbox,
        prefetch: int = 16,
        max_attempts: int = 5,
        retry_base_delay_s: float = 0.5,
        unavailable_max_delay_s: float = 10.0,
    ) -> None:
        unknown = {cls.type for cls in handlers} - set(queue.event_types)
        if unknown:
            raise ValueError(f"queue {queue.name} is not bound to {sorted(unknown)}")
        self.queue = queue
        self._handlers = {cls.type: handler for cls, handler in handlers.items()}
        self._broker = broker
        self._sessionmaker = sessionmaker
        self._inbox = inbox
        self._prefetch = prefetch
        self._max_attempts = max_attempts
        self._retry_base_delay_s = retry_base_delay_s
        self._unavailable_max_delay_s = unavailable_max_delay_s
        self.queue_name = broker.topology.queue_name(queue)

    async def start(self) -> None:
        """Start consuming (waits for the broker); the robust connection restores it after outages."""
        channel = await self._broker.open_channel(prefetch=self._prefetch)
        declared = await declare_queue(channel, self._broker.topology, self.queue)
        await declared.consume(self.handle)

    async def handle(self, message: AbstractIncomingMessage) -> None:
        try:
            event = CloudEvent.model_validate_json(message.body)
            data = event_class(event.type).model_validate(event.data)
            handler = self._handlers[event.type]
        except (ValidationError, UnknownEventType, KeyError, ValueError) as exc:
            log.error("poison message dead-lettered", queue=self.queue_name, error=str(exc)[:500])
            EVENTS_CONSUMED.labels(self.queue_name, "poison").inc()
            await message.reject(requeue=False)
            return

        bind_correlation_id(event.correlationid)
        # The handler, its retries and the events it writes continue the trace of the event's producer.
        carrier = {"traceparent": event.traceparent} if event.traceparent else {}
        with _tracer.start_as_current_span(
            f"process {event.type}",
            context=propagate.extract(carrier),
            kind=SpanKind.CONSUMER,
            attributes={"messaging.destination.name": self.queue_name, "messaging.message.id": event.id},
        ):
            await self._handle_with_retries(message, event, data, handler)

    async def _handle_with_retries(
        self, message: AbstractIncomingMessage, event: CloudEvent, data: EventData, handler: Handler
    ) -> None:
        attempt, unavailable_for = 1, 0
        while True:
            try:
                outcome = await self._handle_once(event, data, handler)
            except Exception as exc:
                if database_unreachable(exc):
                    unavailable_for += 1
                    EVENTS_HELD.labels(self.queue_name).inc()
                    log.warning(
                        "database unreachable; event held for another try",
                        queue=self.queue_name,
                        event_id=event.id,
                        error=str(exc)[:300],
                    )
                    delay = self._retry_base_delay_s * 2 ** min(unavailable_for - 1, 16)
                    await asyncio.sleep(min(delay, self._unavailable_max_delay_s))
                    continue
                log.warning(
                    "event handler failed",
                    queue=self.queue_name,
                    event_id=event.id,
                    type=event.type,
                    attempt=attempt,
                    error=str(exc)[:500],
                )
                if attempt == self._max_attempts:
                    EVENTS_CONSUMED.labels(self.queue_name, "dead_lettered").inc()
                    await message.reject(requeue=False)
                    return
                await asyncio.sleep(self._retry_base_delay_s * 2 ** (attempt - 1))
                attempt += 1
            else:
                EVENTS_CONSUMED.labels(self.queue_name, outcome).inc()
                await message.ack()
                return

    async def _handle_once(self, event: CloudEvent, data: EventData, handler: Handler) -> str:
        async with self._sessionmaker() as session, session.begin():
            is_new = await self._inbox.claim(
                session, source=event.source, event_id=event.id, type=event.type, handler=self.queue.name
            )
            if not is_new:
                return "duplicate"
            await handler(session, data, event)
        return "handled"


_UNREACHABLE = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
)


def database_unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database could not be reached or dropped the connection (a restart, a
    failover, a network fault), as opposed to the handler failing on this event. SQLAlchemy wraps the
    driver's error (and its dialect wraps asyncpg's), so the whole chain of causes is looked at."""
    seen: BaseException | None = exc
    for _ in range(8):  # a chain is a few links long; never follow one round a cycle
        if seen is None:
            return False
        if isinstance(seen, DBAPIError) and seen.connection_invalidated:
            return True
        if isinstance(seen, _UNREACHABLE):
            return True
        seen = seen.__cause__ or (seen.orig if isinstance(seen, DBAPIError) else None)
    return False
