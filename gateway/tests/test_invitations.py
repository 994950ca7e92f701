"""A rater answering through GraphQL with the token of their invitation link, against survey-svc
running in-process on the real database; the tokens are read from the mail survey-svc sends."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from hlm_gateway.invitations.upstream import DRAFT_FILTER_MAX_LENGTH
from hlm_gateway.upstream import _fresh_url, _url
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
PROGRESS = "query ($id: ID!) { cycle(id: $id) { progress { raterGroup invited submitted declined } } }"
INVITATION = """
query ($token: String!) {
  invitation(token: $token) {
    stage status participantName raterGroup closesAt draftSavedAt
    questionnaire { key purpose notObservedLabel items { key } dimensions { key } }
    draft { answers { itemKey level notObserved } importance { dimensionKey rating } comments { dimensionKey text } }
  }
}
"""
SAVE = """
mutation ($token: String!, $response: ResponseInput!) {
  saveInvitationDraft(token: $token, response: $response) {
    __typename
    ... on DraftSaved { savedAt }
    ... on ResponseRejected { message problems { location message type } }
  }
}
"""
SUBMIT = """
mutation ($token: String!, $response: ResponseInput!) {
  submitInvitation(token: $token, response: $response) {
    __typename
    ... on ResponseSubmitted { submittedAt }
    ... on ResponseRejected { message problems { location message type } }
  }
}
"""
DECLINE = "mutation ($token: String!) { declineInvitation(token: $token) }"
NOT_VALID = "This invitation link is not valid. It may have been used, withdrawn or closed."


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


async def open_360(gateway: httpx.AsyncClient, participant: dict[str, str]) -> tuple[str, dict[str, str]]:
    """A 360 opened with a line manager and three peers: its id and each rater's address by name."""
    tag = uuid.uuid4().hex[:8]
    raters = [{"name": "Lee Manager", "email": f"lee.{tag}@trust.example.org", "raterGroup": "LINE_MANAGER"}]
    raters += [
        {"name": f"Peer {n}", "email": f"peer{n}.{tag}@trust.example.org", "raterGroup": "PEER"} for n in (1, 2, 3)
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
        },
    )
    cycle_id: str = created["createCycle"]["id"]
    await graphql(gateway, NOMINATE, participant, cycleId=cycle_id, raters=raters)
    closes_at = (datetime.now(UTC) + timedelta(days=14)).isoformat()
    opened = await graphql(gateway, OPEN, participant, cycleId=cycle_id, closesAt=closes_at)
    assert opened["openCycle"] == {"__typename": "Cycle", "status": "open"}
    return cycle_id, {r["name"]: r["email"] for r in raters}


def whole_response(questionnaire: dict[str, Any]) -> dict[str, Any]:
    items = questionnaire["items"]
    return {
        "answers": [{"itemKey": items[0]["key"], "notObserved": True}]
        + [{"itemKey": item["key"], "level": 3} for item in items[1:]],
        "importance": [{"dimensionKey": d["key"], "rating": 3} for d in questionnaire["dimensions"]],
        "comments": [{"dimensionKey": questionnaire["dimensions"][0]["key"], "text": "Clear about priorities."}],
    }


def progress_of(progress: list[dict[str, Any]], group: str) -> dict[str, Any]:
    return next(p for p in progress if p["raterGroup"] == group)


