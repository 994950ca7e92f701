"""Facilitator training: places and the waiting list, the e-learning assessment, interest in
train-the-trainer, and the accreditation a completed course grants."""

from __future__ import annotations

from typing import Any

import httpx

from hlm_kit.testing.pytest_plugin import AuthHeaders

# Courses are held on Thursday 20 March 2031, 17 days after the tests' T0.
COURSE_DAY_OFFSET = 17
TRAINER = {"level": "trainer", "trained_on": "2029-01-10", "expires_on": "2032-01-10"}
AddCourse = DeliverSessions = Enrol = Any


def reasons(problem: dict[str, Any]) -> dict[str, str]:
    return {e["type"]: e["msg"] for e in problem["errors"]}


async def record_assessment(client: httpx.AsyncClient, admin: dict[str, str], name: str, score: int) -> None:
    email = f"{name.lower().replace(' ', '.')}@trust.example.org"
    body = {"name": name, "email": email, "score": score, "assessed_on": "2031-03-01"}
    response = await client.post("/v1/training/assessments", json=body, headers=admin)
    assert response.status_code == 201, response.text


# --- places and the waiting list ---------------------------------------------------------------------


async def test_over_capacity_people_join_the_waiting_list_in_order(
    client: httpx.AsyncClient, admin: dict[str, str], add_course: AddCourse, enrol: Enrol
) -> None:
    course = await add_course(capacity=2)

    answers = [await enrol(course, name) for name in ("Ann Ash", "Ben Birch", "Cat Cedar", "Dan Deal")]

    assert [r.status_code for r in answers] == [201] * 4
    assert [(r.json()["status"], r.json()["waiting_position"]) for r in answers] == [
        ("enrolled", None),
        ("enrolled", None),
        ("waiting", 1),
        ("waiting", 2),
    ]
    shown = (await client.get(f"/v1/training/courses/{course['id']}", headers=admin)).json()
    assert (shown["places_taken"], shown["waiting"]) == (2, 2)


async def test_a_withdrawal_moves_the_first_on_the_waiting_list_up(
    client: httpx.AsyncClient, admin: dict[str, str], add_course: AddCourse, enrol: Enrol, clock: Any
) -> None:
    course = await add_course(capacity=1)
    ann = (await enrol(course, "Ann Ash")).json()
    ben = (await enrol(course, "Ben Birch")).json()
    await enrol(course, "Cat Cedar")

    withdrawn = await client.post(f"/v1/training/enrolments/{ann['id']}/withdraw", headers=admin)

    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["withdrawn"]["status"] == "withdrawn"
    promoted = withdrawn.json()["promoted"]
    assert (promoted["id"], promoted["status"]) == (ben["id"], "enrolled")
    assert promoted["promoted_at"] is not None
    listed = (await client.get(f"/v1/training/courses/{course['id']}/enrolments", headers=admin)).json()["items"]
    assert [(e["name"], e["status"], e["waiting_position"]) for e in listed] == [
        ("Ben Birch", "enrolled", None),
        ("Cat Cedar", "waiting", 1),
        ("Ann Ash", "withdrawn", None),
    ]


async def test_leaving_the_waiting_list_moves_nobody_into_a_place(
    client: httpx.AsyncClient, admin: dict[str, str], add_course: AddCourse, enrol: Enrol
) -> None:
    course = await add_course(capacity=1)
    await enrol(course, "Ann Ash")
    ben = (await enrol(course, "Ben Birch")).json()
    await enrol(course, "Cat Cedar")

    withdrawn = await client.post(f"/v1/training/enrolments/{ben['id']}/withdraw", headers=admin)

    assert withdrawn.json()["promoted"] is None
    shown = (await client.get(f"/v1/training/courses/{course['id']}", headers=admin)).json()
    assert (shown["places_taken"], shown["waiting"]) == (1, 1)


async def test_a_person_is_on_a_course_once(add_course: AddCourse, enrol: Enrol, assert_problem: Any) -> None:
    course = await add_course(capacity=1)
    await enrol(course, "Ann Ash")

    again = await enrol(course, "Ann Ash")

    assert assert_problem(again, 409)["type"].endswith("/already-enrolled")


