"""Training fixtures: a trainer of the London register, courses, and facilitators with sessions delivered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from hlm_kit.testing.pytest_plugin import AuthHeaders

TRAINER_SUB = "trainer-1"
# T0 is Monday 3 March 2031; courses are held on Thursday 20 March unless a test says otherwise.
COURSE_DAY = "2031-03-20"
COURSE_DAY_OFFSET = 17
TRAINER_ACCREDITATION = {"level": "trainer", "trained_on": "2029-01-10", "expires_on": "2032-01-10"}


@pytest.fixture
async def trainer(add_facilitator: Any) -> dict[str, Any]:
    """An active facilitator of London accredited at trainer level, signed in as ``trainer-1``."""
    result: dict[str, Any] = await add_facilitator(subject=TRAINER_SUB, accreditation=TRAINER_ACCREDITATION)
    return result


@pytest.fixture
def trainer_headers(auth: AuthHeaders) -> dict[str, str]:
    return auth("facilitator", sub=TRAINER_SUB, org="RYJ", region="london")


AddCourse = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def add_course(client: httpx.AsyncClient, admin: dict[str, str], trainer: dict[str, Any]) -> AddCourse:
    """``await add_course(capacity=2, kind="facilitator_training", **fields)``: a course the trainer runs."""

    async def add(**fields: Any) -> dict[str, Any]:
        body = {
            "kind": "facilitator_training",
            "title": "Facilitator training",
            "starts_on": COURSE_DAY,
            "mode": "in_person",
            "place": "Academy House, London",
            "capacity": 2,
            "trainer_id": trainer["id"],
        } | fields
        response = await client.post("/v1/training/courses", json=body, headers=admin)
        assert response.status_code == 201, response.text
        course: dict[str, Any] = response.json()
        return course

    return add


Enrol = Callable[..., Awaitable[httpx.Response]]


@pytest.fixture
def enrol(client: httpx.AsyncClient, admin: dict[str, str]) -> Enrol:
    """``await enrol(course, "Name")``: the administrator enrols a new person (email from the name)."""

    async def post(course: dict[str, Any], name: str, **body: Any) -> httpx.Response:
        person = {"name": name, "email": f"{name.lower().replace(' ', '.')}@trust.example.org", "organisation": "RX1"}
        return await client.post(
            f"/v1/training/courses/{course['id']}/enrolments", json=body or {"person": person}, headers=admin
        )

    return post


DeliverSessions = Callable[[dict[str, Any], dict[str, str], int], Awaitable[None]]


@pytest.fixture
def deliver_sessions(
    client: httpx.AsyncClient, admin: dict[str, str], auth: AuthHeaders, clock: Any, at: Any
) -> DeliverSessions:
    """``await deliver_sessions(facilitator, their_headers, n)``: n feedback sessions booked, held and
    completed through the API, from a day after the clock's "now"; the clock ends after the last."""

    async def deliver(facilitator: dict[str, Any], headers: dict[str, str], n: int) -> None:
        if n == 0:
            return
        # Every two hours from a day after "now", so repeated calls keep to the future and never overlap.
        starts = [clock.now + timedelta(days=1, hours=2 * i) for i in range(n)]
        body = {
            "slots": [
                {"starts_at": s.isoformat(), "ends_at": (s + timedelta(hours=1)).isoformat(), "modes": ["video"]}
                for s in starts
            ]
        }
        added = await client.post(f"/v1/facilitators/{facilitator['id']}/slots", json=body, headers=admin)
        assert added.status_code == 201, added.text
        bookings = []
        for i, slot in enumerate(added.json()["items"]):
            participant = auth("participant", sub=f"{facilitator['id']}-p{i}", org="RX9", region="london")
            booked = await client.post(
                "/v1/bookings", json={"slot_id": slot["id"], "confirm": True}, headers=participant
            )
            assert booked.status_code == 201, booked.text
            bookings.append(booked.json()["id"])
        clock.now = starts[-1] + timedelta(hours=2)
        for booking in bookings:
            done = await client.post(f"/v1/bookings/{booking}/complete", headers=headers)
            assert done.status_code == 200, done.text

    return deliver