async def test_a_rater_opens_their_invitation_saves_a_draft_and_submits(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders, rater_tokens: Any
) -> None:
    participant = auth("participant", sub=participant_sub)
    survey = RecordingTransport(journey_services["survey"])
    async with gateway_with({**journey_services, "survey": survey}) as gateway:
        cycle_id, emails = await open_360(gateway, participant)
        token = (await rater_tokens())[emails["Peer 1"]]
        survey.requests.clear()

        # A rater has no account: the link's token alone opens the questionnaire.
        opened = (await graphql(gateway, INVITATION, token=token))["invitation"]
        assert opened["stage"] == "FEEDBACK"
        assert opened["status"] == "not_started"
        assert opened["participantName"] == "Sam Participant"
        assert opened["raterGroup"] == "peer"
        assert opened["closesAt"] is not None
        assert (opened["draft"], opened["draftSavedAt"]) == (None, None)
        questionnaire = opened["questionnaire"]
        assert (questionnaire["key"], questionnaire["purpose"]) == ("hlm-360", "feedback_360")
        assert questionnaire["notObservedLabel"] == "Not observed"

        first, second = (item["key"] for item in questionnaire["items"][:2])
        partial = {"answers": [{"itemKey": first, "level": 4}, {"itemKey": second, "notObserved": True}]}
        saved = (await graphql(gateway, SAVE, token=token, response=partial))["saveInvitationDraft"]
        assert saved["__typename"] == "DraftSaved"

        # A signed-in app user who is also a rater: their identity is not sent along with their answers.
        reopened = (await graphql(gateway, INVITATION, participant, token=token))["invitation"]
        assert reopened["status"] == "draft"
        assert reopened["draftSavedAt"] == saved["savedAt"]
        assert reopened["draft"] == {
            "answers": [
                {"itemKey": first, "level": 4, "notObserved": False},
                {"itemKey": second, "level": None, "notObserved": True},
            ],
            "importance": [],
            "comments": [],
        }

        submitted = (await graphql(gateway, SUBMIT, participant, token=token, response=whole_response(questionnaire)))[
            "submitInvitation"
        ]
        assert submitted["__typename"] == "ResponseSubmitted"
        rater_requests = list(survey.requests)

        used = await call(gateway, INVITATION, token=token)
        progress = (await graphql(gateway, PROGRESS, participant, id=cycle_id))["cycle"]["progress"]

    assert len(rater_requests) == 4
    assert all(r.url.path.startswith("/v1/invitations/") for r in rater_requests)
    assert all("authorization" not in r.headers for r in rater_requests)
    assert all(r.headers["x-forwarded-for"] == "127.0.0.1" for r in rater_requests)
    # The link stops working once the response is submitted; the participant sees a count, not who.
    assert used["data"] == {"invitation": None}
    assert [(e["message"], e["extensions"]["code"]) for e in used["errors"]] == [(NOT_VALID, "NOT_FOUND")]
    assert progress_of(progress, "peer") == {"raterGroup": "peer", "invited": 3, "submitted": 1, "declined": 0}


async def test_a_rater_who_declines_is_counted_and_their_link_stops_working(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders, rater_tokens: Any
) -> None:
    participant = auth("participant", sub=participant_sub)
    async with gateway_with(journey_services) as gateway:
        cycle_id, emails = await open_360(gateway, participant)
        token = (await rater_tokens())[emails["Lee Manager"]]
        assert (await graphql(gateway, INVITATION, token=token))["invitation"]["raterGroup"] == "line_manager"

        declined = await graphql(gateway, DECLINE, token=token)
        again = await call(gateway, DECLINE, token=token)
        reopened = await call(gateway, INVITATION, token=token)
        progress = (await graphql(gateway, PROGRESS, participant, id=cycle_id))["cycle"]["progress"]

    assert declined == {"declineInvitation": True}
    assert again["data"] == {"declineInvitation": None}
    assert [e["extensions"]["code"] for e in again["errors"]] == ["NOT_FOUND"]
    assert reopened["data"] == {"invitation": None}
    assert [e["extensions"]["code"] for e in reopened["errors"]] == ["NOT_FOUND"]
    assert progress_of(progress, "line_manager") == {
        "raterGroup": "line_manager",
        "invited": 1,
        "submitted": 0,
        "declined": 1,
    }


