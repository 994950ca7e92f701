"""A participant's progress between two released reports, as JSON, HTML and PDF: read by whoever may
read both reports, every figure under its own cycle's thresholds."""

from __future__ import annotations

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

from hlm_contracts.enums import RaterGroup
from hlm_kit.testing.pytest_plugin import AuthHeaders
from report_svc.consents.models import Consent
from report_svc.reports.models import Report
from report_svc.reports.service import report_id_of
from report_svc.scoring.inputs import Response

from ..conftest import NOW, book, cycle_events, seed  # noqa: TID252  (test support shared by the suite)
from ..scoring.example import RESPONSES  # noqa: TID252

Problem = Callable[[httpx.Response, int], dict[str, Any]]
S, LM, P, DR, OT = (
    RaterGroup.SELF,
    RaterGroup.LINE_MANAGER,
    RaterGroup.PEER,
    RaterGroup.DIRECT_REPORT,
    RaterGroup.OTHER,
)
# The earlier cycle, the demo's shape: every group met its threshold and is shown on its own.
EARLIER = [
    Response(S, {"c1": 2, "c2": 3, "v1": 2, "v2": 2}, {"care": 4, "vision": 3}),
    Response(LM, {"c1": 2, "c2": 2, "v1": 2, "v2": 1}, {"care": 4, "vision": 3}),
    *[Response(P, {"c1": 1 + n, "c2": 2, "v1": 2, "v2": 3}, {"care": 3, "vision": 3}) for n in range(3)],
    *[Response(DR, {"c1": 4, "c2": 3, "v1": 3, "v2": 4 - n}, {"care": 4, "vision": 4}) for n in range(3)],
    *[Response(OT, {"c1": 1, "c2": 2, "v1": 1 + n, "v2": 1}, {"care": 2, "vision": 3}) for n in range(3)],
]
# The later cycle is the example (tests/scoring/example.py): the one direct report and the one other
# colleague are folded into the peers, so only the line manager is shown on its own.


async def _participant_with_two_cycles(session: AsyncSession) -> tuple[str, uuid.UUID, uuid.UUID, uuid.UUID]:
    participant = f"participant-{uuid.uuid4().hex[:8]}"
    organisation = f"ORG{uuid.uuid4().hex[:6]}"
    ids = []
    for responses, closed_at in ((EARLIER, NOW - timedelta(days=365)), (RESPONSES, NOW)):
        events = cycle_events(
            participant_id=participant,
            organisation=organisation,
            release_mode="direct",
            responses=responses,
            closed_at=closed_at,
        )
        await seed(session, events)
        ids.append(events.cycle_id)
    return participant, report_id_of(ids[0]), report_id_of(ids[1]), ids[1]


