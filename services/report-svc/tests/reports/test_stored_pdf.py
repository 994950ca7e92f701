"""A report version's PDF is rendered once, on its first download, and served from the database after:
the same bytes to every reader, for the same rules of who may read it, and gone with an erased participant."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hlm_contracts import ParticipantErasedV1
from hlm_kit.testing.pytest_plugin import AuthHeaders, wait_for
from report_svc.reports import rendering
from report_svc.reports import service as report_service
from report_svc.reports.models import Report
from report_svc.reports.service import report_id_of

from ..conftest import NOW, RunningService, cycle_events, seed  # noqa: TID252  (test support shared by the suite)


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[uuid.UUID]:
    """The ids of the reports rendered as PDF during the test, one entry per render."""
    rendered: list[uuid.UUID] = []
    render = rendering.pdf

    def counted(report: Report) -> bytes:
        rendered.append(report.id)
        return render(report)

    monkeypatch.setattr(rendering, "pdf", counted)
    return rendered


def _sessionmaker_of(session: AsyncSession) -> async_sessionmaker[AsyncSession]:
    """A worker's sessionmaker whose transactions are savepoints of the test's, so the test sees them."""
    return async_sessionmaker(bind=session.bind, join_transaction_mode="create_savepoint", expire_on_commit=False)


async def _released(session: AsyncSession, **kwargs: Any) -> tuple[str, uuid.UUID]:
    events = cycle_events(release_mode="direct", **kwargs)
    await seed(session, events)
    return events.participant_id, report_id_of(events.cycle_id)


async def _stored(session: AsyncSession, report_id: uuid.UUID) -> int:
    count = await session.scalar(
        text("SELECT count(*) FROM report.report_pdf WHERE report_id = :id"), {"id": report_id}
    )
    return int(count or 0)


async def test_the_second_download_is_the_stored_pdf_byte_for_byte_without_rendering_again(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders, renders: list[uuid.UUID]
) -> None:
    participant, report_id = await _released(session)
    reader = auth("participant", sub=participant)

    first = await client.get(f"/v1/reports/{report_id}.pdf", headers=reader)
    second = await client.get(f"/v1/reports/{report_id}.pdf", headers=reader)

    assert first.status_code == second.status_code == 200
    assert renders == [report_id]
    assert second.content == first.content
    assert second.headers["content-type"] == "application/pdf"
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["cache-control"] == "private, no-store"
    assert await _stored(session, report_id) == 1
    # A client that holds this version already is told so, without the body.
    again = await client.get(f"/v1/reports/{report_id}.pdf", headers={**reader, "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert renders == [report_id]


async def test_a_reader_who_may_not_read_the_report_gets_404_though_its_pdf_is_stored(
    client: httpx.AsyncClient,
    session: AsyncSession,
    auth: AuthHeaders,
    assert_problem: Callable[[httpx.Response, int], dict[str, Any]],
    renders: list[uuid.UUID],
) -> None:
    organisation = f"ORG{uuid.uuid4().hex[:8]}"
    participant, report_id = await _released(session, organisation=organisation)
    owner = await client.get(f"/v1/reports/{report_id}.pdf", headers=auth("participant", sub=participant))
    assert owner.status_code == 200
    assert await _stored(session, report_id) == 1

    stranger = auth("participant", sub=f"someone-else-{uuid.uuid4().hex[:6]}")
    partner_without_consent = auth("partner", sub="trust", org=organisation)
    facilitator_not_booked = auth("facilitator", sub="idp|facilitator-not-booked")
    for headers in (stranger, partner_without_consent, facilitator_not_booked):
        refused = await client.get(f"/v1/reports/{report_id}.pdf", headers=headers)
        assert_problem(refused, 404)
        # Knowing the stored version's ETag reveals nothing either.
        with_etag = await client.get(
            f"/v1/reports/{report_id}.pdf", headers={**headers, "If-None-Match": owner.headers["etag"]}
        )
        assert_problem(with_etag, 404)
    assert renders == [report_id]


async def test_first_downloads_at_the_same_time_all_succeed_with_the_same_bytes(
    running: RunningService, auth: AuthHeaders
) -> None:
    events = cycle_events(release_mode="direct")
    await running.publish(*events.ordered)
    report_id = report_id_of(events.cycle_id)
    await wait_for(lambda: running.scalar("SELECT status = 'released' FROM report.report WHERE id = :id", id=report_id))
    reader = auth("participant", sub=events.participant_id)

    downloads = await asyncio.gather(
        *(running.client.get(f"/v1/reports/{report_id}.pdf", headers=reader) for _ in range(2))
    )

    assert [d.status_code for d in downloads] == [200, 200]
    assert downloads[0].content == downloads[1].content
    assert downloads[0].headers["etag"] == downloads[1].headers["etag"]
    assert await running.scalar("SELECT count(*) FROM report.report_pdf WHERE report_id = :id", id=report_id) == 1


async def test_erasing_a_participant_deletes_their_stored_pdfs(running: RunningService, auth: AuthHeaders) -> None:
    events = cycle_events(release_mode="direct")
    await running.publish(*events.ordered)
    report_id = report_id_of(events.cycle_id)
    await wait_for(lambda: running.scalar("SELECT status = 'released' FROM report.report WHERE id = :id", id=report_id))
    downloaded = await running.client.get(
        f"/v1/reports/{report_id}.pdf", headers=auth("participant", sub=events.participant_id)
    )
    assert downloaded.status_code == 200
    assert await running.scalar("SELECT count(*) FROM report.report_pdf WHERE report_id = :id", id=report_id) == 1

    erased = await running.publish(ParticipantErasedV1(participant_id=events.participant_id, erased_at=NOW))
    await wait_for(
        lambda: running.scalar("SELECT count(*) = 1 FROM report.inbox_message WHERE event_id = :id", id=erased[0].id)
    )

    assert await running.scalar("SELECT count(*) FROM report.report_pdf WHERE report_id = :id", id=report_id) == 0


async def test_a_released_reports_pdf_is_rendered_ahead_so_its_first_download_is_the_stored_one(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders, renders: list[uuid.UUID]
) -> None:
    participant, report_id = await _released(session)

    # The newest released report without a stored PDF goes first.
    assert await report_service.render_ahead(_sessionmaker_of(session)) == 1
    assert renders == [report_id]
    download = await client.get(f"/v1/reports/{report_id}.pdf", headers=auth("participant", sub=participant))

    assert download.status_code == 200
    assert renders == [report_id]
    assert await _stored(session, report_id) == 1


async def test_a_report_awaiting_its_facilitators_release_is_not_rendered_ahead(
    session: AsyncSession, renders: list[uuid.UUID]
) -> None:
    events = cycle_events(release_mode="coached")
    await seed(session, events)

    # It is the newest report of all: were it taken, it would be taken first.
    await report_service.render_ahead(_sessionmaker_of(session))

    assert report_id_of(events.cycle_id) not in renders
    assert await _stored(session, report_id_of(events.cycle_id)) == 0


async def test_a_new_version_of_the_report_is_rendered_anew_and_replaces_the_stored_pdf(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders, renders: list[uuid.UUID]
) -> None:
    participant, report_id = await _released(session)
    reader = auth("participant", sub=participant)
    first = await client.get(f"/v1/reports/{report_id}.pdf", headers=reader)
    # A rebuild as the service stores one: the next version beside the earlier, the report pointing at it.
    await session.execute(
        text(
            "INSERT INTO report.report_version (report_id, version, content, built_at) "
            "SELECT id, version + 1, content, now() FROM report.report WHERE id = :id"
        ),
        {"id": report_id},
    )
    await session.execute(text("UPDATE report.report SET version = version + 1 WHERE id = :id"), {"id": report_id})
    await session.commit()

    second = await client.get(f"/v1/reports/{report_id}.pdf", headers=reader)

    assert renders == [report_id, report_id]
    assert second.headers["content-disposition"].endswith('-v2.pdf"')
    assert first.headers["content-disposition"].endswith('-v1.pdf"')
    # The client holding the first version's ETag gets the new version, not a 304.
    revalidated = await client.get(
        f"/v1/reports/{report_id}.pdf", headers={**reader, "If-None-Match": first.headers["etag"]}
    )
    assert revalidated.status_code == 200
    assert revalidated.content == second.content
    versions = await session.scalars(
        text("SELECT version FROM report.report_pdf WHERE report_id = :id"), {"id": report_id}
    )
    assert list(versions) == [2]
