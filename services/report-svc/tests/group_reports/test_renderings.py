"""A group report as an HTML page, a tagged PDF and CSV: the heat map of dimension by rater group as an
accessible chart with its table, every figure of the JSON, for the audience it was issued to alone."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import page
import pikepdf
import pytest
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.testing.pytest_plugin import AuthHeaders

from ..conftest import NOW, cycle_events, seed  # noqa: TID252  (test support shared by the suite)

Problem = Callable[[httpx.Response, int], dict[str, Any]]


async def _issued(client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders) -> tuple[dict[str, Any], str]:
    team, questionnaire_id, region = uuid.uuid4(), uuid.uuid4(), f"region-{uuid.uuid4().hex[:8]}"
    for n in range(5):
        events = cycle_events(
            questionnaire_id=questionnaire_id,
            team_cycle_id=team,
            region=region,
            release_mode="direct",
            closed_at=NOW + timedelta(days=n),
        )
        await seed(session, events)
    response = await client.get(
        "/v1/group-reports",
        params={"scope": "team", "value": str(team), "questionnaire_id": str(questionnaire_id)},
        headers=auth("academy_admin", region=region),
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body, region


async def test_the_page_shows_the_heat_map_as_a_titled_chart_with_the_table_of_its_figures(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    report, region = await _issued(client, session, auth)
    heat = report["content"]["heat_map"]

    response = await client.get(f"/v1/group-reports/{report['id']}.html", headers=auth("academy_admin", region=region))

    assert response.status_code == 200, response.text
    assert "default-src 'none'" in response.headers["content-security-policy"]
    html = response.text
    assert html.count("<svg") == 1
    assert '<title id="heat-map-title">Heat map: mean score by dimension and rater group over 5 participants' in html
    for column in ("Self (own ratings)", "All others", "Line manager"):
        assert html.count(column) >= 2  # in the chart and in the table
    for row in heat["values"]:
        for value in row:
            # Each figure twice: printed in its cell of the chart and in the table.
            assert html.count(f">{value:.2f}<") >= 2


async def test_the_pdf_is_tagged_with_the_heat_map_described_and_every_figure_printed(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    report, region = await _issued(client, session, auth)

    response = await client.get(f"/v1/group-reports/{report['id']}.pdf", headers=auth("academy_admin", region=region))

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    conformance = page.validate_pdf_bytes(response.content, profile="ua1")
    assert conformance.is_compliant, conformance.failures
    with pikepdf.open(io.BytesIO(response.content)) as pdf:
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert str(pdf.Root.Lang) == "en-GB"
        assert str(pdf.docinfo.Title) == "Leadership feedback group report: Example 360"
        figures: list[str] = []

        def walk(element: Any) -> None:
            if isinstance(element, pikepdf.Array):
                for child in element:
                    walk(child)
            elif isinstance(element, pikepdf.Dictionary) and element.get("/Type") == "/StructElem":
                if element.get("/S") == "/Figure":
                    figures.append(str(element.get("/Alt", "")))
                walk(element.get("/K", pikepdf.Array()))

        walk(pdf.Root.StructTreeRoot.K)
    assert len(figures) == 1
    assert figures[0].startswith("Heat map: mean score by dimension and rater group")
    words = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split())
    for d in report["content"]["dimensions"]:
        for mean in d["means"].values():
            assert f"{mean:.2f}" in words
        for count in d["levels"].values():
            assert str(count) in words


async def test_the_csv_has_a_row_per_figure_of_the_json(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    report, region = await _issued(client, session, auth)

    response = await client.get(f"/v1/group-reports/{report['id']}.csv", headers=auth("academy_admin", region=region))

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    means = {(r["dimension_key"], r["rater_group"]): float(r["value"]) for r in rows if r["measure"] == "mean"}
    levels = {
        (r["dimension_key"], r["level"]): int(r["value"]) for r in rows if r["measure"] == "participants_at_level"
    }
    content = report["content"]
    assert means == {(d["key"], g): m for d in content["dimensions"] for g, m in d["means"].items()}
    assert levels == {(d["key"], level): n for d in content["dimensions"] for level, n in d["levels"].items()}
    assert {r["group_report_id"] for r in rows} == {report["id"]}


@pytest.mark.parametrize("extension", ["html", "pdf", "csv"])
async def test_only_the_audience_it_was_issued_to_reads_it_in_any_format(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders, assert_problem: Problem, extension: str
) -> None:
    report, _ = await _issued(client, session, auth)
    elsewhere = auth("academy_admin", sub="admin-elsewhere", region="elsewhere")

    assert_problem(await client.get(f"/v1/group-reports/{report['id']}.{extension}", headers=elsewhere), 404)
    assert_problem(await client.get(f"/v1/group-reports/{uuid.uuid4()}.{extension}", headers=elsewhere), 404)
    assert_problem(await client.get(f"/v1/group-reports/{report['id']}.{extension}", headers=auth("participant")), 403)
