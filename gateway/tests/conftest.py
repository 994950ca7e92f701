"""Gateway tests run the gateway against the real services, in-process, on the real database and broker.

Each upstream is reached through a counting transport (a real ASGI call into the service's app), so
tests can assert how many upstream calls a query made.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest_asyncio
from asgi_lifespan import LifespanManager

from framework_svc.catalogue.loader import load_catalogue
from framework_svc.cli import MIGRATIONS
from framework_svc.config import Settings as FrameworkSettings
from framework_svc.main import create_app as create_framework_app
from hlm_gateway.config import Settings
from hlm_gateway.main import create_app
from hlm_kit.testing.pytest_plugin import (
    TEST_JWT_AUDIENCE,
    TEST_JWT_ISSUER,
    TEST_JWT_SECRET,
    TestDatabase,
    migrated_service_database,
)

# A port nothing listens on: a service that is down.
UNREACHABLE = "http://127.0.0.1:9"


class CountingTransport(httpx.AsyncBaseTransport):
    """Passes every request to ``inner`` and counts it by (method, path)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.calls: Counter[tuple[str, str]] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls[(request.method, request.url.path)] += 1
        return await self.inner.handle_async_request(request)


@pytest_asyncio.fixture(scope="session")
async def framework_database_url(test_database: TestDatabase) -> str:
    url = await migrated_service_database(test_database, "framework_svc", MIGRATIONS)
    await load_catalogue(url)
    return url


def common(amqp_url: str) -> dict[str, object]:
    return {
        "environment": "test",
        "amqp_url": amqp_url,
        "jwt_secret": TEST_JWT_SECRET,
        "jwt_issuer": TEST_JWT_ISSUER,
        "jwt_audience": TEST_JWT_AUDIENCE,
        "log_json": False,
        "log_level": "WARNING",
    }


@pytest_asyncio.fixture
async def framework(framework_database_url: str, amqp_url: str) -> AsyncIterator[CountingTransport]:
    app = create_framework_app(
        FrameworkSettings.model_validate(
            {**common(amqp_url), "database_url": framework_database_url, "run_workers": False}
        )
    )
    async with LifespanManager(app):
        yield CountingTransport(httpx.ASGITransport(app=app))


@pytest_asyncio.fixture
async def gateway(framework: CountingTransport, amqp_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway with framework-svc running in-process and every other service down."""
    settings = Settings.model_validate(
        {
            **common(amqp_url),
            "survey_url": UNREACHABLE,
            "report_url": UNREACHABLE,
            "facilitator_url": UNREACHABLE,
            "upstream_timeout_s": 2.0,
        }
    )
    app = create_app(settings, transport_for=lambda service: framework if service == "framework" else None)
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client,
    ):
        yield client
