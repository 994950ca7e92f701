"""A caller's list of reports comes a page at a time, newest first; a caller that does not page gets the
page it always got (up to 100 reports)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.testing.pytest_plugin import AuthHeaders
from report_svc.reports.schemas import ReportSummaryList, ReportSummaryOut
from report_svc.reports.service import report_id_of

from ..conftest import cycle_events, seed  # noqa: TID252  (test support shared by the suite)

Problem = Callable[[httpx.Response, int], dict[str, Any]]


async def _participant_with_reports(session: AsyncSession, count: int) -> tuple[str, set[str]]:
    participant = cycle_events().participant_id
    ids = set()
    for _ in range(count):
        events = cycle_events(participant_id=participant, release_mode="direct")
        await seed(session, events)
        ids.add(str(report_id_of(events.cycle_id)))
    return participant, ids


async def test_a_participants_reports_are_read_page_by_page_each_once(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    participant, ids = await _participant_with_reports(session, 3)
    reader = auth("participant", sub=participant)
    unpaged = (await client.get("/v1/reports", headers=reader)).json()

    first = (await client.get("/v1/reports", params={"limit": 2, "view": "summary"}, headers=reader)).json()
    second = (
        await client.get(
            "/v1/reports", params={"limit": 2, "view": "summary", "cursor": first["next_cursor"]}, headers=reader
        )
    ).json()

    assert [len(first["items"]), len(second["items"])] == [2, 1]
    assert first["next_cursor"] is not None
    assert second["next_cursor"] is None
    paged = [r["id"] for r in first["items"] + second["items"]]
    # The same reports in the same order as the whole list a caller that does not page still gets.
    assert paged == [r["id"] for r in unpaged["items"]]
    assert set(paged) == ids
    assert unpaged["next_cursor"] is None


async def test_a_cursor_the_list_did_not_issue_is_refused_as_a_bad_parameter(
    client: httpx.AsyncClient, auth: AuthHeaders, assert_problem: Problem
) -> None:
    response = await client.get("/v1/reports", params={"cursor": "not-a-cursor"}, headers=auth("participant"))

    body = assert_problem(response, 422)
    assert body["errors"][0]["loc"] == ["query", "cursor"]


async def test_a_page_of_summaries_is_written_as_the_reports_models_are(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    participant, ids = await _participant_with_reports(session, 3)
    waiting = cycle_events(participant_id=participant, release_mode="coached")  # not the participant's yet
    await seed(session, waiting)
    reader = auth("participant", sub=participant)

    whole = await client.get("/v1/reports", headers=reader)
    first = await client.get("/v1/reports", params={"limit": 2, "view": "summary"}, headers=reader)
    cursor = first.json()["next_cursor"]
    second = await client.get("/v1/reports", params={"limit": 2, "view": "summary", "cursor": cursor}, headers=reader)

    # Each page is ReportSummaryList's bytes of the same reports read whole; the coached one is in neither.
    reports = [ReportSummaryOut.model_validate(r) for r in whole.json()["items"]]
    assert {str(r.id) for r in reports} == ids
    assert first.headers["content-type"] == "application/json"
    summaries = [r for page in (first, second) for r in page.json()["items"]]
    assert [r["id"] for r in summaries] == [str(r.id) for r in reports]
    assert (
        first.content
        == ReportSummaryList(items=reports[: len(first.json()["items"])], next_cursor=cursor).model_dump_json().encode()
    )
    assert second.content == ReportSummaryList(items=reports[len(first.json()["items"]) :]).model_dump_json().encode()
    assert str(report_id_of(waiting.cycle_id)) not in {r["id"] for r in summaries}
    # Another participant lists none of them.
    assert (
        await client.get("/v1/reports", params={"view": "summary"}, headers=auth("participant", sub="someone-else"))
    ).json() == {"items": [], "next_cursor": None}
