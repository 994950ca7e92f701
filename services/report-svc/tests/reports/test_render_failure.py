"""A render that fails answers 500 problem+json carrying the request's correlation id (what a reader quotes
to support, and what the service's log line of the failure carries), and stores nothing: the next download
renders again rather than serve a broken or empty file."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import pytest_asyncio
from asgi_lifespan import LifespanManager
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.observability import CORRELATION_HEADER
from hlm_kit.testing.pytest_plugin import AuthHeaders, share_session
from report_svc.config import Settings
from report_svc.main import create_app
from report_svc.reports import rendering
from report_svc.reports.service import report_id_of

from ..conftest import cycle_events, seed  # noqa: TID252  (test support shared by the suite)


class RenderFailed(RuntimeError):
    pass


@pytest_asyncio.fixture
async def served(settings: Settings, session: AsyncSession) -> AsyncIterator[httpx.AsyncClient]:
    """The app as a browser meets it: an unexpected error is the app's 500 answer, not an exception
    raised into the test."""
    app = create_app(settings)
    share_session(app, session)
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://report-svc"
        ) as client,
    ):
        yield client


async def _stored(session: AsyncSession, report_id: uuid.UUID) -> int:
    count = await session.scalar(
        text("SELECT count(*) FROM report.report_pdf WHERE report_id = :id"), {"id": report_id}
    )
    return int(count or 0)


# The HTML page fails in its template; the PDF in its layout, after the page was made.
@pytest.mark.parametrize(("extension", "failing"), [("html", "html"), ("pdf", "html_to_pdf")])
async def test_a_failing_render_answers_500_problem_json_with_the_correlation_id_and_stores_nothing(
    served: httpx.AsyncClient,
    session: AsyncSession,
    auth: AuthHeaders,
    assert_problem: Callable[[httpx.Response, int], dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    extension: str,
    failing: str,
) -> None:
    events = cycle_events(release_mode="direct")
    await seed(session, events)
    report_id = report_id_of(events.cycle_id)
    reader = auth("participant", sub=events.participant_id)
    working = getattr(rendering, failing)

    def fails(*_: object) -> Any:
        raise RenderFailed("the layout engine gave up")

    monkeypatch.setattr(rendering, failing, fails)
    correlation_id = f"render-{uuid.uuid4().hex[:12]}"
    failed = await served.get(
        f"/v1/reports/{report_id}.{extension}", headers={**reader, CORRELATION_HEADER: correlation_id}
    )

    problem = assert_problem(failed, 500)
    assert problem["correlation_id"] == correlation_id
    assert problem["type"].endswith("/internal-error")
    # Nothing of the failure reaches the reader: no exception, no trace, no partial document.
    assert "layout engine" not in failed.text
    assert b"%PDF" not in failed.content
    assert "<html" not in failed.text
    assert await _stored(session, report_id) == 0

    # Once rendering works again, the same download succeeds and only then is the PDF kept.
    monkeypatch.setattr(rendering, failing, working)
    again = await served.get(f"/v1/reports/{report_id}.{extension}", headers=reader)
    assert again.status_code == 200, again.text
    assert await _stored(session, report_id) == (1 if extension == "pdf" else 0)
