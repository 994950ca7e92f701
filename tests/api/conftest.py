"""The four services as they ship, for the tests that hold them to one answer: each its own app, schema
migrated to head and database role, against the real database, with workers off. A client shares a
rolled-back session with its app, so a test leaves nothing behind."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from hlm_kit.db import create_engine
from hlm_kit.errors import PROBLEM_JSON, PROBLEM_TYPE_BASE
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

EMAIL_HASH_KEY = "a-test-key-shared-by-survey-and-facilitator"
SERVICES = ("framework_svc", "survey_svc", "report_svc", "facilitator_svc")

ServiceClient = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]
"""``service_client("survey_svc", "participant", sub=...)``: a client of that service, signed in with those
roles (the arguments of ``auth``)."""


def _service(package: str) -> tuple[Callable[..., FastAPI], Any, Path]:
    """A service's app factory, settings class and migrations, by its package (and database role) name."""
    main = importlib.import_module(f"{package}.main")
    config = importlib.import_module(f"{package}.config")
    cli = importlib.import_module(f"{package}.cli")
    return main.create_app, config.Settings, cli.MIGRATIONS


@pytest_asyncio.fixture(scope="module")
async def database_urls(test_database: TestDatabase) -> dict[str, str]:
    """Each service's schema migrated to head, reached as the service's own role."""
    urls = {}
    for service in SERVICES:
        _, _, migrations = _service(service)
        urls[service] = await migrated_service_database(test_database, service, migrations)
    return urls


@pytest_asyncio.fixture(scope="module")
async def engines(database_urls: dict[str, str]) -> AsyncIterator[dict[str, AsyncEngine]]:
    made = {service: create_engine(url) for service, url in database_urls.items()}
    yield made
    for engine in made.values():
        await engine.dispose()


@pytest_asyncio.fixture(scope="module")
async def apps(database_urls: dict[str, str], amqp_url: str) -> dict[str, FastAPI]:
    built = {}
    for service in SERVICES:
        create_app, settings_class, _ = _service(service)
        settings = settings_class.model_validate(
            {
                "environment": "test",
                "database_url": database_urls[service],
                "amqp_url": amqp_url,
                "jwt_secret": TEST_JWT_SECRET,
                "jwt_issuer": TEST_JWT_ISSUER,
                "jwt_audience": TEST_JWT_AUDIENCE,
                "run_workers": False,
                "log_json": False,
                "log_level": "WARNING",
            }
            | ({"email_hash_key": EMAIL_HASH_KEY} if "email_hash_key" in settings_class.model_fields else {})
        )
        built[service] = create_app(settings)
    return built


@pytest.fixture
def service_client(apps: dict[str, FastAPI], engines: dict[str, AsyncEngine], auth: AuthHeaders) -> ServiceClient:
    @asynccontextmanager
    async def open_client(service: str, *roles: str, **claims: Any) -> AsyncIterator[httpx.AsyncClient]:
        app = apps[service]
        async with rolled_back_session(engines[service]) as session:
            share_session(app, session)
            transport = httpx.ASGITransport(app=app)
            headers = auth(*roles, **claims)
            async with httpx.AsyncClient(transport=transport, base_url="http://svc", headers=headers) as client:
                yield client

    return open_client


def refused_at(response: httpx.Response, loc: list[str | int]) -> None:
    """The one answer to a bad parameter in every service: 422 ``validation-error`` naming it, and it alone."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["type"] == PROBLEM_TYPE_BASE + "validation-error"
    assert problem["status"] == 422
    assert [error["loc"] for error in problem["errors"]] == [loc]


@pytest.fixture(name="refused_at")
def refused_at_fixture() -> Callable[[httpx.Response, list[str | int]], None]:
    return refused_at
