"""Coaching and mentoring through GraphQL, against facilitator-svc running in-process on the real database:
a coach added to the register offers coaching slots, a participant finds and holds one of their own (no
cycle), and the kind shows on slots, matches and sessions; a feedback slot is never held as coaching."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from hlm_kit.testing.pytest_plugin import AuthHeaders

from .test_booking import HOLD, REGISTER, at, graphql, graphql_errors, region_of_this_test

ADD_AVAILABILITY = """
mutation ($facilitatorId: ID!, $slots: [SlotInput!]!) {
  addAvailability(facilitatorId: $facilitatorId, slots: $slots) {
    __typename
    ... on AvailabilityAdded { slots { id kind } }
    ... on RegisterRefused { message code problems { location message type } }
  }
}
"""
AVAILABILITY = """
query ($facilitatorId: ID!, $kind: SessionKind) {
  availability(facilitatorId: $facilitatorId, kind: $kind) { id kind isBooked }
}
"""
COACHING_MATCHES = """
query ($kind: SessionKind!, $window: TimeWindowInput) {
  coachingMatches(kind: $kind, window: $window, limit: 100) {
    facilitator { id }
    slots { slotId kind }
  }
}
"""
HOLD_COACHING = """
mutation ($slotId: ID!, $kind: SessionKind!) {
  holdCoachingSession(slotId: $slotId, kind: $kind, mode: VIDEO) {
    __typename
    ... on FeedbackSession { id kind status cycleId slotId }
    ... on BookingConflict { message code problems { location message type } }
  }
}
"""
SESSIONS = """
query ($kind: SessionKind) {
  feedbackSessions(first: 50, kind: $kind) { edges { node { id kind } } }
}
"""


async def test_a_participant_finds_and_holds_a_coaching_session_with_a_coach_of_the_register(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    region = region_of_this_test()
    admin = auth("academy_admin", sub=f"admin-{region}", org="ACADEMY", region=region)
    participant = auth("participant", sub=participant_sub, org="RX1", region=region)
    window = {"startsAt": at(19, 0).isoformat(), "endsAt": at(23, 0).isoformat()}
    n = uuid.uuid4().hex[:8]
    accreditation = {"level": "FACILITATOR", "trainedOn": "2024-06-01", "expiresOn": "2099-06-01"}

    async with gateway_with(journey_services) as gateway:
        registered = await graphql(
            gateway,
            admin,
            REGISTER,
            input={
                "name": f"Coach {n}",
                "email": f"coach-{n}@academy.example.org",
                "organisation": "RYJ",
                "accreditation": accreditation,
                "capacityPerMonth": 6,
                "modes": ["VIDEO"],
                "sessionKinds": ["COACHING", "FEEDBACK"],
            },
        )
        coach_id = registered["registerFacilitator"]["id"]

        def slot(day: int, kind: str | None) -> dict[str, Any]:
            start = at(day, 9)
            return {"startsAt": start.isoformat(), "endsAt": (start + timedelta(hours=1)).isoformat()} | (
                {"kind": kind} if kind else {}
            )

        added = (
            await graphql(
                gateway, admin, ADD_AVAILABILITY, facilitatorId=coach_id, slots=[slot(20, "COACHING"), slot(21, None)]
            )
        )["addAvailability"]
        assert added["__typename"] == "AvailabilityAdded", added
        coaching_slot, feedback_slot = (s["id"] for s in added["slots"])
        assert [s["kind"] for s in added["slots"]] == ["COACHING", "FEEDBACK"]
        refused = (
            await graphql(gateway, admin, ADD_AVAILABILITY, facilitatorId=coach_id, slots=[slot(22, "MENTORING")])
        )["addAvailability"]
        assert refused["__typename"] == "RegisterRefused"
        assert [p["type"] for p in refused["problems"]] == ["kind_not_offered"]

        matches = (await graphql(gateway, participant, COACHING_MATCHES, kind="COACHING", window=window))[
            "coachingMatches"
        ]
        mine = next(m for m in matches if m["facilitator"]["id"] == coach_id)
        assert mine["slots"] == [{"slotId": coaching_slot, "kind": "COACHING"}]
        assert (await graphql(gateway, participant, COACHING_MATCHES, kind="MENTORING", window=window))[
            "coachingMatches"
        ] == []

        wrong = (await graphql(gateway, participant, HOLD_COACHING, slotId=feedback_slot, kind="COACHING"))[
            "holdCoachingSession"
        ]
        assert (wrong["__typename"], [p["type"] for p in wrong["problems"]]) == ("BookingConflict", ["kind_mismatch"])
        as_feedback = (await graphql(gateway, participant, HOLD, slotId=coaching_slot, cycleId=str(uuid.uuid4())))[
            "holdSession"
        ]
        assert (as_feedback["__typename"], [p["type"] for p in as_feedback["problems"]]) == (
            "BookingConflict",
            ["kind_mismatch"],
        )

        held = (await graphql(gateway, participant, HOLD_COACHING, slotId=coaching_slot, kind="COACHING"))[
            "holdCoachingSession"
        ]
        assert held == {
            "__typename": "FeedbackSession",
            "id": held["id"],
            "kind": "COACHING",
            "status": "held",
            "cycleId": None,
            "slotId": coaching_slot,
        }
        listed = (await graphql(gateway, participant, SESSIONS, kind="COACHING"))["feedbackSessions"]["edges"]
        assert [e["node"] for e in listed] == [{"id": held["id"], "kind": "COACHING"}]
        slots = (await graphql(gateway, admin, AVAILABILITY, facilitatorId=coach_id, kind="COACHING"))["availability"]
        assert slots == [{"id": coaching_slot, "kind": "COACHING", "isBooked": True}]

        # A feedback session is about a cycle: it is found and held with its cycle, not as coaching.
        for query, variables in (
            (COACHING_MATCHES, {"kind": "FEEDBACK"}),
            (HOLD_COACHING, {"slotId": feedback_slot, "kind": "FEEDBACK"}),
        ):
            errors = await graphql_errors(gateway, participant, query, **variables)
            assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"]


async def test_only_participants_and_their_administrators_find_or_hold_coaching(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders
) -> None:
    region = region_of_this_test()
    slot_id = str(uuid.uuid4())

    async with gateway_with(journey_services) as gateway:
        for role, code in (("facilitator", "FORBIDDEN"), ("partner", "FORBIDDEN"), (None, "UNAUTHENTICATED")):
            headers = {} if role is None else auth(role, sub=f"{role}-{region}", org="RX1", region=region)
            for query, variables in (
                (COACHING_MATCHES, {"kind": "COACHING"}),
                (HOLD_COACHING, {"slotId": slot_id, "kind": "MENTORING"}),
            ):
                errors = await graphql_errors(gateway, headers, query, **variables)
                assert [e["extensions"]["code"] for e in errors] == [code], (role, errors)
