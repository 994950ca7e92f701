"""A line manager approving (or sending back) a participant's nominations through GraphQL with the token
of the link in their mail, against survey-svc running in-process on the real database."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import text

from hlm_kit.db import create_engine
from hlm_kit.testing.pytest_plugin import AuthHeaders

HLM_360 = "d64d23aa-0e25-53c0-8b12-810a2047e60e"
HLM_SELF = "43bf6408-24f2-588e-b607-415f64388224"

CREATE = "mutation ($input: CreateCycleInput!) { createCycle(input: $input) { id } }"
NOMINATE = """
mutation ($cycleId: ID!, $raters: [RaterInput!]!) { nominateRaters(cycleId: $cycleId, raters: $raters) { id } }
"""
OPEN = """
mutation ($cycleId: ID!, $closesAt: DateTime!) {
  openCycle(cycleId: $cycleId, closesAt: $closesAt) { __typename ... on Cycle { status } }
}
"""
CYCLE = """
query ($id: ID!) {
  cycle(id: $id) { status approval { decision note decidedAt } progress { raterGroup invited } }
}
"""
INVITATION = """
query ($token: String!) {
  invitation(token: $token) {
    stage participantName raterGroup closesAt nominations { name raterGroup } questionnaire { key }
  }
}
"""
APPROVE = """
mutation ($token: String!) {
  approveNominations(token: $token) {
    __typename
    ... on Invitation { stage raterGroup nominations { name } questionnaire { key } }
    ... on NominationsDecisionRefused { message code problems { location message type } }
  }
}
"""
REJECT = """
mutation ($token: String!, $note: String) {
  rejectNominations(token: $token, note: $note) {
    __typename
    ... on NominationsRejected { note }
    ... on NominationsDecisionRefused { message code problems { location message type } }
  }
}
"""
STAGE_CONFLICT = "invitation-stage-conflict"


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes every request on to ``inner`` and keeps it, to see what the gateway sent."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


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


NOMINATED = [("Lee Manager", "LINE_MANAGER"), ("Peer 1", "PEER"), ("Peer 2", "PEER"), ("Peer 3", "PEER")]


async def awaiting_approval(gateway: httpx.AsyncClient, participant: dict[str, str]) -> tuple[str, dict[str, str]]:
    """A 360 whose nominations wait for the line manager: its id and each rater's address by name."""
    tag = uuid.uuid4().hex[:8]
    raters = [
        {"name": name, "email": f"{name.lower().replace(' ', '.')}.{tag}@trust.example.org", "raterGroup": group}
        for name, group in NOMINATED
    ]
    created = await graphql(
        gateway,
        CREATE,
        participant,
        input={
            "kind": "FEEDBACK_360",
            "questionnaireId": HLM_360,
            "selfQuestionnaireId": HLM_SELF,
            "participantName": "Sam Participant",
            "requiresApproval": True,
        },
    )
    cycle_id: str = created["createCycle"]["id"]
    await graphql(gateway, NOMINATE, participant, cycleId=cycle_id, raters=raters)
    closes_at = (datetime.now(UTC) + timedelta(days=14)).isoformat()
    opened = await graphql(gateway, OPEN, participant, cycleId=cycle_id, closesAt=closes_at)
    assert opened["openCycle"] == {"__typename": "Cycle", "status": "awaiting_approval"}
    return cycle_id, {r["name"]: r["email"] for r in raters}


async def test_the_line_manager_approves_the_nominations_and_the_raters_are_invited(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders, rater_tokens: Any
) -> None:
    participant = auth("participant", sub=participant_sub)
    survey = RecordingTransport(journey_services["survey"])
    async with gateway_with({**journey_services, "survey": survey}) as gateway:
        cycle_id, emails = await awaiting_approval(gateway, participant)
        mailed = await rater_tokens()
        # Only the line manager is mailed until they approve.
        assert set(mailed) == {emails["Lee Manager"]}
        token = mailed[emails["Lee Manager"]]
        survey.requests.clear()

        asked = await call(gateway, INVITATION, token=token)
        # A signed-in app user's identity is never sent along with a rater's link.
        approved = (await graphql(gateway, APPROVE, participant, token=token))["approveNominations"]
        decided = list(survey.requests)
        again = (await graphql(gateway, APPROVE, token=token))["approveNominations"]
        late_rejection = (await graphql(gateway, REJECT, token=token, note="Add someone"))["rejectNominations"]
        cycle = (await graphql(gateway, CYCLE, participant, id=cycle_id))["cycle"]
        peers = await rater_tokens()

    # The line manager sees whom the participant nominated, by name and group, and never an address.
    invitation = asked["data"]["invitation"]
    assert (invitation["stage"], invitation["raterGroup"], invitation["questionnaire"]) == (
        "APPROVAL",
        "line_manager",
        None,
    )
    assert invitation["participantName"] == "Sam Participant"
    assert sorted((n["name"], n["raterGroup"]) for n in invitation["nominations"]) == [
        (name, group.lower()) for name, group in NOMINATED
    ]
    assert "@" not in json.dumps(asked)

    # Once approved, the same link is the line manager's own questionnaire.
    assert approved == {
        "__typename": "Invitation",
        "stage": "FEEDBACK",
        "raterGroup": "line_manager",
        "nominations": None,
        "questionnaire": {"key": "hlm-360"},
    }
    assert all("authorization" not in r.headers for r in decided)
    assert [r.url.path for r in decided] == [f"/v1/invitations/{token}", f"/v1/invitations/{token}/approve"]

    # The nominations are decided once.
    for refused in (again, late_rejection):
        assert refused["__typename"] == "NominationsDecisionRefused", refused
        assert (refused["code"], refused["problems"]) == (STAGE_CONFLICT, [])
    assert cycle["status"] == "open"
    assert cycle["approval"]["decision"] == "approved"
    assert cycle["approval"]["decidedAt"] is not None
    assert {p["raterGroup"]: p["invited"] for p in cycle["progress"]} == {"line_manager": 1, "peer": 3}
    assert {emails[f"Peer {n}"] for n in (1, 2, 3)} <= set(peers)