async def test_a_token_that_opens_nothing_is_not_found(gateway_with: Any, journey_services: dict[str, Any]) -> None:
    made_up = "x" * 43
    async with gateway_with(journey_services) as gateway:
        opened = await call(gateway, INVITATION, token=made_up)
        submitted = await call(gateway, SUBMIT, token=made_up, response={})
        journey_services["survey"].calls.clear()
        # What cannot be a token never becomes part of survey-svc's path, and reads the same.
        saved = await call(gateway, SAVE, token="../../cycles", response={})
        assert journey_services["survey"].calls == {}

    for body, field in ((opened, "invitation"), (submitted, "submitInvitation"), (saved, "saveInvitationDraft")):
        assert body["data"] == {field: None}
        assert [(e["message"], e["extensions"]) for e in body["errors"]] == [
            (NOT_VALID, {"code": "NOT_FOUND", "service": "survey-svc"})
        ]


async def test_a_caller_guessing_links_is_slowed_down_alone(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders
) -> None:
    """survey-svc counts failed look-ups per caller address, which the gateway passes on: a guesser is
    told to wait (RATE_LIMITED, with when to try again), while a caller at another address is not."""
    guesser = (f"203.0.113.{uuid.uuid4().int % 250 + 1}", 40000)
    async with gateway_with(journey_services, client=guesser) as gateway:
        answers = [await call(gateway, INVITATION, token=uuid.uuid4().hex) for _ in range(21)]
    codes = [body["errors"][0]["extensions"]["code"] for body in answers]
    assert codes[:20] == ["NOT_FOUND"] * 20
    assert codes[20] == "RATE_LIMITED"
    assert answers[20]["data"] == {"invitation": None}
    assert answers[20]["errors"][0]["extensions"]["retryAfter"] > 0

    elsewhere = (f"198.51.100.{uuid.uuid4().int % 250 + 1}", 40000)
    async with gateway_with(journey_services, client=elsewhere) as gateway:
        other = await call(gateway, INVITATION, token=uuid.uuid4().hex)
    assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_rater_submitting_missing_answers_is_refused_and_can_still_answer(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders, rater_tokens: Any
) -> None:
    participant = auth("participant", sub=participant_sub)
    async with gateway_with(journey_services) as gateway:
        cycle_id, emails = await open_360(gateway, participant)
        token = (await rater_tokens())[emails["Peer 2"]]
        questionnaire = (await graphql(gateway, INVITATION, token=token))["invitation"]["questionnaire"]
        whole = whole_response(questionnaire)
        without_importance = {**whole, "importance": whole["importance"][1:]}

        refused = (await graphql(gateway, SUBMIT, token=token, response=without_importance))["submitInvitation"]
        still_open = (await graphql(gateway, INVITATION, token=token))["invitation"]
        progress = (await graphql(gateway, PROGRESS, participant, id=cycle_id))["cycle"]["progress"]
        accepted = (await graphql(gateway, SUBMIT, token=token, response=whole))["submitInvitation"]

    dimension = questionnaire["dimensions"][0]["key"]
    assert refused == {
        "__typename": "ResponseRejected",
        "message": "1 problem(s) with the answers",
        "problems": [
            {
                "location": ["response", "importance"],
                "message": f"dimension {dimension!r} has no importance rating",
                "type": "missing_importance",
            }
        ],
    }
    assert (still_open["status"], still_open["draft"]) == ("not_started", None)
    assert progress_of(progress, "peer")["submitted"] == 0
    assert accepted["__typename"] == "ResponseSubmitted"


SAVE_PAGE = """
mutation ($token: String!, $dimensionKey: String!, $response: ResponseInput!) {
  saveInvitationPage(token: $token, dimensionKey: $dimensionKey, response: $response) {
    __typename
    ... on InvitationPageSaved {
      savedAt
      draft { answers { itemKey level notObserved } importance { dimensionKey rating } comments { dimensionKey text } }
    }
    ... on ResponseRejected { message problems { location message type } }
  }
}
"""
QUESTIONNAIRE = """
query ($token: String!) {
  invitation(token: $token) { draftSavedAt questionnaire { items { key dimensionKey } dimensions { key } } }
}
"""


