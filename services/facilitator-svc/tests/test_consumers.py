"""What the service learns from other services' events, through a real broker, and what it forgets
when a participant is erased."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from facilitator_svc.consumers import HANDLERS, on_rater_nominated
from facilitator_svc.participants import service as participant_service
from hlm_contracts import (
    CycleKind,
    CycleOpenedV1,
    ParticipantErasedV1,
    RaterNominatedV1,
    ReportReadyV1,
    queues_for,
)
from hlm_kit.messaging.broker import Broker
from hlm_kit.messaging.envelope import CloudEvent
from hlm_kit.messaging.topology import Topology
from hlm_kit.testing.pytest_plugin import AuthHeaders, wait_for


def test_every_queue_of_the_service_has_its_handler() -> None:
    assert {t for q in queues_for("facilitator") for t in q.event_types} == {cls.type for cls in HANDLERS}


@pytest_asyncio.fixture
async def publisher(amqp_url: str, topology: Topology) -> AsyncIterator[Broker]:
    """survey-svc and report-svc, as far as this service can tell: a publisher on the test's exchanges."""
    broker = Broker(amqp_url, topology)
    await broker.connect()
    yield broker
    await broker.close()


@pytest_asyncio.fixture
async def running(live_client: Any, topology: Topology) -> AsyncIterator[httpx.AsyncClient]:
    async with live_client(
        run_workers=True,
        events_exchange=topology.events_exchange,
        dead_letter_exchange=topology.dead_letter_exchange,
        queue_prefix=topology.queue_prefix,
        relay_poll_interval_s=0.2,
    ) as client:
        yield client


async def scalar(engine: AsyncEngine, sql: str, **params: Any) -> Any:
    async with engine.connect() as connection:
        return (await connection.execute(text(sql), params)).scalar()


async def test_a_nominated_rater_who_is_a_facilitator_is_no_longer_matched_to_that_participant(
    running: httpx.AsyncClient,
    publisher: Broker,
    live_region: str,
    auth: AuthHeaders,
    new_facilitator: Any,
    hash_of: Any,
    engine: AsyncEngine,
) -> None:
    admin = auth("academy_admin", sub="admin-e", region=live_region)
    facilitator = (await running.post("/v1/facilitators", json=new_facilitator(), headers=admin)).json()
    participant_id = f"{live_region}-participant"
    event = CloudEvent.wrap(
        RaterNominatedV1(
            cycle_id=uuid.uuid4(),
            participant_id=participant_id,
            rater_group="line_manager",
            rater_email_hash=hash_of(facilitator["email"].upper()),
        )
    )

    await publisher.publish(event)
    await publisher.publish(event)  # delivered twice: changes nothing more

    async def learnt() -> bool:
        inbox = await scalar(engine, "SELECT count(*) FROM facilitator.inbox_message WHERE event_id = :id", id=event.id)
        return bool(inbox)

    await wait_for(learnt)
    match = await running.post(
        "/v1/matches",
        json={"participant": {"id": participant_id, "organisation": "RX1"}, "include_ineligible": True},
        headers=admin,
    )
    reasons = {m["facilitator"]["id"]: m["reasons"] for m in match.json()["ineligible"]}
    assert [r["rule"] for r in reasons[facilitator["id"]]] == ["conflict_of_interest"]
    assert (
        await scalar(
            engine, "SELECT count(*) FROM facilitator.rater_conflict WHERE participant_id = :p", p=participant_id
        )
        == 1
    )


