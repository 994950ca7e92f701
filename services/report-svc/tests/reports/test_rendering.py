"""A report as an HTML page and as a tagged PDF/UA: the same figures as the JSON, every shown group by
name, statements by their text, and nothing of a hidden group."""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import page
import pikepdf
import pytest
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts.enums import RaterGroup
from hlm_kit.testing.pytest_plugin import AuthHeaders
from report_svc.reports.service import report_id_of
from report_svc.scoring.inputs import Response

from ..conftest import cycle_events, seed  # noqa: TID252  (test support shared by the suite)
from ..scoring.example import QUESTIONNAIRE  # noqa: TID252

S, LM, P, DR, OT = (
    RaterGroup.SELF,
    RaterGroup.LINE_MANAGER,
    RaterGroup.PEER,
    RaterGroup.DIRECT_REPORT,
    RaterGroup.OTHER,
)
IMPORTANCE = {"care": 3, "vision": 3}

# A fixed 360: self, a line manager, three peers and one direct report. The direct report alone is below
# their minimum of 3, so they are folded into the peers, and their own scores (3.50 on both dimensions)
# must appear nowhere. No published figure happens to equal 3.50.
FIXED = [
    Response(S, {"c1": 3, "c2": 3, "v1": 3, "v2": 3}, IMPORTANCE, {"care": "I make time for people."}),
    Response(
        LM,
        {"c1": 4, "c2": 4, "v1": 2, "v2": 2},
        IMPORTANCE,
        {"vision": "Share the plan <script>alert(1)</script> earlier."},
    ),
    Response(P, {"c1": 1, "c2": 1, "v1": 1, "v2": 1}, IMPORTANCE),
    Response(P, {"c1": 4, "c2": 4, "v1": 4, "v2": 4}, {"care": 4, "vision": 4}),
    Response(P, {"c1": 2, "c2": 3, "v1": 2, "v2": 3}, IMPORTANCE),
    Response(DR, {"c1": 3, "c2": 4, "v1": 4, "v2": 3}, IMPORTANCE, {"care": "Notices when we struggle."}),
]
HIDDEN_FIGURE = "3.50"

# The demo's shape: one line manager, three peers, three direct reports, three other colleagues.
DEMO = [
    Response(S, {"c1": 3, "c2": 4, "v1": 2, "v2": 3}, {"care": 4, "vision": 3}),
    Response(LM, {"c1": 3, "c2": 3, "v1": 2, "v2": 2}, {"care": 4, "vision": 3}),
    *[Response(P, {"c1": 2 + n % 2, "c2": 3, "v1": 2, "v2": 3}, {"care": 3, "vision": 3}) for n in range(3)],
    *[Response(DR, {"c1": 4, "c2": 3 + n % 2, "v1": 3, "v2": 4}, {"care": 4, "vision": 4}) for n in range(3)],
    *[Response(OT, {"c1": 1 + n, "c2": 2, "v1": 2, "v2": 1}, {"care": 2, "vision": 3}) for n in range(3)],
]


