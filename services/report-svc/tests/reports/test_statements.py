"""The statements of a dimension, in the page and the PDF: by their text, with others' mean, how many
answered, and how many gave each level, in one row of four cells each."""

from __future__ import annotations

import io
import re

import httpx
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.testing.pytest_plugin import AuthHeaders
from report_svc.reports.service import report_id_of

from ..conftest import cycle_events, seed  # noqa: TID252  (test support shared by the suite)
from .test_rendering import DEMO


async def test_each_statement_prints_others_mean_raters_and_answers_per_level(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    events = cycle_events(release_mode="direct", responses=DEMO)
    await seed(session, events)
    reader = auth("participant", sub=events.participant_id)
    report_id = report_id_of(events.cycle_id)
    content = (await client.get(f"/v1/reports/{report_id}", headers=reader)).json()["content"]

    page = (await client.get(f"/v1/reports/{report_id}.html", headers=reader)).text
    pdf = (await client.get(f"/v1/reports/{report_id}.pdf", headers=reader)).content
    words = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())

    assert "Others' answers (Essential, Proficient, Strong, Exemplary; not observed)" in page
    for item in content["items"]:
        others = item["others"]
        counts = ", ".join(str(others["distribution"][level]) for level in ("1", "2", "3", "4"))
        row = re.search(rf"<tr><th scope=\"row\">{re.escape(item['text'])}</th>(.*?)</tr>", page, flags=re.S)
        assert row is not None
        assert re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))[1:] == [
            f"{others['mean']:.2f} ({others['n']})",
            f"{counts}; {others['not_observed']}",
        ]
        assert f"{others['mean']:.2f} ({others['n']}) {counts}; {others['not_observed']}" in words