async def test_a_rater_saves_one_page_at_a_time_and_gets_the_whole_draft_back(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders, rater_tokens: Any
) -> None:
    """One request per page sent: the page replaces its own dimension in the draft, and the whole draft comes
    back, so the next page can be chosen from it."""
    participant = auth("participant", sub=participant_sub)
    survey = RecordingTransport(journey_services["survey"])
    async with gateway_with({**journey_services, "survey": survey}) as gateway:
        _, emails = await open_360(gateway, participant)
        token = (await rater_tokens())[emails["Peer 3"]]
        questionnaire = (await graphql(gateway, QUESTIONNAIRE, token=token))["invitation"]["questionnaire"]
        first, second = (d["key"] for d in questionnaire["dimensions"][:2])

        def page(key: str, level: int) -> dict[str, Any]:
            items = [i["key"] for i in questionnaire["items"] if i["dimensionKey"] == key]
            return {
                "answers": [{"itemKey": item, "level": level} for item in items],
                "importance": [{"dimensionKey": key, "rating": 2}],
                "comments": [{"dimensionKey": key, "text": f"About {key}."}],
            }

        await graphql(gateway, SAVE_PAGE, token=token, dimensionKey=first, response=page(first, 2))
        survey.requests.clear()
        saved = (await graphql(gateway, SAVE_PAGE, token=token, dimensionKey=second, response=page(second, 4)))[
            "saveInvitationPage"
        ]
        sent = list(survey.requests)
        elsewhere = (await graphql(gateway, SAVE_PAGE, token=token, dimensionKey=first, response=page(second, 4)))[
            "saveInvitationPage"
        ]
        reopened = (await graphql(gateway, QUESTIONNAIRE, token=token))["invitation"]

    assert saved["__typename"] == "InvitationPageSaved"
    assert saved["savedAt"] == reopened["draftSavedAt"]
    levels = {a["itemKey"]: a["level"] for a in saved["draft"]["answers"]}
    dimension_of = {i["key"]: i["dimensionKey"] for i in questionnaire["items"]}
    assert {(dimension_of[k], level) for k, level in levels.items()} == {(first, 2), (second, 4)}
    assert sorted(c["text"] for c in saved["draft"]["comments"]) == sorted([f"About {first}.", f"About {second}."])
    # One call to survey-svc, with no identity: the page is merged there, not read first.
    assert [(r.method, r.url.path) for r in sent] == [("PUT", f"/v1/invitations/{token}/draft/{second}")]
    assert "authorization" not in sent[0].headers
    # Another dimension's answers sent as this page's are refused, each located, and nothing is stored.
    assert elsewhere["__typename"] == "ResponseRejected"
    assert {tuple(p["location"][:2]) for p in elsewhere["problems"]} == {
        ("response", "answers"),
        ("response", "importance"),
        ("response", "comments"),
    }


ONE_PAGE = """
query ($token: String!, $itemKeys: [String!], $dimensionKeys: [String!]) {
  invitation(token: $token) {
    draft {
      answers(itemKeys: $itemKeys) { itemKey level notObserved }
      importance(dimensionKeys: $dimensionKeys) { dimensionKey rating }
      comments(dimensionKeys: $dimensionKeys) { dimensionKey text }
    }
  }
}
"""
SAVE_PAGE_PROGRESS = """
mutation ($token: String!, $dimensionKey: String!, $response: ResponseInput!) {
  saveInvitationPage(token: $token, dimensionKey: $dimensionKey, response: $response) {
    ... on InvitationPageSaved { draft { answeredItemKeys importance { dimensionKey } } }
  }
}
"""


