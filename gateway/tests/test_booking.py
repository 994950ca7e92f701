"""Finding, booking, moving, cancelling and rating a feedback session through GraphQL, against
facilitator-svc running in-process on the real database. Refusals the app acts on are typed results; a
conflict of interest reads the same whatever its cause, so nobody learns that a facilitator is a rater."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from facilitator_svc.clock import current_time
from facilitator_svc.consumers import on_rater_nominated
from hlm_contracts import EmailAddress, EmailHashKey, RaterNominatedV1, email_hash
from hlm_kit.db import create_engine
from hlm_kit.messaging.envelope import CloudEvent
from hlm_kit.testing.pytest_plugin import AuthHeaders

EMAIL_HASH_KEY = "gateway-test-email-hash-key-0123456789abcdef"  # as conftest's journey_services use

REGISTER = """
mutation ($input: FacilitatorInput!) {
  registerFacilitator(input: $input) {
    __typename
    ... on Facilitator { id name }
    ... on RegisterRefused { message code }
  }
}
"""
ADD_AVAILABILITY = """
mutation ($facilitatorId: ID!, $slots: [SlotInput!]!) {
  addAvailability(facilitatorId: $facilitatorId, slots: $slots) {
    __typename
    ... on AvailabilityAdded { slots { id startsAt } }
    ... on RegisterRefused { message code }
  }
}
"""
MATCHES = """
query ($cycleId: ID!, $window: TimeWindowInput) {
  facilitatorMatches(cycleId: $cycleId, window: $window, limit: 100) {
    rank score
    facilitator { id name organisation modes }
    reasons { factor weight value contribution detail }
    slots { slotId startsAt mode score }
  }
}
"""
SESSION_FIELDS = "id status facilitatorId facilitatorName slotId cycleId startsAt rating ratingComment"
HOLD = f"""
mutation ($slotId: ID!, $cycleId: ID!) {{
  holdSession(slotId: $slotId, cycleId: $cycleId) {{
    __typename
    ... on FeedbackSession {{ {SESSION_FIELDS} holdExpiresAt }}
    ... on BookingConflict {{ message code problems {{ location message type }} }}
  }}
}}
"""
RESCHEDULE = f"""
mutation ($id: ID!, $slotId: ID!) {{
  rescheduleSession(id: $id, slotId: $slotId) {{
    __typename
    ... on FeedbackSession {{ {SESSION_FIELDS} }}
    ... on BookingConflict {{ message code problems {{ location message type }} }}
  }}
}}
"""
CHANGE_RESULT = f"""
    __typename
    ... on FeedbackSession {{ {SESSION_FIELDS} cancellationReason completedAt }}
    ... on SessionChangeRefused {{ message code problems {{ location message type }} }}
