"""Team 360s through GraphQL, against survey-svc running in-process on the real database: who may start
one, members joining it with their own TEAM_360 cycles, and who may read it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio
from sqlalchemy import text

from hlm_kit.db import create_engine
from hlm_kit.testing.pytest_plugin import AuthHeaders

HLM_360 = "d64d23aa-0e25-53c0-8b12-810a2047e60e"
HLM_SELF = "43bf6408-24f2-588e-b607-415f64388224"

CREATE_TEAM = """
mutation ($input: CreateTeamCycleInput!, $key: String) {
  createTeamCycle(input: $input, idempotencyKey: $key) {
    __typename
    ... on TeamCycle { id name organisation region members membersByStatus { status count } }
    ... on TeamCycleRefused { message problems { location message type } }
  }
}
"""
TEAM = """
query ($id: ID!) {
  teamCycle(id: $id) { id name organisation region createdAt members membersByStatus { status count } }
}
"""
CREATE_CYCLE = "mutation ($input: CreateCycleInput!) { createCycle(input: $input) { id kind status teamCycleId } }"
CYCLE = "query ($id: ID!) { cycle(id: $id) { id teamCycleId } }"


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


class SurveyRows:
    """Reads survey-svc's tables as they are, and removes what a test's users left there."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)
        self.subs: list[str] = []

    def sub(self, role: str) -> str:
        sub = f"gateway-{role}-{uuid.uuid4().hex[:8]}"
        self.subs.append(sub)
        return sub

    async def team_cycles_started_by(self, sub: str) -> int:
        async with self.engine.connect() as connection:
            found = await connection.scalar(
                text("SELECT count(*) FROM survey.team_cycle WHERE created_by = :sub"), {"sub": sub}
            )
        return int(found or 0)

    async def clean(self) -> None:
        async with self.engine.begin() as connection:
            # Members' cycles first: they refer to their team.
            for table, column in (("cycle", "participant_id"), ("team_cycle", "created_by")):
                await connection.execute(
                    text(f"DELETE FROM survey.{table} WHERE {column} = ANY(:subs)"), {"subs": self.subs}
                )
        await self.engine.dispose()


@pytest_asyncio.fixture
async def rows(journey_database_urls: dict[str, str]) -> AsyncIterator[SurveyRows]:
    found = SurveyRows(journey_database_urls["survey"])
    yield found
    await found.clean()


async def test_a_participant_starts_a_team_360_and_members_join_it(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders, rows: SurveyRows
) -> None:
    lead = auth("participant", sub=rows.sub("lead"), org="RX1", region="london")
    member = auth("participant", sub=rows.sub("member"), org="RX1", region="london")
    outsider = auth("participant", sub=rows.sub("outsider"), org="RX1", region="london")
    admin = auth("academy_admin", sub=rows.sub("admin"), org="ACAD", region="london")
    other_admin = auth("academy_admin", sub=rows.sub("admin"), org="ACAD", region="north")
    async with gateway_with(journey_services) as gateway:
        started = (await graphql(gateway, CREATE_TEAM, lead, input={"name": "  Ward 7 team  "}))["createTeamCycle"]
        assert started["__typename"] == "TeamCycle", started
        team_id = started["id"]
        # Organisation and region come from the starter's account, never from what the app sends.
        assert started == {
            "__typename": "TeamCycle",
            "id": team_id,
            "name": "Ward 7 team",
            "organisation": "RX1",
            "region": "london",
            "members": 0,
            "membersByStatus": [],
        }

        joined = (
            await graphql(
                gateway,
                CREATE_CYCLE,
                member,
                input={
                    "kind": "TEAM_360",
                    "questionnaireId": HLM_360,
                    "selfQuestionnaireId": HLM_SELF,
                    "participantName": "Mo Member",
                    "teamCycleId": team_id,
                },
            )
        )["createCycle"]
        assert (joined["kind"], joined["status"], joined["teamCycleId"]) == ("team_360", "draft", team_id)
        assert (await graphql(gateway, CYCLE, member, id=joined["id"]))["cycle"]["teamCycleId"] == team_id

        # Whoever started it, its members and the academy admins of its region read it: counts only.
        seen = [(await graphql(gateway, TEAM, who, id=team_id))["teamCycle"] for who in (lead, member, admin)]
        hidden = [await call(gateway, TEAM, who, id=team_id) for who in (outsider, other_admin)]

    for team in seen:
        assert (team["id"], team["name"], team["members"]) == (team_id, "Ward 7 team", 1)
        assert team["membersByStatus"] == [{"status": "draft", "count": 1}]
    # To anyone else it does not exist.
    for body in hidden:
        assert body["data"] == {"teamCycle": None}
        assert codes(body) == ["NOT_FOUND"]


