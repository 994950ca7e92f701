"""Every create of facilitator-svc that takes an Idempotency-Key, retried twenty times at once with one key
(a client over a flaky network): one row is stored, every attempt is answered with it, none with a 5xx.
Against committed data, each request in its own transaction and connection (bookings are raced in
bookings/test_concurrency.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from hlm_kit.testing.pytest_plugin import AuthHeaders

ATTEMPTS = 20
WINDOW = {"starts_at": "2031-03-10T09:00:00Z", "ends_at": "2031-04-10T09:00:00Z"}


def allocation(region: str) -> dict[str, Any]:
    return {"window": WINDOW, "participants": [{"participant_id": f"{region}-1", "organisation": "RX1"}]}


def course_request(region: str) -> dict[str, Any]:
    return {
        "organisation": "RX1",
        "region": region,
        "contact": {"name": "Priya Shah", "email": "priya.shah@rx1.example.org"},
        "preferred_dates": {"start": "2031-04-01", "end": "2031-04-30"},
        "staff_count": 12,
    }


# Each create: its path, the role that makes it, the body, its success status, and the table it writes.
CREATES = {
    "/v1/allocations": ("academy_admin", allocation, 202, "allocation"),
    "/v1/course-requests": ("partner", course_request, 201, "course_request"),
}


@pytest.mark.parametrize("path", CREATES)
async def test_twenty_retries_of_one_create_at_once_store_one_row_and_answer_alike(
    path: str, live_client: Any, live_region: str, auth: AuthHeaders, engine: AsyncEngine, clock: Any
) -> None:
    role, body, success, table = CREATES[path]
    caller = f"{role}-{live_region}"
    headers = {**auth(role, sub=caller, org="RX1", region=live_region), "Idempotency-Key": f"retry-{live_region}"}

    async with live_client(clock=clock, db_pool_size=ATTEMPTS) as client:
        answers = await asyncio.gather(
            *(client.post(path, json=body(live_region), headers=headers) for _ in range(ATTEMPTS))
        )

    assert [r.status_code for r in answers] == [success] * ATTEMPTS, [r.text for r in answers]
    assert len({r.json()["id"] for r in answers}) == 1
    assert sum(r.headers.get("idempotent-replayed") == "true" for r in answers) == ATTEMPTS - 1
    async with engine.connect() as connection:
        stored = await connection.scalar(
            text(f"SELECT count(*) FROM facilitator.{table} WHERE requested_by = :caller"), {"caller": caller}
        )
    assert stored == 1