"""
CONFIRM = f"mutation ($id: ID!) {{ confirmSession(id: $id) {{ {CHANGE_RESULT} }} }}"
CANCEL = f"mutation ($id: ID!, $reason: String) {{ cancelSession(id: $id, reason: $reason) {{ {CHANGE_RESULT} }} }}"
COMPLETE = f"mutation ($id: ID!) {{ completeSession(id: $id) {{ {CHANGE_RESULT} }} }}"
RATE = f"""
mutation ($id: ID!, $rating: Int!, $comment: String) {{
  rateSession(id: $id, rating: $rating, comment: $comment) {{ {CHANGE_RESULT} }}
}}
"""
SESSIONS = """
query ($status: SessionStatus) {
  feedbackSessions(first: 50, status: $status) {
    edges { node { id status cycleId rating } }
    pageInfo { hasNextPage }
  }
}
"""


async def graphql(gateway: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any) -> Any:
    response = await gateway.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def graphql_errors(
    gateway: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any
) -> list[dict[str, Any]]:
    response = await gateway.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    errors: list[dict[str, Any]] = response.json()["errors"]
    return errors


def at(days: int, hour: int) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


async def register_with_slots(
    gateway: httpx.AsyncClient, admin: dict[str, str], starts: list[datetime], **fields: Any
) -> tuple[str, str, list[str]]:
    """A facilitator of the admin's region offering one-hour video sessions: (id, email, slot ids)."""
    n = uuid.uuid4().hex[:8]
    email = f"facilitator-{n}@academy.example.org"
    accreditation = {"level": "FACILITATOR", "trainedOn": "2024-06-01", "expiresOn": "2099-06-01"}
    registered = await graphql(
        gateway,
        admin,
        REGISTER,
        input={
            "name": f"Facilitator {n}",
            "email": email,
            "organisation": "RYJ",
            "accreditation": accreditation,
            "capacityPerMonth": 6,
            "modes": ["VIDEO"],
            **fields,
        },
    )
    facilitator = registered["registerFacilitator"]
    assert facilitator["__typename"] == "Facilitator", facilitator
    slots = [{"startsAt": s.isoformat(), "endsAt": (s + timedelta(hours=1)).isoformat()} for s in starts]
    added = (await graphql(gateway, admin, ADD_AVAILABILITY, facilitatorId=facilitator["id"], slots=slots))[
        "addAvailability"
    ]
    assert added["__typename"] == "AvailabilityAdded", added
    return facilitator["id"], email, [slot["id"] for slot in added["slots"]]


def region_of_this_test() -> str:
    """A region of its own, so no other test's facilitators or sessions are in the way."""
    return f"region-{uuid.uuid4().hex[:8]}"