async def test_a_facilitator_enrols_themself_and_withdraws(
    client: httpx.AsyncClient, add_course: AddCourse, add_facilitator: Any, auth: AuthHeaders
) -> None:
    course = await add_course(capacity=3)
    me = await add_facilitator(subject="fac-renewing")
    headers = auth("facilitator", sub="fac-renewing", region="london")

    enrolled = await client.post(f"/v1/training/courses/{course['id']}/enrolments", headers=headers)
    assert enrolled.status_code == 201, enrolled.text
    assert (enrolled.json()["facilitator_id"], enrolled.json()["status"]) == (me["id"], "enrolled")

    withdrawn = await client.post(f"/v1/training/enrolments/{enrolled.json()['id']}/withdraw", headers=headers)
    assert withdrawn.status_code == 200, withdrawn.text


# --- courses -----------------------------------------------------------------------------------------


async def test_only_a_facilitator_at_trainer_level_runs_a_course(
    client: httpx.AsyncClient, admin: dict[str, str], add_facilitator: Any, assert_problem: Any
) -> None:
    facilitator = await add_facilitator()
    body = {
        "kind": "facilitator_training",
        "title": "Facilitator training",
        "starts_on": "2031-03-20",
        "mode": "video",
        "capacity": 12,
        "trainer_id": facilitator["id"],
    }

    response = await client.post("/v1/training/courses", json=body, headers=admin)

    problem = assert_problem(response, 422)
    assert reasons(problem) == {"not_a_trainer": "only a facilitator accredited at trainer level runs courses"}


async def test_another_regions_course_does_not_exist_for_an_administrator(
    client: httpx.AsyncClient, auth: AuthHeaders, add_course: AddCourse, assert_problem: Any
) -> None:
    course = await add_course()
    other = auth("academy_admin", sub="admin-north", region="north_west")

    assert_problem(await client.get(f"/v1/training/courses/{course['id']}", headers=other), 404)
    listed = await client.get("/v1/training/courses", headers=other)
    assert listed.json()["items"] == []


# --- completion and accreditation --------------------------------------------------------------------


async def test_completion_without_a_passed_assessment_is_refused_with_the_reason(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    add_course: AddCourse,
    enrol: Enrol,
    trainer_headers: dict[str, str],
    clock: Any,
    at: Any,
    assert_problem: Any,
    stored_state: Any,
) -> None:
    course = await add_course()
    ann = (await enrol(course, "Ann Ash")).json()
    clock.now = at(COURSE_DAY_OFFSET, 16)
    attended = await client.post(
        f"/v1/training/enrolments/{ann['id']}/attendance", json={"attended": True}, headers=trainer_headers
    )
    assert attended.status_code == 200, attended.text
    before = await stored_state()

    unassessed = await client.post(f"/v1/training/enrolments/{ann['id']}/complete", headers=trainer_headers)

    problem = assert_problem(unassessed, 409)
    assert problem["type"].endswith("/completion-refused")
    assert "no e-learning assessment result" in reasons(problem)["assessment_not_passed"]
    assert await stored_state() == before

    await record_assessment(client, admin, "Ann Ash", 72)
    failed = await client.post(f"/v1/training/enrolments/{ann['id']}/complete", headers=trainer_headers)

    assert reasons(assert_problem(failed, 409)) == {
        "assessment_not_passed": "the e-learning assessment is not passed: the best score recorded is 72% "
        "(pass mark 80%)"
    }


async def test_completion_needs_attendance(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    add_course: AddCourse,
    enrol: Enrol,
    trainer_headers: dict[str, str],
    clock: Any,
    at: Any,
    assert_problem: Any,
) -> None:
    course = await add_course()
    ann = (await enrol(course, "Ann Ash")).json()
    await record_assessment(client, admin, "Ann Ash", 90)
    clock.now = at(COURSE_DAY_OFFSET, 16)

    response = await client.post(f"/v1/training/enrolments/{ann['id']}/complete", headers=trainer_headers)

    assert set(reasons(assert_problem(response, 409))) == {"attendance_not_recorded"}


