"""The request owns the transaction: survey-svc's services add and flush and never commit, so an endpoint
that calls two of them stores both or neither. Shown with the journal's own services (an observation,
then a goal drawn from it) on committed data, read back from another connection as other requests and
replicas would see it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest_asyncio
from asgi_lifespan import LifespanManager
from fastapi import APIRouter, status
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from hlm_contracts import QuestionnairePublishedV1
from hlm_kit.auth import CurrentPrincipal
from hlm_kit.db import Session
from hlm_kit.testing import today
from hlm_kit.testing.pytest_plugin import AuthHeaders
from survey_svc.config import Settings
from survey_svc.goals import service as goal_service
from survey_svc.goals.schemas import GoalIn
from survey_svc.main import create_app
from survey_svc.observations import service as observation_service
from survey_svc.observations.schemas import ObservationIn

COUNT_ROWS = text(
    "SELECT (SELECT count(*) FROM survey.observation WHERE author_id = :author),"
    " (SELECT count(*) FROM survey.goal WHERE author_id = :author)"
)


def journal_router(engine: AsyncEngine) -> APIRouter:
    """An endpoint made of two of the journal's service calls: record an observation, then set a goal
    from it. Between the two it notes what another connection sees of the first."""
    router = APIRouter()

    @router.post("/test/observation-with-goal", status_code=status.HTTP_201_CREATED)
    async def observation_with_goal(
        session: Session, principal: CurrentPrincipal, observation: ObservationIn, goal: GoalIn
    ) -> dict[str, Any]:
        await observation_service.create(session, principal, observation, None)
        async with engine.connect() as elsewhere:
            seen = (await elsewhere.execute(COUNT_ROWS, {"author": principal.sub})).one()
        await goal_service.create(session, principal, goal, None)
        return {"seen_elsewhere_between_the_calls": list(seen)}

    return router


@pytest_asyncio.fixture
async def journal(
    settings: Settings, engine: AsyncEngine, snapshots: list[QuestionnairePublishedV1]
) -> AsyncIterator[httpx.AsyncClient]:
    """The app with the two-step endpoint, on committed data (each test writes as an author of its own)."""
    app = create_app(settings)
    app.include_router(journal_router(engine))
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://survey-svc") as client,
    ):
        yield client


def observation() -> dict[str, Any]:
    return {
        "observed_on": today().isoformat(),
        "context": "Handover, ward 7",
        "what_happened": "The charge nurse asked the newest member of the team to lead the handover.",
        "dimension_keys": ["engaging_the_team"],
    }


async def stored(engine: AsyncEngine, author: str) -> list[int]:
    async with engine.connect() as connection:
        return list((await connection.execute(COUNT_ROWS, {"author": author})).one())


async def test_a_refused_second_step_leaves_nothing_of_the_first(
    journal: httpx.AsyncClient, engine: AsyncEngine, auth: AuthHeaders
) -> None:
    author = f"author-{uuid.uuid4().hex[:8]}"
    goal = {"title": "Let others lead handovers", "remind_on": (today() - timedelta(days=1)).isoformat()}

    response = await journal.post(
        "/test/observation-with-goal",
        json={"observation": observation(), "goal": goal},
        headers=auth("participant", sub=author),
    )

    assert response.status_code == 422, response.text
    assert [e["type"] for e in response.json()["errors"]] == ["in_the_past"]
    assert await stored(engine, author) == [0, 0]


async def test_two_service_calls_are_committed_together_when_the_request_ends(
    journal: httpx.AsyncClient, engine: AsyncEngine, auth: AuthHeaders
) -> None:
    author = f"author-{uuid.uuid4().hex[:8]}"
    goal = {"title": "Let others lead handovers", "dimension_keys": ["engaging_the_team"]}

    response = await journal.post(
        "/test/observation-with-goal",
        json={"observation": observation(), "goal": goal},
        headers=auth("participant", sub=author),
    )

    assert response.status_code == 201, response.text
    assert response.json()["seen_elsewhere_between_the_calls"] == [0, 0]
    assert await stored(engine, author) == [1, 1]
