"""The same report as CSV (HTML and PDF: test_rendering.py); partners pull released, consented reports page by page."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.testing.pytest_plugin import AuthHeaders
from report_svc.reports.service import report_id_of

from ..conftest import cycle_events, seed  # noqa: TID252  (test support shared by the suite)


async def _released_report(session: AsyncSession, **kwargs: object) -> tuple[str, uuid.UUID]:
    events = cycle_events(release_mode="direct", **kwargs)  # type: ignore[arg-type]
    await seed(session, events)
    return events.participant_id, report_id_of(events.cycle_id)


async def test_the_csv_holds_one_published_figure_a_row(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    participant, report_id = await _released_report(session)

    response = await client.get(f"/v1/reports/{report_id}?format=csv", headers=auth("participant", sub=participant))

    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    figures = {(r["dimension_key"], r["measure"], r["group"]): (r["value"], r["n"]) for r in rows}
    assert figures[("care", "score", "self")] == ("3.5", "")
    assert figures[("care", "score", "others")] == ("2.5", "6")
    assert figures[("care", "range_min", "others")] == ("1.5", "6")
    assert figures[("care", "score", "peer_combined")] == ("2.4", "5")
    assert figures[("vision", "importance", "others")] == ("3.4", "5")
    assert figures[("vision", "gap", "self_minus_others")] == ("-0.1", "")
    assert not any(r["group"] in ("peer", "direct_report", "other") for r in rows)  # hidden groups never appear


async def test_a_partner_pulls_released_reports_of_consenting_participants_page_by_page_and_incrementally(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    organisation = f"ORG{uuid.uuid4().hex[:8]}"
    consenting = []
    for _ in range(3):
        participant, report_id = await _released_report(session, organisation=organisation)
        put = await client.put(
            "/v1/consents/organisation", headers=auth("participant", sub=participant, org=organisation)
        )
        assert put.status_code == 200
        consenting.append(str(report_id))
    late_participant, late_report = await _released_report(session, organisation=organisation)  # no consent yet
    partner = auth("partner", sub="trust", org=organisation)

    first = (await client.get("/v1/partner/reports?limit=2", headers=partner)).json()
    second = (await client.get(f"/v1/partner/reports?limit=2&cursor={first['next_cursor']}", headers=partner)).json()

    assert [r["id"] for r in first["items"] + second["items"]] == consenting
    assert second["next_cursor"] is None
    last_seen = datetime.fromisoformat(second["items"][-1]["updated_at"])
    since = (
        await client.get("/v1/partner/reports", params={"updated_since": last_seen.isoformat()}, headers=partner)
    ).json()
    assert since["items"] == []

    # A participant who consents later is picked up by the next incremental pull, and only they are.
    later = auth("participant", sub=late_participant, org=organisation)
    assert (await client.put("/v1/consents/organisation", headers=later)).status_code == 200
    since = (
        await client.get("/v1/partner/reports", params={"updated_since": last_seen.isoformat()}, headers=partner)
    ).json()
    assert [r["id"] for r in since["items"]] == [str(late_report)]
    consenting.append(str(late_report))
    as_csv = await client.get("/v1/partner/reports?format=csv", headers=partner)
    assert {row["report_id"] for row in csv.DictReader(io.StringIO(as_csv.text))} == set(consenting)


async def test_withdrawing_consent_hides_the_participants_reports_from_the_partner_at_once(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    organisation = f"ORG{uuid.uuid4().hex[:8]}"
    participant, report_id = await _released_report(session, organisation=organisation)
    own = auth("participant", sub=participant, org=organisation)
    partner = auth("partner", sub="trust", org=organisation)
    await client.put("/v1/consents/organisation", headers=own)
    assert (await client.get(f"/v1/reports/{report_id}", headers=partner)).status_code == 200

    assert (await client.delete("/v1/consents/organisation", headers=own)).status_code == 204

    assert (await client.get(f"/v1/reports/{report_id}", headers=partner)).status_code == 404
    assert (await client.get("/v1/partner/reports", headers=partner)).json()["items"] == []


async def test_a_cursor_the_service_did_not_issue_is_refused(client: httpx.AsyncClient, auth: AuthHeaders) -> None:
    response = await client.get("/v1/partner/reports?cursor=garbage", headers=auth("partner"))

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "cursor"]
