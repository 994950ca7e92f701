"""Reminders that an accreditation lapses soon: due 90 and 30 days ahead, recorded and published once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from facilitator_svc.config import Settings
from facilitator_svc.training.accreditation_reminders.service import record_due_reminders
from hlm_kit.db import create_sessionmaker

REMINDER = "hlm.facilitator.accreditation_reminder.recorded.v1"


def accreditation(expires_on: str) -> dict[str, str]:
    return {"level": "facilitator", "trained_on": "2028-01-10", "expires_on": expires_on}


@pytest.fixture
def run_job(session: AsyncSession, settings: Settings, clock: Any) -> Callable[[], Any]:
    """One run of the job on the test's clock, each unit of work a savepoint of the test's transaction."""
    own_transactions = async_sessionmaker(
        bind=session.bind, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    return lambda: record_due_reminders(own_transactions, settings, lambda: clock.now)


async def reminders_of(session: AsyncSession, facilitator: dict[str, Any]) -> list[tuple[str, int]]:
    rows = await session.execute(
        text(
            "SELECT expires_on, days_before FROM facilitator.accreditation_reminder"
            " WHERE facilitator_id = :id ORDER BY recorded_at, days_before DESC"
        ),
        {"id": facilitator["id"]},
    )
    return [(str(row[0]), row[1]) for row in rows]


async def test_a_reminder_falls_due_once_at_each_point_across_runs(
    session: AsyncSession, add_facilitator: Any, add_course: Any, run_job: Any, outbox_events: Any, clock: Any
) -> None:
    # T0 is 3 March 2031: 78 days before 20 May, 17 before 20 March, well over a year before June 2032.
    lapses_in_may = await add_facilitator(accreditation=accreditation("2031-05-20"))
    lapses_this_month = await add_facilitator(accreditation=accreditation("2031-03-20"))
    lapses_next_year = await add_facilitator(accreditation=accreditation("2032-06-01"))
    course = await add_course()  # facilitator training in London on 20 March

    await run_job()
    await run_job()

    assert await reminders_of(session, lapses_in_may) == [("2031-05-20", 90)]
    # Already inside 30 days: reminded once, at 30, not also at the 90 days that were missed.
    assert await reminders_of(session, lapses_this_month) == [("2031-03-20", 30)]
    assert await reminders_of(session, lapses_next_year) == []
    (event,) = [e for e in await outbox_events(lapses_in_may["id"]) if e["type"] == REMINDER]
    assert event["data"] | {"reminder_id": None} == {
        "reminder_id": None,
        "facilitator_id": lapses_in_may["id"],
        "level": "facilitator",
        "expires_on": "2031-05-20",
        "days_before": 90,
        "renewing_courses": [{"course_id": course["id"], "starts_on": "2031-03-20"}],
    }

    # 25 days before it lapses, the second reminder falls due, once.
    clock.now = datetime(2031, 4, 25, 9, 0, tzinfo=UTC)
    await run_job()
    await run_job()

    assert await reminders_of(session, lapses_in_may) == [("2031-05-20", 90), ("2031-05-20", 30)]
    assert await reminders_of(session, lapses_this_month) == [("2031-03-20", 30)]
    events = [e for e in await outbox_events(lapses_in_may["id"]) if e["type"] == REMINDER]
    assert [(e["data"]["days_before"], e["data"]["renewing_courses"]) for e in events] == [
        (90, [{"course_id": course["id"], "starts_on": "2031-03-20"}]),
        (30, []),  # the March course has been held: nothing left to renew it before it lapses
    ]


async def test_a_lapsed_or_withdrawn_accreditation_gets_no_reminder(
    session: AsyncSession, client: Any, admin: dict[str, str], add_facilitator: Any, run_job: Any, clock: Any
) -> None:
    # Due for its 30-day reminder on 2 April, but the facilitator has left the register.
    left = await add_facilitator(accreditation=accreditation("2031-05-01"))
    withdrawn = await client.patch(f"/v1/facilitators/{left['id']}", json={"status": "withdrawn"}, headers=admin)
    assert withdrawn.status_code == 200, withdrawn.text
    lapses = await add_facilitator(accreditation=accreditation("2031-04-01"))
    clock.now = datetime(2031, 4, 2, 9, 0, tzinfo=UTC)  # the day after it lapsed

    await run_job()

    assert await reminders_of(session, left) == []
    assert await reminders_of(session, lapses) == []


async def test_replicas_running_at_once_record_each_reminder_once(
    live_client: Any,
    live_region: str,
    auth: Any,
    new_facilitator: Any,
    engine: AsyncEngine,
    settings: Settings,
    clock: Any,
) -> None:
    admin = auth("academy_admin", sub="admin-r", region=live_region)
    async with live_client(clock=clock) as client:
        for _ in range(12):
            body = new_facilitator(accreditation=accreditation("2031-05-20"))
            assert (await client.post("/v1/facilitators", json=body, headers=admin)).status_code == 201

    # Four replicas, each with its own connections, at the same moment.
    await asyncio.gather(
        *(record_due_reminders(create_sessionmaker(engine), settings, lambda: clock.now) for _ in range(4))
    )

    async with engine.connect() as connection:
        per_facilitator = (
            await connection.execute(
                text(
                    "SELECT f.id, count(r.id) FROM facilitator.facilitator f"
                    " LEFT JOIN facilitator.accreditation_reminder r ON r.facilitator_id = f.id"
                    " WHERE f.region = :r GROUP BY f.id"
                ),
                {"r": live_region},
            )
        ).all()
        events = (
            await connection.execute(
                text(
                    "SELECT count(*) FROM facilitator.outbox_message WHERE type = :t AND subject IN"
                    " (SELECT id::text FROM facilitator.facilitator WHERE region = :r)"
                ),
                {"t": REMINDER, "r": live_region},
            )
        ).scalar_one()
    assert sorted(count for _, count in per_facilitator) == [1] * 12
    assert events == 12
