"""framework-svc test fixtures: the service's schema migrated in the session's database, the catalogue
loaded once, and per test an app whose requests run inside one transaction that is rolled back."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
import pytest_asyncio
import yaml
from asgi_lifespan import LifespanManager
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from framework_svc.catalogue.loader import DATA_DIRECTORY, load_catalogue
from framework_svc.cli import MIGRATIONS
from framework_svc.config import Settings
from framework_svc.main import create_app
from hlm_kit.db import create_engine
from hlm_kit.testing.pytest_plugin import (
    TEST_JWT_AUDIENCE,
    TEST_JWT_ISSUER,
    TEST_JWT_SECRET,
    AuthHeaders,
    TestDatabase,
    migrated_service_database,
    rolled_back_session,
    share_session,
)


@pytest_asyncio.fixture(scope="session")
async def database_url(test_database: TestDatabase) -> str:
    """The framework schema, migrated to head, reached as the framework_svc role."""
    return await migrated_service_database(test_database, "framework_svc", MIGRATIONS)


@pytest_asyncio.fixture(scope="session")
async def catalogue(database_url: str) -> list[str]:
    """The shipped catalogue, loaded and published once for the session (committed)."""
    return await load_catalogue(database_url)


def make_settings(database_url: str, amqp_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "test",
        "database_url": database_url,
        "amqp_url": amqp_url,
        "jwt_secret": TEST_JWT_SECRET,
        "jwt_issuer": TEST_JWT_ISSUER,
        "jwt_audience": TEST_JWT_AUDIENCE,
        "run_workers": False,
        "log_json": False,
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings.model_validate(values)


@pytest.fixture(scope="session")
def settings(database_url: str, amqp_url: str) -> Settings:
    return make_settings(database_url, amqp_url)


@pytest_asyncio.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=5)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture
async def session(engine: AsyncEngine, catalogue: list[str]) -> AsyncIterator[AsyncSession]:
    """A session inside a transaction rolled back after the test; the service's commits become
    savepoints, so a test sees its own writes and leaves nothing behind."""
    async with rolled_back_session(engine) as session:
        yield session


@pytest_asyncio.fixture
async def client(settings: Settings, session: AsyncSession) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the app, every request of the test sharing the rolled-back transaction."""
    app = create_app(settings)
    share_session(app, session)
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://framework-svc") as client,
    ):
        yield client


@pytest.fixture
def admin(auth: AuthHeaders) -> dict[str, str]:
    """Authorization of an academy administrator, the one role that may change the catalogue."""
    return auth("academy_admin", sub="admin-1")


@pytest.fixture
def participant(auth: AuthHeaders) -> dict[str, str]:
    return auth("participant", sub="participant-1")


@pytest.fixture
def framework_document() -> dict[str, Any]:
    """A small valid framework document (key ``test-fw``), every field spelt out as an export writes it."""
    return {
        "kind": "framework",
        "key": "test-fw",
        "version": 1,
        "name": "Test framework",
        "summary": "A small framework made for tests.",
        "dimension_label": "dimension",
        "rating_levels": [
            {"value": 1, "key": "emerging", "name": "Emerging", "description": "Shown now and then."},
            {"value": 2, "key": "established", "name": "Established", "description": "Shown every day."},
        ],
        "stages": [
            {"number": 1, "name": "Own team", "description": "Leading within one team."},
            {"number": 2, "name": "Whole service", "description": "Leading across a service."},
        ],
        "dimensions": [
            {
                "key": "listening",
                "name": "Listening",
                "summary": "Hearing people out before acting.",
                "why_it_matters": "People who feel heard say what is going wrong.",
                "what_it_is_not": "Agreeing with everyone.",
                "audience": "all",
                "reflective_questions": ["Do I let people finish before I answer?"],
                "not_yet_behaviours": ["Interrupts to give the answer."],
                "elements": [
                    {
                        "key": "1.1",
                        "name": "Attending",
                        "descriptors": ["Gives the speaker full attention.", "Checks what was meant."],
                        "indicators": [
                            {"stage": 1, "text": "Listens to the team at handover."},
                            {"stage": 2, "text": "Listens to other teams of the service."},
                        ],
                    },
                    {
                        "key": "1.2",
                        "name": "Responding",
                        "descriptors": ["Acts on what was heard."],
                        "indicators": [],
                    },
                ],
            },
            {
                "key": "deciding",
                "name": "Deciding",
                "summary": "Making timely choices and owning them.",
                "why_it_matters": "Delay costs patients time.",
                "what_it_is_not": "Deciding alone.",
                "audience": "all",
                "reflective_questions": ["Do I explain why I decided as I did?"],
                "not_yet_behaviours": [],
                "elements": [
                    {
                        "key": "2.1",
                        "name": "Weighing options",
                        "descriptors": ["Compares at least two options."],
                        "indicators": [{"stage": 1, "text": "Sets out options for the team."}],
                    }
                ],
            },
        ],
    }


