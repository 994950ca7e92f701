"""The service's connection to RabbitMQ: one robust connection, a confirming publisher channel."""

from __future__ import annotations

import asyncio
import contextlib

import aio_pika
import structlog
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractRobustConnection
from aio_pika.connection import make_url

from hlm_kit.messaging.envelope import CLOUDEVENTS_CONTENT_TYPE, CloudEvent
from hlm_kit.messaging.topology import Topology, declare_topology

log = structlog.get_logger(__name__)

PUBLISH_TIMEOUT_S = 10.0


class BrokerUnavailable(Exception):
    """The broker cannot take the message now; the outbox keeps it and tries again."""


class Broker:
    """Connects (retrying until the broker answers), declares the topology, publishes with confirms.

    The connection is aio-pika's robust connection: once up, it reconnects by itself and restores
    channels, queues and consumers. The first connection is retried here with back-off, so a service
    starts (and serves, reporting the broker down) while RabbitMQ is still coming up.
    """

    def __init__(self, url: str, topology: Topology, *, reconnect_max_delay_s: float = 10.0) -> None:
        self._url = url
        self.topology = topology
        self._reconnect_max_delay_s = reconnect_max_delay_s
        self._connection: AbstractRobustConnection | None = None
        self._publish_channel: AbstractChannel | None = None
        self._exchange: AbstractExchange | None = None
        self._connected = asyncio.Event()

    @property
    def is_connected(self) -> bool:
        return (
            self._connection is not None
            and not self._connection.is_closed
            and self._publish_channel is not None
            and not self._publish_channel.is_closed
        )

    async def connect(self) -> None:
        """Connect, retrying with back-off until the broker accepts; then declare the topology."""
        delay = 0.2
        while True:
            try:
                await self._connect_once()
                self._connected.set()
                return
            except (TimeoutError, OSError, aio_pika.exceptions.AMQPError) as exc:
                log.warning("broker not reachable; retrying", error=str(exc), retry_in_s=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._reconnect_max_delay_s)

    async def _connect_once(self) -> None:
        # The connection object exists before it connects (what connect_robust does inside), so that a
        # start-up cancelled mid-connect (the process stopping while RabbitMQ is away) closes it rather
        # than leaving a robust connection reconnecting in the background and holding up the shutdown.
        connection = aio_pika.RobustConnection(make_url(self._url))
        try:
            await connection.connect(timeout=10)
            # on_return_raises: an unroutable ``mandatory`` message is an error, not a silent drop.
            channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
            await declare_topology(channel, self.topology)
            self._exchange = await channel.get_exchange(self.topology.events_exchange, ensure=False)
        except BaseException:
            await connection.close()
            raise
        self._connection, self._publish_channel = connection, channel

    async def wait_connected(self) -> None:
        await self._connected.wait()

    async def open_channel(self, *, prefetch: int) -> AbstractChannel:
        """A new channel on the shared connection, for one consumer."""
        await self.wait_connected()
        assert self._connection is not None
        channel = await self._connection.channel()
        await channel.set_qos(prefetch_count=prefetch)
        return channel

    async def publish(self, event: CloudEvent) -> None:
        """Publish ``event`` persistently and wait for the broker's confirm.

        Raises :class:`aio_pika.exceptions.DeliveryError` when no queue is bound for the event
        (unroutable) and :class:`BrokerUnavailable` when the broker cannot be reached.
        """
        if self._exchange is None or not self.is_connected:
            raise BrokerUnavailable("not connected to the broker")
        message = aio_pika.Message(
            body=event.to_json_bytes(),
            content_type=CLOUDEVENTS_CONTENT_TYPE,
            message_id=event.id,
            type=event.type,
            correlation_id=event.correlationid,
            timestamp=event.time,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        )
        try:
            await self._exchange.publish(message, routing_key=event.type, mandatory=True, timeout=PUBLISH_TIMEOUT_S)
        except aio_pika.exceptions.DeliveryError:
            raise
        except (TimeoutError, aio_pika.exceptions.AMQPError, OSError, RuntimeError) as exc:
            raise BrokerUnavailable(str(exc) or type(exc).__name__) from exc

    async def close(self) -> None:
        self._connected.clear()
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
            # Let the connection's close callbacks run before the caller's event loop may stop.
            await asyncio.sleep(0)
        self._connection = self._publish_channel = None
        self._exchange = None