async def test_completion_adds_a_new_person_to_the_register_inactive_and_announces_the_accreditation(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    add_course: AddCourse,
    enrol: Enrol,
    trainer_headers: dict[str, str],
    clock: Any,
    at: Any,
    outbox_events: Any,
) -> None:
    course = await add_course()
    ann = (await enrol(course, "Ann Ash")).json()
    # The pass mark itself passes.
    await record_assessment(client, admin, "Ann Ash", 80)
    clock.now = at(COURSE_DAY_OFFSET, 16)
    await client.post(
        f"/v1/training/enrolments/{ann['id']}/attendance", json={"attended": True}, headers=trainer_headers
    )

    completed = await client.post(f"/v1/training/enrolments/{ann['id']}/complete", headers=trainer_headers)

    assert completed.status_code == 200, completed.text
    grant = completed.json()["accreditation"]
    assert grant | {"facilitator_id": None} == {
        "facilitator_id": None,
        "level": "facilitator",
        "granted_on": "2031-03-20",
        "expires_on": "2034-03-20",
        "added_to_register": True,
    }
    assert completed.json()["enrolment"]["status"] == "completed"
    entry = (await client.get(f"/v1/facilitators/{grant['facilitator_id']}", headers=admin)).json()
    assert (entry["name"], entry["email"], entry["organisation"], entry["region"]) == (
        "Ann Ash",
        "ann.ash@trust.example.org",
        "RX1",
        "london",
    )
    assert entry["status"] == "inactive"
    assert entry["accreditation"] | {"is_current": None} == {
        "level": "facilitator",
        "trained_on": "2031-03-20",
        "expires_on": "2034-03-20",
        "is_current": None,
    }
    (event,) = await outbox_events(grant["facilitator_id"])
    assert event["type"] == "hlm.facilitator.accreditation.granted.v1"
    assert event["data"] == {
        "facilitator_id": grant["facilitator_id"],
        "level": "facilitator",
        "granted_on": "2031-03-20",
        "expires_on": "2034-03-20",
    }


async def test_completion_renews_a_registered_facilitators_accreditation(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    add_course: AddCourse,
    add_facilitator: Any,
    trainer_headers: dict[str, str],
    clock: Any,
    at: Any,
    outbox_events: Any,
) -> None:
    course = await add_course()
    facilitator = await add_facilitator(
        accreditation={"level": "facilitator", "trained_on": "2028-04-01", "expires_on": "2031-04-01"}
    )
    enrolled = await client.post(
        f"/v1/training/courses/{course['id']}/enrolments", json={"facilitator_id": facilitator["id"]}, headers=admin
    )
    assessment = {"name": facilitator["name"], "email": facilitator["email"], "score": 95, "assessed_on": "2031-03-02"}
    await client.post("/v1/training/assessments", json=assessment, headers=admin)
    clock.now = at(COURSE_DAY_OFFSET, 16)
    enrolment = enrolled.json()["id"]
    await client.post(
        f"/v1/training/enrolments/{enrolment}/attendance", json={"attended": True}, headers=trainer_headers
    )

    completed = await client.post(f"/v1/training/enrolments/{enrolment}/complete", headers=trainer_headers)

    assert completed.json()["accreditation"]["added_to_register"] is False
    entry = (await client.get(f"/v1/facilitators/{facilitator['id']}", headers=admin)).json()
    assert (entry["status"], entry["accreditation"]["expires_on"]) == ("active", "2034-03-20")
    assert [e["data"]["expires_on"] for e in await outbox_events(facilitator["id"])] == ["2034-03-20"]


async def test_attendance_and_completion_are_recorded_by_the_courses_trainer_alone(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    add_course: AddCourse,
    add_facilitator: Any,
    enrol: Enrol,
    auth: AuthHeaders,
    clock: Any,
    at: Any,
    assert_problem: Any,
) -> None:
    course = await add_course()
    ann = (await enrol(course, "Ann Ash")).json()
    await add_facilitator(subject="another-trainer", accreditation={**TRAINER, "expires_on": "2033-01-01"})
    clock.now = at(COURSE_DAY_OFFSET, 16)
    path = f"/v1/training/enrolments/{ann['id']}/attendance"

    other = auth("facilitator", sub="another-trainer", region="london")
    assert_problem(await client.post(path, json={"attended": True}, headers=other), 404)
    assert_problem(await client.post(path, json={"attended": True}, headers=admin), 403)


# --- train-the-trainer -------------------------------------------------------------------------------