@pytest.fixture
def questionnaire_document() -> dict[str, Any]:
    """A valid questionnaire document (key ``test-q``) built on ``test-fw`` version 1."""
    return {
        "kind": "questionnaire",
        "key": "test-q",
        "version": 1,
        "name": "Test questionnaire",
        "purpose": "feedback_360",
        "framework": {"key": "test-fw", "version": 1},
        "instructions": "Rate what you have seen them do.",
        "performance_scale": {
            "points": [
                {"value": 1, "label": "Essential"},
                {"value": 2, "label": "Proficient"},
                {"value": 3, "label": "Strong"},
                {"value": 4, "label": "Exemplary"},
            ],
            "not_observed_label": "Not observed",
        },
        "importance_scale": [
            {"value": 1, "label": "Minor"},
            {"value": 2, "label": "Useful"},
            {"value": 3, "label": "Important"},
            {"value": 4, "label": "Essential to the role"},
        ],
        "items": [
            {"key": "listening-1", "dimension": "listening", "text": "They let people finish."},
            {"key": "listening-2", "dimension": "listening", "text": "They check what was meant."},
            {"key": "deciding-1", "dimension": "deciding", "text": "They decide in good time."},
        ],
        "importance_questions": [
            {"dimension": "listening", "text": "How important is listening in their role?"},
            {"dimension": "deciding", "text": "How important is deciding in their role?"},
        ],
    }


@pytest.fixture
def hlm_questionnaire_document() -> dict[str, Any]:
    """The shipped hlm-self questionnaire under a new key (``test-hlm-q``): valid on published hlm v1."""
    document: dict[str, Any] = yaml.safe_load((DATA_DIRECTORY / "hlm-self.yaml").read_text())
    return {**document, "key": "test-hlm-q", "name": "Test questionnaire on HLM"}


@pytest.fixture
def resources_document() -> dict[str, Any]:
    """A valid resources document: two new resources (``test-reading``, ``test-coaching``) on HLM and LF2011."""
    return {
        "kind": "resources",
        "resources": [
            {
                "key": "test-reading",
                "version": 1,
                "title": "A reading made for tests",
                "kind": "reading",
                "description": "A short paper on listening to patients.",
                "provider": "Test Press",
                "authors": ["Author, A.", "Writer, B."],
                "year": 2020,
                "link": "https://example.org/reading",
                "format": "document",
                "duration_minutes": 30,
                "cost": {"amount": "0.00", "currency": "GBP"},
                "audiences": ["clinicians"],
                "serves": [
                    {"framework": "hlm", "dimension": "leading_with_care", "from_levels": ["essential"]},
                    {"framework": "lf2011", "dimension": "working_with_others", "from_levels": []},
                ],
            },
            {
                "key": "test-coaching",
                "version": 1,
                "title": "Coaching made for tests",
                "kind": "coaching",
                "description": "Three sessions with a coach on holding others to account.",
                "provider": None,
                "authors": [],
                "year": None,
                "link": None,
                "format": "virtual_live",
                "duration_minutes": 180,
                "cost": {"amount": "450.00", "currency": "GBP"},
                "audiences": ["senior_leaders"],
                "serves": [
                    {"framework": "hlm", "dimension": "holding_to_account", "from_levels": ["strong", "exemplary"]}
                ],
            },
        ],
    }


