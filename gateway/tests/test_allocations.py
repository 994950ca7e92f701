"""Cohort allocation through GraphQL, against facilitator-svc running in-process with its workers on (the
allocation job runs in its worker, as in production): started, read until solved, reviewed with its cost
and the reasons anyone is left out, then confirmed into booked sessions or discarded."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest_asyncio
from asgi_lifespan import LifespanManager
from sqlalchemy.ext.asyncio import AsyncSession

from facilitator_svc.config import Settings as FacilitatorSettings
from facilitator_svc.consumers import on_rater_nominated
from facilitator_svc.main import create_app as create_facilitator_app
from hlm_contracts import EmailAddress, EmailHashKey, RaterNominatedV1, email_hash
from hlm_kit.db import create_engine
from hlm_kit.messaging.envelope import CloudEvent
from hlm_kit.messaging.topology import Topology
from hlm_kit.testing.pytest_plugin import (
    TEST_JWT_AUDIENCE,
    TEST_JWT_ISSUER,
    TEST_JWT_SECRET,
    AuthHeaders,
    wait_for,
)

EMAIL_HASH_KEY = "gateway-test-email-hash-key-0123456789abcdef"


class Counting(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.calls: Counter[tuple[str, str]] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls[(request.method, request.url.path)] += 1
        return await self.inner.handle_async_request(request)


@pytest_asyncio.fixture
async def facilitator_with_workers(
    journey_database_urls: dict[str, str], amqp_url: str, topology: Topology
) -> AsyncIterator[Counting]:
    """facilitator-svc with its workers on (relay, consumers, allocation worker), on this test's exchanges,
    unlike ``journey_services`` whose services run none."""
    settings = FacilitatorSettings.model_validate(
        {
            "environment": "test",
            "database_url": journey_database_urls["facilitator"],
            "amqp_url": amqp_url,
            "jwt_secret": TEST_JWT_SECRET,
            "jwt_issuer": TEST_JWT_ISSUER,
            "jwt_audience": TEST_JWT_AUDIENCE,
            "email_hash_key": EMAIL_HASH_KEY,
            "log_json": False,
            "log_level": "WARNING",
            "run_workers": True,
            "events_exchange": topology.events_exchange,
            "dead_letter_exchange": topology.dead_letter_exchange,
            "queue_prefix": topology.queue_prefix,
            "allocation_poll_interval_s": 0.2,
        }
    )
    app = create_facilitator_app(settings)
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30):
        yield Counting(httpx.ASGITransport(app=app))


REGISTER = """
mutation ($input: FacilitatorInput!) {
  registerFacilitator(input: $input) { __typename ... on Facilitator { id name } }
}
"""
ADD = """
mutation ($facilitatorId: ID!, $slots: [SlotInput!]!) {
  addAvailability(facilitatorId: $facilitatorId, slots: $slots) { __typename }
}
"""
SUMMARY = "id status progress stage region participantCount assignedCount objectiveCost createdAt"
START = f"""
mutation ($input: StartAllocationInput!, $key: String) {{
  startAllocation(input: $input, idempotencyKey: $key) {{
    __typename
    ... on AllocationSummary {{ {SUMMARY} }}
    ... on AllocationRefused {{ message code problems {{ location message type }} }}
  }}
}}
"""
ALLOCATION = f"""
query ($id: ID!) {{
  allocation(id: $id) {{
    {SUMMARY} solveSeconds error finishedAt confirmedAt
    window {{ startsAt endsAt }}
    assignments {{
      participantId facilitatorId slotId mode startsAt cost score bookingId bookingError
      reasons {{ factor contribution }}
      facilitator {{ id name }}
    }}
    unassigned {{ participantId reason excludedBy {{ rule facilitators }} }}
  }}
}}
"""
ALLOCATION_RESULT = """
    __typename
    ... on Allocation { id status confirmedAt assignments { participantId bookingId bookingError } }
    ... on AllocationRefused { message code }