async def test_an_erased_participants_sessions_to_come_are_cancelled_and_announced_and_their_data_goes(
    running: httpx.AsyncClient,
    publisher: Broker,
    live_region: str,
    auth: AuthHeaders,
    new_facilitator: Any,
    engine: AsyncEngine,
) -> None:
    admin = auth("academy_admin", sub="admin-e", region=live_region)
    participant_id = f"{live_region}-leaver"
    declarer = (
        await running.post(
            "/v1/facilitators",
            json=new_facilitator(conflicts={"organisations": [], "participants": [participant_id, "someone-else"]}),
            headers=admin,
        )
    ).json()
    facilitator = (await running.post("/v1/facilitators", json=new_facilitator(), headers=admin)).json()
    start = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    slot = (
        await running.post(
            f"/v1/facilitators/{facilitator['id']}/slots",
            json={"slots": [{"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()}]},
            headers=admin,
        )
    ).json()["items"][0]
    cycle_id = uuid.uuid4()
    for data in (
        CycleOpenedV1(
            cycle_id=cycle_id,
            kind=CycleKind.FEEDBACK_360,
            participant_id=participant_id,
            organisation="RX1",
            region=live_region,
            questionnaire_id=uuid.uuid4(),
            closes_at=start,
        ),
        ReportReadyV1(report_id=uuid.uuid4(), cycle_id=cycle_id, participant_id=participant_id),
    ):
        await publisher.publish(CloudEvent.wrap(data))
    booked = await running.post(
        "/v1/bookings",
        json={"slot_id": slot["id"], "mode": "video", "confirm": True, "cycle_id": str(cycle_id)},
        headers=auth("participant", sub=participant_id, org="RX1", region=live_region),
    )
    assert booked.status_code == 201, booked.text
    booking_id = booked.json()["id"]

    async def report_known() -> bool:
        body = (await running.get(f"/v1/bookings/{booking_id}", headers=admin)).json()
        return body["report_id"] is not None

    await wait_for(report_known)
    await publisher.publish(
        CloudEvent.wrap(ParticipantErasedV1(participant_id=participant_id, erased_at=datetime.now(UTC)))
    )

    async def erased() -> bool:
        status = await scalar(engine, "SELECT status FROM facilitator.booking WHERE id = :id", id=booking_id)
        return bool(status == "cancelled")

    await wait_for(erased)
    booking = (await running.get(f"/v1/bookings/{booking_id}", headers=admin)).json()
    assert booking["participant_id"] is None
    assert booking["report_id"] is None
    types = await scalar(
        engine,
        "SELECT string_agg(type, ',' ORDER BY id) FROM facilitator.outbox_message WHERE subject = :id",
        id=booking_id,
    )
    assert types == "hlm.facilitator.session.booked.v1,hlm.facilitator.session.cancelled.v1"
    for table in ("participant_cycle", "participant_report", "rater_conflict"):
        assert (
            await scalar(
                engine, f"SELECT count(*) FROM facilitator.{table} WHERE participant_id = :p", p=participant_id
            )
            == 0
        )
    profile = (await running.get(f"/v1/facilitators/{declarer['id']}", headers=admin)).json()
    assert profile["conflicts"]["participants"] == ["someone-else"]


async def test_erasure_keeps_a_past_session_for_the_facilitators_record_without_the_person(
    client: httpx.AsyncClient,
    session: AsyncSession,
    participant: dict[str, str],
    auth: AuthHeaders,
    add_facilitator: Any,
    at: Any,
    clock: Any,
) -> None:
    facilitator = await add_facilitator(subject="fac-1", slots=[at(3)])
    booking = (
        await client.post(
            "/v1/bookings",
            json={"slot_id": facilitator["slots"][0]["id"], "mode": "video", "confirm": True},
            headers=participant,
        )
    ).json()
    clock.now = at(3, 12)
    await client.post(f"/v1/bookings/{booking['id']}/complete", headers=auth("facilitator", sub="fac-1"))
    await client.post(
        f"/v1/bookings/{booking['id']}/rating", json={"rating": 5, "comment": "Named my manager"}, headers=participant
    )

    await participant_service.erase(session, "participant-1", clock.now)
    await session.commit()

    row = (
        await session.execute(
            text("SELECT status, participant_id, rating, rating_comment FROM facilitator.booking WHERE id = :id"),
            {"id": booking["id"]},
        )
    ).one()
    assert tuple(row) == ("completed", None, 5, None)


async def test_a_session_booked_with_someone_later_nominated_as_a_rater_is_cancelled_and_announced(
    client: httpx.AsyncClient,
    session: AsyncSession,
    participant: dict[str, str],
    add_facilitator: Any,
    at: Any,
    hash_of: Any,
    outbox_events: Any,
) -> None:
    facilitator = await add_facilitator(slots=[at(3)])
    booking = (
        await client.post(
            "/v1/bookings",
            json={"slot_id": facilitator["slots"][0]["id"], "mode": "video", "confirm": True},
            headers=participant,
        )
    ).json()
    data = RaterNominatedV1(
        cycle_id=uuid.uuid4(),
        participant_id="participant-1",
        rater_group="peer",
        rater_email_hash=hash_of(facilitator["email"]),
    )

    await on_rater_nominated(session, data, CloudEvent.wrap(data))
    await session.commit()

    cancelled = (await client.get(f"/v1/bookings/{booking['id']}", headers=participant)).json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancellation_reason"] == "a conflict of interest rules this facilitator out"
    assert [e["type"] for e in await outbox_events(booking["id"])] == [
        "hlm.facilitator.session.booked.v1",
        "hlm.facilitator.session.cancelled.v1",
    ]
