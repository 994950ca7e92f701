"""Erasing a participant through GraphQL, against survey-svc running in-process on the real database:
the participant themself or an academy admin of their region, and nobody else."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from hlm_kit.db import create_engine
from hlm_kit.testing.pytest_plugin import AuthHeaders

HLM_SELF = "43bf6408-24f2-588e-b607-415f64388224"
ERASED = "hlm.survey.participant.erased.v1"

CREATE = "mutation ($input: CreateCycleInput!) { createCycle(input: $input) { id } }"
CYCLES = "{ cycles(first: 10) { edges { node { id } } } }"
ERASE = "mutation ($id: ID!) { eraseParticipant(participantId: $id) { participantId } }"
ERASE_ME = "mutation { eraseMyData { participantId } }"


async def call(gateway: httpx.AsyncClient, query: str, headers: dict[str, str] | None = None, **variables: Any) -> Any:
    response = await gateway.post("/graphql", json={"query": query, "variables": variables}, headers=headers or {})
    return response.json()


async def graphql(
    gateway: httpx.AsyncClient, query: str, headers: dict[str, str] | None = None, **variables: Any
) -> Any:
    body = await call(gateway, query, headers, **variables)
    assert "errors" not in body, body
    return body["data"]


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


@pytest_asyncio.fixture
async def survey_db(journey_database_urls: dict[str, str]) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(journey_database_urls["survey"])
    yield engine
    await engine.dispose()


async def cycles_of(survey_db: AsyncEngine, sub: str) -> int:
    async with survey_db.connect() as connection:
        found = await connection.scalar(
            text("SELECT count(*) FROM survey.cycle WHERE participant_id = :sub"), {"sub": sub}
        )
    return int(found or 0)


async def erasures_announced(survey_db: AsyncEngine, sub: str) -> int:
    """participant.erased events waiting in survey-svc's outbox for the other services."""
    async with survey_db.connect() as connection:
        found = await connection.scalar(
            text("SELECT count(*) FROM survey.outbox_message WHERE type = :type AND subject = :sub"),
            {"type": ERASED, "sub": sub},
        )
    return int(found or 0)


async def a_self_assessment(gateway: httpx.AsyncClient, participant: dict[str, str]) -> str:
    created = await graphql(
        gateway,
        CREATE,
        participant,
        input={"kind": "SELF_ASSESSMENT", "questionnaireId": HLM_SELF, "participantName": "Sam Participant"},
    )
    cycle_id: str = created["createCycle"]["id"]
    return cycle_id


async def test_a_participant_erases_their_own_data(
    gateway_with: Any,
    journey_services: dict[str, Any],
    participant_sub: str,
    auth: AuthHeaders,
    survey_db: AsyncEngine,
) -> None:
    me = auth("participant", sub=participant_sub)
    async with gateway_with(journey_services) as gateway:
        await a_self_assessment(gateway, me)
        await a_self_assessment(gateway, me)
        erased = await graphql(gateway, ERASE_ME, me)
        left = await graphql(gateway, CYCLES, me)
        # Asking again, by id this time, is harmless: the other services are told again.
        again = await graphql(gateway, ERASE, me, id=participant_sub)

    assert erased == {"eraseMyData": {"participantId": participant_sub}}
    assert left == {"cycles": {"edges": []}}
    assert await cycles_of(survey_db, participant_sub) == 0
    assert again == {"eraseParticipant": {"participantId": participant_sub}}
    assert await erasures_announced(survey_db, participant_sub) == 2


async def test_an_academy_admin_erases_a_participant_of_their_region_only(
    gateway_with: Any,
    journey_services: dict[str, Any],
    participant_sub: str,
    auth: AuthHeaders,
    survey_db: AsyncEngine,
) -> None:
    participant = auth("participant", sub=participant_sub, region="london")
    other_region = auth("academy_admin", sub="admin-north", region="north")
    own_region = auth("academy_admin", sub="admin-london", region="london")
    async with gateway_with(journey_services) as gateway:
        await a_self_assessment(gateway, participant)
        hidden = await call(gateway, ERASE, other_region, id=participant_sub)
        kept = await cycles_of(survey_db, participant_sub)
        erased = await graphql(gateway, ERASE, own_region, id=participant_sub)
        # Once the participant's cycles are gone, they are no longer the admin's to know about.
        repeated = await call(gateway, ERASE, own_region, id=participant_sub)

    # To an admin of another region the participant does not exist, and nothing is erased.
    assert hidden["data"] == {"eraseParticipant": None}
    assert codes(hidden) == ["NOT_FOUND"]
    assert kept == 1
    assert erased == {"eraseParticipant": {"participantId": participant_sub}}
    assert await cycles_of(survey_db, participant_sub) == 0
    assert await erasures_announced(survey_db, participant_sub) == 1
    assert codes(repeated) == ["NOT_FOUND"]


async def test_nobody_else_may_erase_a_participant(
    gateway_with: Any,
    journey_services: dict[str, Any],
    participant_sub: str,
    auth: AuthHeaders,
    survey_db: AsyncEngine,
) -> None:
    participant = auth("participant", sub=participant_sub)
    others = [
        auth("participant", sub=f"gateway-participant-{uuid.uuid4().hex[:8]}"),
        auth("facilitator", sub="facilitator-1"),
        auth("partner", sub="partner-1"),
    ]
    survey = journey_services["survey"]
    async with gateway_with(journey_services) as gateway:
        await a_self_assessment(gateway, participant)
        refused = [await call(gateway, ERASE, who, id=participant_sub) for who in others]
        anonymous = [await call(gateway, query, id=participant_sub) for query in (ERASE, ERASE_ME)]
        survey.calls.clear()
        # Not an id survey-svc could hold (a path segment, or nothing): refused as it is, never sent.
        malformed = [await call(gateway, ERASE, participant, id=bad) for bad in ("..", "", "x" * 256)]
        calls = sum(survey.calls.values())

    for body in refused:
        assert body["data"] == {"eraseParticipant": None}
        assert codes(body) == ["FORBIDDEN"]
    assert [codes(body) for body in anonymous] == [["UNAUTHENTICATED"], ["UNAUTHENTICATED"]]
    assert [codes(body) for body in malformed] == [["BAD_USER_INPUT"]] * 3
    assert calls == 0
    assert await cycles_of(survey_db, participant_sub) == 1
    assert await erasures_announced(survey_db, participant_sub) == 0
