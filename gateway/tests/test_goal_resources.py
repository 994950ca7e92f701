"""Development resources saved to a goal through GraphQL, against framework-svc and survey-svc running
in-process on the real database, survey-svc holding the catalogue's published resources as the
resources.published event carries them: a participant saves a resource to their goal once, reads it on
the goal and takes it off; an unknown key comes back as a typed GoalRejected and stores nothing; another
participant's goal is not found."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.db import create_engine
from hlm_kit.messaging.envelope import CloudEvent
from hlm_kit.testing.pytest_plugin import AuthHeaders

SAVED = "savedResources { key title kind link status savedAt }"
SET_GOAL = f"""
mutation ($input: SetGoalInput!) {{
  setGoal(input: $input) {{ __typename ... on Goal {{ id {SAVED} }} }}
}}
"""
SAVE = f"""
mutation ($goalId: ID!, $resourceKey: String!) {{
  saveResourceToGoal(goalId: $goalId, resourceKey: $resourceKey) {{
    __typename
    ... on Goal {{ id {SAVED} }}
    ... on GoalRejected {{ message problems {{ location message type }} }}
  }}
}}
"""
REMOVE = f"""
mutation ($goalId: ID!, $resourceKey: String!) {{
  removeResourceFromGoal(goalId: $goalId, resourceKey: $resourceKey) {{
    __typename
    ... on Goal {{ id {SAVED} }}
    ... on GoalRejected {{ message problems {{ location message type }} }}
  }}
}}
"""
GOAL = f"query ($id: ID!) {{ goal(id: $id) {{ id {SAVED} }} }}"
GOALS = f"query {{ goals(first: 50) {{ edges {{ node {{ id {SAVED} }} }} }} }}"
RESOURCE = "query ($key: String!) { resource(key: $key) { key title kind link } }"

# Two of the catalogue's published resources.
CHOSEN, OTHER = "caring-to-change", "hlm-nine-dimensions"


@pytest_asyncio.fixture
async def survey_keeps_the_catalogue(
    journey_services: dict[str, Any], framework_database_url: str
) -> AsyncIterator[list[str]]:
    """survey-svc's copy of the published resources, as framework-svc's event carries the catalogue's set:
    the keys published."""
    from framework_svc.resources.repository import ResourceRepository
    from framework_svc.resources.service import published_event
    from framework_svc.versioning import VersionStatus
    from survey_svc.resources import service as survey_resources

    engine = create_engine(framework_database_url)
    try:
        async with AsyncSession(engine) as session:
            published = await ResourceRepository(session).list_by_status(VersionStatus.PUBLISHED)
            event = published_event(published, changed_at=datetime.now(UTC))
    finally:
        await engine.dispose()
    state = journey_services["survey"].inner.app.state  # the survey-svc app's runtime
    async with state.sessionmaker() as session:
        await survey_resources.on_published(session, event, CloudEvent.wrap(event))
        await session.commit()
    yield [r.key for r in event.resources]


async def call(gateway: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any) -> Any:
    response = await gateway.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def graphql(gateway: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any) -> Any:
    body = await call(gateway, headers, query, **variables)
    assert "errors" not in body, body
    return body["data"]


async def test_a_participant_saves_a_resource_to_a_goal_once_reads_it_there_and_takes_it_off(
    gateway_with: Any,
    journey_services: dict[str, Any],
    survey_keeps_the_catalogue: list[str],
    participant_sub: str,
    auth: AuthHeaders,
) -> None:
    assert {CHOSEN, OTHER} <= set(survey_keeps_the_catalogue)
    me = auth("participant", sub=participant_sub)

    async with gateway_with(journey_services) as gateway:
        found = (await graphql(gateway, me, RESOURCE, key=CHOSEN))["resource"]
        goal = (
            await graphql(
                gateway, me, SET_GOAL, input={"title": "Lead with care", "dimensionKeys": ["leading_with_care"]}
            )
        )["setGoal"]
        first = (await graphql(gateway, me, SAVE, goalId=goal["id"], resourceKey=CHOSEN))["saveResourceToGoal"]
        again = (await graphql(gateway, me, SAVE, goalId=goal["id"], resourceKey=CHOSEN))["saveResourceToGoal"]
        both = (await graphql(gateway, me, SAVE, goalId=goal["id"], resourceKey=OTHER))["saveResourceToGoal"]
        read = (await graphql(gateway, me, GOAL, id=goal["id"]))["goal"]
        listed = (await graphql(gateway, me, GOALS))["goals"]["edges"]
        removed = (await graphql(gateway, me, REMOVE, goalId=goal["id"], resourceKey=CHOSEN))["removeResourceFromGoal"]
        removed_again = (await graphql(gateway, me, REMOVE, goalId=goal["id"], resourceKey=CHOSEN))[
            "removeResourceFromGoal"
        ]
        after = (await graphql(gateway, me, GOAL, id=goal["id"]))["goal"]

    assert goal["savedResources"] == []
    assert first["__typename"] == "Goal", first
    [saved] = first["savedResources"]
    # The goal names the resource as the catalogue does.
    assert {k: saved[k] for k in ("key", "title", "kind", "link")} == found
    assert saved["status"] == "PUBLISHED"
    assert again["savedResources"] == first["savedResources"]
    assert [s["key"] for s in both["savedResources"]] == [CHOSEN, OTHER]
    assert read["savedResources"] == both["savedResources"]
    assert [e["node"]["savedResources"] for e in listed if e["node"]["id"] == goal["id"]] == [both["savedResources"]]
    assert removed["__typename"] == "Goal"
    assert [s["key"] for s in removed["savedResources"]] == [OTHER]
    assert removed_again == removed
    assert after["savedResources"] == removed["savedResources"]


async def test_a_key_that_is_no_published_resource_is_refused_typed_and_nothing_is_stored(
    gateway_with: Any,
    journey_services: dict[str, Any],
    survey_keeps_the_catalogue: list[str],
    participant_sub: str,
    auth: AuthHeaders,
) -> None:
    me = auth("participant", sub=participant_sub)

    async with gateway_with(journey_services) as gateway:
        goal = (await graphql(gateway, me, SET_GOAL, input={"title": "Read more"}))["setGoal"]
        survey = journey_services["survey"]
        calls_before = dict(survey.calls)
        malformed = await call(gateway, me, SAVE, goalId=goal["id"], resourceKey="Not a key")
        calls_after_malformed = dict(survey.calls)
        unknown = (await graphql(gateway, me, SAVE, goalId=goal["id"], resourceKey="no-such-resource"))[
            "saveResourceToGoal"
        ]
        read = (await graphql(gateway, me, GOAL, id=goal["id"]))["goal"]

    # A value that cannot be a key is refused before any service is called.
    assert [e["extensions"]["code"] for e in malformed["errors"]] == ["BAD_USER_INPUT"]
    assert calls_after_malformed == calls_before
    assert unknown["__typename"] == "GoalRejected"
    assert [(p["location"], p["type"]) for p in unknown["problems"]] == [(["resourceKey"], "unknown_resource")]
    assert "no-such-resource" in unknown["problems"][0]["message"]
    assert read["savedResources"] == []


async def test_another_participants_goal_is_not_found_and_keeps_its_resources(
    gateway_with: Any,
    journey_services: dict[str, Any],
    survey_keeps_the_catalogue: list[str],
    participant_sub: str,
    auth: AuthHeaders,
) -> None:
    author = auth("participant", sub=participant_sub)
    other = auth("participant", sub=f"gateway-other-{uuid.uuid4().hex[:8]}")

    async with gateway_with(journey_services) as gateway:
        goal = (await graphql(gateway, author, SET_GOAL, input={"title": "Mine"}))["setGoal"]
        await graphql(gateway, author, SAVE, goalId=goal["id"], resourceKey=CHOSEN)
        attempts = [
            await call(gateway, other, SAVE, goalId=goal["id"], resourceKey=OTHER),
            await call(gateway, other, REMOVE, goalId=goal["id"], resourceKey=CHOSEN),
        ]
        still = (await graphql(gateway, author, GOAL, id=goal["id"]))["goal"]

    for body in attempts:
        assert [e["extensions"]["code"] for e in body["errors"]] == ["NOT_FOUND"]
        assert list(body["data"].values()) == [None]
    assert [s["key"] for s in still["savedResources"]] == [CHOSEN]
