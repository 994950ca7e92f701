"""A facilitator's own places and waiting-list entries through GraphQL, against facilitator-svc in-process:
what the web front's Training courses page shows them, with their position on a full course's list."""

from __future__ import annotations

from typing import Any

from hlm_kit.testing.pytest_plugin import AuthHeaders

from .test_training import ENROL, ENROLMENT, Academy, error_codes, graphql, person

MINE = f"{{ myEnrolments {{ {ENROLMENT} }} }}"


async def test_a_facilitator_reads_their_places_and_waiting_positions(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders
) -> None:
    academy = Academy(auth)
    async with gateway_with(journey_services) as gateway:
        await academy.register(gateway)
        full = await academy.create_course(gateway, capacity=1)
        later = await academy.create_course(
            gateway, capacity=2, startsOn=academy.course_day.replace(year=academy.course_day.year + 1).isoformat()
        )
        await graphql(gateway, academy.admin, ENROL, courseId=full["id"], person=person("Pat Placed", academy.tag))
        waiting = (await graphql(gateway, academy.facilitator, ENROL, courseId=full["id"]))["enrol"]
        placed = (await graphql(gateway, academy.facilitator, ENROL, courseId=later["id"]))["enrol"]

        mine = (await graphql(gateway, academy.facilitator, MINE))["myEnrolments"]
        the_trainers = (await graphql(gateway, academy.trainer, MINE))["myEnrolments"]
        participant = await error_codes(gateway, academy.participant, MINE)

    assert [(e["id"], e["courseId"], e["status"], e["waitingPosition"]) for e in mine] == [
        (placed["id"], later["id"], "ENROLLED", None),
        (waiting["id"], full["id"], "WAITING", 1),
    ]
    assert the_trainers == []
    assert participant == ["FORBIDDEN"]