async def test_interest_in_train_the_trainer_is_refused_with_the_reason_until_enough_sessions_are_delivered(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    add_facilitator: Any,
    deliver_sessions: DeliverSessions,
    auth: AuthHeaders,
    assert_problem: Any,
    stored_state: Any,
) -> None:
    facilitator = await add_facilitator(subject="fac-keen", capacity_per_month=20)
    headers = auth("facilitator", sub="fac-keen", region="london")
    await deliver_sessions(facilitator, headers, 9)
    before = await stored_state()

    refused = await client.post(
        "/v1/training/interests", json={"statement": "I'd like to train others"}, headers=headers
    )

    problem = assert_problem(refused, 409)
    assert problem["type"].endswith("/not-eligible")
    assert reasons(problem) == {
        "too_few_sessions": "9 feedback session(s) delivered; train-the-trainer asks for at least 10"
    }
    assert await stored_state() == before

    await deliver_sessions(facilitator, headers, 1)
    accepted = await client.post(
        "/v1/training/interests", json={"statement": "I'd like to train others"}, headers=headers
    )

    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["delivered_sessions"] == 10
    listed = (await client.get("/v1/training/interests", headers=admin)).json()["items"]
    assert [(i["facilitator_id"], i["statement"]) for i in listed] == [(facilitator["id"], "I'd like to train others")]
    again = await client.post("/v1/training/interests", headers=headers)
    assert assert_problem(again, 409)["type"].endswith("/interest-already-expressed")


async def test_an_expired_accreditation_is_a_reason_too(
    client: httpx.AsyncClient, add_facilitator: Any, auth: AuthHeaders, assert_problem: Any
) -> None:
    await add_facilitator(
        subject="fac-lapsed",
        accreditation={"level": "facilitator", "trained_on": "2027-01-01", "expires_on": "2030-01-01"},
    )

    refused = await client.post(
        "/v1/training/interests", headers=auth("facilitator", sub="fac-lapsed", region="london")
    )

    assert set(reasons(assert_problem(refused, 409))) == {"accreditation_expired", "too_few_sessions"}


async def test_train_the_trainer_is_closed_to_people_not_yet_eligible(
    add_course: AddCourse, enrol: Enrol, assert_problem: Any
) -> None:
    course = await add_course(kind="train_the_trainer", title="Train the trainer")

    refused = await enrol(course, "Ann Ash")

    assert set(reasons(assert_problem(refused, 409))) == {"not_accredited"}


async def test_completing_train_the_trainer_grants_the_trainer_level(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    add_course: AddCourse,
    add_facilitator: Any,
    deliver_sessions: DeliverSessions,
    auth: AuthHeaders,
    trainer_headers: dict[str, str],
    clock: Any,
    at: Any,
    outbox_events: Any,
) -> None:
    course = await add_course(kind="train_the_trainer", title="Train the trainer")
    facilitator = await add_facilitator(subject="fac-keen", capacity_per_month=20)
    await deliver_sessions(facilitator, auth("facilitator", sub="fac-keen", region="london"), 10)
    enrolled = await client.post(
        f"/v1/training/courses/{course['id']}/enrolments", json={"facilitator_id": facilitator["id"]}, headers=admin
    )
    assert enrolled.status_code == 201, enrolled.text
    enrolment = enrolled.json()["id"]
    clock.now = at(COURSE_DAY_OFFSET, 16)
    await client.post(
        f"/v1/training/enrolments/{enrolment}/attendance", json={"attended": True}, headers=trainer_headers
    )

    # No e-learning assessment: train-the-trainer does not ask for one.
    completed = await client.post(f"/v1/training/enrolments/{enrolment}/complete", headers=trainer_headers)

    assert completed.status_code == 200, completed.text
    assert completed.json()["accreditation"]["level"] == "trainer"
    entry = (await client.get(f"/v1/facilitators/{facilitator['id']}", headers=admin)).json()
    assert entry["accreditation"]["level"] == "trainer"
    assert [e["data"]["level"] for e in await outbox_events(facilitator["id"])] == ["trainer"]


async def test_the_pass_mark_is_a_setting_and_a_result_keeps_the_mark_it_was_judged_against(
    live_client: Any, live_region: str, auth: AuthHeaders
) -> None:
    admin = auth("academy_admin", sub="admin-marks", region=live_region)
    result = {"name": "Ann Ash", "email": f"ann@{live_region}.example.org", "score": 72, "assessed_on": "2031-03-01"}

    async with live_client(training_pass_mark_percent=70) as client:
        lenient = (await client.post("/v1/training/assessments", json=result, headers=admin)).json()
    async with live_client() as client:
        default = (await client.post("/v1/training/assessments", json=result, headers=admin)).json()
        listed = (await client.get("/v1/training/assessments", headers=admin)).json()["items"]

    assert (lenient["pass_mark"], lenient["is_passed"]) == (70, True)
    assert (default["pass_mark"], default["is_passed"]) == (80, False)
    assert [(a["pass_mark"], a["is_passed"]) for a in listed] == [(70, True), (80, False)]
