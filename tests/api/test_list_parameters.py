"""Every service answers a wrong list parameter the same way: a client (the gateway, a partner trust's sync
job) handles one problem shape, not one per service. A cursor the service did not issue, an ``ids`` list
with something that is not a UUID or with too many ids, and a ``limit`` out of bounds are each 422
problem+json of type ``validation-error`` naming the parameter in ``errors[].loc``, as FastAPI answers any
bad query parameter.

Each service runs as it ships (its own app, migrated schema and database role), against the real
database; only the session is shared so the test leaves nothing behind.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ListEndpoint:
    service: str
    path: str
    roles: tuple[str, ...]
    pages: bool  # takes ?cursor= and ?limit=
    batches: bool  # takes ?ids=


def _service(package: str) -> tuple[Callable[..., FastAPI], Any, Path]:
    """A service's app factory, settings class and migrations, by its package (and database role) name."""
    main = importlib.import_module(f"{package}.main")
    config = importlib.import_module(f"{package}.config")
    cli = importlib.import_module(f"{package}.cli")
    return main.create_app, config.Settings, cli.MIGRATIONS


ENDPOINTS = [
    ListEndpoint("framework_svc", "/v1/frameworks", ("participant",), pages=True, batches=False),
    ListEndpoint("framework_svc", "/v1/questionnaires", ("participant",), pages=False, batches=True),
    ListEndpoint("survey_svc", "/v1/cycles", ("participant",), pages=True, batches=True),
    ListEndpoint("survey_svc", "/v1/observations", ("participant",), pages=True, batches=False),
    ListEndpoint("survey_svc", "/v1/goals", ("participant",), pages=True, batches=False),
    ListEndpoint("report_svc", "/v1/reports", ("participant",), pages=True, batches=True),
    ListEndpoint("report_svc", "/v1/partner/reports", ("partner",), pages=True, batches=False),
    ListEndpoint("facilitator_svc", "/v1/facilitators", ("academy_admin",), pages=True, batches=True),
    ListEndpoint("facilitator_svc", "/v1/bookings", ("participant",), pages=True, batches=False),
    ListEndpoint("facilitator_svc", "/v1/allocations", ("academy_admin",), pages=True, batches=False),
    ListEndpoint("facilitator_svc", "/v1/training/courses", ("academy_admin",), pages=True, batches=False),
    ListEndpoint("facilitator_svc", "/v1/training/assessments", ("academy_admin",), pages=True, batches=False),
    ListEndpoint("facilitator_svc", "/v1/training/interests", ("academy_admin",), pages=True, batches=False),
    ListEndpoint("facilitator_svc", "/v1/register", ("participant",), pages=True, batches=False),
]
SERVICES = sorted({e.service for e in ENDPOINTS})


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


@pytest_asyncio.fixture
async def call(
    apps: dict[str, FastAPI], engines: dict[str, AsyncEngine], auth: AuthHeaders
) -> AsyncIterator[Callable[..., Any]]:
    async def get(endpoint: ListEndpoint, params: dict[str, str]) -> httpx.Response:
        app = apps[endpoint.service]
        async with rolled_back_session(engines[endpoint.service]) as session:
            share_session(app, session)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
                return await client.get(endpoint.path, params=params, headers=auth(*endpoint.roles))

    yield get


def _assert_names_the_parameter(response: httpx.Response, loc: list[str | int]) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["type"] == PROBLEM_TYPE_BASE + "validation-error"
    assert problem["status"] == 422
    assert [error["loc"] for error in problem["errors"]] == [loc]


def _id(endpoint: ListEndpoint) -> str:
    return f"{endpoint.service}{endpoint.path}"


PAGED = [pytest.param(e, id=_id(e)) for e in ENDPOINTS if e.pages]
BATCHED = [pytest.param(e, id=_id(e)) for e in ENDPOINTS if e.batches]


@pytest.mark.parametrize("endpoint", [pytest.param(e, id=_id(e)) for e in ENDPOINTS])
async def test_the_list_answers_when_asked_properly(call: Any, endpoint: ListEndpoint) -> None:
    # The refusals below come from the parameter, not from a service that cannot answer at all.
    response = await call(endpoint, {})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("endpoint", PAGED)
@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        "bm90LWpzb24",  # base64 of "not-json"
        "WyJub3QtYS1kYXRlIiwibm90LWEtdXVpZCJd",  # base64 of ["not-a-date","not-a-uuid"]
        "W10",  # base64 of []
    ],
)
async def test_a_cursor_the_service_did_not_issue_is_refused_at_the_cursor(
    call: Any, endpoint: ListEndpoint, cursor: str
) -> None:
    _assert_names_the_parameter(await call(endpoint, {"cursor": cursor}), ["query", "cursor"])


@pytest.mark.parametrize("endpoint", PAGED)
async def test_a_limit_out_of_bounds_is_refused_at_the_limit(call: Any, endpoint: ListEndpoint) -> None:
    _assert_names_the_parameter(await call(endpoint, {"limit": "0"}), ["query", "limit"])


@pytest.mark.parametrize("endpoint", BATCHED)
async def test_an_id_that_is_not_a_uuid_is_refused_at_its_position(call: Any, endpoint: ListEndpoint) -> None:
    ids = f"{uuid.uuid4()}, not-a-uuid"
    _assert_names_the_parameter(await call(endpoint, {"ids": ids}), ["query", "ids", 1])


@pytest.mark.parametrize("endpoint", BATCHED)
async def test_more_than_a_hundred_ids_are_refused(call: Any, endpoint: ListEndpoint) -> None:
    ids = ",".join(str(uuid.uuid4()) for _ in range(101))
    _assert_names_the_parameter(await call(endpoint, {"ids": ids}), ["query", "ids"])


@pytest.mark.parametrize("endpoint", BATCHED)
async def test_a_hundred_ids_are_read_in_one_call(call: Any, endpoint: ListEndpoint) -> None:
    ids = ",".join(str(uuid.uuid4()) for _ in range(100))
    response = await call(endpoint, {"ids": ids})
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []
