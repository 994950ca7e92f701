"""framework-svc test fixtures: the service's schema migrated in the session's database, the catalogue
loaded once, and per test an app whose requests run inside one transaction that is rolled back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from asgi_lifespan import LifespanManager
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from framework_svc.catalogue.loader import load_catalogue
from framework_svc.config import Settings
from framework_svc.main import create_app
from hlm_kit import migrations
from hlm_kit.db import create_engine, get_session
from hlm_kit.testing.pytest_plugin import TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET, TestDatabase

SERVICE_ROOT = Path(__file__).resolve().parents[1]


@pytest_asyncio.fixture(scope="session")
async def database_url(test_database: TestDatabase) -> str:
    """The framework schema, migrated to head, reached as the framework_svc role."""
    url = test_database.url_for("framework_svc")
    await asyncio.to_thread(migrations.upgrade, SERVICE_ROOT / "alembic.ini", url)
    return url


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
    async with engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield session
        finally:
            await session.close()
            await transaction.rollback()


@pytest_asyncio.fixture
async def client(settings: Settings, session: AsyncSession) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the app, every request of the test sharing the rolled-back transaction."""
    app = create_app(settings)

    async def shared_session() -> AsyncIterator[AsyncSession]:
        yield session

    app.dependency_overrides[get_session] = shared_session
    async with LifespanManager(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://framework-svc"
    ) as client:
        yield client

