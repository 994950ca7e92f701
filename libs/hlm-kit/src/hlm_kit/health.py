"""Liveness, readiness and metrics endpoints, the same in every service."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import Gauge
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from hlm_kit.messaging.broker import Broker
from hlm_kit.observability import metrics_response

READY_CHECK_TIMEOUT_S = 2.0

# One process serves one service, so one broker connection per process: the gauge follows the last one
# reported (see ``report_broker``), read at each scrape rather than updated on every change.
BROKER_CONNECTED = Gauge("hlm_broker_connected", "1 while the process holds its connection to RabbitMQ, else 0")

router = APIRouter(include_in_schema=False)


@router.get("/health/live")
async def live() -> dict[str, str]:
    """The process is up and serving; nothing else is checked, so a slow database never restarts it."""
    return {"status": "ok"}


@router.get("/health/ready")
async def ready(request: Request) -> JSONResponse:
    """Ready (200) when the process can serve its API: every check in ``app.state.readiness_checks``
    answers (a service: its database; the gateway: none, it owns no storage). The checks in
    ``app.state.optional_checks`` (the broker, the gateway's subscriptions) are reported but never make
    the process unready: without them it serves, degraded (a service keeps its events in the outbox),
    and an outage of RabbitMQ must not take every replica out of its load balancer.

    Body: ``{"status": "ok" | "degraded" | "unavailable", "checks": {name: bool}, "optional": {name: bool}}``.
    """
    state = request.app.state
    required, optional = await asyncio.gather(
        _run_all(state.readiness_checks), _run_all(getattr(state, "optional_checks", {}))
    )
    is_ready = all(required.values())
    status = "unavailable" if not is_ready else "ok" if all(optional.values()) else "degraded"
    return JSONResponse(
        {"status": status, "checks": required, "optional": optional}, status_code=200 if is_ready else 503
    )


@router.get("/metrics")
async def metrics() -> Response:
    return metrics_response()


ReadinessCheck = Callable[[], Awaitable[bool]]


async def _run_all(checks: dict[str, ReadinessCheck]) -> dict[str, bool]:
    results = await asyncio.gather(*(_run(check) for check in checks.values()))
    return dict(zip(checks, results, strict=True))


async def _run(check: ReadinessCheck) -> bool:
    try:
        async with asyncio.timeout(READY_CHECK_TIMEOUT_S):
            return await check()
    except Exception:
        return False


def database_check(engine: AsyncEngine) -> ReadinessCheck:
    """Readiness of a database: a ``SELECT 1`` answers."""

    async def check() -> bool:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True

    return check


def broker_check(broker: Broker) -> ReadinessCheck:
    """Whether the broker connection is up (an optional check: see :func:`ready`)."""

    async def check() -> bool:
        return broker.is_connected

    return check


def report_broker(broker: Broker) -> None:
    """Export ``broker``'s connection state as the ``hlm_broker_connected`` gauge (1 up, 0 down), so an
    alert sees a broker outage that readiness, on purpose, does not."""
    BROKER_CONNECTED.set_function(lambda: float(broker.is_connected))