"""
CONFIRM = f"mutation ($id: ID!) {{ confirmAllocation(id: $id) {{ {ALLOCATION_RESULT} }} }}"
DISCARD = f"mutation ($id: ID!) {{ discardAllocation(id: $id) {{ {ALLOCATION_RESULT} }} }}"
ALLOCATIONS = "{ allocations(first: 10) { edges { node { id status } } pageInfo { hasNextPage } } }"


async def graphql(gateway: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any) -> Any:
    response = await gateway.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def at(days: int, hour: int) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


async def register(
    gateway: httpx.AsyncClient, admin: dict[str, str], name: str, organisation: str, starts: list[datetime]
) -> tuple[str, str]:
    """(id, email) of a video facilitator of the admin's region offering one-hour sessions at ``starts``."""
    email = f"{name.lower().replace(' ', '.')}-{uuid.uuid4().hex[:6]}@academy.example.org"
    input = {
        "name": name,
        "email": email,
        "organisation": organisation,
        "accreditation": {"level": "FACILITATOR", "trainedOn": "2024-06-01", "expiresOn": "2099-06-01"},
        "capacityPerMonth": 10,
        "modes": ["VIDEO"],
    }
    facilitator = (await graphql(gateway, admin, REGISTER, input=input))["registerFacilitator"]
    slots = [{"startsAt": s.isoformat(), "endsAt": (s + timedelta(hours=1)).isoformat()} for s in starts]
    added = (await graphql(gateway, admin, ADD, facilitatorId=facilitator["id"], slots=slots))["addAvailability"]
    assert added["__typename"] == "AvailabilityAdded"
    return facilitator["id"], email


async def solved(gateway: httpx.AsyncClient, admin: dict[str, str], id: str) -> dict[str, Any]:
    """The allocation, read until its job has finished."""

    async def finished() -> dict[str, Any] | None:
        allocation: dict[str, Any] = (await graphql(gateway, admin, ALLOCATION, id=id))["allocation"]
        return allocation if allocation["status"] in ("proposed", "failed") else None

    result: dict[str, Any] = await wait_for(finished, timeout_s=60, interval_s=0.2)
    return result


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


async def test_a_small_cohort_is_allocated_reviewed_and_confirmed(
    gateway_with: Any,
    facilitator_with_workers: Counting,
    journey_database_urls: dict[str, str],
    auth: AuthHeaders,
) -> None:
    region = f"region-{uuid.uuid4().hex[:8]}"
    admin = auth("academy_admin", sub=f"admin-{region}", org="ACADEMY", region=region)
    ids = {name: f"{region}-{name}" for name in ("ana", "ben", "cai")}
    window = {"startsAt": datetime.now(UTC).isoformat(), "endsAt": at(14, 0).isoformat()}

    async with gateway_with({"facilitator": facilitator_with_workers}) as gateway:
        first_id, first_email = await register(gateway, admin, "Fay First", "RYJ", [at(5, 9), at(6, 9)])
        second_id, _ = await register(gateway, admin, "Sam Second", "RX9", [at(5, 14)])
        # Cai works for RX9 (so not with Sam) and nominated Fay as a rater (so not with her either).
        await nominate_rater(journey_database_urls["facilitator"], ids["cai"], first_email)
        cohort = [
            {"participantId": ids["ana"], "organisation": "RX1"},
            {"participantId": ids["ben"], "organisation": "RX1", "languages": ["en"]},
            {"participantId": ids["cai"], "organisation": "RX9"},
        ]

        started = (await graphql(gateway, admin, START, input={"window": window, "participants": cohort}))[
            "startAllocation"
        ]
        assert started["__typename"] == "AllocationSummary", started
        assert (started["status"], started["participantCount"], started["region"]) == ("queued", 3, region)

        proposal = await solved(gateway, admin, started["id"])
        facilitator_calls = facilitator_with_workers.calls[("GET", "/v1/facilitators")]
        listed = (await graphql(gateway, admin, ALLOCATIONS))["allocations"]
        confirmed = (await graphql(gateway, admin, CONFIRM, id=started["id"]))["confirmAllocation"]
        discard_refused = (await graphql(gateway, admin, DISCARD, id=started["id"]))["discardAllocation"]
        anas_sessions = (
            await graphql(
                gateway,
                auth("participant", sub=ids["ana"], org="RX1", region=region),
                "{ feedbackSessions { edges { node { id status facilitatorId allocationId } } } }",
            )
        )["feedbackSessions"]

    assert proposal["status"] == "proposed", proposal
    assert (proposal["progress"], proposal["participantCount"], proposal["assignedCount"]) == (1.0, 3, 2)
    assignments = {a["participantId"]: a for a in proposal["assignments"]}
    assert set(assignments) == {ids["ana"], ids["ben"]}
    # The objective is the sum of the assignments' costs; each cost is 10000 x (1 - its score).
    assert proposal["objectiveCost"] == sum(a["cost"] for a in assignments.values())
    for a in assignments.values():
        assert 0 < a["score"] <= 1
        assert abs(a["cost"] - 10000 * (1 - a["score"])) < 1
        assert a["reasons"]
        assert a["facilitator"]["id"] == a["facilitatorId"]
        assert a["facilitator"]["name"] in ("Fay First", "Sam Second")
        assert (a["bookingId"], a["bookingError"]) == (None, None)
    # Both assignments' facilitators were read in one call to the register.
    assert facilitator_calls == 1
    # Why Cai is left out, counted by rule; that Fay is Cai's rater shows only as a conflict of interest.
    (cai,) = proposal["unassigned"]
    assert cai["participantId"] == ids["cai"]
    assert sorted((e["rule"], e["facilitators"]) for e in cai["excludedBy"]) == [
        ("conflict_of_interest", 1),
        ("same_organisation", 1),
    ]
    assert "rater" not in cai["reason"]
    assert {first_id, second_id} >= {a["facilitatorId"] for a in assignments.values()}

    assert [e["node"] for e in listed["edges"]] == [{"id": started["id"], "status": "proposed"}]
    assert confirmed["__typename"] == "Allocation"
    assert confirmed["status"] == "confirmed"
    assert all(a["bookingId"] and a["bookingError"] is None for a in confirmed["assignments"])
    assert discard_refused == {
        "__typename": "AllocationRefused",
        "message": "a confirmed allocation cannot be discarded",
        "code": "allocation-not-ready",
    }
    (anas,) = [e["node"] for e in anas_sessions["edges"]]
    assert (anas["status"], anas["allocationId"]) == ("confirmed", started["id"])
    assert anas["id"] == next(a["bookingId"] for a in confirmed["assignments"] if a["participantId"] == ids["ana"])


