"""Liveness, readiness and metrics endpoints, the same in every service."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from hlm_kit.messaging.broker import Broker
from hlm_kit.observability import metrics_response

READY_CHECK_TIMEOUT_S = 2.0

router = APIRouter(include_in_schema=False)


@router.get("/health/live")
async def live() -> dict[str, str]:
    """The process is up and serving; nothing else is checked, so a slow database never restarts it."""
    return {"status": "ok"}


@router.get("/health/ready")
async def ready(request: Request) -> JSONResponse:
    """Ready when every dependency the process registered answers (a service: database and broker)."""
    checks: dict[str, ReadinessCheck] = request.app.state.readiness_checks
    results = dict(zip(checks, await asyncio.gather(*(_run(check) for check in checks.values())), strict=True))
    is_ready = all(results.values())
    return JSONResponse(
        {"status": "ok" if is_ready else "unavailable", "checks": results}, status_code=200 if is_ready else 503
    )


@router.get("/metrics")
async def metrics() -> Response:
    return metrics_response()


ReadinessCheck = Callable[[], Awaitable[bool]]


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
    """Readiness of the broker connection."""

    async def check() -> bool:
        return broker.is_connected

    return check
