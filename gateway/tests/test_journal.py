"""The HLM app's journal through GraphQL, against survey-svc running in-process on the real database:
observations and development goals, private to their author, paged, filtered, changed and deleted;
what survey-svc refuses comes back as a typed ...Rejected result and nothing is stored."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx

from hlm_kit.testing import today
from hlm_kit.testing.pytest_plugin import AuthHeaders

OBSERVATION_FIELDS = "id observedOn context whatHappened dimensionKeys reflection dimensions { key name }"
RECORD = f"""
mutation ($input: RecordObservationInput!, $key: String) {{
  recordObservation(input: $input, idempotencyKey: $key) {{
    __typename
    ... on Observation {{ {OBSERVATION_FIELDS} }}
    ... on ObservationRejected {{ message problems {{ location message type }} }}
  }}
}}
"""
UPDATE = f"""
mutation ($id: ID!, $input: UpdateObservationInput!) {{
  updateObservation(id: $id, input: $input) {{
    __typename
    ... on Observation {{ {OBSERVATION_FIELDS} }}
    ... on ObservationRejected {{ message problems {{ location message type }} }}
  }}
}}
"""
DELETE = "mutation ($id: ID!) { deleteObservation(id: $id) }"
OBSERVATION = f"query ($id: ID!) {{ observation(id: $id) {{ {OBSERVATION_FIELDS} }} }}"
OBSERVATIONS = """
query ($first: Int!, $after: String, $dimension: String, $from: Date, $to: Date) {
  observations(first: $first, after: $after, dimension: $dimension, from: $from, to: $to) {
    edges { node { id observedOn dimensionKeys } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

GOAL_FIELDS = "id title description dimensionKeys targetOn remindOn remindByMail status reminderDue dimensions { key }"
SET_GOAL = f"""
mutation ($input: SetGoalInput!) {{
  setGoal(input: $input) {{
    __typename
    ... on Goal {{ {GOAL_FIELDS} }}
    ... on GoalRejected {{ message problems {{ location message type }} }}
  }}
}}
"""
UPDATE_GOAL = f"""
mutation ($id: ID!, $input: UpdateGoalInput!) {{
  updateGoal(id: $id, input: $input) {{
    __typename
    ... on Goal {{ {GOAL_FIELDS} }}
    ... on GoalRejected {{ message problems {{ location message type }} }}
  }}
}}
"""
DELETE_GOAL = "mutation ($id: ID!) { deleteGoal(id: $id) }"
GOAL = f"query ($id: ID!) {{ goal(id: $id) {{ {GOAL_FIELDS} }} }}"
GOALS = """
query ($first: Int!, $after: String, $status: GoalStatus, $reminderDue: Boolean! = false) {
  goals(first: $first, after: $after, status: $status, reminderDue: $reminderDue) {
    edges { cursor node { id title status } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def call(gateway: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any) -> Any:
    """The whole GraphQL response: ``data`` and any ``errors``."""
    response = await gateway.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def graphql(gateway: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any) -> Any:
    body = await call(gateway, headers, query, **variables)
    assert "errors" not in body, body
    return body["data"]


def entry(**overrides: Any) -> dict[str, Any]:
    return {
        "observedOn": today().isoformat(),
        "context": "Board round, ward 7",
        "whatHappened": "The registrar asked the student nurse for her view before deciding on discharge.",
        "dimensionKeys": ["engaging_the_team"],
        "reflection": "I want to make room for quieter voices like that.",
        **overrides,
    }


def node_of(result: dict[str, Any]) -> dict[str, Any]:
    """A mutation's union result as a plain read of the same fields shows it."""
    return {k: v for k, v in result.items() if k != "__typename"}


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def test_an_author_records_pages_through_changes_and_deletes_observations(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    me = auth("participant", sub=participant_sub)
    days = [today() - timedelta(days=n) for n in (3, 2, 1)]

    async with gateway_with(journey_services) as gateway:
        recorded = [
            (await graphql(gateway, me, RECORD, input=entry(observedOn=day.isoformat())))["recordObservation"]
            for day in days
        ]
        first_page = (await graphql(gateway, me, OBSERVATIONS, first=2))["observations"]
        second_page = (await graphql(gateway, me, OBSERVATIONS, first=2, after=first_page["pageInfo"]["endCursor"]))[
            "observations"
        ]

        oldest = recorded[0]["id"]
        updated = (
            await graphql(
                gateway,
                me,
                UPDATE,
                id=oldest,
                input={"dimensionKeys": ["engaging_the_team", "leading_with_care"], "reflection": None},
            )
        )["updateObservation"]
        read_back = (await graphql(gateway, me, OBSERVATION, id=oldest))["observation"]

        deleted = (await graphql(gateway, me, DELETE, id=oldest))["deleteObservation"]
        gone = await call(gateway, me, OBSERVATION, id=oldest)
        left = (await graphql(gateway, me, OBSERVATIONS, first=10))["observations"]

    assert [r["__typename"] for r in recorded] == ["Observation"] * 3
    assert recorded[0]["dimensions"] == [{"key": "engaging_the_team", "name": "Engaging the team"}]
    newest_first = [r["id"] for r in reversed(recorded)]
    assert [edge["node"]["id"] for edge in first_page["edges"]] == newest_first[:2]
    assert first_page["pageInfo"]["hasNextPage"] is True
    assert [edge["node"]["id"] for edge in second_page["edges"]] == newest_first[2:]
    assert second_page["pageInfo"] == {"hasNextPage": False, "endCursor": None}

    assert updated["__typename"] == "Observation"
    assert updated["dimensionKeys"] == ["engaging_the_team", "leading_with_care"]
    assert [d["key"] for d in updated["dimensions"]] == ["engaging_the_team", "leading_with_care"]
    assert updated["reflection"] is None
    # Fields left out of the change stay as they were.
    assert updated["context"] == "Board round, ward 7"
    assert updated["observedOn"] == days[0].isoformat()
    assert read_back == node_of(updated)

    assert deleted is True
    assert gone["data"] == {"observation": None}
    assert error_codes(gone) == ["NOT_FOUND"]
    assert [edge["node"]["id"] for edge in left["edges"]] == newest_first[:2]


async def test_a_page_of_observations_names_its_dimensions_with_one_framework_call(
    gateway_with: Any,
    journey_services: dict[str, Any],
    framework: Any,
    participant_sub: str,
    auth: AuthHeaders,
) -> None:
    me = auth("participant", sub=participant_sub)
    keys = [["engaging_the_team"], ["leading_with_care", "holding_to_account"], ["sharing_the_vision"]]

    async with gateway_with(journey_services) as gateway:
        for dimension_keys in keys:
            await graphql(gateway, me, RECORD, input=entry(dimensionKeys=dimension_keys))
        framework.calls.clear()
        journey_services["survey"].calls.clear()
        listed = (
            await graphql(gateway, me, "{ observations(first: 10) { edges { node { dimensions { key name } } } } }")
        )["observations"]

    named = [[d["key"] for d in edge["node"]["dimensions"]] for edge in listed["edges"]]
    assert sorted(named) == sorted(keys)
    names = {d["key"]: d["name"] for edge in listed["edges"] for d in edge["node"]["dimensions"]}
    assert names["leading_with_care"] == "Leading with care"
    assert framework.calls == {("GET", "/v1/frameworks/hlm"): 1}
    assert journey_services["survey"].calls == {("GET", "/v1/observations"): 1}


async def test_observations_are_filtered_by_dimension_and_dates(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    me = auth("participant", sub=participant_sub)
    days = [today() - timedelta(days=n) for n in (30, 10, 3, 1)]
    keys = ["holding_to_account", "engaging_the_team", "holding_to_account", "sharing_the_vision"]

    async with gateway_with(journey_services) as gateway:
        for day, key in zip(days, keys, strict=True):
            await graphql(gateway, me, RECORD, input=entry(observedOn=day.isoformat(), dimensionKeys=[key]))
        by_dimension = (await graphql(gateway, me, OBSERVATIONS, first=10, dimension="holding_to_account"))[
            "observations"
        ]
        period = {"from": days[1].isoformat(), "to": days[2].isoformat()}
        in_period = (await graphql(gateway, me, OBSERVATIONS, first=10, **period))["observations"]

    assert [edge["node"]["observedOn"] for edge in by_dimension["edges"]] == [days[2].isoformat(), days[0].isoformat()]
    assert [edge["node"]["observedOn"] for edge in in_period["edges"]] == [days[2].isoformat(), days[1].isoformat()]


async def test_observations_that_survey_svc_refuses_come_back_typed_and_nothing_is_stored(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    me = auth("participant", sub=participant_sub)
    tomorrow = (today() + timedelta(days=1)).isoformat()

    async with gateway_with(journey_services) as gateway:
        refused = (
            await graphql(
                gateway, me, RECORD, input=entry(observedOn=tomorrow, dimensionKeys=["engaging_the_team", "charisma"])
            )
        )["recordObservation"]
        blank = (await graphql(gateway, me, RECORD, input=entry(context="   ")))["recordObservation"]
        nothing = (await graphql(gateway, me, OBSERVATIONS, first=10))["observations"]

        kept = (await graphql(gateway, me, RECORD, input=entry()))["recordObservation"]
        uncleared = (await graphql(gateway, me, UPDATE, id=kept["id"], input={"context": None}))["updateObservation"]
        unchanged = (await graphql(gateway, me, OBSERVATION, id=kept["id"]))["observation"]

    assert refused == {
        "__typename": "ObservationRejected",
        "message": "2 problem(s) with the observation",
        "problems": [
            {
                "location": ["input", "observedOn"],
                "message": "an observation cannot be in the future",
                "type": "future",
            },
            {
                "location": ["input", "dimensionKeys", "1"],
                "message": "'charisma' is not a dimension of the HLM",
                "type": "unknown_dimension",
            },
        ],
    }
    assert blank["__typename"] == "ObservationRejected"
    assert [(p["location"], p["type"]) for p in blank["problems"]] == [
        (["input", "context"], "string_pattern_mismatch")
    ]
    assert nothing["edges"] == []

    assert uncleared == {
        "__typename": "ObservationRejected",
        "message": "1 problem(s) with the change",
        "problems": [{"location": ["input", "context"], "message": "cannot be cleared", "type": "required"}],
    }
    assert unchanged == node_of(kept)


async def test_a_retried_record_with_the_same_idempotency_key_is_stored_once(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    me = auth("participant", sub=participant_sub)
    key = f"record-{uuid.uuid4()}"

    async with gateway_with(journey_services) as gateway:
        first = (await graphql(gateway, me, RECORD, input=entry(), key=key))["recordObservation"]
        again = (await graphql(gateway, me, RECORD, input=entry(), key=key))["recordObservation"]
        listed = (await graphql(gateway, me, OBSERVATIONS, first=10))["observations"]

    assert again == first
    assert [edge["node"]["id"] for edge in listed["edges"]] == [first["id"]]


async def test_an_author_sets_pages_through_changes_and_deletes_goals(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    me = auth("participant", sub=participant_sub)
    next_week = (today() + timedelta(days=7)).isoformat()
    titles = ["Ask quieter colleagues first", "Share the ward's vision monthly", "Hold fair one-to-ones"]

    async with gateway_with(journey_services) as gateway:
        set_ = [
            (
                await graphql(
                    gateway,
                    me,
                    SET_GOAL,
                    input={"title": title, "dimensionKeys": ["engaging_the_team"], "remindOn": next_week},
                )
            )["setGoal"]
            for title in titles
        ]
        first_page = (await graphql(gateway, me, GOALS, first=2))["goals"]
        second_page = (await graphql(gateway, me, GOALS, first=2, after=first_page["pageInfo"]["endCursor"]))["goals"]

        first_id = set_[0]["id"]
        achieved = (
            await graphql(gateway, me, UPDATE_GOAL, id=first_id, input={"status": "ACHIEVED", "remindOn": None})
        )["updateGoal"]
        read_back = (await graphql(gateway, me, GOAL, id=first_id))["goal"]
        active = (await graphql(gateway, me, GOALS, first=10, status="ACTIVE"))["goals"]

        # Deleting a goal between pages does not lose the place: the cursor names a position, not a goal.
        after_first = first_page["edges"][0]["cursor"]
        deleted = (await graphql(gateway, me, DELETE_GOAL, id=first_id))["deleteGoal"]
        gone = await call(gateway, me, GOAL, id=first_id)
        resumed = (await graphql(gateway, me, GOALS, first=10, after=after_first))["goals"]

    assert [s["__typename"] for s in set_] == ["Goal"] * 3
    assert set_[0]["status"] == "ACTIVE"
    assert set_[0]["reminderDue"] is False
    assert set_[0]["dimensions"] == [{"key": "engaging_the_team"}]
    ids = [s["id"] for s in set_]
    assert [edge["node"]["id"] for edge in first_page["edges"]] == ids[:2]
    assert first_page["pageInfo"]["hasNextPage"] is True
    assert [edge["node"]["id"] for edge in second_page["edges"]] == ids[2:]
    assert second_page["pageInfo"] == {"hasNextPage": False, "endCursor": None}

    assert achieved["status"] == "ACHIEVED"
    assert achieved["remindOn"] is None
    assert achieved["title"] == titles[0]
    assert read_back == node_of(achieved)
    assert [edge["node"]["id"] for edge in active["edges"]] == ids[1:]

    assert deleted is True
    assert gone["data"] == {"goal": None}
    assert error_codes(gone) == ["NOT_FOUND"]
    assert [edge["node"]["id"] for edge in resumed["edges"]] == ids[1:]


async def test_a_page_of_goals_is_the_page_survey_svc_answers_whatever_its_size(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    # More goals than survey-svc answers unless asked (50): the gateway asks for the page it serves.
    me = auth("participant", sub=participant_sub)
    survey = journey_services["survey"]

    async with gateway_with(journey_services) as gateway:
        ids = [(await graphql(gateway, me, SET_GOAL, input={"title": f"Goal {n}"}))["setGoal"]["id"] for n in range(57)]
        survey.calls.clear()
        first_page = (await graphql(gateway, me, GOALS, first=55))["goals"]
        calls = survey.calls[("GET", "/v1/goals")]
        rest = (await graphql(gateway, me, GOALS, first=55, after=first_page["pageInfo"]["endCursor"]))["goals"]

    assert [edge["node"]["id"] for edge in first_page["edges"]] == ids[:55]
    assert first_page["pageInfo"]["hasNextPage"] is True
    assert calls == 1
    assert [edge["node"]["id"] for edge in rest["edges"]] == ids[55:]
    assert rest["pageInfo"] == {"hasNextPage": False, "endCursor": None}


async def test_an_author_has_a_goals_reminder_mailed_to_their_verified_address_and_turns_it_off(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    address = f"alex.{uuid.uuid4().hex[:8]}@trust.example.org"
    me = auth("participant", sub=participant_sub, email=address)
    reminder = {"title": "Ask quieter colleagues first", "remindOn": today().isoformat(), "remindByMail": True}

    async with gateway_with(journey_services) as gateway:
        set_ = (await graphql(gateway, me, SET_GOAL, input=reminder))["setGoal"]
        read_back = await call(gateway, me, GOAL, id=set_["id"])
        turned_off = (await graphql(gateway, me, UPDATE_GOAL, id=set_["id"], input={"remindByMail": False}))[
            "updateGoal"
        ]
        in_app_only = (await graphql(gateway, me, SET_GOAL, input={"title": "Hold fair one-to-ones"}))["setGoal"]

    assert (set_["remindByMail"], set_["reminderDue"]) == (True, True)
    assert read_back["data"]["goal"] == node_of(set_)
    # The address is the sign-in's: the app never sends it, and is never sent it.
    assert address not in str(read_back)
    assert (turned_off["remindByMail"], turned_off["remindOn"]) == (False, today().isoformat())
    assert in_app_only["remindByMail"] is False


async def test_reminders_by_mail_without_a_verified_address_are_refused_and_nothing_is_stored(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    address = f"alex.{uuid.uuid4().hex[:8]}@trust.example.org"
    no_email = auth("participant", sub=participant_sub)
    # An address the identity provider has not verified could be anyone's: it counts as none.
    unverified = auth("participant", sub=participant_sub, email=address, email_verified=False)
    reminder = {"title": "Ask quieter colleagues first", "remindOn": today().isoformat(), "remindByMail": True}

    async with gateway_with(journey_services) as gateway:
        refused = [(await graphql(gateway, me, SET_GOAL, input=reminder))["setGoal"] for me in (no_email, unverified)]
        nothing = (await graphql(gateway, no_email, GOALS, first=10))["goals"]
        in_app = (await graphql(gateway, unverified, SET_GOAL, input={**reminder, "remindByMail": False}))["setGoal"]
        switched = (await graphql(gateway, unverified, UPDATE_GOAL, id=in_app["id"], input={"remindByMail": True}))[
            "updateGoal"
        ]
        unchanged = (await graphql(gateway, unverified, GOAL, id=in_app["id"]))["goal"]

    for rejected in (*refused, switched):
        assert rejected["__typename"] == "GoalRejected"
        assert [(p["location"], p["type"]) for p in rejected["problems"]] == [
            (["input", "remindByMail"], "no_verified_email")
        ]
    assert nothing["edges"] == []
    assert unchanged == node_of(in_app)
    assert unchanged["remindByMail"] is False


async def test_goals_that_survey_svc_refuses_come_back_typed_and_nothing_is_stored(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    me = auth("participant", sub=participant_sub)
    yesterday = (today() - timedelta(days=1)).isoformat()

    async with gateway_with(journey_services) as gateway:
        refused = (
            await graphql(
                gateway, me, SET_GOAL, input={"title": "Lead well", "remindOn": yesterday, "dimensionKeys": ["x"]}
            )
        )["setGoal"]
        nothing = (await graphql(gateway, me, GOALS, first=10))["goals"]
        bad_cursor = await call(gateway, me, GOALS, first=10, after="not a cursor")

    assert refused == {
        "__typename": "GoalRejected",
        "message": "2 problem(s) with the goal",
        "problems": [
            {
                "location": ["input", "remindOn"],
                "message": "a reminder date cannot be in the past",
                "type": "in_the_past",
            },
            {
                "location": ["input", "dimensionKeys", "0"],
                "message": "'x' is not a dimension of the HLM",
                "type": "unknown_dimension",
            },
        ],
    }
    assert nothing["edges"] == []
    assert bad_cursor["data"] == {"goals": None}
    assert error_codes(bad_cursor) == ["BAD_USER_INPUT"]


async def test_one_participant_never_sees_nor_changes_anothers_journal(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    author = auth("participant", sub=participant_sub)
    other = auth("participant", sub=f"gateway-other-{uuid.uuid4().hex[:8]}")

    async with gateway_with(journey_services) as gateway:
        observation = (await graphql(gateway, author, RECORD, input=entry()))["recordObservation"]
        goal = (await graphql(gateway, author, SET_GOAL, input={"title": "Ask quieter colleagues first"}))["setGoal"]

        others_observations = (await graphql(gateway, other, OBSERVATIONS, first=10))["observations"]
        others_goals = (await graphql(gateway, other, GOALS, first=10))["goals"]
        reads = [
            await call(gateway, other, OBSERVATION, id=observation["id"]),
            await call(gateway, other, GOAL, id=goal["id"]),
        ]
        writes = [
            await call(gateway, other, UPDATE, id=observation["id"], input={"context": "Not mine"}),
            await call(gateway, other, DELETE, id=observation["id"]),
            await call(gateway, other, UPDATE_GOAL, id=goal["id"], input={"title": "Not mine"}),
            await call(gateway, other, DELETE_GOAL, id=goal["id"]),
        ]

        still_observation = (await graphql(gateway, author, OBSERVATION, id=observation["id"]))["observation"]
        still_goal = (await graphql(gateway, author, GOAL, id=goal["id"]))["goal"]

    assert others_observations["edges"] == []
    assert others_goals["edges"] == []
    # The same answer as for an id that does not exist: nothing says the entry is there.
    for body in reads + writes:
        assert error_codes(body) == ["NOT_FOUND"]
        assert list(body["data"].values()) == [None]
    assert still_observation == node_of(observation)
    assert still_goal == node_of(goal)