async def test_a_page_asks_for_its_own_answers_and_a_saved_page_for_what_chooses_the_next(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders, rater_tokens: Any
) -> None:
    """A dimension's page reads that dimension's answers, importance and comment alone, and a page saved
    answers with which statements are answered and which dimensions rated; left out, the filters give all."""
    participant = auth("participant", sub=participant_sub)
    async with gateway_with(journey_services) as gateway:
        _, emails = await open_360(gateway, participant)
        token = (await rater_tokens())[emails["Peer 1"]]
        questionnaire = (await graphql(gateway, QUESTIONNAIRE, token=token))["invitation"]["questionnaire"]
        first, second = (d["key"] for d in questionnaire["dimensions"][:2])
        items_of = {
            key: [i["key"] for i in questionnaire["items"] if i["dimensionKey"] == key] for key in (first, second)
        }

        def page(key: str) -> dict[str, Any]:
            return {
                "answers": [{"itemKey": items_of[key][0], "notObserved": True}]
                + [{"itemKey": item, "level": 3} for item in items_of[key][1:]],
                "importance": [{"dimensionKey": key, "rating": 2}],
                "comments": [{"dimensionKey": key, "text": f"About {key}."}],
            }

        await graphql(gateway, SAVE_PAGE, token=token, dimensionKey=first, response=page(first))
        saved = (await graphql(gateway, SAVE_PAGE_PROGRESS, token=token, dimensionKey=second, response=page(second)))[
            "saveInvitationPage"
        ]
        one = await graphql(gateway, ONE_PAGE, token=token, itemKeys=items_of[second], dimensionKeys=[second])
        whole = await graphql(gateway, ONE_PAGE, token=token)
        unknown = await graphql(gateway, ONE_PAGE, token=token, itemKeys=["no_such_item"], dimensionKeys=[])

    draft = whole["invitation"]["draft"]
    assert saved["draft"] == {
        "answeredItemKeys": [a["itemKey"] for a in draft["answers"]],
        "importance": [{"dimensionKey": r["dimensionKey"]} for r in draft["importance"]],
    }
    assert sorted(saved["draft"]["answeredItemKeys"]) == sorted(items_of[first] + items_of[second])
    assert one["invitation"]["draft"] == {
        "answers": [a for a in draft["answers"] if a["itemKey"] in items_of[second]],
        "importance": [{"dimensionKey": second, "rating": 2}],
        "comments": [{"dimensionKey": second, "text": f"About {second}."}],
    }
    assert {"itemKey": items_of[second][0], "level": None, "notObserved": True} in one["invitation"]["draft"]["answers"]
    assert {c["dimensionKey"] for c in draft["comments"]} == {first, second}
    assert unknown["invitation"]["draft"] == {"answers": [], "importance": [], "comments": []}


TWO_PAGES = """
query ($token: String!, $first: [String!], $second: [String!], $dimension: [String!]) {
  invitation(token: $token) {
    status questionnaireId
    draft {
      one: answers(itemKeys: $first) { itemKey level }
      ... on Response { two: answers(itemKeys: $second) { itemKey level } }
      importance(dimensionKeys: $dimension) { dimensionKey }
    }
  }
}
"""


