"""Who may call what: every endpoint of the service against every role, as a matrix."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from facilitator_svc.config import Settings
from facilitator_svc.main import create_app
from hlm_kit.testing.pytest_plugin import AuthHeaders, wait_for

ROLES = [None, "participant", "facilitator", "partner", "academy_admin"]
ASSESSMENTS_CSV = "name,email,score,assessed_on\r\nMatrix Learner,learner@trust.example.org,85,2031-03-01\r\n"
CSV_ROW = (
    "name,email,organisation,accreditation_level,trained_on,expires_on,capacity_per_month,modes\r\n"
    "Matrix Person,matrix@example.org,RYJ,facilitator,2029-01-01,2033-01-01,3,video\r\n"
)


@dataclass(frozen=True)
class Endpoint:
    method: str
    route: str
    allowed: dict[str, int]  # role -> status an allowed caller gets; every other role gets 403
    path: str = ""  # with {facilitator}, {slot}, {free_slot}, {booking}, {allocation}; defaults to route
    body: Any = None
    booking: str | None = None  # the state the booking must be in: held, confirmed, started, completed
    # A course that fac-1 trains, in this state: course, enrolled (a learner has a place), started (the
    # course day has come), attended (the learner attended and passed the e-learning assessment).
    training: str | None = None
    public: bool = False

    def __str__(self) -> str:
        return f"{self.method} {self.route}"


ALL = {"participant": 200, "facilitator": 200, "partner": 200, "academy_admin": 200}
ENDPOINTS = [
    Endpoint("GET", "/health/live", {}, public=True),
    Endpoint("GET", "/health/ready", {}, public=True),
    Endpoint("GET", "/metrics", {}, public=True),
    Endpoint("GET", "/v1/specialisms", ALL),
    Endpoint("POST", "/v1/facilitators", {"academy_admin": 201}, body="facilitator"),
    Endpoint("GET", "/v1/facilitators", {"academy_admin": 200}),
    Endpoint("GET", "/v1/facilitators/export", {"academy_admin": 200}),
    Endpoint("POST", "/v1/facilitators/import", {"academy_admin": 200}, body="csv"),
    # An administrator may call it, but is not on the register: 404.
    Endpoint("GET", "/v1/facilitators/me", {"facilitator": 200, "academy_admin": 404}),
    Endpoint(
        "GET", "/v1/facilitators/{id}", {"facilitator": 200, "academy_admin": 200}, "/v1/facilitators/{facilitator}"
    ),
    Endpoint(
        "PATCH",
        "/v1/facilitators/{id}",
        {"facilitator": 200, "academy_admin": 200},
        "/v1/facilitators/{facilitator}",
        body={"phone": "020 7946 0001"},
    ),
    Endpoint(
        "POST",
        "/v1/facilitators/{facilitator_id}/slots",
        {"facilitator": 201, "academy_admin": 201},
        "/v1/facilitators/{facilitator}/slots",
        body={"slots": [{"starts_at": "2031-03-20T10:00:00Z", "ends_at": "2031-03-20T11:00:00Z"}]},
    ),
    Endpoint(
        "GET",
        "/v1/facilitators/{facilitator_id}/slots",
        {"facilitator": 200, "academy_admin": 200},
        "/v1/facilitators/{facilitator}/slots",
    ),
    Endpoint(
        "DELETE",
        "/v1/facilitators/{facilitator_id}/slots/{slot_id}",
        {"facilitator": 204, "academy_admin": 204},
        "/v1/facilitators/{facilitator}/slots/{free_slot}",
    ),
    # An administrator must name the participant they match or book for: 422 without one.
    Endpoint("POST", "/v1/matches", {"participant": 200, "academy_admin": 422}, body={}),
    Endpoint("POST", "/v1/bookings", {"participant": 201, "academy_admin": 422}, body="free_slot"),
    Endpoint("GET", "/v1/bookings", {"participant": 200, "facilitator": 200, "academy_admin": 200}),
    Endpoint(
        "GET",
        "/v1/bookings/{id}",
        {"participant": 200, "facilitator": 200, "academy_admin": 200},
        "/v1/bookings/{booking}",
        booking="confirmed",
    ),
    Endpoint(
        "POST",
        "/v1/bookings/{id}/confirm",
        {"participant": 200, "academy_admin": 200},
        "/v1/bookings/{booking}/confirm",
        booking="held",
    ),
    Endpoint(
        "POST",
        "/v1/bookings/{id}/cancel",
        {"participant": 200, "facilitator": 200, "academy_admin": 200},
        "/v1/bookings/{booking}/cancel",
        booking="confirmed",
    ),
    Endpoint(
        "POST",
        "/v1/bookings/{id}/reschedule",
        {"participant": 200, "academy_admin": 200},
        "/v1/bookings/{booking}/reschedule",
        body="free_slot",
        booking="confirmed",
    ),
    Endpoint(
        "POST",
        "/v1/bookings/{id}/complete",
        {"facilitator": 200, "academy_admin": 200},
        "/v1/bookings/{booking}/complete",
        booking="started",
    ),
    Endpoint(
        "POST",
        "/v1/bookings/{id}/rating",
        {"participant": 200},
        "/v1/bookings/{booking}/rating",
        body={"rating": 5},
        booking="completed",
    ),
    Endpoint("POST", "/v1/allocations", {"academy_admin": 202}, body="cohort"),
    Endpoint("GET", "/v1/allocations", {"academy_admin": 200}),
    Endpoint("GET", "/v1/allocations/{id}", {"academy_admin": 200}, "/v1/allocations/{allocation}"),
    # A queued allocation cannot be confirmed yet: 409 for the one role allowed to try.
    Endpoint("POST", "/v1/allocations/{id}/confirm", {"academy_admin": 409}, "/v1/allocations/{allocation}/confirm"),
    Endpoint("POST", "/v1/allocations/{id}/discard", {"academy_admin": 200}, "/v1/allocations/{allocation}/discard"),
    Endpoint("POST", "/v1/training/courses", {"academy_admin": 201}, body="course", training="trainer"),
    Endpoint("GET", "/v1/training/courses", {"facilitator": 200, "academy_admin": 200}),
    Endpoint(
        "GET",
        "/v1/training/courses/{id}",
        {"facilitator": 200, "academy_admin": 200},
        "/v1/training/courses/{course}",
        training="course",
    ),
    # A facilitator enrols only themself: naming someone else is forbidden to them.
    Endpoint(
        "POST",
        "/v1/training/courses/{id}/enrolments",
        {"academy_admin": 201},
        "/v1/training/courses/{course}/enrolments",
        body={"person": {"name": "Matrix Newcomer", "email": "newcomer@trust.example.org", "organisation": "RX1"}},
        training="course",
    ),
    # fac-1 is the course's trainer.
    Endpoint(
        "GET",
        "/v1/training/courses/{id}/enrolments",
        {"facilitator": 200, "academy_admin": 200},
        "/v1/training/courses/{course}/enrolments",
        training="enrolled",
    ),
    Endpoint("GET", "/v1/training/enrolments/mine", {"facilitator": 200}),
    # The learner may withdraw too; fac-1 is not the learner, so the enrolment is not theirs to see.
    Endpoint(
        "POST",
        "/v1/training/enrolments/{id}/withdraw",
        {"facilitator": 404, "academy_admin": 200},
        "/v1/training/enrolments/{enrolment}/withdraw",
        training="enrolled",
    ),
    Endpoint(
        "POST",
        "/v1/training/enrolments/{id}/attendance",
        {"facilitator": 200},
        "/v1/training/enrolments/{enrolment}/attendance",
        body={"attended": True},
        training="started",
    ),
    Endpoint(
        "POST",
        "/v1/training/enrolments/{id}/complete",
        {"facilitator": 200},
        "/v1/training/enrolments/{enrolment}/complete",
        training="attended",
    ),
    Endpoint(
        "POST",
        "/v1/training/assessments",
        {"academy_admin": 201},
        body={"name": "Matrix Learner", "email": "learner@trust.example.org", "score": 85, "assessed_on": "2031-03-01"},
    ),
    Endpoint("GET", "/v1/training/assessments", {"academy_admin": 200}),
    Endpoint("POST", "/v1/training/assessments/import", {"academy_admin": 200}, body="assessments_csv"),
    # fac-1 has delivered no feedback session yet: the one role allowed is refused with the reason.
    Endpoint("POST", "/v1/training/interests", {"facilitator": 409}, body={}),
    Endpoint("GET", "/v1/training/interests", {"academy_admin": 200}),
    # The public register: anyone signed in searches it; each facilitator chooses what it shows of them.
    Endpoint("GET", "/v1/register", ALL),
    Endpoint("GET", "/v1/facilitators/me/publication", {"facilitator": 200}),
    Endpoint("PUT", "/v1/facilitators/me/publication", {"facilitator": 200}, body={"is_listed": True}),
    # An organisation's internal course: its lead (a partner of RX1) asks, the region's administrators answer.
    Endpoint("POST", "/v1/course-requests", {"partner": 201}, body="course_request"),
    Endpoint("GET", "/v1/course-requests", {"partner": 200, "academy_admin": 200}),
    Endpoint(
        "GET",
        "/v1/course-requests/{id}",
        {"partner": 200, "academy_admin": 200},
        "/v1/course-requests/{course_request}",
    ),
    Endpoint(
        "POST",
        "/v1/course-requests/{id}/schedule",
        {"academy_admin": 200},
        "/v1/course-requests/{course_request}/schedule",
        body="schedule",
    ),
    Endpoint(
        "POST",
        "/v1/course-requests/{id}/decline",
        {"academy_admin": 200},
        "/v1/course-requests/{course_request}/decline",
        body={"reason": "No trainer is free in April"},
    ),
]

COURSE_REQUEST = {
    "organisation": "RX1",
    "region": "london",
    "contact": {"name": "Priya Shah", "email": "priya.shah@rx1.example.org"},
    "preferred_dates": {"start": "2031-04-01", "end": "2031-04-30"},
    "staff_count": 12,
}


def test_the_access_matrix_covers_every_api_endpoint_of_the_service(settings: Settings) -> None:
    documented = {
        (method.upper(), path)
        for path, operations in create_app(settings).openapi()["paths"].items()
        for method in operations
    }
    assert documented == {(e.method, e.route) for e in ENDPOINTS if not e.public}


@dataclass
class World:
    values: dict[str, str] = field(default_factory=dict)


def headers_for(auth: AuthHeaders, role: str | None) -> dict[str, str]:
    subjects = {
        "participant": "participant-1",
        "facilitator": "fac-1",
        "partner": "partner-1",
        "academy_admin": "admin-1",
    }
    if role is None:
        return {}
    return auth(role, sub=subjects[role], org="RX1" if role != "academy_admin" else "ACADEMY", region="london")


async def build_world(
    client: httpx.AsyncClient, auth: AuthHeaders, add_facilitator: Any, at: Any, clock: Any, endpoint: Endpoint
) -> World:
    world = World()
    trainer = {"level": "trainer", "trained_on": "2029-01-10", "expires_on": "2032-01-10"}
    facilitator = await add_facilitator(
        subject="fac-1",
        slots=[at(3), at(4)],
        slot_modes=["video"],
        **({"accreditation": trainer} if endpoint.training or endpoint.body == "schedule" else {}),
    )
    world.values["facilitator"] = facilitator["id"]
    world.values["slot"] = facilitator["slots"][0]["id"]
    world.values["free_slot"] = facilitator["slots"][1]["id"]
    participant = headers_for(auth, "participant")
    if endpoint.booking:
        confirm = endpoint.booking != "held"
        response = await client.post(
            "/v1/bookings", json={"slot_id": world.values["slot"], "confirm": confirm}, headers=participant
        )
        assert response.status_code == 201, response.text
        world.values["booking"] = response.json()["id"]
        if endpoint.booking in ("started", "completed"):
            clock.now = at(3, 12)
        if endpoint.booking == "completed":
            done = await client.post(
                f"/v1/bookings/{world.values['booking']}/complete", headers=headers_for(auth, "facilitator")
            )
            assert done.status_code == 200, done.text
    if endpoint.training in ("course", "enrolled", "started", "attended"):
        await _training_world(client, auth, at, clock, endpoint.training, world)
    if "{course_request}" in endpoint.path:
        asked = await client.post("/v1/course-requests", json=COURSE_REQUEST, headers=headers_for(auth, "partner"))
        assert asked.status_code == 201, asked.text
        world.values["course_request"] = asked.json()["id"]
    if "{allocation}" in endpoint.path:
        queued = await client.post(
            "/v1/allocations",
            json={
                "window": {"starts_at": "2031-03-03T09:00:00Z", "ends_at": "2031-04-01T00:00:00Z"},
                "participants": [{"participant_id": "p-1", "organisation": "RX1"}],
            },
            headers=headers_for(auth, "academy_admin"),
        )
        world.values["allocation"] = queued.json()["id"]
    return world


async def _training_world(
    client: httpx.AsyncClient, auth: AuthHeaders, at: Any, clock: Any, state: str, world: World
) -> None:
    admin = headers_for(auth, "academy_admin")
    course = await client.post("/v1/training/courses", json=_course(world), headers=admin)
    assert course.status_code == 201, course.text
    world.values["course"] = course.json()["id"]
    if state == "course":
        return
    learner = {"name": "Matrix Learner", "email": "learner@trust.example.org", "organisation": "RX1"}
    enrolled = await client.post(
        f"/v1/training/courses/{world.values['course']}/enrolments", json={"person": learner}, headers=admin
    )
    assert enrolled.status_code == 201, enrolled.text
    world.values["enrolment"] = enrolled.json()["id"]
    if state == "enrolled":
        return
    clock.now = at(17, 16)  # the course day
    if state == "started":
        return
    passed = {"name": "Matrix Learner", "email": "learner@trust.example.org", "score": 90, "assessed_on": "2031-03-01"}
    assert (await client.post("/v1/training/assessments", json=passed, headers=admin)).status_code == 201
    attended = await client.post(
        f"/v1/training/enrolments/{world.values['enrolment']}/attendance",
        json={"attended": True},
        headers=headers_for(auth, "facilitator"),
    )
    assert attended.status_code == 200, attended.text


def _course(world: World) -> dict[str, Any]:
    return {
        "kind": "facilitator_training",
        "title": "Facilitator training",
        "starts_on": "2031-03-20",
        "mode": "video",
        "capacity": 5,
        "trainer_id": world.values["facilitator"],
    }


def body_of(endpoint: Endpoint, world: World, new_facilitator: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    if endpoint.body == "facilitator":
        return {"json": new_facilitator()}
    if endpoint.body == "csv":
        return {"content": CSV_ROW.encode(), "headers": {"Content-Type": "text/csv"}}
    if endpoint.body == "assessments_csv":
        return {"content": ASSESSMENTS_CSV.encode(), "headers": {"Content-Type": "text/csv"}}
    if endpoint.body == "free_slot":
        return {"json": {"slot_id": world.values["free_slot"], **({} if endpoint.booking else {"mode": "video"})}}
    if endpoint.body == "course":
        return {"json": _course(world)}
    if endpoint.body == "course_request":
        return {"json": COURSE_REQUEST}
    if endpoint.body == "schedule":
        return {"json": {"course": _course(world)}}
    if endpoint.body == "cohort":
        return {
            "json": {
                "window": {"starts_at": "2031-03-03T09:00:00Z", "ends_at": "2031-04-01T00:00:00Z"},
                "participants": [{"participant_id": "p-1"}],
            }
        }
    return {"json": endpoint.body} if endpoint.body is not None else {}


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
async def test_role_by_endpoint(
    client: httpx.AsyncClient,
    auth: AuthHeaders,
    add_facilitator: Any,
    new_facilitator: Any,
    at: Any,
    clock: Any,
    stored_state: Any,
    assert_problem: Any,
    endpoint: Endpoint,
    role: str | None,
) -> None:
    world = await build_world(client, auth, add_facilitator, at, clock, endpoint)
    path = (endpoint.path or endpoint.route).format(**world.values)
    request = body_of(endpoint, world, new_facilitator)
    headers = {**headers_for(auth, role), **request.pop("headers", {})}
    expected = 200 if endpoint.public else 401 if role is None else endpoint.allowed.get(role, 403)
    before = await stored_state()

    async def call() -> httpx.Response:
        return await client.request(endpoint.method, path, headers=headers, **request)

    if endpoint.route == "/health/ready":
        response = await wait_for(lambda: _if_status(call(), expected))
    else:
        response = await call()

    if expected in (401, 403):
        problem = assert_problem(response, expected)
        assert problem["type"].endswith("/unauthenticated" if expected == 401 else "/forbidden")
        assert await stored_state() == before
    else:
        assert response.status_code == expected, response.text


async def _if_status(response: Awaitable[httpx.Response], status: int) -> httpx.Response | None:
    answered = await response
    return answered if answered.status_code == status else None
