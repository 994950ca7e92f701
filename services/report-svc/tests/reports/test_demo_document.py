"""The report of `make demo`'s shape (the participant, a line manager, three peers, three direct reports
and three other colleagues) on the catalogue's HLM 360 questionnaire, 45 statements over nine dimensions,
as report-svc prints it: PDF/UA-1 by page-validation's rules, every chart a figure with its alternative
text, and each of the four groups by name. The report is the one `scripts/report_pictures.py` draws for
the README."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path
from typing import Any

import page
import pikepdf
from pypdf import PdfReader

from report_svc.reports import rendering

SCRIPT = Path(__file__).resolve().parents[4] / "scripts" / "report_pictures.py"


def demo_report() -> Any:
    spec = importlib.util.spec_from_file_location("report_pictures", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.demo_report()


def _figures(pdf: pikepdf.Pdf) -> list[str]:
    found: list[str] = []
    pending: list[Any] = [pdf.Root.StructTreeRoot.K]
    while pending:
        element = pending.pop()
        if isinstance(element, pikepdf.Array):
            pending.extend(element)
        elif isinstance(element, pikepdf.Dictionary) and element.get("/Type") == "/StructElem":
            if element.get("/S") == "/Figure":
                found.append(str(element.get("/Alt", "")))
            pending.append(element.get("/K", pikepdf.Array()))
    return found


def test_the_demos_report_on_the_hlm_360_is_pdf_ua_1_with_every_chart_described_and_every_group_named() -> None:
    report = demo_report()
    content = report.content

    body = rendering.pdf(report)

    conformance = page.validate_pdf_bytes(body, profile="ua1")
    assert conformance.is_compliant, conformance.failures
    with pikepdf.open(io.BytesIO(body)) as pdf:
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert str(pdf.Root.Lang) == "en-GB"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        alts = _figures(pdf)
    # A chart per dimension and the performance-and-importance chart, each described.
    assert len(content["dimensions"]) == 9
    assert len(alts) == 9 + 1
    assert all(alt.strip() for alt in alts)
    words = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages).split())
    assert [g["label"] for g in content["groups"]] == ["Line manager", "Peers", "Direct reports", "Other colleagues"]
    for group in content["groups"]:
        for d in content["dimensions"]:
            assert f"{group['label']} {d['groups'][group['key']]['score']:.2f}" in words
    assert len(content["items"]) == 45
