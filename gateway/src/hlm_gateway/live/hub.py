"""Live events for subscriptions: the gateway's own exclusive queue, fanned out to its subscribers.

Each gateway replica binds one server-named, exclusive, auto-deleted queue to the event types its
subscriptions need, so every replica sees every event and nothing is left behind when it stops.
Each subscriber registers a filter; an event reaches only the subscribers whose filter accepts it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field

import structlog
from aio_pika.abc import AbstractIncomingMessage
from pydantic import ValidationError

from hlm_contracts import EventData
from hlm_contracts.registry import UnknownEventType, event_class
from hlm_kit.messaging.broker import Broker
from hlm_kit.messaging.envelope import CloudEvent

log = structlog.get_logger(__name__)

# A subscriber that stops reading must not hold memory without bound: past this, it loses the oldest.
SUBSCRIBER_BUFFER = 64


@dataclass(eq=False)
class _Subscriber:
    accepts: Callable[[EventData], bool]
    queue: asyncio.Queue[EventData] = field(default_factory=lambda: asyncio.Queue(SUBSCRIBER_BUFFER))


class EventHub:
    def __init__(self, broker: Broker, event_types: Iterable[type[EventData]]) -> None:
        self.broker = broker
        self._types = tuple(t.type for t in event_types)
        self._subscribers: set[_Subscriber] = set()
        self._bound = False

    async def run(self) -> None:
        """Bind the gateway's queue and dispatch until cancelled (the robust connection restores it)."""
        channel = await self.broker.open_channel(prefetch=256)
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        for event_type in self._types:
            await queue.bind(self.broker.topology.events_exchange, routing_key=event_type)
        await queue.consume(self._dispatch, no_ack=True)
        self._bound = True

    @property
    def is_bound(self) -> bool:
        """Events published from now on reach this replica's subscribers."""
        return self._bound

    async def _dispatch(self, message: AbstractIncomingMessage) -> None:
        try:
            event = CloudEvent.model_validate_json(message.body)
            data = event_class(event.type).model_validate(event.data)
        except (ValidationError, UnknownEventType) as exc:
            log.warning("unreadable event ignored by the gateway", error=str(exc)[:300])
            return
        for subscriber in list(self._subscribers):
            if subscriber.accepts(data):
                if subscriber.queue.full():
                    subscriber.queue.get_nowait()
                subscriber.queue.put_nowait(data)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    @contextlib.asynccontextmanager
    async def subscribe(self, accepts: Callable[[EventData], bool]) -> AsyncIterator[asyncio.Queue[EventData]]:
        """Receive the events ``accepts`` lets through, for as long as the context is open."""
        subscriber = _Subscriber(accepts)
        self._subscribers.add(subscriber)
        try:
            yield subscriber.queue
        finally:
            self._subscribers.discard(subscriber)
