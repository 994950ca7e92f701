"""The request owns the transaction: the catalogue's services write and flush, and what one request asks
of several of them is kept together or not at all. Here a request imports a framework with a
questionnaire built on it, as a catalogue editor would ship the pair."""

from __future__ import annotations

import copy
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio
from asgi_lifespan import LifespanManager
from fastapi import APIRouter, FastAPI, status
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from framework_svc.config import Settings
from framework_svc.documents_endpoint import validate_document
from framework_svc.frameworks import service as framework_service
from framework_svc.frameworks.documents import FrameworkDocument
from framework_svc.main import create_app
from framework_svc.questionnaires import service as questionnaire_service
from framework_svc.questionnaires.documents import QuestionnaireDocument
from hlm_kit.auth import Admin
from hlm_kit.db import Session
from hlm_kit.testing.pytest_plugin import share_session

BUNDLES = "/test/bundles"


def bundle_router() -> APIRouter:
    router = APIRouter()

    @router.post(BUNDLES, status_code=status.HTTP_201_CREATED)
    async def import_bundle(session: Session, _: Admin, bundle: dict[str, Any]) -> None:
        framework = validate_document(bundle["framework"], FrameworkDocument)
        questionnaire = validate_document(bundle["questionnaire"], QuestionnaireDocument)
        await framework_service.import_document(session, framework)
        await questionnaire_service.import_document(session, questionnaire)

    return router


def bundle(framework_document: dict[str, Any], questionnaire_document: dict[str, Any]) -> dict[str, Any]:
    """The framework under a key of this test's own, and the questionnaire built on it."""
    key = f"uow-{uuid.uuid4().hex[:8]}"
    framework = {**framework_document, "key": key}
    questionnaire = copy.deepcopy(questionnaire_document)
    questionnaire.update(key=f"{key}-q", framework={"key": key, "version": 1})
    return {"framework": framework, "questionnaire": questionnaire}


VERSIONS_OF = text(
    "SELECT count(*) FROM framework.framework_version v JOIN framework.framework f ON f.id = v.framework_id"
    " WHERE f.key = :key"
)
FRAMEWORKS_NAMED = text("SELECT count(*) FROM framework.framework WHERE key = :key")


async def committed_count(engine: AsyncEngine, statement: Any, key: str) -> int:
    """Counted on a connection of its own: only what a request committed is seen."""
    async with engine.connect() as connection:
        return int((await connection.execute(statement, {"key": key})).scalar_one())


@pytest_asyncio.fixture
async def committing_client(settings: Settings, catalogue: list[str]) -> AsyncIterator[httpx.AsyncClient]:
    """The app as it ships, each request in its own transaction committed by the session dependency."""
    app = create_app(settings)
    app.include_router(bundle_router())
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://framework-svc") as client,
    ):
        yield client


@pytest_asyncio.fixture
async def shared_client(settings: Settings, session: AsyncSession) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(settings)
    app.include_router(bundle_router())
    share_session(app, session)
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://framework-svc") as client,
    ):
        yield client


async def test_a_questionnaire_refused_after_its_framework_was_imported_leaves_no_framework_behind(
    committing_client: httpx.AsyncClient,
    engine: AsyncEngine,
    admin: dict[str, str],
    framework_document: dict[str, Any],
    questionnaire_document: dict[str, Any],
) -> None:
    refused = bundle(framework_document, questionnaire_document)
    refused["questionnaire"]["items"][0]["dimension"] = "not-a-dimension-of-the-framework"
    key = refused["framework"]["key"]

    response = await committing_client.post(BUNDLES, json=refused, headers=admin)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert await committed_count(engine, VERSIONS_OF, key) == 0
    assert await committed_count(engine, FRAMEWORKS_NAMED, key) == 0


async def test_a_framework_and_its_questionnaire_imported_in_one_request_are_kept_together(
    shared_client: httpx.AsyncClient,
    session: AsyncSession,
    admin: dict[str, str],
    framework_document: dict[str, Any],
    questionnaire_document: dict[str, Any],
) -> None:
    accepted = bundle(framework_document, questionnaire_document)

    response = await shared_client.post(BUNDLES, json=accepted, headers=admin)

    assert response.status_code == 201, response.text
    assert (await session.execute(VERSIONS_OF, {"key": accepted["framework"]["key"]})).scalar_one() == 1
    questionnaire = await session.execute(
        text("SELECT status FROM framework.questionnaire WHERE key = :key"), {"key": accepted["questionnaire"]["key"]}
    )
    assert questionnaire.scalars().all() == ["draft"]
