"""The broker topology, declared in one place from the consumer queues listed in hlm_contracts.

Every service declares the whole topology when it connects, so an event is routable as soon as any
service is up: a producer never loses an event because its consumer has not been deployed yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractQueue

from hlm_contracts.topology import CONSUMER_QUEUES, ConsumerQueue

# Quorum queues need an explicit limit on Debian's RabbitMQ 3.10; past it a message is dead-lettered.
# It guards against handlers that crash the process: ordinary failures are retried by the consumer.
DELIVERY_LIMIT = 10


@dataclass(frozen=True, slots=True)
class Topology:
    """Names of the exchanges and queues one deployment (or one test) uses."""

    events_exchange: str = "hlm.events"
    dead_letter_exchange: str = "hlm.dlx"
    queue_prefix: str = ""

    def queue_name(self, queue: ConsumerQueue) -> str:
        return f"{self.queue_prefix}{queue.name}"

    def dead_letter_queue_name(self, queue: ConsumerQueue) -> str:
        return f"{self.queue_name(queue)}.dlq"


async def declare_exchanges(channel: AbstractChannel, topology: Topology) -> AbstractExchange:
    """Declare the events exchange and the dead-letter exchange; return the events exchange."""
    await channel.declare_exchange(topology.dead_letter_exchange, aio_pika.ExchangeType.DIRECT, durable=True)
    return await channel.declare_exchange(topology.events_exchange, aio_pika.ExchangeType.TOPIC, durable=True)


async def declare_queue(channel: AbstractChannel, topology: Topology, queue: ConsumerQueue) -> AbstractQueue:
    """Declare one consumer queue, its bindings and its dead-letter queue; return the queue.

    On a robust channel the returned queue is the one aio-pika re-declares, re-binds and consumes again
    after the connection comes back, so a consumer must consume from it (not from a looked-up copy)."""
    name = topology.queue_name(queue)
    dlq = await channel.declare_queue(
        topology.dead_letter_queue_name(queue), durable=True, arguments={"x-queue-type": "quorum"}
    )
    await dlq.bind(topology.dead_letter_exchange, routing_key=name)
    declared = await channel.declare_queue(
        name,
        durable=True,
        arguments={
            "x-queue-type": "quorum",
            "x-dead-letter-exchange": topology.dead_letter_exchange,
            "x-dead-letter-routing-key": name,
            "x-delivery-limit": DELIVERY_LIMIT,
        },
    )
    for event_type in queue.event_types:
        await declared.bind(topology.events_exchange, routing_key=event_type)
    return declared


async def declare_topology(
    channel: AbstractChannel, topology: Topology, queues: Iterable[ConsumerQueue] = CONSUMER_QUEUES
) -> None:
    """Declare the exchanges and every consumer queue of the system (idempotent)."""
    await declare_exchanges(channel, topology)
    for queue in queues:
        await declare_queue(channel, topology, queue)
