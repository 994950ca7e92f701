"""Stopping a process while it is still connecting to RabbitMQ leaves nothing behind."""

from __future__ import annotations

import asyncio

from hlm_kit.messaging.broker import Broker
from hlm_kit.messaging.topology import Topology
from hlm_kit.testing.pytest_plugin import wait_for


async def test_a_start_up_cancelled_mid_connect_leaves_no_connection_reconnecting() -> None:
    """A server that accepts the TCP connection and never speaks AMQP holds the connect in its handshake;
    cancelling it there (a pod stopped while RabbitMQ hangs) must not leave a robust connection retrying
    in the background, which would keep the process from shutting down."""
    accepted = asyncio.Event()

    async def never_answers(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.set()
        await reader.read()  # until the client goes away

    server = await asyncio.start_server(never_answers, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    before = asyncio.all_tasks()
    broker = Broker(f"amqp://guest:guest@127.0.0.1:{port}/", Topology("t.events", "t.dlx", "t."))
    connecting = asyncio.create_task(broker.connect())
    try:
        await wait_for(lambda: accepted.is_set())
        connecting.cancel()
        await asyncio.gather(connecting, return_exceptions=True)
        await broker.close()

        async def nothing_left_running() -> bool:
            return not [t for t in asyncio.all_tasks() - before if t is not asyncio.current_task() and not t.done()]

        await wait_for(nothing_left_running)
    finally:
        server.close()
        await server.wait_closed()
