"""A participant's cycles through GraphQL, against survey-svc running in-process on the real database:
one cycle read, retried creation, raters managed, reminders, extension and early closing, and nobody
else's cycle within reach."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from hlm_kit.testing.pytest_plugin import AuthHeaders

HLM_360 = "d64d23aa-0e25-53c0-8b12-810a2047e60e"
HLM_SELF = "43bf6408-24f2-588e-b607-415f64388224"

CREATE = """
mutation ($input: CreateCycleInput!, $key: String) { createCycle(input: $input, idempotencyKey: $key) { id status } }
"""
NOMINATE = """
mutation ($cycleId: ID!, $raters: [RaterInput!]!) { nominateRaters(cycleId: $cycleId, raters: $raters) { id } }
"""
OPEN = """
mutation ($cycleId: ID!, $closesAt: DateTime!) {
  openCycle(cycleId: $cycleId, closesAt: $closesAt) { __typename ... on Cycle { status } }
}
"""
CYCLE = """
query ($id: ID!) { cycle(id: $id) { id kind status closesAt minimumsMet raters { id name raterGroup } } }
"""
CYCLES = "{ cycles(first: 10) { edges { node { id } } } }"
REMOVE = "mutation ($cycleId: ID!, $raterId: ID!) { removeRater(cycleId: $cycleId, raterId: $raterId) }"
REMIND = "mutation ($cycleId: ID!) { sendReminders(cycleId: $cycleId) { reminded } }"
EXTEND = """
mutation ($cycleId: ID!, $closesAt: DateTime!) { extendCycle(cycleId: $cycleId, closesAt: $closesAt) { id closesAt } }
"""
CLOSE = "mutation ($cycleId: ID!) { closeCycle(cycleId: $cycleId) { id status minimumsMet } }"
INVITATION = (
    "query ($token: String!) { invitation(token: $token) { questionnaire { items { key } dimensions { key } } } }"
)
SUBMIT = """
mutation ($token: String!, $response: ResponseInput!) {
  submitInvitation(token: $token, response: $response) { __typename }
}
"""


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


def a_360(name: str = "Sam Participant") -> dict[str, Any]:
    return {
        "kind": "FEEDBACK_360",
        "questionnaireId": HLM_360,
        "selfQuestionnaireId": HLM_SELF,
        "participantName": name,
    }


def raters(peers: int) -> list[dict[str, str]]:
    tag = uuid.uuid4().hex[:8]
    return [{"name": "Lee Manager", "email": f"lee.{tag}@trust.example.org", "raterGroup": "LINE_MANAGER"}] + [
        {"name": f"Peer {n}", "email": f"peer{n}.{tag}@trust.example.org", "raterGroup": "PEER"}
        for n in range(1, peers + 1)
    ]


async def draft_360(gateway: httpx.AsyncClient, participant: dict[str, str], nominated: list[dict[str, str]]) -> str:
    cycle_id: str = (await graphql(gateway, CREATE, participant, input=a_360()))["createCycle"]["id"]
    await graphql(gateway, NOMINATE, participant, cycleId=cycle_id, raters=nominated)
    return cycle_id


async def open_cycle(gateway: httpx.AsyncClient, participant: dict[str, str], cycle_id: str) -> None:
    closes_at = (datetime.now(UTC) + timedelta(days=14)).isoformat()
    opened = await graphql(gateway, OPEN, participant, cycleId=cycle_id, closesAt=closes_at)
    assert opened["openCycle"] == {"__typename": "Cycle", "status": "open"}


async def answer(gateway: httpx.AsyncClient, token: str) -> None:
    questionnaire = (await graphql(gateway, INVITATION, token=token))["invitation"]["questionnaire"]
    response = {
        "answers": [{"itemKey": item["key"], "level": 2} for item in questionnaire["items"]],
        "importance": [{"dimensionKey": d["key"], "rating": 2} for d in questionnaire["dimensions"]],
    }
    submitted = await graphql(gateway, SUBMIT, token=token, response=response)
    assert submitted["submitInvitation"]["__typename"] == "ResponseSubmitted"


async def test_creating_a_cycle_twice_with_one_idempotency_key_makes_one_cycle(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    participant = auth("participant", sub=participant_sub)
    key = str(uuid.uuid4())
    async with gateway_with(journey_services) as gateway:
        first = (await graphql(gateway, CREATE, participant, input=a_360(), key=key))["createCycle"]
        retried = (await graphql(gateway, CREATE, participant, input=a_360(), key=key))["createCycle"]
        other = (await graphql(gateway, CREATE, participant, input=a_360(), key=str(uuid.uuid4())))["createCycle"]
        listed = await graphql(gateway, CYCLES, participant)

    assert retried == first == {"id": first["id"], "status": "draft"}
    assert other["id"] != first["id"]
    assert sorted(edge["node"]["id"] for edge in listed["cycles"]["edges"]) == sorted([first["id"], other["id"]])


async def test_raters_are_shown_to_the_participant_by_name_and_group_only(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    participant = auth("participant", sub=participant_sub)
    nominated = raters(peers=2)
    async with gateway_with(journey_services) as gateway:
        cycle_id = await draft_360(gateway, participant, nominated)
        second_id = (await graphql(gateway, CREATE, participant, input=a_360()))["createCycle"]["id"]
        journey_services["survey"].calls.clear()
        cycle = (await graphql(gateway, CYCLE, participant, id=cycle_id))["cycle"]
        survey_calls = dict(journey_services["survey"].calls)

        nomination_fields = await graphql(gateway, '{ __type(name: "Nomination") { fields { name } } }', participant)
        in_a_list = await call(gateway, "{ cycles(first: 10) { edges { node { id raters { name } } } } }", participant)

        # Two cycles asked for in one query cost one batch read.
        journey_services["survey"].calls.clear()
        both = await graphql(
            gateway, f'{{ a: cycle(id: "{cycle_id}") {{ id }} b: cycle(id: "{second_id}") {{ id }} }}', participant
        )
        batched_calls = dict(journey_services["survey"].calls)

    assert cycle["id"] == cycle_id
    assert (cycle["kind"], cycle["status"]) == ("feedback_360", "draft")
    assert sorted((r["name"], r["raterGroup"]) for r in cycle["raters"]) == [
        ("Lee Manager", "line_manager"),
        ("Peer 1", "peer"),
        ("Peer 2", "peer"),
    ]
    assert all(set(r) == {"id", "name", "raterGroup"} for r in cycle["raters"])
    assert survey_calls == {("GET", "/v1/cycles"): 1, ("GET", f"/v1/cycles/{cycle_id}/raters"): 1}
    # No address, nor whether a rater has answered, is there to ask for.
    assert sorted(f["name"] for f in nomination_fields["__type"]["fields"]) == ["id", "name", "raterGroup"]
    # survey-svc reads raters one cycle at a time, so a list of cycles does not offer them.
    assert [(e["extensions"]["code"], e["path"][-1]) for e in in_a_list["errors"]] == [("BAD_USER_INPUT", "raters")] * 2
    assert both == {"a": {"id": cycle_id}, "b": {"id": second_id}}
    assert batched_calls == {("GET", "/v1/cycles"): 1}


async def test_a_participant_manages_the_raters_of_an_open_360_and_closes_it_early(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders, rater_tokens: Any
) -> None:
    participant = auth("participant", sub=participant_sub)
    nominated = raters(peers=4)
    emails = {r["name"]: r["email"] for r in nominated}
    async with gateway_with(journey_services) as gateway:
        cycle_id = await draft_360(gateway, participant, nominated)
        await open_cycle(gateway, participant, cycle_id)
        tokens = await rater_tokens()
        opened = (await graphql(gateway, CYCLE, participant, id=cycle_id))["cycle"]
        peer_4 = next(r["id"] for r in opened["raters"] if r["name"] == "Peer 4")

        removed = await graphql(gateway, REMOVE, participant, cycleId=cycle_id, raterId=peer_4)
        withdrawn_link = await call(gateway, INVITATION, token=tokens[emails["Peer 4"]])
        after_removal = (await graphql(gateway, CYCLE, participant, id=cycle_id))["cycle"]
        removed_again = await call(gateway, REMOVE, participant, cycleId=cycle_id, raterId=peer_4)

        await answer(gateway, tokens[emails["Peer 1"]])
        reminded = await graphql(gateway, REMIND, participant, cycleId=cycle_id)
        too_early = await call(gateway, CLOSE, participant, cycleId=cycle_id)

        earlier = (datetime.fromisoformat(opened["closesAt"]) - timedelta(days=1)).isoformat()
        not_later = await call(gateway, EXTEND, participant, cycleId=cycle_id, closesAt=earlier)
        later = datetime.fromisoformat(opened["closesAt"]) + timedelta(days=7)
        extended = (await graphql(gateway, EXTEND, participant, cycleId=cycle_id, closesAt=later.isoformat()))[
            "extendCycle"
        ]

        for name in ("Lee Manager", "Peer 2", "Peer 3"):
            await answer(gateway, tokens[emails[name]])
        closed = (await graphql(gateway, CLOSE, participant, cycleId=cycle_id))["closeCycle"]

    assert removed == {"removeRater": True}
    assert codes(withdrawn_link) == ["NOT_FOUND"]
    assert sorted(r["name"] for r in after_removal["raters"]) == ["Lee Manager", "Peer 1", "Peer 2", "Peer 3"]
    assert codes(removed_again) == ["NOT_FOUND"]
    # Reminders go to the three who have neither answered nor declined; never to Peer 1.
    assert reminded == {"sendReminders": {"reminded": 3}}
    assert too_early["data"] == {"closeCycle": None}
    assert [(e["message"], e["extensions"]["code"]) for e in too_early["errors"]] == [
        ("1 rater(s) have submitted; at least 4 are needed to close early", "BAD_USER_INPUT")
    ]
    assert codes(not_later) == ["BAD_USER_INPUT"]
    assert datetime.fromisoformat(extended["closesAt"]) == later
    assert closed == {"id": cycle_id, "status": "closed", "minimumsMet": True}


async def test_another_participants_cycle_is_out_of_reach(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    owner = auth("participant", sub=participant_sub)
    other = auth("participant", sub=f"gateway-other-{uuid.uuid4().hex[:8]}")
    async with gateway_with(journey_services) as gateway:
        cycle_id = await draft_360(gateway, owner, raters(peers=3))
        await open_cycle(gateway, owner, cycle_id)
        before = (await graphql(gateway, CYCLE, owner, id=cycle_id))["cycle"]
        rater_id = before["raters"][0]["id"]
        closes_at = (datetime.now(UTC) + timedelta(days=30)).isoformat()

        attempts = {
            "cycle": await call(gateway, CYCLE, other, id=cycle_id),
            "closeCycle": await call(gateway, CLOSE, other, cycleId=cycle_id),
            "extendCycle": await call(gateway, EXTEND, other, cycleId=cycle_id, closesAt=closes_at),
            "removeRater": await call(gateway, REMOVE, other, cycleId=cycle_id, raterId=rater_id),
            "sendReminders": await call(gateway, REMIND, other, cycleId=cycle_id),
            "nominateRaters": await call(gateway, NOMINATE, other, cycleId=cycle_id, raters=raters(peers=1)),
        }
        after = (await graphql(gateway, CYCLE, owner, id=cycle_id))["cycle"]
        unknown = await call(gateway, CYCLE, owner, id=str(uuid.uuid4()))
        malformed = await call(gateway, CYCLE, owner, id="not-a-cycle")

    # survey-svc answers someone else's cycle as one that does not exist.
    for field, body in attempts.items():
        assert body["data"] == {field: None}, field
        assert codes(body) == ["NOT_FOUND"], (field, body)
    assert after == before
    assert unknown["data"] == {"cycle": None}
    assert codes(unknown) == ["NOT_FOUND"]
    assert codes(malformed) == ["BAD_USER_INPUT"]