async def test_one_query_asking_for_two_parts_of_the_draft_gets_both(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders, rater_tokens: Any
) -> None:
    """survey-svc is asked for the part of the draft a query reads: with two selections filtered apart (aliases,
    a fragment), each still gets all of its own answers."""
    participant = auth("participant", sub=participant_sub)
    async with gateway_with(journey_services) as gateway:
        _, emails = await open_360(gateway, participant)
        token = (await rater_tokens())[emails["Peer 2"]]
        questionnaire = (await graphql(gateway, QUESTIONNAIRE, token=token))["invitation"]["questionnaire"]
        first, second = (d["key"] for d in questionnaire["dimensions"][:2])
        items_of = {
            key: [i["key"] for i in questionnaire["items"] if i["dimensionKey"] == key] for key in (first, second)
        }
        for key in (first, second):
            response = {
                "answers": [{"itemKey": k, "level": 3} for k in items_of[key]],
                "importance": [{"dimensionKey": key, "rating": 2}],
                "comments": [],
            }
            await graphql(gateway, SAVE_PAGE, token=token, dimensionKey=key, response=response)
        both = await graphql(
            gateway, TWO_PAGES, token=token, first=items_of[first], second=items_of[second], dimension=[second]
        )
        pinned = await graphql(
            gateway, "query ($token: String!) { invitation(token: $token) { questionnaire { id } } }", token=token
        )

    assert both["invitation"] == {
        "status": "draft",
        # The questionnaire's id, read without the questionnaire.
        "questionnaireId": pinned["invitation"]["questionnaire"]["id"],
        "draft": {
            "one": [{"itemKey": k, "level": 3} for k in items_of[first]],
            "two": [{"itemKey": k, "level": 3} for k in items_of[second]],
            "importance": [{"dimensionKey": second}],
        },
    }


LIGHT_INVITATION = """
query ($token: String!, $withQuestionnaire: Boolean!) {
  invitation(token: $token) {
    status participantName
    questionnaire @include(if: $withQuestionnaire) { items { key } }
    draft { answers { itemKey } }
  }
}
"""
SUBMIT_DRAFT = """
mutation ($token: String!) {
  submitInvitationDraft(token: $token) {
    __typename
    ... on ResponseSubmitted { submittedAt }
    ... on ResponseRejected { message problems { location message type } }
  }
}
"""


async def test_a_raters_token_is_not_kept_in_the_gateways_cache_of_urls(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders, rater_tokens: Any
) -> None:
    """The gateway keeps the URLs it reads often parsed; a rater's carries their token, and is not kept."""
    participant = auth("participant", sub=participant_sub)
    async with gateway_with(journey_services) as gateway:
        cycle_id, emails = await open_360(gateway, participant)
        token = (await rater_tokens())[emails["Peer 3"]]
        _url.cache_clear()
        opened = (await graphql(gateway, INVITATION, token=token))["invitation"]
        after_rater = _url.cache_info().currsize
        await graphql(gateway, PROGRESS, participant, id=cycle_id)
        after_participant = _url.cache_info().currsize

    assert opened["stage"] == "FEEDBACK"
    assert after_rater == 0
    # The cache still serves everyone else's reads.
    assert after_participant > 0


async def test_a_client_holding_the_questionnaire_reads_the_invitation_without_it(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders, rater_tokens: Any
) -> None:
    """The web front keeps a link's questionnaire once read; skipping it in the query spares survey-svc
    reading and sending it on every page."""
    participant = auth("participant", sub=participant_sub)
    survey = RecordingTransport(journey_services["survey"])
    async with gateway_with({**journey_services, "survey": survey}) as gateway:
        _, emails = await open_360(gateway, participant)
        token = (await rater_tokens())[emails["Peer 2"]]
        survey.requests.clear()
        whole = (await graphql(gateway, LIGHT_INVITATION, token=token, withQuestionnaire=True))["invitation"]
        light = (await graphql(gateway, LIGHT_INVITATION, token=token, withQuestionnaire=False))["invitation"]
        sent = list(survey.requests)

    assert whole["questionnaire"]["items"]
    assert "questionnaire" not in light
    assert {k: v for k, v in whole.items() if k != "questionnaire"} == light
    assert [r.url.params.get("questionnaire") for r in sent] == [None, "false"]


