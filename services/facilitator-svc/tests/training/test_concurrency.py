"""Enrolment under real concurrency: many requests at once, each in its own transaction and connection,
against committed data (the rolled-back ``client`` would serialise them)."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from hlm_kit.testing.pytest_plugin import AuthHeaders

COURSE_DAY = "2031-03-20"
TRAINER_ACCREDITATION = {"level": "trainer", "trained_on": "2029-01-10", "expires_on": "2032-01-10"}


async def test_twenty_people_asking_for_the_last_place_at_once_get_one_place_and_nineteen_waiting_list_entries(
    live_client: Any,
    live_region: str,
    auth: AuthHeaders,
    new_facilitator: Any,
    engine: AsyncEngine,
    clock: Any,
) -> None:
    admin = auth("academy_admin", sub="admin-c", region=live_region)
    async with live_client(clock=clock, db_pool_size=20) as client:
        trainer = (
            await client.post(
                "/v1/facilitators", json=new_facilitator(accreditation=TRAINER_ACCREDITATION), headers=admin
            )
        ).json()
        body = {
            "kind": "facilitator_training",
            "title": "Facilitator training",
            "starts_on": COURSE_DAY,
            "mode": "video",
            "capacity": 2,
            "trainer_id": trainer["id"],
        }
        course = (await client.post("/v1/training/courses", json=body, headers=admin)).json()
        path = f"/v1/training/courses/{course['id']}/enrolments"
        first = {"person": {"name": "First Person", "email": f"first@{live_region}.example.org", "organisation": "RX1"}}
        assert (await client.post(path, json=first, headers=admin)).json()["status"] == "enrolled"

        people = [
            {"person": {"name": f"Person {i}", "email": f"person{i}@{live_region}.example.org", "organisation": "RX1"}}
            for i in range(20)
        ]
        responses = await asyncio.gather(*(client.post(path, json=p, headers=admin) for p in people))

    assert Counter(r.status_code for r in responses) == {201: 20}, [r.text for r in responses if r.status_code != 201]
    assert Counter(r.json()["status"] for r in responses) == {"enrolled": 1, "waiting": 19}
    assert sorted(r.json()["waiting_position"] for r in responses if r.json()["status"] == "waiting") == list(
        range(1, 20)
    )
    async with engine.connect() as connection:
        statement = text(
            "SELECT status, count(*) FROM facilitator.training_enrolment WHERE course_id = :c GROUP BY status"
        )
        stored = dict((await connection.execute(statement, {"c": course["id"]})).all())
    assert stored == {"enrolled": 2, "waiting": 19}


async def test_the_same_results_file_imported_twice_at_once_is_recorded_once(
    live_client: Any, live_region: str, auth: AuthHeaders, engine: AsyncEngine
) -> None:
    admin = auth("academy_admin", sub="admin-i", region=live_region)
    rows = [f"Person {i},person{i}@{live_region}.example.org,{80 + i},2031-03-01" for i in range(5)]
    body = ("\r\n".join(("name,email,score,assessed_on", *rows)) + "\r\n").encode()
    headers = {**admin, "Content-Type": "text/csv"}
    async with live_client(db_pool_size=4) as client:
        responses = await asyncio.gather(
            *(client.post("/v1/training/assessments/import", content=body, headers=headers) for _ in range(3))
        )

    assert [r.status_code for r in responses] == [200, 200, 200], [r.text for r in responses]
    assert sorted(r.json()["recorded"] for r in responses) == [0, 0, 5]
    async with engine.connect() as connection:
        statement = text("SELECT count(*) FROM facilitator.elearning_assessment WHERE region = :r")
        assert await connection.scalar(statement, {"r": live_region}) == 5
