from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import pytest_asyncio
from asgi_lifespan import LifespanManager
from fastapi import APIRouter, FastAPI

from hlm_kit.app import create_service_app
from hlm_kit.settings import ServiceSettings
from hlm_kit.testing.messaging import MessagingSchema, messaging_schema
from hlm_kit.testing.pytest_plugin import TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET, TestDatabase
from hlm_kit.testing.tcp_proxy import TcpProxy

KitSettings = Callable[..., ServiceSettings]
ServeApp = Callable[..., AbstractAsyncContextManager[FastAPI]]


@pytest_asyncio.fixture
async def kit_schema(test_database: TestDatabase) -> AsyncIterator[MessagingSchema]:
    async with messaging_schema(test_database.admin_database_url) as schema:
        yield schema


@pytest.fixture
def kit_settings(kit_schema: MessagingSchema, amqp_url: str) -> KitSettings:
    """A service's settings over the test's schema and the test broker, with no workers and quiet logs;
    the values given replace those."""

    def settings(**values: Any) -> ServiceSettings:
        return ServiceSettings.model_validate(
            {
                "database_url": kit_schema.engine.url.render_as_string(hide_password=False),
                "amqp_url": amqp_url,
                "jwt_secret": TEST_JWT_SECRET,
                "jwt_issuer": TEST_JWT_ISSUER,
                "jwt_audience": TEST_JWT_AUDIENCE,
                "run_workers": False,
                "log_level": "CRITICAL",
                **values,
            }
        )

    return settings


@pytest.fixture
def serve_app(kit_schema: MessagingSchema, kit_settings: KitSettings) -> ServeApp:
    """A service app over the test's schema, its outbox and inbox, started and stopped as a deployed one is:
    ``async with serve_app(name, routers, **settings) as app``, the settings as ``kit_settings`` takes them."""

    @asynccontextmanager
    async def serve(name: str, routers: Sequence[APIRouter], **settings: Any) -> AsyncIterator[FastAPI]:
        app = create_service_app(
            name=name,
            version="0",
            settings=kit_settings(**settings),
            routers=list(routers),
            outbox=kit_schema.outbox,
            inbox=kit_schema.inbox,
        )
        async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30):
            yield app

    return serve


@pytest_asyncio.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The module's ``app``, called in process; an error the app lets through is answered as the 500 a
    deployed app answers, not raised into the test."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://kit") as client:
        yield client


@pytest_asyncio.fixture
async def proxy(amqp_url: str) -> AsyncIterator[TcpProxy]:
    """A forwarder to the broker that a test can cut (``refuse``) and restore (``accept``)."""
    target = urlsplit(amqp_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5672)
    yield proxy
    await proxy.close()
