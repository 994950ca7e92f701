"""Liveness, readiness and metrics endpoints, the same in every service."""

from __future__ import annotations

import asyncio

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
    """Ready when the database answers and the broker connection is up."""
    engine: AsyncEngine = request.app.state.engine
    broker: Broker = request.app.state.broker
    checks = {"database": await _database_ok(engine), "broker": broker.is_connected}
    is_ready = all(checks.values())
    return JSONResponse(
        {"status": "ok" if is_ready else "unavailable", "checks": checks},
        status_code=200 if is_ready else 503,
    )


@router.get("/metrics")
async def metrics() -> Response:
    return metrics_response()


async def _database_ok(engine: AsyncEngine) -> bool:
    try:
        async with asyncio.timeout(READY_CHECK_TIMEOUT_S), engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception:
        return False
    return True