async def test_an_academy_admin_starts_a_team_360_and_other_roles_may_not(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders, rows: SurveyRows
) -> None:
    admin_sub, facilitator_sub, partner_sub = rows.sub("admin"), rows.sub("facilitator"), rows.sub("partner")
    async with gateway_with(journey_services) as gateway:
        started = await graphql(
            gateway, CREATE_TEAM, auth("academy_admin", sub=admin_sub, region="north"), input={"name": "Theatres"}
        )
        refused = {
            sub: await call(gateway, CREATE_TEAM, auth(role, sub=sub), input={"name": "Theatres"})
            for role, sub in (("facilitator", facilitator_sub), ("partner", partner_sub))
        }
        anonymous = await call(gateway, CREATE_TEAM, input={"name": "Theatres"})

    assert started["createTeamCycle"]["__typename"] == "TeamCycle"
    assert started["createTeamCycle"]["region"] == "north"
    for sub, body in refused.items():
        assert body["data"] == {"createTeamCycle": None}
        assert codes(body) == ["FORBIDDEN"]
        assert await rows.team_cycles_started_by(sub) == 0
    assert codes(anonymous) == ["UNAUTHENTICATED"]


async def test_a_team_360_without_a_usable_name_is_refused_and_nothing_is_stored(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders, rows: SurveyRows
) -> None:
    sub = rows.sub("lead")
    lead = auth("participant", sub=sub)
    async with gateway_with(journey_services) as gateway:
        blank = (await graphql(gateway, CREATE_TEAM, lead, input={"name": "   "}))["createTeamCycle"]
        too_long = (await graphql(gateway, CREATE_TEAM, lead, input={"name": "x" * 201}))["createTeamCycle"]

    for refused in (blank, too_long):
        assert refused["__typename"] == "TeamCycleRefused", refused
        assert [p["location"] for p in refused["problems"]] == [["input", "name"]]
    assert await rows.team_cycles_started_by(sub) == 0


async def test_a_team_360_id_that_cannot_be_one_is_refused_without_asking_survey_svc(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders
) -> None:
    survey = journey_services["survey"]
    async with gateway_with(journey_services) as gateway:
        survey.calls.clear()
        malformed = await call(gateway, TEAM, auth("participant"), id="../cycles")
        calls = sum(survey.calls.values())
        unknown = await call(gateway, TEAM, auth("participant"), id=str(uuid.uuid4()))

    assert malformed["data"] == {"teamCycle": None}
    assert codes(malformed) == ["BAD_USER_INPUT"]
    assert calls == 0
    assert codes(unknown) == ["NOT_FOUND"]


async def test_a_retried_team_360_with_the_same_idempotency_key_is_started_once(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders, rows: SurveyRows
) -> None:
    sub = rows.sub("lead")
    lead = auth("participant", sub=sub, org="RX1", region="london")
    key = f"team-{uuid.uuid4().hex}"
    async with gateway_with(journey_services) as gateway:
        first = (await graphql(gateway, CREATE_TEAM, lead, input={"name": "Ward 7 team"}, key=key))["createTeamCycle"]
        retried = (await graphql(gateway, CREATE_TEAM, lead, input={"name": "Ward 7 team"}, key=key))["createTeamCycle"]
        without_key = (await graphql(gateway, CREATE_TEAM, lead, input={"name": "Ward 7 team"}))["createTeamCycle"]

    assert first["__typename"] == "TeamCycle", first
    assert retried == first
    assert without_key["id"] != first["id"]
    assert await rows.team_cycles_started_by(sub) == 2
