"""The request owns the transaction: report-svc's services write and flush, and what one request asks of
several of them is kept together or not at all. Here a facilitator releases the reports of a feedback
session's participants at once, and one of them has nothing to release."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio
from asgi_lifespan import LifespanManager
from fastapi import APIRouter
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts.enums import RaterGroup
from hlm_kit.auth import Facilitator
from hlm_kit.db import Session
from hlm_kit.testing.pytest_plugin import AuthHeaders, share_session
from report_svc.config import Settings
from report_svc.main import create_app
from report_svc.reports import service as report_service
from report_svc.reports.service import report_id_of

from .conftest import book, cycle_events, seed
from .scoring.example import RESPONSES

FACILITATOR = "idp|facilitator-uow"
RELEASES = "/test/releases"


def releases_router() -> APIRouter:
    router = APIRouter()

    @router.post(RELEASES)
    async def release_all(session: Session, principal: Facilitator, report_ids: list[uuid.UUID]) -> None:
        for report_id in report_ids:
            await report_service.release(session, principal, report_id)

    return router


@pytest_asyncio.fixture
async def client(settings: Settings, session: AsyncSession) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    app.include_router(releases_router())
    share_session(app, session)
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://report-svc") as client,
    ):
        yield client


async def _booked_report(session: AsyncSession, responses: list[Any] | None = None) -> uuid.UUID:
    events = cycle_events(responses=responses)
    await seed(session, events)
    await book(session, facilitator_subject=FACILITATOR, participant_id=events.participant_id, cycle_id=events.cycle_id)
    return report_id_of(events.cycle_id)


async def test_a_release_refused_after_another_was_written_leaves_that_other_unreleased_and_unannounced(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    ready = await _booked_report(session)
    too_few = await _booked_report(session, [r for r in RESPONSES if r.group in (RaterGroup.SELF, RaterGroup.PEER)])

    response = await client.post(
        RELEASES, json=[str(ready), str(too_few)], headers=auth("facilitator", sub=FACILITATOR)
    )

    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == "application/problem+json"
    status = await session.scalar(text("SELECT status FROM report.report WHERE id = :id"), {"id": ready})
    assert status == "awaiting_release"
    announced = await session.scalar(
        text("SELECT count(*) FROM report.outbox_message WHERE subject = :s AND type = :t"),
        {"s": str(ready), "t": "hlm.report.report.released.v1"},
    )
    assert announced == 0