async def _json(client: httpx.AsyncClient, headers: dict[str, str], path: str) -> Any:
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_progress_sets_each_dimension_then_and_now_from_the_two_published_reports(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    participant, earlier, later, _ = await _participant_with_two_cycles(session)
    reader = auth("participant", sub=participant)
    then = (await _json(client, reader, f"/v1/reports/{earlier}"))["content"]
    now = (await _json(client, reader, f"/v1/reports/{later}"))["content"]

    progress = await _json(client, reader, f"/v1/reports/{later}/progress")

    # By default, since the participant's latest earlier released report on the same framework.
    assert progress["since_report_id"] == str(earlier)
    assert progress["report_id"] == str(later)
    assert progress == await _json(client, reader, f"/v1/reports/{later}/progress?since={earlier}")
    content = progress["content"]
    assert [g["key"] for g in content["groups"]] == ["line_manager", "peer", "direct_report", "other"]
    for d in content["dimensions"]:
        d_then = next(x for x in then["dimensions"] if x["key"] == d["key"])
        d_now = next(x for x in now["dimensions"] if x["key"] == d["key"])
        assert d["self"]["then"]["score"] == d_then["self"]["score"]
        assert d["self"]["now"]["score"] == d_now["self"]["score"]
        assert d["others"]["then"] == {k: v for k, v in d_then["others"].items() if k != "range"}
        assert d["others"]["now"] == {k: v for k, v in d_now["others"].items() if k != "range"}
        assert d["others"]["change"] == pytest.approx(d_now["others"]["score"] - d_then["others"]["score"])
        # Shown on its own in both cycles: compared.
        assert d["groups"]["line_manager"]["then"] == d_then["groups"]["line_manager"]
        assert d["groups"]["line_manager"]["now"] == d_now["groups"]["line_manager"]
        # Shown in the earlier cycle, folded into the peers in the later one: then only, no change, and no
        # figure of the later cycle for the peers alone, the direct report or the other colleague.
        for group in ("peer", "direct_report", "other"):
            assert d["groups"][group]["then"] == d_then["groups"][group]
            assert d["groups"][group]["now"] is None
            assert d["groups"][group]["change"] is None
    assert any("shown in the earlier cycle only" in note for note in content["notes"])


async def test_the_progress_page_and_pdf_print_the_comparison_and_nothing_of_a_group_hidden_in_its_cycle(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    participant, _, later, _ = await _participant_with_two_cycles(session)
    reader = auth("participant", sub=participant)
    content = (await _json(client, reader, f"/v1/reports/{later}/progress"))["content"]
    now = (await _json(client, reader, f"/v1/reports/{later}"))["content"]

    html = await client.get(f"/v1/reports/{later}/progress.html", headers=reader)
    pdf = await client.get(f"/v1/reports/{later}/progress.pdf", headers=reader)

    assert html.status_code == 200, html.text
    assert pdf.status_code == 200, pdf.text
    assert "default-src 'none'" in html.headers["content-security-policy"]
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["cache-control"] == "private, no-store"
    words = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    for d in content["dimensions"]:
        for pair in [d["self"], d["others"], *d["groups"].values()]:
            for moment in ("then", "now"):
                if pair[moment] is not None:
                    assert f"{pair[moment]['score']:.2f}" in html.text
                    assert f"{pair[moment]['score']:.2f}" in words
            if pair["change"] is not None:
                shown = f"{pair['change']:+.2f}".replace("-", "\u2212")
                assert shown in html.text
                assert shown in words
    # The later cycle's combined group (peers with the direct report and the other colleague) is no
    # figure of the comparison.
    combined = next(g for g in now["groups"] if g["combined"])
    for d in now["dimensions"]:
        hidden = f"{d['groups'][combined['key']]['score']:.2f}"
        if all(
            hidden != f"{pair[m]['score']:.2f}"
            for x in content["dimensions"]
            for pair in [x["self"], x["others"], *x["groups"].values()]
            for m in ("then", "now")
            if pair[m]
        ):
            assert hidden not in html.text
    conformance = page.validate_pdf_bytes(pdf.content, profile="ua1")
    assert conformance.is_compliant, conformance.failures
    with pikepdf.open(io.BytesIO(pdf.content)) as document:
        assert bool(document.Root.MarkInfo.Marked) is True
        assert str(document.Root.Lang) == "en-GB"
        assert str(document.docinfo.Title) == "Leadership progress report: Example 360"
        assert html.text.count("<svg") == 2
        alts = []

        def walk(element: Any) -> None:
            if isinstance(element, pikepdf.Array):
                for child in element:
                    walk(child)
            elif isinstance(element, pikepdf.Dictionary) and element.get("/Type") == "/StructElem":
                if element.get("/S") == "/Figure":
                    alts.append(str(element.get("/Alt", "")))
                walk(element.get("/K", pikepdf.Array()))

        walk(document.Root.StructTreeRoot.K)
        assert len(alts) == 2
        assert all(alt.startswith(("All others: score per dimension", "Your own ratings")) for alt in alts)


@pytest.mark.parametrize(
    ("caller", "status"),
    [
        ("participant", 200),
        ("facilitator_of_the_participant", 200),
        ("facilitator_of_the_later_cycle_only", 404),
        ("partner_with_consent", 200),
        ("academy_admin", 404),
        ("stranger", 404),
        ("other_facilitator", 404),
    ],
)
async def test_progress_is_read_by_whoever_may_read_both_reports(
    client: httpx.AsyncClient,
    session: AsyncSession,
    auth: AuthHeaders,
    assert_problem: Problem,
    caller: str,
    status: int,
) -> None:
    participant, earlier, later, later_cycle = await _participant_with_two_cycles(session)
    report = await session.get(Report, later)
    assert report is not None
    organisation, region = report.organisation, report.region
    facilitator, cycle_only = f"idp|f-{uuid.uuid4().hex[:6]}", f"idp|f-{uuid.uuid4().hex[:6]}"
    await book(session, facilitator_subject=facilitator, participant_id=participant, cycle_id=None)
    await book(session, facilitator_subject=cycle_only, participant_id=participant, cycle_id=later_cycle)
    session.add(Consent(participant_id=participant, organisation=organisation))
    await session.commit()
    headers = {
        "participant": auth("participant", sub=participant),
        "facilitator_of_the_participant": auth("facilitator", sub=facilitator),
        "facilitator_of_the_later_cycle_only": auth("facilitator", sub=cycle_only),
        "partner_with_consent": auth("partner", sub="trust-client", org=organisation),
        "academy_admin": auth("academy_admin", sub="admin", region=region),
        "stranger": auth("participant", sub=f"someone-else-{uuid.uuid4().hex[:6]}"),
        "other_facilitator": auth("facilitator", sub=f"idp|f-{uuid.uuid4().hex[:6]}"),
    }[caller]

    for path in (f"/v1/reports/{later}/progress", f"/v1/reports/{later}/progress?since={earlier}"):
        response = await client.get(path, headers=headers)
        if status == 200:
            assert response.status_code == 200, response.text
            assert response.json()["since_report_id"] == str(earlier)
        else:
            assert_problem(response, status)
    if caller == "stranger":
        # The same answer for the page and the PDF: nothing is rendered for a reader who may not read.
        for extension in ("html", "pdf"):
            assert_problem(await client.get(f"/v1/reports/{later}/progress.{extension}", headers=headers), 404)


@pytest.mark.parametrize("rendering", ["", ".html", ".pdf"])
async def test_an_unknown_report_answers_not_found_for_every_rendering(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders, assert_problem: Problem, rendering: str
) -> None:
    participant, earlier, later, _ = await _participant_with_two_cycles(session)
    reader = auth("participant", sub=participant)

    assert_problem(await client.get(f"/v1/reports/{uuid.uuid4()}/progress{rendering}", headers=reader), 404)
    assert_problem(
        await client.get(f"/v1/reports/{later}/progress{rendering}?since={uuid.uuid4()}", headers=reader), 404
    )
    # The earliest report has nothing before it.
    problem = assert_problem(await client.get(f"/v1/reports/{earlier}/progress{rendering}", headers=reader), 404)
    assert problem["type"].endswith("/no-earlier-report")
    invalid = assert_problem(await client.get(f"/v1/reports/{later}/progress{rendering}?since=x", headers=reader), 422)
    assert invalid["errors"][0]["loc"] == ["query", "since"]


async def test_reports_that_cannot_be_compared_are_refused_with_the_reason(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders, assert_problem: Problem
) -> None:
    participant, earlier, later, _ = await _participant_with_two_cycles(session)
    reader = auth("participant", sub=participant)
    other_framework = cycle_events(
        participant_id=participant, release_mode="direct", closed_at=NOW - timedelta(days=30)
    )
    other_framework.questionnaire = other_framework.questionnaire.model_copy(update={"framework_key": "lf2011"})
    await seed(session, other_framework)
    elsewhere = report_id_of(other_framework.cycle_id)

    backwards = assert_problem(await client.get(f"/v1/reports/{earlier}/progress?since={later}", headers=reader), 409)
    itself = assert_problem(await client.get(f"/v1/reports/{later}/progress?since={later}", headers=reader), 409)
    framework = assert_problem(await client.get(f"/v1/reports/{later}/progress?since={elsewhere}", headers=reader), 409)

    assert backwards["type"].endswith("/reports-not-comparable")
    assert "earlier cycle" in backwards["detail"]
    assert "same participant" in itself["detail"]
    assert "different frameworks" in framework["detail"]
    # Left out of the default choice: the latest earlier report on the same framework is still the first.
    default = await _json(client, reader, f"/v1/reports/{later}/progress")
    assert default["since_report_id"] == str(earlier)
