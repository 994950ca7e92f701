"""reportReady and cycleProgress over graphql-transport-ws, fed by the gateway's own queue on the real
broker."""

from __future__ import annotations

import asyncio
import json
import mailbox
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aio_pika
import graphql
import httpx
import pytest_asyncio
import websockets
from asgi_lifespan import LifespanManager
from starlette.testclient import TestClient

from hlm_contracts import ReportReadyV1, ResponseSubmittedV1
from hlm_gateway.config import Settings
from hlm_gateway.live.hub import EventHub
from hlm_gateway.main import create_app
from hlm_gateway.schema import schema_sdl
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

        # Stop only once the gateway is connected: a connection attempt cut short at shutdown can leave
        # aio-pika reconnecting, and the test client's event loop waiting for it.
        async def bound() -> bool:
            return bool(app.state.hub.is_bound)

        asyncio.run(wait_for(bound))


# ---- cycleProgress: survey-svc running for real (relay on), the gateway served by uvicorn ---------------

HLM_360 = "d64d23aa-0e25-53c0-8b12-810a2047e60e"
LINK_BASE = "https://app.hlm.test/feedback/"
PROGRESS = """
subscription ($cycleId: ID!) {
  cycleProgress(cycleId: $cycleId) { cycleId status minimumsMet groups { raterGroup invited submitted declined } }
}
"""


@dataclass
class LiveSurvey:
    """survey-svc with its outbox relay and mail worker, and the gateway over it on a real socket."""

    survey: httpx.AsyncClient
    gateway_url: str
    hub: EventHub
    mail: Path


@pytest_asyncio.fixture
async def live_survey(
    journey_database_urls: dict[str, str], amqp_url: str, topology: Topology, tmp_path: Path
) -> AsyncIterator[LiveSurvey]:
    """survey-svc with its workers on this test's exchange, and the gateway bound to it. A test asks for
    ``participant_sub`` before this fixture, so that its cycles are deleted once the workers have stopped."""
    from survey_svc.config import Settings as SurveySettings
    from survey_svc.main import create_app as create_survey_app

    from .conftest import EMAIL_HASH_KEY, UNREACHABLE, common, serve

    on_topology = {
        **common(amqp_url),
        "events_exchange": topology.events_exchange,
        "dead_letter_exchange": topology.dead_letter_exchange,
        "queue_prefix": topology.queue_prefix,
    }
    survey_app = create_survey_app(
        SurveySettings.model_validate(
            {
                **on_topology,
                "database_url": journey_database_urls["survey"],
                "email_hash_key": EMAIL_HASH_KEY,
                "mail_transport": "file",
                "mail_directory": str(tmp_path / "mail"),
                "mail_poll_interval_s": 0.2,
                "relay_poll_interval_s": 0.2,
                "invitation_link_base_url": LINK_BASE,
            }
        )
    )
    survey_transport = httpx.ASGITransport(app=survey_app)
    gateway_app = create_app(
        Settings.model_validate(
            {**on_topology, **{f"{name}_url": UNREACHABLE for name in ("framework", "report", "facilitator")}}
        ),
        transport_for=lambda service: survey_transport if service == "survey" else None,
    )
    async with (
        LifespanManager(survey_app, startup_timeout=30, shutdown_timeout=30),
        httpx.AsyncClient(transport=survey_transport, base_url="http://survey-svc") as survey,
        serve(gateway_app) as gateway_url,
    ):
        await asyncio.wait_for(survey_app.state.broker.wait_connected(), timeout=15)
        hub: EventHub = gateway_app.state.hub
        await wait_for(lambda: hub.is_bound)
        yield LiveSurvey(survey, gateway_url, hub, tmp_path / "mail")