async def test_a_participant_finds_holds_confirms_moves_cancels_and_rates_a_session(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    region = region_of_this_test()
    admin = auth("academy_admin", sub=f"admin-{region}", org="ACADEMY", region=region)
    participant = auth("participant", sub=participant_sub, org="RX1", region=region)
    starts = [at(20, 9), at(20, 11), at(21, 9)]
    window = {"startsAt": (starts[0] - timedelta(hours=1)).isoformat(), "endsAt": at(22, 0).isoformat()}
    first_cycle, second_cycle = str(uuid.uuid4()), str(uuid.uuid4())

    async with gateway_with(journey_services) as gateway:
        facilitator_id, _, slot_ids = await register_with_slots(gateway, admin, starts)

        matches = (await graphql(gateway, participant, MATCHES, cycleId=first_cycle, window=window))[
            "facilitatorMatches"
        ]
        mine = next(m for m in matches if m["facilitator"]["id"] == facilitator_id)
        assert mine["facilitator"]["organisation"] == "RYJ"
        assert mine["facilitator"]["modes"] == ["VIDEO"]
        assert 0 < mine["score"] <= 1
        assert {r["factor"] for r in mine["reasons"]} >= {"place", "soonest", "load", "language", "specialism"}
        assert [datetime.fromisoformat(s["startsAt"]) for s in mine["slots"]] == starts
        assert [m["rank"] for m in matches] == list(range(1, len(matches) + 1))

        held = (await graphql(gateway, participant, HOLD, slotId=slot_ids[0], cycleId=first_cycle))["holdSession"]
        assert held["__typename"] == "FeedbackSession", held
        assert (held["status"], held["slotId"], held["cycleId"]) == ("held", slot_ids[0], first_cycle)
        assert held["holdExpiresAt"] is not None

        confirmed = (await graphql(gateway, participant, CONFIRM, id=held["id"]))["confirmSession"]
        assert (confirmed["__typename"], confirmed["status"]) == ("FeedbackSession", "confirmed")

        moved = (await graphql(gateway, participant, RESCHEDULE, id=held["id"], slotId=slot_ids[1]))[
            "rescheduleSession"
        ]
        assert moved["__typename"] == "FeedbackSession", moved
        assert (moved["id"], moved["status"], moved["slotId"]) == (held["id"], "confirmed", slot_ids[1])
        assert datetime.fromisoformat(moved["startsAt"]) == starts[1]

        # Someone else holds the third slot: moving onto it is the expected conflict, and nothing moves.
        other = auth("participant", sub=f"other-{uuid.uuid4().hex[:8]}", org="RX2", region=region)
        taken = (await graphql(gateway, other, HOLD, slotId=slot_ids[2], cycleId=str(uuid.uuid4())))["holdSession"]
        assert taken["__typename"] == "FeedbackSession"
        refused = (await graphql(gateway, participant, RESCHEDULE, id=held["id"], slotId=slot_ids[2]))[
            "rescheduleSession"
        ]
        assert refused == {
            "__typename": "BookingConflict",
            "message": "someone else holds or has booked this slot",
            "code": "slot-taken",
            "problems": [],
        }

        cancelled = (await graphql(gateway, participant, CANCEL, id=held["id"], reason="moved to another week"))[
            "cancelSession"
        ]
        assert cancelled["__typename"] == "FeedbackSession"
        assert (cancelled["status"], cancelled["cancellationReason"]) == ("cancelled", "moved to another week")

        # A new session for the next cycle, on the freed slot; it can be completed once it has started.
        again = (await graphql(gateway, participant, HOLD, slotId=slot_ids[1], cycleId=second_cycle))["holdSession"]
        assert again["__typename"] == "FeedbackSession", again
        await graphql(gateway, participant, CONFIRM, id=again["id"])
        too_soon = (await graphql(gateway, admin, COMPLETE, id=again["id"]))["completeSession"]
        assert too_soon == {
            "__typename": "SessionChangeRefused",
            "message": "a session can be completed once it has started",
            "code": "invalid-booking-transition",
            "problems": [],
        }
        unrated = (await graphql(gateway, participant, RATE, id=again["id"], rating=5))["rateSession"]
        assert (unrated["__typename"], unrated["code"]) == ("SessionChangeRefused", "invalid-booking-transition")

        facilitator_app = journey_services["facilitator"].inner.app
        facilitator_app.dependency_overrides[current_time] = lambda: starts[1] + timedelta(minutes=50)
        completed = (await graphql(gateway, admin, COMPLETE, id=again["id"]))["completeSession"]
        assert (completed["status"], completed["completedAt"] is not None) == ("completed", True)

        out_of_range = (await graphql(gateway, participant, RATE, id=again["id"], rating=6))["rateSession"]
        assert out_of_range["__typename"] == "SessionChangeRefused"
        assert [p["location"] for p in out_of_range["problems"]] == [["rating"]]

        rated = (await graphql(gateway, participant, RATE, id=again["id"], rating=4, comment="Clear and kind."))[
            "rateSession"
        ]
        assert (rated["status"], rated["rating"], rated["ratingComment"]) == ("completed", 4, "Clear and kind.")
        twice = (await graphql(gateway, participant, RATE, id=again["id"], rating=1))["rateSession"]
        assert twice["message"] == "the session has been rated already"

        listed = (await graphql(gateway, participant, SESSIONS))["feedbackSessions"]
        completed_only = (await graphql(gateway, participant, SESSIONS, status="COMPLETED"))["feedbackSessions"]

    # Both sessions ended up on the same slot, so their order is the service's tie-break: compare as a set.
    assert sorted((e["node"] for e in listed["edges"]), key=lambda n: n["id"]) == sorted(
        [
            {"id": again["id"], "status": "completed", "cycleId": second_cycle, "rating": 4},
            {"id": held["id"], "status": "cancelled", "cycleId": first_cycle, "rating": None},
        ],
        key=lambda n: n["id"],
    )
    assert [e["node"]["id"] for e in completed_only["edges"]] == [again["id"]]


async def test_a_participant_cannot_cancel_or_see_someone_elses_session(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    region = region_of_this_test()
    admin = auth("academy_admin", sub=f"admin-{region}", org="ACADEMY", region=region)
    owner = auth("participant", sub=participant_sub, region=region)
    stranger = auth("participant", sub=f"stranger-{uuid.uuid4().hex[:8]}", region=region)

    async with gateway_with(journey_services) as gateway:
        _, _, (slot_id,) = await register_with_slots(gateway, admin, [at(25, 14)])
        held = (await graphql(gateway, owner, HOLD, slotId=slot_id, cycleId=str(uuid.uuid4())))["holdSession"]
        await graphql(gateway, owner, CONFIRM, id=held["id"])

        cancel_errors = await graphql_errors(gateway, stranger, CANCEL, id=held["id"])
        confirm_errors = await graphql_errors(gateway, stranger, CONFIRM, id=held["id"])
        read_errors = await graphql_errors(
            gateway, stranger, "query ($id: ID!) { feedbackSession(id: $id) { id } }", id=held["id"]
        )
        strangers_list = (await graphql(gateway, stranger, SESSIONS))["feedbackSessions"]
        still = await graphql(gateway, owner, "query ($id: ID!) { feedbackSession(id: $id) { status } }", id=held["id"])

    for errors in (cancel_errors, confirm_errors, read_errors):
        assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]
    assert strangers_list["edges"] == []
    assert still["feedbackSession"]["status"] == "confirmed"


async def nominate_rater(facilitator_database_url: str, participant_id: str, rater_email: str) -> None:
    """What facilitator-svc's consumer stores when survey-svc announces a rater: only a keyed hash."""
    data = RaterNominatedV1(
        cycle_id=uuid.uuid4(),
        participant_id=participant_id,
        rater_group="peer",
        rater_email_hash=email_hash(EmailAddress(rater_email), EmailHashKey(EMAIL_HASH_KEY)),
    )
    engine = create_engine(facilitator_database_url)
    try:
        async with AsyncSession(engine) as session:
            await on_rater_nominated(session, data, CloudEvent.wrap(data))
            await session.commit()
    finally:
        await engine.dispose()


async def test_a_rater_and_a_declared_conflict_read_alike_as_a_conflict_of_interest(
    gateway_with: Any,
    journey_services: dict[str, Any],
    journey_database_urls: dict[str, str],
    participant_sub: str,
    auth: AuthHeaders,
) -> None:
    region = region_of_this_test()
    admin = auth("academy_admin", sub=f"admin-{region}", org="ACADEMY", region=region)
    participant = auth("participant", sub=participant_sub, org="RX1", region=region)
    cycle_id = str(uuid.uuid4())
    start = at(30, 10)
    window = {"startsAt": (start - timedelta(hours=1)).isoformat(), "endsAt": (start + timedelta(days=1)).isoformat()}

    async with gateway_with(journey_services) as gateway:
        rater_id, rater_email, (rater_slot,) = await register_with_slots(gateway, admin, [start])
        declared_id, _, (declared_slot,) = await register_with_slots(
            gateway, admin, [start], conflicts={"participants": [participant_sub]}
        )
        free_id, _, _ = await register_with_slots(gateway, admin, [start])
        await nominate_rater(journey_database_urls["facilitator"], participant_sub, rater_email)

        matches = (await graphql(gateway, participant, MATCHES, cycleId=cycle_id, window=window))["facilitatorMatches"]
        by_rater = (await graphql(gateway, participant, HOLD, slotId=rater_slot, cycleId=cycle_id))["holdSession"]
        by_declared = (await graphql(gateway, participant, HOLD, slotId=declared_slot, cycleId=cycle_id))["holdSession"]

    shown = {m["facilitator"]["id"] for m in matches}
    assert free_id in shown
    assert rater_id not in shown
    assert declared_id not in shown
    generic = {
        "__typename": "BookingConflict",
        "message": "this facilitator cannot take the session",
        "code": "facilitator-not-eligible",
        "problems": [
            {
                "location": ["facilitator"],
                "message": "a conflict of interest rules this facilitator out",
                "type": "conflict_of_interest",
            }
        ],
    }
    assert by_rater == generic
    assert by_declared == generic
