"""Other services' events, fed through the real broker to the running service: questionnaire snapshots,
released reports and booked sessions, each taking effect once however often it is delivered."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
import httpx
import pytest_asyncio
from prometheus_client import REGISTRY
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from hlm_contracts import (
    EventData,
    QuestionnairePublishedV1,
    ReportReleasedV1,
    SessionBookedV1,
    SessionCancelledV1,
)
from hlm_kit.messaging.envelope import CLOUDEVENTS_CONTENT_TYPE, CloudEvent
from hlm_kit.messaging.topology import Topology
from hlm_kit.testing.pytest_plugin import AuthHeaders, wait_for


class Publisher:
    def __init__(self, channel: aio_pika.abc.AbstractChannel, topology: Topology) -> None:
        self._channel = channel
        self._topology = topology

    async def send(self, event: CloudEvent) -> None:
        exchange = await self._channel.get_exchange(self._topology.events_exchange)
        await exchange.publish(
            aio_pika.Message(body=event.to_json_bytes(), content_type=CLOUDEVENTS_CONTENT_TYPE, message_id=event.id),
            routing_key=event.type,
        )

    async def publish(self, data: EventData) -> CloudEvent:
        event = CloudEvent.wrap(data)
        await self.send(event)
        return event


@pytest_asyncio.fixture
async def publisher(amqp_url: str, topology: Topology, live_app: Any) -> AsyncIterator[Publisher]:
    client, _ = live_app
    # Ready once the service has declared the topology and its consumers are listening.
    await wait_for(lambda: _ready(client))
    connection = await aio_pika.connect(amqp_url)
    try:
        yield Publisher(await connection.channel(), topology)
    finally:
        await connection.close()


async def _ready(client: httpx.AsyncClient) -> bool:
    # "ok", not merely 200: a service is ready on its database alone; the broker is reported beside it.
    return (await client.get("/health/ready")).json()["status"] == "ok"


def _consumed(queue: str, outcome: str) -> float:
    return REGISTRY.get_sample_value("events_consumed_total", {"queue": queue, "outcome": outcome}) or 0.0


async def _scalar(engine: AsyncEngine, sql: str, **params: Any) -> Any:
    async with engine.connect() as connection:
        return (await connection.execute(text(sql), params)).scalar()


async def test_a_published_questionnaire_is_kept_once_and_cycles_can_be_pinned_to_it(
    publisher: Publisher,
    live_app: Any,
    engine: AsyncEngine,
    topology: Topology,
    auth: AuthHeaders,
    hlm_360: QuestionnairePublishedV1,
) -> None:
    client, _ = live_app
    new_id = uuid.uuid4()
    data = hlm_360.model_copy(update={"questionnaire_id": new_id, "key": f"test-360-{new_id.hex[:8]}"})
    queue = f"{topology.queue_prefix}survey.questionnaire_published"
    duplicates_before = _consumed(queue, "duplicate")

    event = await publisher.publish(data)
    await publisher.send(event)  # delivered twice, as at-least-once delivery allows

    await wait_for(lambda: _at_least(_consumed(queue, "duplicate"), duplicates_before + 1))
    assert await _scalar(engine, "SELECT count(*) FROM survey.questionnaire WHERE id = :id", id=new_id) == 1
    assert await _scalar(engine, "SELECT count(*) FROM survey.inbox_message WHERE event_id = :id", id=event.id) == 1
    kept = await client.get(f"/v1/questionnaires/{new_id}", headers=auth("participant"))
    assert kept.status_code == 200
    assert [i["key"] for i in kept.json()["items"]] == [i.key for i in hlm_360.items]
    created = await client.post(
        "/v1/cycles",
        json={"kind": "feedback_360", "questionnaire_id": str(new_id), "participant_name": "Alex Morgan"},
        headers=auth("participant", sub=f"p-{new_id.hex[:8]}"),
    )
    assert created.status_code == 201, created.text
    await client.delete(f"/v1/participants/p-{new_id.hex[:8]}", headers=auth("participant", sub=f"p-{new_id.hex[:8]}"))


async def test_a_questionnaire_published_again_with_other_content_does_not_change_the_snapshot(
    publisher: Publisher, engine: AsyncEngine, topology: Topology, hlm_360: QuestionnairePublishedV1
) -> None:
    new_id = uuid.uuid4()
    first = hlm_360.model_copy(update={"questionnaire_id": new_id, "key": f"test-360-{new_id.hex[:8]}"})
    await publisher.publish(first)
    await wait_for(lambda: _scalar(engine, "SELECT count(*) FROM survey.questionnaire WHERE id = :id", id=new_id))
    queue = f"{topology.queue_prefix}survey.questionnaire_published"
    handled_before = _consumed(queue, "handled")

    await publisher.publish(first.model_copy(update={"name": "Changed after publication"}))

    await wait_for(lambda: _at_least(_consumed(queue, "handled"), handled_before + 1))
    assert await _scalar(engine, "SELECT name FROM survey.questionnaire WHERE id = :id", id=new_id) == hlm_360.name


async def _live_cycle(
    client: httpx.AsyncClient, auth: AuthHeaders, hlm_360: QuestionnairePublishedV1
) -> tuple[str, dict[str, str]]:
    sub = f"p-{uuid.uuid4().hex[:8]}"
    me = auth("participant", sub=sub)
    created = await client.post(
        "/v1/cycles",
        json={"kind": "feedback_360", "questionnaire_id": str(hlm_360.questionnaire_id), "participant_name": "Alex"},
        headers=me,
    )
    assert created.status_code == 201, created.text
    return created.json()["id"], me


async def test_after_the_report_is_released_nothing_more_is_accepted(
    publisher: Publisher,
    live_app: Any,
    auth: AuthHeaders,
    hlm_360: QuestionnairePublishedV1,
    full_answers: Any,
) -> None:
    client, _ = live_app
    cycle_id, me = await _live_cycle(client, auth, hlm_360)
    sub = (await client.get(f"/v1/cycles/{cycle_id}", headers=me)).json()["participant_id"]

    await publisher.publish(
        ReportReleasedV1(
            report_id=uuid.uuid4(),
            cycle_id=uuid.UUID(cycle_id),
            participant_id=sub,
            released_to=sub,
            released_by="report-svc",
            released_at=datetime.now(UTC),
        )
    )

    released = await wait_for(lambda: _released(client, cycle_id, me))
    assert released["report_released_at"] is not None
    refused = [
        await client.put(f"/v1/cycles/{cycle_id}/self", json=full_answers(hlm_360), headers=me),
        await client.post(
            f"/v1/cycles/{cycle_id}/raters",
            json={"raters": [{"name": "Late", "email": "late@trust.example.org", "rater_group": "peer"}]},
            headers=me,
        ),
        await client.post(
            f"/v1/cycles/{cycle_id}/open",
            json={"closes_at": (datetime.now(UTC) + timedelta(days=7)).isoformat()},
            headers=me,
        ),
    ]
    for response in refused:
        assert response.status_code == 409, response.text
        assert response.json()["type"].endswith("/report-released")
    await client.delete(f"/v1/participants/{sub}", headers=me)


async def _released(client: httpx.AsyncClient, cycle_id: str, me: dict[str, str]) -> dict[str, Any] | None:
    cycle: dict[str, Any] = (await client.get(f"/v1/cycles/{cycle_id}", headers=me)).json()
    return cycle if cycle["report_released_at"] else None


async def test_a_booked_session_shows_on_its_cycle_until_cancelled(
    publisher: Publisher, live_app: Any, auth: AuthHeaders, hlm_360: QuestionnairePublishedV1
) -> None:
    client, _ = live_app
    cycle_id, me = await _live_cycle(client, auth, hlm_360)
    sub = (await client.get(f"/v1/cycles/{cycle_id}", headers=me)).json()["participant_id"]
    booking_id, starts_at = uuid.uuid4(), datetime(2027, 1, 12, 10, 0, tzinfo=UTC)

    booked = SessionBookedV1(
        booking_id=booking_id,
        facilitator_id=uuid.uuid4(),
        participant_id=sub,
        cycle_id=uuid.UUID(cycle_id),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
    )
    await publisher.publish(booked)
    await wait_for(lambda: _session(client, cycle_id, me))
    moved = starts_at + timedelta(days=2)
    await publisher.publish(booked.model_copy(update={"starts_at": moved, "ends_at": moved + timedelta(hours=1)}))
    session = await wait_for(lambda: _session(client, cycle_id, me, starts_at=moved))
    assert datetime.fromisoformat(session["ends_at"]) == moved + timedelta(hours=1)

    await publisher.publish(SessionCancelledV1(booking_id=booking_id, cancelled_at=datetime.now(UTC)))

    await wait_for(lambda: _no_session(client, cycle_id, me))
    await client.delete(f"/v1/participants/{sub}", headers=me)


async def _session(
    client: httpx.AsyncClient, cycle_id: str, me: dict[str, str], starts_at: datetime | None = None
) -> dict[str, Any] | None:
    session: dict[str, Any] | None = (await client.get(f"/v1/cycles/{cycle_id}", headers=me)).json()["feedback_session"]
    if session and starts_at and datetime.fromisoformat(session["starts_at"]) != starts_at:
        return None
    return session


async def _no_session(client: httpx.AsyncClient, cycle_id: str, me: dict[str, str]) -> bool:
    return (await client.get(f"/v1/cycles/{cycle_id}", headers=me)).json()["feedback_session"] is None


async def _at_least(value: float, target: float) -> bool:
    return value >= target
