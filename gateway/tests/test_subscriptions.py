"""reportReady over graphql-transport-ws, fed by the gateway's own queue on the real broker."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import aio_pika
from starlette.testclient import TestClient

from hlm_contracts import ReportReadyV1
from hlm_gateway.config import Settings
from hlm_gateway.main import create_app
from hlm_kit.messaging.envelope import CloudEvent
from hlm_kit.messaging.topology import Topology
from hlm_kit.testing.pytest_plugin import AuthHeaders, wait_for

SUBSCRIBE = {"query": "subscription { reportReady { reportId cycleId } }"}


def gateway_app(amqp_url: str, topology: Topology) -> Any:
    settings = Settings.model_validate(
        {
            "environment": "test",
            "amqp_url": amqp_url,
            "events_exchange": topology.events_exchange,
            "dead_letter_exchange": topology.dead_letter_exchange,
            "queue_prefix": topology.queue_prefix,
            "jwt_secret": "hlm-test-signing-secret-0123456789abcdef",
            "jwt_issuer": "hlm-test",
            "jwt_audience": "hlm-platform",
            "log_json": False,
            "log_level": "WARNING",
        }
    )
    return create_app(settings)


async def publish(amqp_url: str, topology: Topology, *events: ReportReadyV1) -> None:
    connection = await aio_pika.connect(amqp_url)
    try:
        exchange = await (await connection.channel()).get_exchange(topology.events_exchange)
        for event in events:
            envelope = CloudEvent.wrap(event)
            await exchange.publish(aio_pika.Message(body=envelope.to_json_bytes()), routing_key=event.type)
    finally:
        await connection.close()


def ready(participant_id: str) -> ReportReadyV1:
    return ReportReadyV1(report_id=uuid.uuid4(), cycle_id=uuid.uuid4(), participant_id=participant_id)


def test_report_ready_reaches_only_the_participant_it_is_about(
    amqp_url: str, topology: Topology, auth: AuthHeaders
) -> None:
    app = gateway_app(amqp_url, topology)
    with TestClient(app) as client, client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": auth("participant", sub="participant-1")})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": SUBSCRIBE})

        async def subscribed() -> bool:
            hub = app.state.hub
            return hub.is_bound and hub.subscriber_count == 1 and client.get("/health/ready").status_code == 200

        asyncio.run(wait_for(subscribed))
        someone_else, mine = ready("participant-2"), ready("participant-1")
        # Published in this order on one queue: receiving ``mine`` first proves the other was withheld.
        asyncio.run(publish(amqp_url, topology, someone_else, mine))

        message = ws.receive_json()
        assert message["type"] == "next"
        assert message["payload"]["data"]["reportReady"] == {
            "reportId": str(mine.report_id),
            "cycleId": str(mine.cycle_id),
        }


def test_a_subscription_without_a_token_is_refused(amqp_url: str, topology: Topology) -> None:
    app = gateway_app(amqp_url, topology)
    with TestClient(app) as client, client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": SUBSCRIBE})
        message = ws.receive_json()
        assert message["type"] in ("error", "next")
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
