"""An organisation's request for an internal facilitator training course, and the academy's answer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.testing.pytest_plugin import AuthHeaders

# Courses are held on Thursday 20 March 2031, 17 days after the tests' T0 (the training fixtures' day).
COURSE_DAY = "2031-03-20"

Problem = Callable[[httpx.Response, int], dict[str, Any]]
OutboxEvents = Callable[[str], Any]


def request_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "organisation": "RX1",
        "region": "london",
        "contact": {"name": "Priya Shah", "email": "priya.shah@rx1.example.org", "phone": "020 7946 0000"},
        "preferred_dates": {"start": "2031-04-01", "end": "2031-04-30"},
        "preferred_mode": "in_person",
        "staff_count": 12,
        "notes": "Ward managers of the surgical division",
    }
    body.update(overrides)
    return body


def course_body(trainer: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return {
        "course": {
            "kind": "facilitator_training",
            "title": "Facilitator training for RX1",
            "starts_on": COURSE_DAY,
            "mode": "in_person",
            "place": "RX1 education centre",
            "capacity": 12,
            "trainer_id": trainer["id"],
        }
        | overrides
    }


@pytest.fixture
def lead(auth: AuthHeaders) -> dict[str, str]:
    """The lead for leadership development at RX1, the organisation asking."""
    return auth("partner", sub="lead-rx1", org="RX1", region="london")


@pytest.fixture
def ask(client: httpx.AsyncClient, lead: dict[str, str]) -> Callable[..., Any]:
    async def post(headers: dict[str, str] | None = None, key: str | None = None, **overrides: Any) -> httpx.Response:
        sent = dict(headers or lead) | ({"Idempotency-Key": key} if key else {})
        return await client.post("/v1/course-requests", json=request_body(**overrides), headers=sent)

    return post


async def stored_requests(session: AsyncSession) -> list[tuple[str, ...]]:
    rows = await session.execute(
        text("SELECT id, status, course_id, decline_reason FROM facilitator.course_request ORDER BY requested_at")
    )
    return [tuple(str(v) for v in row) for row in rows]


async def course_count(session: AsyncSession) -> int:
    return int((await session.execute(text("SELECT count(*) FROM facilitator.training_course"))).scalar_one())


# --- asking ------------------------------------------------------------------------------------------


async def test_a_lead_asks_and_the_regions_administrator_sees_the_request(
    client: httpx.AsyncClient, admin: dict[str, str], lead: dict[str, str], ask: Any
) -> None:
    asked = await ask()

    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert asked.headers["Location"] == f"/v1/course-requests/{request['id']}"
    assert (request["status"], request["staff_count"], request["course_id"]) == ("requested", 12, None)
    assert request["contact"]["email"] == "priya.shah@rx1.example.org"
    listed = (await client.get("/v1/course-requests", headers=admin)).json()
    assert [r["id"] for r in listed["items"]] == [request["id"]]
    own = await client.get(f"/v1/course-requests/{request['id']}", headers=lead)
    assert (own.status_code, own.json()["status"]) == (200, "requested")


async def test_a_retry_with_the_same_key_makes_one_request(
    client: httpx.AsyncClient, admin: dict[str, str], ask: Any, assert_problem: Problem, session: AsyncSession
) -> None:
    first = await ask(key="rx1-request-1")
    again = await ask(key="rx1-request-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    reused = await ask(key="rx1-request-1", staff_count=40)
    assert assert_problem(reused, 409)["type"].endswith("idempotency-key-reused")
    assert len(await stored_requests(session)) == 1


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"staff_count": 0}, ["body", "staff_count"]),
        ({"staff_count": 2**31}, ["body", "staff_count"]),
        ({"staff_count": 501}, ["body", "staff_count"]),
        ({"staff_count": "a dozen"}, ["body", "staff_count"]),
        ({"preferred_dates": {"start": "2031-04-30", "end": "2031-04-01"}}, ["body", "preferred_dates"]),
        ({"preferred_mode": "carrier pigeon"}, ["body", "preferred_mode"]),
        ({"contact": {"name": "Priya Shah", "email": "not an address"}}, ["body", "contact", "email"]),
        ({"organisation": ""}, ["body", "organisation"]),
        # T0 is 3 March 2031: dates that have all passed cannot be met.
        ({"preferred_dates": {"start": "2031-02-01", "end": "2031-03-02"}}, ["body", "preferred_dates", "end"]),
        ({"budget": 1000}, ["body", "budget"]),
    ],
)
async def test_bad_input_is_refused_naming_the_field_and_stores_nothing(
    ask: Any, assert_problem: Problem, session: AsyncSession, overrides: dict[str, Any], loc: list[str]
) -> None:
    problem = assert_problem(await ask(**overrides), 422)

    assert [e["loc"][: len(loc)] for e in problem["errors"]] == [loc]
    assert await stored_requests(session) == []


# --- the academy's answer ----------------------------------------------------------------------------


async def test_scheduling_creates_the_course_links_it_and_publishes_the_answer(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    lead: dict[str, str],
    ask: Any,
    trainer: dict[str, Any],
    outbox_events: OutboxEvents,
) -> None:
    request = (await ask()).json()

    scheduled = await client.post(
        f"/v1/course-requests/{request['id']}/schedule", json=course_body(trainer), headers=admin
    )

    assert scheduled.status_code == 200, scheduled.text
    answer = scheduled.json()
    course = answer["course"]
    assert (answer["request"]["status"], answer["request"]["course_id"]) == ("scheduled", course["id"])
    shown = await client.get(f"/v1/training/courses/{course['id']}", headers=admin)
    assert (shown.status_code, shown.json()["kind"], shown.json()["capacity"]) == (200, "facilitator_training", 12)
    seen_by_lead = (await client.get(f"/v1/course-requests/{request['id']}", headers=lead)).json()
    assert (seen_by_lead["status"], seen_by_lead["course_id"]) == ("scheduled", course["id"])
    (event,) = await outbox_events(request["id"])
    assert event["type"] == "hlm.facilitator.course_request.decided.v1"
    assert event["data"] | {"decided_at": None} == {
        "request_id": request["id"],
        "organisation": "RX1",
        "region": "london",
        "outcome": "scheduled",
        "course_id": course["id"],
        "starts_on": COURSE_DAY,
        "reason": None,
        "decided_at": None,
    }


async def test_declining_records_the_reason_and_publishes_it(
    client: httpx.AsyncClient, admin: dict[str, str], lead: dict[str, str], ask: Any, outbox_events: OutboxEvents
) -> None:
    request = (await ask()).json()

    declined = await client.post(
        f"/v1/course-requests/{request['id']}/decline",
        json={"reason": "No trainer is free in April; please ask again for June"},
        headers=admin,
    )

    assert declined.status_code == 200, declined.text
    assert (declined.json()["status"], declined.json()["decline_reason"]) == (
        "declined",
        "No trainer is free in April; please ask again for June",
    )
    (event,) = await outbox_events(request["id"])
    assert (event["data"]["outcome"], event["data"]["course_id"]) == ("declined", None)
    assert event["data"]["reason"] == "No trainer is free in April; please ask again for June"


async def test_a_request_is_answered_once(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    ask: Any,
    trainer: dict[str, Any],
    assert_problem: Problem,
    session: AsyncSession,
    outbox_events: OutboxEvents,
) -> None:
    request = (await ask()).json()
    first = await client.post(f"/v1/course-requests/{request['id']}/schedule", json=course_body(trainer), headers=admin)
    assert first.status_code == 200, first.text

    again = await client.post(f"/v1/course-requests/{request['id']}/schedule", json=course_body(trainer), headers=admin)
    declined = await client.post(f"/v1/course-requests/{request['id']}/decline", json={"reason": "x"}, headers=admin)

    for refused in (again, declined):
        assert assert_problem(refused, 409)["type"].endswith("course-request-already-answered")
    assert await course_count(session) == 1
    assert len(await outbox_events(request["id"])) == 1


async def test_a_course_the_academy_could_not_run_leaves_the_request_open(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    ask: Any,
    trainer: dict[str, Any],
    add_facilitator: Any,
    assert_problem: Problem,
    session: AsyncSession,
    outbox_events: OutboxEvents,
) -> None:
    request = (await ask()).json()
    not_a_trainer = await add_facilitator()
    url = f"/v1/course-requests/{request['id']}/schedule"

    wrong_kind = await client.post(url, json=course_body(trainer, kind="train_the_trainer"), headers=admin)
    no_trainer = await client.post(url, json=course_body(not_a_trainer), headers=admin)
    in_the_past = await client.post(url, json=course_body(trainer, starts_on="2031-03-01"), headers=admin)

    assert assert_problem(wrong_kind, 422)["errors"][0]["loc"] == ["body", "course", "kind"]
    assert assert_problem(no_trainer, 422)["errors"][0]["type"] == "not_a_trainer"
    assert assert_problem(in_the_past, 422)["errors"][0]["type"] == "date_in_past"
    assert [row[1] for row in await stored_requests(session)] == ["requested"]
    assert await course_count(session) == 0
    assert await outbox_events(request["id"]) == []


async def test_a_decline_needs_a_reason(
    client: httpx.AsyncClient, admin: dict[str, str], ask: Any, assert_problem: Problem, session: AsyncSession
) -> None:
    request = (await ask()).json()

    for body in ({}, {"reason": "   "}, {"reason": "x" * 2001}):
        refused = await client.post(f"/v1/course-requests/{request['id']}/decline", json=body, headers=admin)
        assert assert_problem(refused, 422)["errors"][0]["loc"][:2] == ["body", "reason"]
    assert [row[1] for row in await stored_requests(session)] == ["requested"]


async def test_the_list_pages_and_filters_by_status(
    client: httpx.AsyncClient, admin: dict[str, str], ask: Any, clock: Any
) -> None:
    ids = []
    for n in range(3):
        clock.advance(timedelta(minutes=1))
        ids.append((await ask(staff_count=n + 1)).json()["id"])
    await client.post(f"/v1/course-requests/{ids[0]}/decline", json={"reason": "too few staff"}, headers=admin)

    first = (await client.get("/v1/course-requests", params={"limit": 2}, headers=admin)).json()
    rest = (
        await client.get("/v1/course-requests", params={"limit": 2, "cursor": first["next_cursor"]}, headers=admin)
    ).json()
    open_ones = (await client.get("/v1/course-requests", params={"status": "requested"}, headers=admin)).json()

    assert [r["id"] for r in first["items"]] + [r["id"] for r in rest["items"]] == ids
    assert rest["next_cursor"] is None
    assert [r["id"] for r in open_ones["items"]] == ids[1:]


# --- who may do what ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "org", "status"),
    [
        ("participant", "RX1", 403),
        ("facilitator", "RX1", 403),
        ("academy_admin", "RX1", 403),
        # A lead of another organisation cannot ask in RX1's name.
        ("partner", "RX2", 403),
    ],
)
async def test_only_the_organisations_own_lead_asks(
    ask: Any,
    auth: AuthHeaders,
    assert_problem: Problem,
    session: AsyncSession,
    role: str,
    org: str,
    status: int,
) -> None:
    assert_problem(await ask(headers=auth(role, sub=f"{role}-{org}", org=org, region="london")), status)
    assert await stored_requests(session) == []


async def test_asking_without_signing_in_is_refused(
    client: httpx.AsyncClient, assert_problem: Problem, session: AsyncSession
) -> None:
    assert_problem(await client.post("/v1/course-requests", json=request_body()), 401)
    assert await stored_requests(session) == []


async def test_who_sees_a_request(
    client: httpx.AsyncClient, admin: dict[str, str], ask: Any, auth: AuthHeaders, assert_problem: Problem
) -> None:
    request = (await ask()).json()
    url = f"/v1/course-requests/{request['id']}"
    other_admin = auth("academy_admin", sub="admin-ee", org="ACADEMY", region="east_of_england")

    assert (await client.get(url, headers=admin)).status_code == 200
    assert assert_problem(await client.get(url, headers=other_admin), 404)["type"].endswith("course-request-not-found")
    other_lead = auth("partner", sub="lead-rx2", org="RX2", region="london")
    assert_problem(await client.get(url, headers=other_lead), 404)
    assert_problem(await client.get(url, headers=auth("participant", sub="p-1", org="RX1")), 403)
    assert_problem(await client.get(url, headers=auth("facilitator", sub="f-1", org="RX1")), 403)


async def test_the_regions_administrators_list_requests_and_a_lead_their_organisations(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    lead: dict[str, str],
    ask: Any,
    auth: AuthHeaders,
    assert_problem: Problem,
) -> None:
    mine = (await ask()).json()
    other_lead = auth("partner", sub="lead-rx2", org="RX2", region="london")
    theirs = (await ask(headers=other_lead, organisation="RX2")).json()
    other_admin = auth("academy_admin", sub="admin-ee", org="ACADEMY", region="east_of_england")

    assert (await client.get("/v1/course-requests", headers=other_admin)).json()["items"] == []
    listed = {r["id"] for r in (await client.get("/v1/course-requests", headers=admin)).json()["items"]}
    assert listed == {mine["id"], theirs["id"]}
    # A lead sees only what their own organisation asked, in whichever region.
    assert [r["id"] for r in (await client.get("/v1/course-requests", headers=lead)).json()["items"]] == [mine["id"]]
    assert [r["id"] for r in (await client.get("/v1/course-requests", headers=other_lead)).json()["items"]] == [
        theirs["id"]
    ]
    for headers in (auth("participant", sub="p-1", org="RX1"), auth("facilitator", sub="f-1", org="RX1")):
        assert_problem(await client.get("/v1/course-requests", headers=headers), 403)


@pytest.mark.parametrize("action", ["schedule", "decline"])
async def test_only_an_administrator_of_the_region_answers(
    client: httpx.AsyncClient,
    lead: dict[str, str],
    ask: Any,
    auth: AuthHeaders,
    trainer: dict[str, Any],
    assert_problem: Problem,
    session: AsyncSession,
    outbox_events: OutboxEvents,
    action: str,
) -> None:
    request = (await ask()).json()
    url = f"/v1/course-requests/{request['id']}/{action}"
    body = course_body(trainer) if action == "schedule" else {"reason": "no trainer free"}
    other_admin = auth("academy_admin", sub="admin-ee", org="ACADEMY", region="east_of_england")

    assert_problem(await client.post(url, json=body, headers=lead), 403)
    assert_problem(await client.post(url, json=body, headers=auth("participant", sub="p-1", org="RX1")), 403)
    assert_problem(await client.post(url, json=body, headers=auth("facilitator", sub="trainer-1", org="RYJ")), 403)
    assert_problem(await client.post(url, json=body, headers=other_admin), 404)

    assert [row[1] for row in await stored_requests(session)] == ["requested"]
    assert await course_count(session) == 0
    assert await outbox_events(request["id"]) == []


async def test_two_administrators_answering_at_once_give_one_answer(
    live_client: Any, live_region: str, auth: AuthHeaders, new_facilitator: Any, engine: Any, clock: Any
) -> None:
    admins = [auth("academy_admin", sub=f"admin-{n}", region=live_region) for n in (1, 2)]
    lead = auth("partner", sub="lead-live", org="RX1", region=live_region)
    trainer_accreditation = {"level": "trainer", "trained_on": "2029-01-10", "expires_on": "2032-01-10"}
    async with live_client(clock=clock, db_pool_size=10) as client:
        trainer = (
            await client.post(
                "/v1/facilitators", json=new_facilitator(accreditation=trainer_accreditation), headers=admins[0]
            )
        ).json()
        asked = await client.post("/v1/course-requests", json=request_body(region=live_region), headers=lead)
        url = f"/v1/course-requests/{asked.json()['id']}"

        answers = await asyncio.gather(
            client.post(f"{url}/schedule", json=course_body(trainer), headers=admins[0]),
            client.post(f"{url}/decline", json={"reason": "no trainer free"}, headers=admins[1]),
            client.post(f"{url}/schedule", json=course_body(trainer), headers=admins[1]),
        )

    assert sorted(a.status_code for a in answers) == [200, 409, 409], [a.text for a in answers]
    async with engine.connect() as connection:
        courses = (
            await connection.execute(
                text("SELECT count(*) FROM facilitator.training_course WHERE region = :r"), {"r": live_region}
            )
        ).scalar_one()
        events = (
            await connection.execute(
                text("SELECT count(*) FROM facilitator.outbox_message WHERE subject = :s"),
                {"s": asked.json()["id"]},
            )
        ).scalar_one()
    winner = next(a for a in answers if a.status_code == 200)
    assert courses == (1 if "course" in winner.json() else 0)
    assert events == 1