async def open_360(survey: httpx.AsyncClient, headers: dict[str, str], raters: list[dict[str, str]]) -> str:
    created = await survey.post(
        "/v1/cycles",
        json={"kind": "feedback_360", "questionnaire_id": HLM_360, "participant_name": "Sam Participant"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    cycle_id: str = created.json()["id"]
    nominated = await survey.post(f"/v1/cycles/{cycle_id}/raters", json={"raters": raters}, headers=headers)
    assert nominated.status_code == 201, nominated.text
    closes_at = (datetime.now(UTC) + timedelta(days=14)).isoformat()
    opened = await survey.post(f"/v1/cycles/{cycle_id}/open", json={"closes_at": closes_at}, headers=headers)
    assert opened.status_code == 200, opened.text
    return cycle_id


def mailed_token(mail: Path, address: str) -> str | None:
    """The token of the invitation link mailed to ``address``, if the mail worker has written it yet."""
    if not mail.exists():
        return None
    link = re.compile(re.escape(LINK_BASE) + r"([\w-]+)")
    for message in mailbox.Maildir(mail, create=False):
        if address not in (message["To"] or ""):
            continue
        for part in message.walk():
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and (found := link.search(payload.decode())):
                return found.group(1)
    return None


async def invitation_token(mail: Path, address: str) -> str:
    token: str = await wait_for(lambda: asyncio.to_thread(mailed_token, mail, address))
    return token


def raters_of(tag: str) -> list[dict[str, str]]:
    """A line manager and three peers: the fewest a 360 opens with."""
    manager = {"name": "Lee Manager", "email": f"lee.{tag}@trust.example.org", "rater_group": "line_manager"}
    peers = [
        {"name": f"Pat Peer {n}", "email": f"pat{n}.{tag}@trust.example.org", "rater_group": "peer"} for n in range(3)
    ]
    return [manager, *peers]


async def subscribe(url: str, headers: dict[str, str], cycle_id: str) -> websockets.ClientConnection:
    ws = await websockets.connect(url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")])
    await ws.send(json.dumps({"type": "connection_init", "payload": headers}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    await ws.send(
        json.dumps({"id": "1", "type": "subscribe", "payload": {"query": PROGRESS, "variables": {"cycleId": cycle_id}}})
    )
    return ws


async def receive(ws: websockets.ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), timeout=20))
    return message


def refusal(message: dict[str, Any]) -> str:
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    code: str = errors[0]["extensions"]["code"]
    return code


async def answer(survey: httpx.AsyncClient, token: str) -> None:
    """The rater opens their link and submits a whole response, as the questionnaire page would."""
    questionnaire = (await survey.get(f"/v1/invitations/{token}")).json()["questionnaire"]
    submitted = await survey.post(
        f"/v1/invitations/{token}/submit",
        json={
            "answers": [{"item_key": item["key"], "level": 3} for item in questionnaire["items"]],
            "importance": [{"dimension_key": d["key"], "rating": 2} for d in questionnaire["dimensions"]],
            "comments": [{"dimension_key": questionnaire["dimensions"][0]["key"], "text": "Listens well."}],
        },
    )
    assert submitted.status_code == 201, submitted.text


async def test_the_participant_sees_progress_as_raters_submit_and_the_events_name_no_rater(
    participant_sub: str, live_survey: LiveSurvey, amqp_url: str, topology: Topology, auth: AuthHeaders
) -> None:
    headers = auth("participant", sub=participant_sub)
    raters = raters_of(uuid.uuid4().hex[:6])
    cycle_id = await open_360(live_survey.survey, headers, raters)

    # Every response.submitted published on this test's exchange, as any consumer would receive it.
    connection = await aio_pika.connect(amqp_url)
    channel = await connection.channel()
    tap = await channel.declare_queue(exclusive=True)
    await tap.bind(topology.events_exchange, routing_key=ResponseSubmittedV1.type)

    ws = await subscribe(live_survey.gateway_url, headers, cycle_id)
    try:
        first = await receive(ws)
        assert first["type"] == "next", first
        current = first["payload"]["data"]["cycleProgress"]
        assert (current["cycleId"], current["status"], current["minimumsMet"]) == (cycle_id, "open", False)
        assert current["groups"] == [
            {"raterGroup": "line_manager", "invited": 1, "submitted": 0, "declined": 0},
            {"raterGroup": "peer", "invited": 3, "submitted": 0, "declined": 0},
        ]

        tokens = [await invitation_token(live_survey.mail, rater["email"]) for rater in raters]
        await answer(live_survey.survey, tokens[0])
        update = await receive(ws)
        assert update["type"] == "next", update
        assert update["payload"]["data"]["cycleProgress"]["groups"] == [
            {"raterGroup": "line_manager", "invited": 1, "submitted": 1, "declined": 0},
            {"raterGroup": "peer", "invited": 3, "submitted": 0, "declined": 0},
        ]

        # The peers answer and the participant closes: the stream shows it closed, then ends.
        for token in tokens[1:]:
            await answer(live_survey.survey, token)
        closed = await live_survey.survey.post(f"/v1/cycles/{cycle_id}/close", headers=headers)
        assert closed.status_code == 200, closed.text
        seen = []
        while (message := await receive(ws))["type"] == "next":
            seen.append(message["payload"]["data"]["cycleProgress"])
        assert message == {"id": "1", "type": "complete"}
        assert seen[-1]["status"] == "closed"
        assert seen[-1]["groups"][1] == {"raterGroup": "peer", "invited": 3, "submitted": 3, "declined": 0}
        assert all(s["status"] == "open" for s in seen[:-1])
    finally:
        await ws.close()

    envelopes = []
    try:
        while (message := await tap.get(fail=False, timeout=5)) is not None:
            envelopes.append(message.body.decode())
    finally:
        await connection.close()
    # The events that woke the stream say which group answered, never who: no name, address, rater id
    # or token of any rater anywhere in them.
    mine = [e for e in envelopes if json.loads(e)["data"]["cycle_id"] == cycle_id]
    assert sorted(json.loads(e)["data"]["rater_group"] for e in mine) == ["line_manager", "peer", "peer", "peer"]
    nominations = (await live_survey.survey.get(f"/v1/cycles/{cycle_id}/raters", headers=headers)).json()["items"]
    secrets = [*tokens, *(n["id"] for n in nominations)]
    secrets += [value for rater in raters for key, value in rater.items() if key != "rater_group"]
    for envelope in mine:
        assert set(json.loads(envelope)["data"]) == {
            "cycle_id",
            "response_id",
            "rater_group",
            "answers",
            "importance",
            "comments",
            "submitted_at",
        }
        assert not [secret for secret in secrets if secret in envelope]


def test_progress_carries_counts_per_group_and_nothing_about_who() -> None:
    types = graphql.build_schema(schema_sdl()).type_map
    progress, groups = types["CycleProgress"], types["GroupProgress"]
    assert isinstance(progress, graphql.GraphQLObjectType)
    assert isinstance(groups, graphql.GraphQLObjectType)
    assert set(progress.fields) == {"cycleId", "status", "selfStatus", "minimumsMet", "closesAt", "groups"}
    assert set(groups.fields) == {"raterGroup", "invited", "submitted", "declined"}


async def test_only_whoever_may_read_the_cycle_may_subscribe_to_its_progress(
    participant_sub: str, live_survey: LiveSurvey, auth: AuthHeaders
) -> None:
    tag = uuid.uuid4().hex[:6]
    raters = raters_of(tag)
    cycle_id = await open_360(live_survey.survey, auth("participant", sub=participant_sub), raters)

    callers = {
        "another participant": (auth("participant", sub=f"gateway-other-{tag}"), "NOT_FOUND"),
        "a facilitator": (auth("facilitator", sub=str(uuid.uuid4())), "FORBIDDEN"),
        "an admin of another region": (auth("academy_admin", sub="admin-2", region="elsewhere"), "NOT_FOUND"),
        "a stranger with no token": ({}, "UNAUTHENTICATED"),
    }
    for who, (headers, code) in callers.items():
        ws = await subscribe(live_survey.gateway_url, headers, cycle_id)
        try:
            message = await receive(ws)
        finally:
            await ws.close()
        assert message["type"] in ("error", "next"), (who, message)
        assert refusal(message) == code, who
        if message["type"] == "next":
            assert message["payload"]["data"] is None, who
    # No refused subscription is left listening.
    await wait_for(lambda: live_survey.hub.subscriber_count == 0)

    # An academy administrator of the cycle's region reads it (counts only), as survey-svc allows.
    admin = await subscribe(live_survey.gateway_url, auth("academy_admin", sub="admin-1", region="london"), cycle_id)
    try:
        message = await receive(admin)
    finally:
        await admin.close()
    assert message["payload"]["data"]["cycleProgress"]["cycleId"] == cycle_id