async def test_a_rater_sends_their_saved_draft_in_one_call_and_a_missing_answer_is_refused(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders, rater_tokens: Any
) -> None:
    participant = auth("participant", sub=participant_sub)
    survey = RecordingTransport(journey_services["survey"])
    async with gateway_with({**journey_services, "survey": survey}) as gateway:
        cycle_id, emails = await open_360(gateway, participant)
        token = (await rater_tokens())[emails["Peer 2"]]
        questionnaire = (await graphql(gateway, INVITATION, token=token))["invitation"]["questionnaire"]
        whole = whole_response(questionnaire)
        await graphql(gateway, SAVE, token=token, response={**whole, "importance": whole["importance"][1:]})

        refused = (await graphql(gateway, SUBMIT_DRAFT, token=token))["submitInvitationDraft"]
        progress = (await graphql(gateway, PROGRESS, participant, id=cycle_id))["cycle"]["progress"]
        await graphql(gateway, SAVE, token=token, response=whole)
        survey.requests.clear()
        accepted = (await graphql(gateway, SUBMIT_DRAFT, token=token))["submitInvitationDraft"]
        sent = list(survey.requests)
        after = (await graphql(gateway, PROGRESS, participant, id=cycle_id))["cycle"]["progress"]

    dimension = questionnaire["dimensions"][0]["key"]
    assert refused == {
        "__typename": "ResponseRejected",
        "message": "1 problem(s) with the answers",
        "problems": [
            {
                "location": ["draft", "importance"],
                "message": f"dimension {dimension!r} has no importance rating",
                "type": "missing_importance",
            }
        ],
    }
    assert progress_of(progress, "peer")["submitted"] == 0
    assert accepted["__typename"] == "ResponseSubmitted"
    assert [(r.method, r.url.path) for r in sent] == [("POST", f"/v1/invitations/{token}/draft/submit")]
    assert progress_of(after, "peer")["submitted"] == 1


async def test_a_filter_longer_than_survey_svc_takes_still_gets_its_answers(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders, rater_tokens: Any
) -> None:
    """A filter too long to pass on is left out upstream: survey-svc sends the whole draft, and the gateway still
    answers with what the filter names."""
    participant = auth("participant", sub=participant_sub)
    async with gateway_with(journey_services) as gateway:
        _, emails = await open_360(gateway, participant)
        token = (await rater_tokens())[emails["Peer 2"]]
        questionnaire = (await graphql(gateway, QUESTIONNAIRE, token=token))["invitation"]["questionnaire"]
        first = questionnaire["dimensions"][0]["key"]
        items = [i["key"] for i in questionnaire["items"] if i["dimensionKey"] == first]
        response = {"answers": [{"itemKey": k, "level": 4} for k in items], "importance": [], "comments": []}
        await graphql(gateway, SAVE_PAGE, token=token, dimensionKey=first, response=response)
        many = items + [f"no-such-statement-{n:05d}" for n in range(150)]
        assert len(",".join(many)) > DRAFT_FILTER_MAX_LENGTH
        both = await graphql(gateway, TWO_PAGES, token=token, first=many, second=items[:1], dimension=[first])

    assert both["invitation"]["draft"] == {
        "one": [{"itemKey": k, "level": 4} for k in items],
        "two": [{"itemKey": items[0], "level": 4}],
        "importance": [],
    }


@pytest.mark.parametrize("base", ["http://survey-svc:8002", "http://gateway.internal/survey/"])
@pytest.mark.parametrize(
    "params",
    [
        (),
        (("questionnaire", "false"),),
        (("items", "a.1,a.2"), ("dimensions", "self awareness & more")),
        (("note", "?#/%+=é"),),
    ],
)
async def test_a_raters_url_is_built_as_httpx_builds_it(base: str, params: tuple[tuple[str, str], ...]) -> None:
    """A rater's URL is joined to the service's URL by hand (``_fresh_url``) so that it is never kept; it must
    be the URL httpx itself would have sent, whatever the query holds."""
    async with httpx.AsyncClient(base_url=base) as client:
        path = "/v1/invitations/AbC-d_e0123456789"
        assert str(_fresh_url(client, path, params)) == str(_url.__wrapped__(client, path, params))