async def test_the_line_manager_sends_the_nominations_back_with_a_note(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders, rater_tokens: Any
) -> None:
    participant = auth("participant", sub=participant_sub)
    async with gateway_with(journey_services) as gateway:
        cycle_id, emails = await awaiting_approval(gateway, participant)
        token = (await rater_tokens())[emails["Lee Manager"]]

        rejected = (await graphql(gateway, REJECT, token=token, note="Please add a direct report."))[
            "rejectNominations"
        ]
        cycle = (await graphql(gateway, CYCLE, participant, id=cycle_id))["cycle"]
        reopened = await call(gateway, INVITATION, token=token)
        approved_after = await call(gateway, APPROVE, token=token)
        mailed = await rater_tokens()

    assert rejected == {"__typename": "NominationsRejected", "note": "Please add a direct report."}
    # The participant reads the note on their cycle, a draft again; no rater has been invited.
    assert cycle["status"] == "draft"
    assert (cycle["approval"]["decision"], cycle["approval"]["note"]) == ("rejected", "Please add a direct report.")
    assert set(mailed) == {emails["Lee Manager"]}
    # The link has done its work: it opens nothing, and cannot approve what was sent back.
    assert reopened["data"] == {"invitation": None}
    assert codes(reopened) == ["NOT_FOUND"]
    assert approved_after["data"] == {"approveNominations": None}
    assert codes(approved_after) == ["NOT_FOUND"]


async def test_a_note_survey_svc_cannot_take_is_refused_and_changes_nothing(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders, rater_tokens: Any
) -> None:
    participant = auth("participant", sub=participant_sub)
    async with gateway_with(journey_services) as gateway:
        cycle_id, emails = await awaiting_approval(gateway, participant)
        token = (await rater_tokens())[emails["Lee Manager"]]

        blank = (await graphql(gateway, REJECT, token=token, note="   "))["rejectNominations"]
        too_long = (await graphql(gateway, REJECT, token=token, note="x" * 2001))["rejectNominations"]
        cycle = (await graphql(gateway, CYCLE, participant, id=cycle_id))["cycle"]
        still_asked = (await graphql(gateway, INVITATION, token=token))["invitation"]
        # Without a note, the nominations can still be sent back.
        without_note = (await graphql(gateway, REJECT, token=token))["rejectNominations"]

    for refused in (blank, too_long):
        assert refused["__typename"] == "NominationsDecisionRefused", refused
        assert [p["location"] for p in refused["problems"]] == [["note"]]
    assert cycle["status"] == "awaiting_approval"
    assert cycle["approval"] == {"decision": None, "note": None, "decidedAt": None}
    assert still_asked["stage"] == "APPROVAL"
    assert without_note == {"__typename": "NominationsRejected", "note": None}


async def test_approval_after_the_closing_date_is_refused_until_the_participant_extends(
    gateway_with: Any,
    journey_services: dict[str, Any],
    journey_database_urls: dict[str, str],
    participant_sub: str,
    auth: AuthHeaders,
    rater_tokens: Any,
) -> None:
    participant = auth("participant", sub=participant_sub)
    async with gateway_with(journey_services) as gateway:
        cycle_id, emails = await awaiting_approval(gateway, participant)
        token = (await rater_tokens())[emails["Lee Manager"]]
        engine = create_engine(journey_database_urls["survey"])
        try:
            async with engine.begin() as connection:
                await connection.execute(
                    text("UPDATE survey.cycle SET closes_at = now() - interval '1 minute' WHERE id = :id"),
                    {"id": cycle_id},
                )
        finally:
            await engine.dispose()

        refused = (await graphql(gateway, APPROVE, token=token))["approveNominations"]
        cycle = (await graphql(gateway, CYCLE, participant, id=cycle_id))["cycle"]
        mailed = await rater_tokens()

    assert refused["__typename"] == "NominationsDecisionRefused", refused
    assert refused["code"] == "cycle-state-conflict"
    assert "extend" in refused["message"]
    assert (cycle["status"], cycle["approval"]["decision"]) == ("awaiting_approval", None)
    assert set(mailed) == {emails["Lee Manager"]}


async def test_a_link_that_opens_nothing_decides_nothing(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders, rater_tokens: Any
) -> None:
    participant = auth("participant", sub=participant_sub)
    survey = journey_services["survey"]
    async with gateway_with(journey_services) as gateway:
        cycle_id, _ = await awaiting_approval(gateway, participant)
        survey.calls.clear()
        # Not a token at all: refused before survey-svc is asked.
        malformed = [await call(gateway, query, token="../../cycles") for query in (APPROVE, REJECT)]
        calls = sum(survey.calls.values())
        # The participant, signed in, cannot decide on their own nominations: they have no link.
        guessed = [await call(gateway, query, participant, token="A" * 43) for query in (APPROVE, REJECT)]
        cycle = (await graphql(gateway, CYCLE, participant, id=cycle_id))["cycle"]

    assert calls == 0
    for body in malformed + guessed:
        assert codes(body) == ["NOT_FOUND"], body
    assert cycle["status"] == "awaiting_approval"