@pytest.fixture
def published_resource_refs() -> dict[str, Any]:
    """A shipped, published resource: publishing it again changes nothing, retiring it retires it."""
    return {"resources": [{"key": "stakeholder-mapping", "version": 1}]}


ImportDocument = Callable[..., Awaitable[httpx.Response]]


@pytest.fixture
def import_framework(client: httpx.AsyncClient, admin: dict[str, str]) -> ImportDocument:
    """``await import_framework(document, fmt="json" | "yaml")``: POST it as an academy admin."""
    return _importer(client, admin, "/v1/frameworks")


@pytest.fixture
def import_questionnaire(client: httpx.AsyncClient, admin: dict[str, str]) -> ImportDocument:
    return _importer(client, admin, "/v1/questionnaires")


@pytest.fixture
def import_resources(client: httpx.AsyncClient, admin: dict[str, str]) -> ImportDocument:
    return _importer(client, admin, "/v1/resources")


def _importer(client: httpx.AsyncClient, headers: dict[str, str], path: str) -> ImportDocument:
    async def post(document: dict[str, Any], fmt: str = "json") -> httpx.Response:
        if fmt == "yaml":
            body = yaml.safe_dump(document, sort_keys=False)
            return await client.post(path, content=body, headers={**headers, "Content-Type": "application/yaml"})
        return await client.post(path, json=document, headers=headers)

    return post


@pytest.fixture
def assert_problem() -> Callable[[httpx.Response, int], dict[str, Any]]:
    """Check that a response is an RFC 9457 problem with ``status``; return its body."""

    def check(response: httpx.Response, status: int) -> dict[str, Any]:
        assert response.status_code == status, response.text
        assert response.headers["content-type"].split(";")[0] == "application/problem+json"
        body: dict[str, Any] = response.json()
        assert body["status"] == status
        assert body["title"]
        return body

    return check


CountRows = Callable[[str], Awaitable[int]]


@pytest.fixture
def framework_versions_stored(session: AsyncSession) -> CountRows:
    """How many versions of the framework ``key`` are in the database (any status)."""

    async def count(key: str) -> int:
        statement = text(
            "SELECT count(*) FROM framework.framework_version v"
            " JOIN framework.framework f ON f.id = v.framework_id WHERE f.key = :key"
        )
        return int((await session.execute(statement, {"key": key})).scalar_one())

    return count


@pytest.fixture
def questionnaires_stored(session: AsyncSession) -> CountRows:
    """How many versions of the questionnaire ``key`` are in the database (any status)."""

    async def count(key: str) -> int:
        statement = text("SELECT count(*) FROM framework.questionnaire WHERE key = :key")
        return int((await session.execute(statement, {"key": key})).scalar_one())

    return count


@pytest.fixture
def outbox_envelopes(session: AsyncSession) -> Callable[[str], Awaitable[list[dict[str, Any]]]]:
    """The envelopes written to the outbox about ``subject``."""

    async def envelopes(subject: str) -> list[dict[str, Any]]:
        statement = text("SELECT envelope FROM framework.outbox_message WHERE subject = :id ORDER BY id")
        return [row[0] for row in await session.execute(statement, {"id": subject})]

    return envelopes


@pytest.fixture
def stored_state(session: AsyncSession) -> Callable[[], Awaitable[dict[str, list[tuple[Any, ...]]]]]:
    """Every version's status and times, and every outbox row: compare before and after an action that
    must change nothing."""

    async def state() -> dict[str, list[tuple[Any, ...]]]:
        queries = {
            "framework_versions": "SELECT id, status, name, published_at, retired_at FROM framework.framework_version",
            "dimensions": "SELECT id, framework_version_id, key, name FROM framework.dimension",
            "questionnaires": "SELECT id, status, name, published_at, retired_at FROM framework.questionnaire",
            "questionnaire_items": "SELECT id, questionnaire_id, key, text FROM framework.questionnaire_item",
            "resources": "SELECT id, status, title, published_at, retired_at FROM framework.resource",
            "resource_targets": "SELECT id, resource_id, dimension_key FROM framework.resource_target",
            "outbox": "SELECT id, subject, type FROM framework.outbox_message",
        }
        return {name: sorted(tuple(row) for row in await session.execute(text(sql))) for name, sql in queries.items()}

    return state