async def test_a_cohort_with_problems_is_refused_and_a_proposal_can_be_discarded(
    gateway_with: Any, facilitator_with_workers: Counting, auth: AuthHeaders
) -> None:
    region = f"region-{uuid.uuid4().hex[:8]}"
    admin = auth("academy_admin", sub=f"admin-{region}", org="ACADEMY", region=region)
    participant = auth("participant", sub=f"{region}-p", org="RX1", region=region)
    window = {"startsAt": datetime.now(UTC).isoformat(), "endsAt": at(14, 0).isoformat()}
    twice = [{"participantId": f"{region}-p", "organisation": "RX1"}] * 2
    cohort = [{"participantId": f"{region}-p", "organisation": "RX1"}]
    key = f"cohort-{region}"

    async with gateway_with({"facilitator": facilitator_with_workers}) as gateway:
        await register(gateway, admin, "Fay First", "RYJ", [at(5, 9)])
        refused = (await graphql(gateway, admin, START, input={"window": window, "participants": twice}))[
            "startAllocation"
        ]
        forbidden = await gateway.post(
            "/graphql",
            json={"query": START, "variables": {"input": {"window": window, "participants": cohort}}},
            headers=participant,
        )
        started = (await graphql(gateway, admin, START, input={"window": window, "participants": cohort}, key=key))[
            "startAllocation"
        ]
        replayed = (await graphql(gateway, admin, START, input={"window": window, "participants": cohort}, key=key))[
            "startAllocation"
        ]
        proposal = await solved(gateway, admin, started["id"])
        discarded = (await graphql(gateway, admin, DISCARD, id=started["id"]))["discardAllocation"]
        not_confirmable = (await graphql(gateway, admin, CONFIRM, id=started["id"]))["confirmAllocation"]
        elsewhere = await gateway.post(
            "/graphql",
            json={"query": ALLOCATION, "variables": {"id": started["id"]}},
            headers=auth("academy_admin", sub="admin-elsewhere", region=f"{region}-other"),
        )

    assert refused == {
        "__typename": "AllocationRefused",
        "message": "1 problem(s) with the cohort; nothing was queued",
        "code": "validation-error",
        "problems": [
            {
                "location": ["input", "participants", "1", "participantId"],
                "message": "also at position 0",
                "type": "duplicate",
            }
        ],
    }
    assert [e["extensions"]["code"] for e in forbidden.json()["errors"]] == ["FORBIDDEN"]
    assert replayed["id"] == started["id"]
    assert (proposal["status"], proposal["assignedCount"]) == ("proposed", 1)
    assert (discarded["__typename"], discarded["status"]) == ("Allocation", "discarded")
    assert not_confirmable == {
        "__typename": "AllocationRefused",
        "message": "a discarded allocation cannot be confirmed",
        "code": "allocation-not-ready",
    }
    assert [e["extensions"]["code"] for e in elsewhere.json()["errors"]] == ["NOT_FOUND"]
