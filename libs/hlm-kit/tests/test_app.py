"""A service stops within its grace period even when a background task will not: Kubernetes kills a pod
that overruns its termination grace period, and a test harness waits on the same shutdown."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter
from httpx import ASGITransport, AsyncClient

from hlm_kit.app import ServiceRuntime, create_service_app
from hlm_kit.db import make_metadata
from hlm_kit.messaging.inbox import Inbox
from hlm_kit.messaging.outbox import Outbox
from hlm_kit.messaging.topology import Topology
from hlm_kit.settings import ServiceSettings
from hlm_kit.testing.pytest_plugin import TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET, TestDatabase


async def _ignores_cancellation(started: asyncio.Event, released: asyncio.Event) -> None:
    started.set()
    while not released.is_set():
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            continue  # a peer that never answers looks like this from the outside


def _settings(test_database: TestDatabase, amqp_url: str, topology: Topology) -> ServiceSettings:
    return ServiceSettings.model_validate(
        {
            "environment": "test",
            "database_url": test_database.url_for("postgres"),
            "amqp_url": amqp_url,
            "events_exchange": topology.events_exchange,
            "dead_letter_exchange": topology.dead_letter_exchange,
            "queue_prefix": topology.queue_prefix,
            "run_workers": True,
            "shutdown_grace_s": 0.5,
            "jwt_secret": TEST_JWT_SECRET,
            "jwt_issuer": TEST_JWT_ISSUER,
            "jwt_audience": TEST_JWT_AUDIENCE,
            "log_json": True,
            "log_level": "WARNING",
        }
    )


async def test_a_task_that_ignores_cancellation_is_named_and_left_behind_within_the_grace_period(
    test_database: TestDatabase, amqp_url: str, topology: Topology, capsys: pytest.CaptureFixture[str]
) -> None:
    metadata = make_metadata("kit_app")
    settings = _settings(test_database, amqp_url, topology)
    started, released = asyncio.Event(), asyncio.Event()

    def workers(runtime: ServiceRuntime) -> list[tuple[str, Any]]:
        return [("stubborn-worker", _ignores_cancellation(started, released))]

    app = create_service_app(
        name="kit-app",
        version="0",
        settings=settings,
        routers=[],
        outbox=Outbox(metadata),
        inbox=Inbox(metadata),
        workers=workers,
    )
    # The harness would fail the test if stopping waited for the task (it never ends by itself).
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=10):
        await asyncio.wait_for(started.wait(), timeout=10)
        stubborn = next(task for task in app.state.runtime.tasks if task.get_name() == "stubborn-worker")

    try:
        assert not stubborn.done()
        # The relay and the broker connection stopped as asked.
        assert all(task.done() for task in app.state.runtime.tasks if task is not stubborn)
        lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
        hung = [line for line in lines if line["event"] == "background task did not stop when cancelled"]
        assert [line["task"] for line in hung] == ["stubborn-worker"]
        assert any("test_app.py" in frame for frame in hung[0]["waiting_at"])
    finally:
        released.set()
        stubborn.cancel()
        await asyncio.gather(stubborn, return_exceptions=True)


async def test_a_closing_step_that_ignores_cancellation_is_named_and_left_behind_within_the_grace_period(
    test_database: TestDatabase, amqp_url: str, topology: Topology, capsys: pytest.CaptureFixture[str]
) -> None:
    metadata = make_metadata("kit_app")
    app = create_service_app(
        name="kit-app",
        version="0",
        settings=_settings(test_database, amqp_url, topology),
        routers=[],
        outbox=Outbox(metadata),
        inbox=Inbox(metadata),
    )
    started, released = asyncio.Event(), asyncio.Event()
    broker = None
    try:
        async with LifespanManager(app, startup_timeout=30, shutdown_timeout=10):
            broker = app.state.runtime.broker
            # The broker's connection hangs on close, as it does when RabbitMQ stops answering.
            broker.close = lambda: _ignores_cancellation(started, released)

        assert started.is_set()
        lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
        late = [line for line in lines if line["event"] == "shutdown step did not finish in time"]
        assert [line["step"] for line in late] == ["broker"]
        # The database was still closed after the broker's step was given up.
        assert app.state.engine.pool.checkedin() == 0
    finally:
        released.set()
        if broker is not None:
            del broker.close  # the instance's own close again
            await broker.close()


async def test_routers_tried_first_serve_first_and_the_document_keeps_the_order_they_are_listed_in(
    test_database: TestDatabase, amqp_url: str, topology: Topology
) -> None:
    def service(*, links_first: bool) -> Any:
        things, links = APIRouter(prefix="/v1/things"), APIRouter(prefix="/v1/links")

        @things.get("")
        async def list_things() -> list[str]:
            return []

        @things.post("/{id}/close")
        async def close_thing(id: str) -> str:
            return id

        @links.get("/{token}")
        async def open_link(token: str) -> str:
            return "opened"

        @links.post("/{token}/submit", status_code=201)
        async def submit(token: str) -> str:
            return "submitted"

        metadata = make_metadata("kit_app")
        return create_service_app(
            name="kit-app",
            version="0",
            settings=_settings(test_database, amqp_url, topology),
            routers=[things, links],
            tried_first=[links] if links_first else [],
            outbox=Outbox(metadata),
            inbox=Inbox(metadata),
        )

    listed, hot = service(links_first=False), service(links_first=True)
    paths = [getattr(route, "path", None) for route in hot.routes]

    assert paths.index("/v1/links/{token}/submit") < paths.index("/v1/things")
    assert json.dumps(hot.openapi()) == json.dumps(listed.openapi())
    assert list(hot.openapi()["paths"])[:4] == [
        "/v1/things",
        "/v1/things/{id}/close",
        "/v1/links/{token}",
        "/v1/links/{token}/submit",
    ]
    async with AsyncClient(transport=ASGITransport(app=hot), base_url="http://kit") as client:
        served = [
            (await client.get("/v1/things")).json(),
            (await client.post("/v1/things/t1/close")).json(),
            (await client.get("/v1/links/l1")).json(),
            (await client.post("/v1/links/l1/submit")).json(),
        ]
        assert (await client.get("/openapi.json")).json() == listed.openapi()
    assert served == [[], "t1", "opened", "submitted"]
