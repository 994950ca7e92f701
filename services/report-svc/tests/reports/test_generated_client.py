"""A partner trust generates its client from /openapi.json and pulls reports as JSON, CSV and PDF with it,
without editing the generated code."""

from __future__ import annotations

import asyncio
import csv
import importlib
import io
import json
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.testing.pytest_plugin import AuthHeaders
from report_svc.reports.csv_format import COLUMNS
from report_svc.reports.service import report_id_of

from ..conftest import cycle_events, seed  # noqa: TID252  (test support shared by the suite)

PACKAGE = "report_svc_partner_client"


@pytest.fixture
def generated_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Where the client is generated, importable; its modules are forgotten afterwards."""
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path / PACKAGE
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


async def _generate(spec: dict[str, Any], package: Path) -> None:
    """Run openapi-python-client on the spec as a partner would, from a local file (no network)."""
    spec_path = package.parent / "openapi.json"
    spec_path.write_text(json.dumps(spec))
    config = package.parent / "generator.yaml"
    config.write_text("post_hooks: []\n")  # the partner's own formatters are no part of what is tested
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "openapi_python_client",
        "generate",
        "--path",
        str(spec_path),
        "--output-path",
        str(package),
        "--meta",
        "none",
        "--config",
        str(config),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    assert process.returncode == 0, output.decode()
    importlib.invalidate_caches()


def _operation(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.api.{name}")


async def test_a_client_generated_from_the_openapi_pulls_json_csv_and_pdf(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders, generated_package: Path
) -> None:
    organisation = f"ORG{uuid.uuid4().hex[:8]}"
    events = cycle_events(release_mode="direct", organisation=organisation)
    await seed(session, events)
    report_id = report_id_of(events.cycle_id)
    own = auth("participant", sub=events.participant_id, org=organisation)
    assert (await client.put("/v1/consents/organisation", headers=own)).status_code == 200
    spec = (await client.get("/openapi.json")).json()

    await _generate(spec, generated_package)

    generated = importlib.import_module(PACKAGE)
    client.headers.update(auth("partner", sub="trust", org=organisation))
    partner = generated.Client(base_url=str(client.base_url)).set_async_httpx_client(client)

    page = await _operation("partner.partner_reports_v1_partner_reports_get").asyncio(client=partner)
    assert [str(r.id) for r in page.items] == [str(report_id)]

    pulled_csv = await _operation("reports.get_csv_v1_reports_id_csv_get").asyncio(client=partner, id=report_id)
    rows = list(csv.DictReader(io.StringIO(pulled_csv)))
    assert list(rows[0]) == COLUMNS
    figures = {(r["dimension_key"], r["measure"], r["group"]): (r["value"], r["n"]) for r in rows}
    assert figures[("care", "score", "others")] == ("2.5", "6")
    assert figures[("vision", "gap", "self_minus_others")] == ("-0.1", "")
    assert {r["report_id"] for r in rows} == {str(report_id)}

    pages_csv = await _operation("partner.partner_reports_csv_v1_partner_reports_csv_get").asyncio(client=partner)
    assert list(csv.DictReader(io.StringIO(pages_csv))) == rows

    pdf = await _operation("reports.get_pdf_v1_reports_id_pdf_get").asyncio(client=partner, id=report_id)
    assert pdf.payload.read().startswith(b"%PDF")