def _words(pdf: bytes) -> str:
    """The PDF's text with every run of white space made one space: table cells wrap wherever they must."""
    return " ".join("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def _figure(value: float) -> str:
    return f"{value:.2f}"


def _signed(value: float) -> str:
    return f"{value:+.2f}".replace("-", "\u2212")


def _published_figures(content: dict[str, Any]) -> set[str]:
    """Every figure of a 360's JSON as the page prints it: scores, ranges, importance, gaps, item means."""
    figures: set[str] = set()
    for d in content["dimensions"]:
        if d["self"]:
            figures.add(_figure(d["self"]["score"]))
        if d["others"]:
            others = d["others"]
            figures |= {_figure(others["score"]), _figure(others["range"]["min"]), _figure(others["range"]["max"])}
        figures |= {_figure(cell["score"]) for cell in d["groups"].values()}
        figures |= {_figure(v) for k, v in d["importance"].items() if v is not None and k != "others_n"}
        if d["gap"] is not None:
            figures.add(_signed(d["gap"]))
    figures |= {_figure(i["others"]["mean"]) for i in content["items"] if i["others"]}
    return figures


async def _released(session: AsyncSession, responses: list[Response]) -> tuple[str, uuid.UUID]:
    events = cycle_events(release_mode="direct", responses=responses)
    await seed(session, events)
    return events.participant_id, report_id_of(events.cycle_id)


async def _get(client: httpx.AsyncClient, headers: dict[str, str], path: str) -> httpx.Response:
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response


def _figures_alt_texts(pdf: pikepdf.Pdf) -> list[str]:
    found: list[str] = []

    def walk(element: Any) -> None:
        if isinstance(element, pikepdf.Array):
            for child in element:
                walk(child)
        elif isinstance(element, pikepdf.Dictionary) and element.get("/Type") == "/StructElem":
            if element.get("/S") == "/Figure":
                found.append(str(element.get("/Alt", "")))
            walk(element.get("/K", pikepdf.Array()))

    walk(pdf.Root.StructTreeRoot.K)
    return found


async def test_the_pdf_is_tagged_titled_in_english_with_a_described_figure_for_every_chart(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    participant, report_id = await _released(session, FIXED)
    reader = auth("participant", sub=participant)

    response = await _get(client, reader, f"/v1/reports/{report_id}.pdf")

    assert response.headers["content-type"] == "application/pdf"
    conformance = page.validate_pdf_bytes(response.content, profile="ua1")
    assert conformance.is_compliant, conformance.failures
    with pikepdf.open(io.BytesIO(response.content)) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert str(pdf.Root.Lang) == "en-GB"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        assert str(pdf.docinfo.Title) == "Leadership feedback report: Example 360"
        with pdf.open_metadata() as xmp:
            assert xmp["dc:title"] == "Leadership feedback report: Example 360"
        alts = _figures_alt_texts(pdf)
        # One chart per dimension and the performance-and-importance chart, each with its alternative text.
        assert len(alts) == len(QUESTIONNAIRE.dimensions) + 1
        assert all(alt.strip() for alt in alts)
        assert any(alt.startswith("Performance and importance") for alt in alts)
        with pdf.open_outline() as outline:
            titles: list[str] = []
            pending = list(outline.root)
            while pending:
                item = pending.pop(0)
                titles.append(item.title)
                pending.extend(item.children)
    # A bookmark per section.
    for section in ("How to read this report", "Summary", "1. Leading with care", "2. Sharing the vision"):
        assert section in titles
    assert "Performance and importance" in titles


async def test_the_pdf_prints_every_published_figure_and_every_shown_group_and_nothing_of_a_hidden_one(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    participant, report_id = await _released(session, FIXED)
    reader = auth("participant", sub=participant)
    content = (await _get(client, reader, f"/v1/reports/{report_id}")).json()["content"]
    assert [g["label"] for g in content["groups"]] == ["Line manager", "Peers (combined with direct reports)"]

    words = _words((await _get(client, reader, f"/v1/reports/{report_id}.pdf")).content)

    missing = sorted(f for f in _published_figures(content) if f not in words)
    assert missing == []
    for group in content["groups"]:
        for d in content["dimensions"]:
            assert f"{group['label']} {_figure(d['groups'][group['key']]['score'])}" in words
    # The direct report's own scores, and the group on its own, appear nowhere.
    assert HIDDEN_FIGURE not in words
    assert not re.search(r"(?<!with )Direct reports \d", words)
    assert "Notices when we struggle." in words  # comments are shown, without a group


async def test_a_report_of_the_demos_shape_shows_each_group_by_name_with_its_figures_and_statements_by_their_text(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    participant, report_id = await _released(session, DEMO)
    reader = auth("participant", sub=participant)
    content = (await _get(client, reader, f"/v1/reports/{report_id}")).json()["content"]

    page = (await _get(client, reader, f"/v1/reports/{report_id}.html")).text
    words = _words((await _get(client, reader, f"/v1/reports/{report_id}.pdf")).content)

    assert [g["label"] for g in content["groups"]] == ["Line manager", "Peers", "Direct reports", "Other colleagues"]
    for d in content["dimensions"]:
        for group in content["groups"]:
            score = _figure(d["groups"][group["key"]]["score"])
            assert f"{group['label']} {score}" in words
            assert re.search(rf'<th scope="row">{group["label"]}</th>\s*<td class="num">{score}</td>', page)
    for item in QUESTIONNAIRE.items:
        assert item.text in words
        assert item.text in page
    assert not re.search(r"\b(c1|c2|v1|v2)\b", words)
    for heading in ("Strengths", "Priority areas", "Blind spots", "Hidden strengths", "Importance to the role"):
        assert heading in words


async def test_the_html_page_is_one_self_contained_document_of_the_same_report(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    participant, report_id = await _released(session, FIXED)
    reader = auth("participant", sub=participant)
    content = (await _get(client, reader, f"/v1/reports/{report_id}")).json()["content"]

    response = await _get(client, reader, f"/v1/reports/{report_id}.html")

    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    page = response.text
    assert '<html lang="en-GB">' in page
    assert "<title>Leadership feedback report: Example 360</title>" in page
    # Nothing to fetch: no links, scripts, images or stylesheets from elsewhere.
    assert not re.search(r"\s(src|href)=", page)
    assert page.count("<svg") == page.count("<title id=") == len(content["dimensions"]) + 1
    missing = sorted(f for f in _published_figures(content) if f not in page)
    assert missing == []
    assert HIDDEN_FIGURE not in page
    # What raters wrote prints as written, never as markup.
    assert "<script" not in page
    assert "Share the plan &lt;script&gt;alert(1)&lt;/script&gt; earlier." in page


@pytest.mark.parametrize("extension", ["html", "pdf"])
async def test_an_unknown_report_and_one_the_reader_may_not_read_are_both_not_found(
    client: httpx.AsyncClient,
    session: AsyncSession,
    auth: AuthHeaders,
    assert_problem: Callable[[httpx.Response, int], dict[str, Any]],
    extension: str,
) -> None:
    _, report_id = await _released(session, FIXED)
    stranger = auth("participant", sub=f"someone-else-{uuid.uuid4().hex[:6]}")

    unknown = await client.get(f"/v1/reports/{uuid.uuid4()}.{extension}", headers=stranger)
    not_theirs = await client.get(f"/v1/reports/{report_id}.{extension}", headers=stranger)

    assert_problem(unknown, 404)
    assert_problem(not_theirs, 404)
    assert not_theirs.json()["type"] == unknown.json()["type"]


async def test_a_self_assessment_prints_the_participants_own_scores_and_statements(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    own = Response(S, {"c1": 3, "c2": 4, "v1": 2, "v2": None}, {"care": 4, "vision": 2}, {"care": "I listen."})
    events = cycle_events(kind="self_assessment", release_mode="direct", responses=[own])
    await seed(session, events)
    reader = auth("participant", sub=events.participant_id)
    report_id = report_id_of(events.cycle_id)

    page = (await _get(client, reader, f"/v1/reports/{report_id}.html")).text
    words = _words((await _get(client, reader, f"/v1/reports/{report_id}.pdf")).content)

    for text in (page, words):
        assert "Leading with care" in text
        assert "3.50" in text  # care: (3 + 4) / 2
        assert "They make time to listen." in text
        assert "I listen." in text


async def test_a_report_not_produced_says_why_in_html_and_pdf(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    events = cycle_events(release_mode="direct", responses=FIXED[:3])  # self and two raters: too few
    await seed(session, events)
    reader = auth("participant", sub=events.participant_id)
    report_id = report_id_of(events.cycle_id)
    reason = (await _get(client, reader, f"/v1/reports/{report_id}")).json()["content"]["insufficient"]["reason"]

    page = (await _get(client, reader, f"/v1/reports/{report_id}.html")).text
    words = _words((await _get(client, reader, f"/v1/reports/{report_id}.pdf")).content)

    assert "No report yet" in page
    assert reason in page.replace("&#39;", "'")
    assert "No report yet" in words
    assert " ".join(reason.split()) in words
