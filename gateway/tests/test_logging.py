"""Expected errors are logged as one line each, without a traceback; only an unexpected one carries its
traceback (the gateway logged a traceback for every refused id, megabytes a minute under a fuzzer)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import structlog
from asgi_lifespan import LifespanManager

from hlm_gateway.config import Settings
from hlm_gateway.main import create_app
from hlm_kit.testing.pytest_plugin import AuthHeaders

from .conftest import UNREACHABLE, CountingTransport, common


@pytest.fixture
async def logging_gateway(framework: CountingTransport, amqp_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway logging at INFO, framework-svc in-process, every other service down."""
    settings = Settings.model_validate(
        {
            **common(amqp_url),
            "log_level": "INFO",
            **{f"{name}_url": UNREACHABLE for name in ("survey", "report", "facilitator")},
        }
    )
    app = create_app(settings, transport_for=lambda service: framework if service == "framework" else None)
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client,
    ):
        yield client


async def ask(gateway: httpx.AsyncClient, query: str, headers: dict[str, str]) -> tuple[Any, list[dict[str, Any]]]:
    """The answer to ``query``, and every event the gateway logged while answering it."""
    with structlog.testing.capture_logs() as events:
        response = await gateway.post("/graphql", json={"query": query}, headers=headers)
    return response.json(), events


def tracebacks(events: list[dict[str, Any]], caplog: pytest.LogCaptureFixture) -> list[object]:
    """Whatever was logged with an exception: by structlog, or through the standard library's logging, where
    strawberry logs every error by default."""
    return [e for e in events if e.get("exc_info")] + [r for r in caplog.records if r.exc_info]


async def test_a_refused_id_is_one_line_without_a_traceback(
    logging_gateway: httpx.AsyncClient, auth: AuthHeaders, caplog: pytest.LogCaptureFixture
) -> None:
    body, events = await ask(logging_gateway, '{ report(id: "") { id } }', auth("participant"))
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    logged = [e for e in events if e.get("code") == "BAD_USER_INPUT"]
    assert [(e["log_level"], e["path"]) for e in logged] == [("info", ["report"])], events
    assert tracebacks(events, caplog) == []


async def test_a_service_that_is_down_is_one_warning_without_a_traceback(
    logging_gateway: httpx.AsyncClient, auth: AuthHeaders, caplog: pytest.LogCaptureFixture
) -> None:
    query = '{ report(id: "d64d23aa-0e25-53c0-8b12-810a2047e60e") { id } }'
    body, events = await ask(logging_gateway, query, auth("participant"))
    assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"

    logged = [e for e in events if e.get("code") == "UPSTREAM_UNAVAILABLE"]
    assert [(e["log_level"], e["service"]) for e in logged] == [("warning", "report-svc")], events
    assert tracebacks(events, caplog) == []


async def test_a_query_that_does_not_parse_is_one_line_without_a_traceback(
    logging_gateway: httpx.AsyncClient, auth: AuthHeaders, caplog: pytest.LogCaptureFixture
) -> None:
    body, events = await ask(logging_gateway, "{ report(id: ", auth("participant"))
    assert body["errors"][0]["message"].startswith("Syntax Error")
    assert len([e for e in events if e.get("event") == "graphql error"]) == 1, events
    assert tracebacks(events, caplog) == []
