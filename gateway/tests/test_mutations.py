"""A participant's journey through GraphQL mutations, against survey- and facilitator-svc running
in-process: expected refusals come back as typed results (ThresholdNotMet, BookingConflict), not errors."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from hlm_kit.testing.pytest_plugin import AuthHeaders

HLM_360 = "d64d23aa-0e25-53c0-8b12-810a2047e60e"

CREATE = """
mutation ($input: CreateCycleInput!) { createCycle(input: $input) { id kind status } }
"""
NOMINATE = """
mutation ($cycleId: ID!, $raters: [RaterInput!]!) {
  nominateRaters(cycleId: $cycleId, raters: $raters) { raterGroup name }
}
"""
OPEN = """
mutation ($cycleId: ID!, $closesAt: DateTime!) {
  openCycle(cycleId: $cycleId, closesAt: $closesAt) {
    __typename
    ... on Cycle { id status }
    ... on ThresholdNotMet { message problems { location message type } }
  }
}
"""
CYCLES = "{ cycles(first: 10) { edges { node { id status } } } }"
HOLD = """
mutation ($slotId: ID!, $cycleId: ID!) {
  holdSession(slotId: $slotId, cycleId: $cycleId) {
    __typename
    ... on FeedbackSession { id status facilitatorName startsAt }
    ... on BookingConflict { message }
  }
}
"""


async def graphql(gateway: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any) -> Any:
    response = await gateway.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_a_360_with_too_few_raters_does_not_open_and_says_why(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    headers = auth("participant", sub=participant_sub)
    raters = [
        {"name": "Lee Manager", "email": "lee@example.org", "raterGroup": "LINE_MANAGER"},
        {"name": "Pat Peer", "email": "pat@example.org", "raterGroup": "PEER"},
    ]
    closes_at = (datetime.now(UTC) + timedelta(days=14)).isoformat()

    async with gateway_with(journey_services) as gateway:
        created = await graphql(
            gateway,
            headers,
            CREATE,
            input={"kind": "FEEDBACK_360", "questionnaireId": HLM_360, "participantName": "Sam Participant"},
        )
        cycle = created["createCycle"]
        assert cycle["kind"] == "feedback_360"
        assert cycle["status"] == "draft"

        nominated = await graphql(gateway, headers, NOMINATE, cycleId=cycle["id"], raters=raters)
        assert sorted(nominated["nominateRaters"], key=lambda n: n["name"]) == [
            {"raterGroup": "line_manager", "name": "Lee Manager"},
            {"raterGroup": "peer", "name": "Pat Peer"},
        ]

        refused = (await graphql(gateway, headers, OPEN, cycleId=cycle["id"], closesAt=closes_at))["openCycle"]
        assert refused["__typename"] == "ThresholdNotMet"
        assert refused["message"] == "1 reason(s) the cycle cannot open"
        assert refused["problems"] == [
            {
                "location": ["raters"],
                "message": "2 rater(s) nominated; this cycle needs at least 4",
                "type": "too_few_raters",
            }
        ]

        listed = await graphql(gateway, headers, CYCLES)
    assert [edge["node"] for edge in listed["cycles"]["edges"]] == [{"id": cycle["id"], "status": "draft"}]


async def test_nominations_never_show_a_raters_email(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    async with gateway_with(journey_services) as gateway:
        response = await gateway.post(
            "/graphql",
            json={"query": 'mutation { nominateRaters(cycleId: "x", raters: []) { email } }'},
            headers=auth("participant", sub=participant_sub),
        )
    assert "Cannot query field 'email'" in response.json()["errors"][0]["message"]


async def add_facilitator_slot(facilitator: Any, admin: dict[str, str], starts_at: datetime) -> str:
    """A facilitator of the admin's region with one video slot, through facilitator-svc's REST API."""
    async with httpx.AsyncClient(transport=facilitator, base_url="http://facilitator-svc") as client:
        n = uuid.uuid4().hex[:8]
        created = await client.post(
            "/v1/facilitators",
            json={
                "name": f"Facilitator {n}",
                "email": f"facilitator-{n}@academy.example.org",
                "organisation": "RYJ",
                "accreditation": {"level": "facilitator", "trained_on": "2024-06-01", "expires_on": "2099-06-01"},
                "capacity_per_month": 4,
                "modes": ["video"],
                "languages": ["en"],
                "specialisms": [],
            },
            headers=admin,
        )
        assert created.status_code == 201, created.text
        slots = await client.post(
            f"/v1/facilitators/{created.json()['id']}/slots",
            json={
                "slots": [{"starts_at": starts_at.isoformat(), "ends_at": (starts_at + timedelta(hours=1)).isoformat()}]
            },
            headers=admin,
        )
        assert slots.status_code == 201, slots.text
        slot_id: str = slots.json()["items"][0]["id"]
        return slot_id


async def test_a_slot_someone_else_holds_is_a_booking_conflict(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    admin = auth("academy_admin", sub="gateway-admin", org="ACADEMY", region="london")
    starts_at = (datetime.now(UTC) + timedelta(days=10)).replace(hour=10, minute=0, second=0, microsecond=0)
    slot_id = await add_facilitator_slot(journey_services["facilitator"], admin, starts_at)
    first = auth("participant", sub=participant_sub, region="london")
    second = auth("participant", sub=f"gateway-other-{uuid.uuid4().hex[:8]}", region="london")

    async with gateway_with(journey_services) as gateway:
        held = (await graphql(gateway, first, HOLD, slotId=slot_id, cycleId=str(uuid.uuid4())))["holdSession"]
        refused = (await graphql(gateway, second, HOLD, slotId=slot_id, cycleId=str(uuid.uuid4())))["holdSession"]

    assert held["__typename"] == "FeedbackSession"
    assert held["status"] == "held"
    assert datetime.fromisoformat(held["startsAt"]) == starts_at
    assert refused["__typename"] == "BookingConflict"
    assert refused["message"] == "someone else holds or has booked this slot"
