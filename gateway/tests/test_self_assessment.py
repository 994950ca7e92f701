"""A participant's own answers through GraphQL, against survey-svc running in-process on the real
database: a draft kept, a submission that completes a self-assessment, and refusals that store nothing."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from hlm_kit.testing.pytest_plugin import AuthHeaders

HLM_SELF = "43bf6408-24f2-588e-b607-415f64388224"

CREATE = "mutation ($input: CreateCycleInput!) { createCycle(input: $input) { id status selfStatus } }"
SELF = """
query ($cycleId: ID!) {
  selfAssessment(cycleId: $cycleId) {
    cycleId status submittedAt
    questionnaire { key purpose items { key } dimensions { key } notObservedLabel }
    answers { answers { itemKey level notObserved } importance { dimensionKey rating } comments { dimensionKey text } }
  }
}
"""
SAVE = """
mutation ($cycleId: ID!, $response: ResponseInput!) {
  saveSelfAssessmentDraft(cycleId: $cycleId, response: $response) {
    __typename
    ... on DraftSaved { savedAt }
    ... on ResponseRejected { message problems { location message type } }
  }
}
"""
SUBMIT = """
mutation ($cycleId: ID!, $response: ResponseInput!) {
  submitSelfAssessment(cycleId: $cycleId, response: $response) {
    __typename
    ... on ResponseSubmitted { submittedAt }
    ... on ResponseRejected { message problems { location message type } }
  }
}
"""
CYCLE = "query ($id: ID!) { cycle(id: $id) { id kind status selfStatus } }"


async def graphql(gateway: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any) -> Any:
    response = await gateway.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def graphql_errors(gateway: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any) -> Any:
    response = await gateway.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    return response.json()


async def start_self_assessment(gateway: httpx.AsyncClient, headers: dict[str, str]) -> str:
    created = await graphql(
        gateway,
        headers,
        CREATE,
        input={"kind": "SELF_ASSESSMENT", "questionnaireId": HLM_SELF, "participantName": "Sam Participant"},
    )
    assert created["createCycle"]["status"] == "draft"
    cycle_id: str = created["createCycle"]["id"]
    return cycle_id


def whole_response(questionnaire: dict[str, Any], level: int = 3) -> dict[str, Any]:
    return {
        "answers": [{"itemKey": item["key"], "level": level} for item in questionnaire["items"]],
        "importance": [{"dimensionKey": d["key"], "rating": 4} for d in questionnaire["dimensions"]],
        "comments": [{"dimensionKey": questionnaire["dimensions"][0]["key"], "text": "I listen before deciding."}],
    }


async def test_a_self_assessment_is_saved_as_a_draft_then_submitted_and_complete(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    headers = auth("participant", sub=participant_sub)
    async with gateway_with(journey_services) as gateway:
        cycle_id = await start_self_assessment(gateway, headers)

        fresh = (await graphql(gateway, headers, SELF, cycleId=cycle_id))["selfAssessment"]
        assert fresh["cycleId"] == cycle_id
        assert fresh["status"] == "not_started"
        assert fresh["answers"] is None
        questionnaire = fresh["questionnaire"]
        assert questionnaire["key"] == "hlm-self"
        assert questionnaire["purpose"] == "self_assessment"
        assert questionnaire["notObservedLabel"] is None
        first, second = (item["key"] for item in questionnaire["items"][:2])

        partial = {
            "answers": [{"itemKey": first, "level": 2}, {"itemKey": second, "level": 4}],
            "comments": [{"dimensionKey": questionnaire["dimensions"][0]["key"], "text": "Still thinking."}],
        }
        saved = (await graphql(gateway, headers, SAVE, cycleId=cycle_id, response=partial))["saveSelfAssessmentDraft"]
        assert saved["__typename"] == "DraftSaved"

        drafted = (await graphql(gateway, headers, SELF, cycleId=cycle_id))["selfAssessment"]
        assert drafted["status"] == "draft"
        assert drafted["submittedAt"] is None
        assert drafted["answers"] == {
            "answers": [
                {"itemKey": first, "level": 2, "notObserved": False},
                {"itemKey": second, "level": 4, "notObserved": False},
            ],
            "importance": [],
            "comments": [{"dimensionKey": questionnaire["dimensions"][0]["key"], "text": "Still thinking."}],
        }

        whole = whole_response(questionnaire)
        submitted = (await graphql(gateway, headers, SUBMIT, cycleId=cycle_id, response=whole))["submitSelfAssessment"]
        assert submitted["__typename"] == "ResponseSubmitted"

        done = (await graphql(gateway, headers, SELF, cycleId=cycle_id))["selfAssessment"]
        assert done["status"] == "submitted"
        assert done["submittedAt"] == submitted["submittedAt"]
        assert [a["itemKey"] for a in done["answers"]["answers"]] == [i["key"] for i in questionnaire["items"]]
        assert {a["level"] for a in done["answers"]["answers"]} == {3}
        # A self-assessment is complete with the participant's answers: it closes at once.
        cycle = (await graphql(gateway, headers, CYCLE, id=cycle_id))["cycle"]
        assert cycle == {"id": cycle_id, "kind": "self_assessment", "status": "closed", "selfStatus": "submitted"}

        again = (await graphql(gateway, headers, SUBMIT, cycleId=cycle_id, response=whole))["submitSelfAssessment"]
        assert again["__typename"] == "ResponseRejected"
        assert again["problems"] == []
        assert again["message"] == "the cycle is closed"


async def test_a_submission_missing_answers_is_refused_with_every_problem_and_stores_nothing(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    headers = auth("participant", sub=participant_sub)
    async with gateway_with(journey_services) as gateway:
        cycle_id = await start_self_assessment(gateway, headers)
        questionnaire = (await graphql(gateway, headers, SELF, cycleId=cycle_id))["selfAssessment"]["questionnaire"]
        items = [item["key"] for item in questionnaire["items"]]
        dimensions = [d["key"] for d in questionnaire["dimensions"]]

        only_one = {"answers": [{"itemKey": items[0], "level": 3}]}
        refused = (await graphql(gateway, headers, SUBMIT, cycleId=cycle_id, response=only_one))["submitSelfAssessment"]

        assert refused["__typename"] == "ResponseRejected"
        assert refused["message"] == f"{len(items) - 1 + len(dimensions)} problem(s) with the answers"
        assert refused["problems"] == [
            {"location": ["response", "answers"], "message": f"item {key!r} has no answer", "type": "missing_answer"}
            for key in items[1:]
        ] + [
            {
                "location": ["response", "importance"],
                "message": f"dimension {key!r} has no importance rating",
                "type": "missing_importance",
            }
            for key in dimensions
        ]
        unchanged = (await graphql(gateway, headers, SELF, cycleId=cycle_id))["selfAssessment"]
        assert unchanged["status"] == "not_started"
        assert unchanged["answers"] is None
        cycle = (await graphql(gateway, headers, CYCLE, id=cycle_id))["cycle"]
        assert (cycle["status"], cycle["selfStatus"]) == ("draft", "not_started")


async def test_a_draft_naming_what_the_questionnaire_does_not_have_is_refused_where_it_is_wrong(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    headers = auth("participant", sub=participant_sub)
    async with gateway_with(journey_services) as gateway:
        cycle_id = await start_self_assessment(gateway, headers)
        items = [
            i["key"]
            for i in (await graphql(gateway, headers, SELF, cycleId=cycle_id))["selfAssessment"]["questionnaire"][
                "items"
            ]
        ]

        unknown = {"answers": [{"itemKey": items[0], "level": 2}, {"itemKey": "no-such-item", "level": 2}]}
        refused = (await graphql(gateway, headers, SAVE, cycleId=cycle_id, response=unknown))["saveSelfAssessmentDraft"]
        assert refused == {
            "__typename": "ResponseRejected",
            "message": "1 problem(s) with the answers",
            "problems": [
                {
                    "location": ["response", "answers", "1", "itemKey"],
                    "message": "the questionnaire has no item 'no-such-item'",
                    "type": "unknown_item",
                }
            ],
        }

        # Both a level and "not observed" (or neither) is refused by the gateway; survey-svc is not asked.
        journey_services["survey"].calls.clear()
        ambiguous = {"answers": [{"itemKey": items[0], "level": 2, "notObserved": True}, {"itemKey": items[1]}]}
        refused = (await graphql(gateway, headers, SAVE, cycleId=cycle_id, response=ambiguous))[
            "saveSelfAssessmentDraft"
        ]
        assert refused["__typename"] == "ResponseRejected"
        assert [(p["location"], p["type"]) for p in refused["problems"]] == [
            (["response", "answers", "0"], "level_or_not_observed"),
            (["response", "answers", "1"], "level_or_not_observed"),
        ]
        assert journey_services["survey"].calls == {}

        unchanged = (await graphql(gateway, headers, SELF, cycleId=cycle_id))["selfAssessment"]
        assert (unchanged["status"], unchanged["answers"]) == ("not_started", None)


async def test_nobody_reads_or_answers_another_participants_self_assessment(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    owner = auth("participant", sub=participant_sub)
    other = auth("participant", sub=f"gateway-other-{uuid.uuid4().hex[:8]}")
    async with gateway_with(journey_services) as gateway:
        cycle_id = await start_self_assessment(gateway, owner)
        read = await graphql_errors(gateway, other, SELF, cycleId=cycle_id)
        written = await graphql_errors(
            gateway, other, SAVE, cycleId=cycle_id, response={"comments": [{"dimensionKey": "x", "text": "y"}]}
        )
        unchanged = (await graphql(gateway, owner, SELF, cycleId=cycle_id))["selfAssessment"]

    assert read["data"] == {"selfAssessment": None}
    assert [e["extensions"]["code"] for e in read["errors"]] == ["NOT_FOUND"]
    assert written["data"] == {"saveSelfAssessmentDraft": None}
    assert [e["extensions"]["code"] for e in written["errors"]] == ["NOT_FOUND"]
    assert (unchanged["status"], unchanged["answers"]) == ("not_started", None)
