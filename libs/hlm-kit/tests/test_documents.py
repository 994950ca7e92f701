"""Printed documents: charts that cannot overlap their labels or carry markup, and PDFs that fetch nothing
(tagging and alternative text are checked on real reports in report-svc's tests)."""

from __future__ import annotations

import itertools
import re

import pytest
from weasyprint.urls import FatalURLFetchingError

from hlm_kit.documents import html_to_pdf, svg

AXIS = svg.Axis(1, 4, [(1, "1"), (4, "4")])
PAGE = '<!DOCTYPE html><html lang="en-GB"><head><title>T</title>{head}</head><body><p>x</p></body></html>'


def test_points_on_the_same_spot_are_drawn_apart_each_tied_to_the_spot() -> None:
    points = [svg.Point(n, 2.5, 3.0, f"dimension {n}") for n in (1, 2, 3)]

    chart = svg.numbered_scatter(points, AXIS, AXIS, chart_id="c", title="t", description="d")

    centres = [(float(x), float(y)) for x, y in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="10"', chart)]
    assert len(centres) == 3
    for (ax, ay), (bx, by) in itertools.combinations(centres, 2):
        assert (ax - bx) ** 2 + (ay - by) ** 2 >= 20**2
    # The exact spot is still marked, with a line from each moved circle to it.
    assert len(re.findall(r'<circle [^>]*r="2.5"', chart)) == 2


def test_what_a_caller_passes_is_escaped_and_every_chart_has_a_title() -> None:
    chart = svg.horizontal_bars(
        [svg.Bar("<script>alert(1)</script>", 2.0, "#005eb8")],
        AXIS,
        chart_id="bars",
        title='Scores "&" <levels>',
        description="d",
    )

    assert "<script>" not in chart
    assert "&lt;script&gt;" in chart
    assert '<title id="bars-title">Scores &#34;&amp;&#34; &lt;levels&gt;</title>' in chart


@pytest.mark.parametrize(
    "head",
    ['<link rel="stylesheet" href="file:///etc/hostname">', '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'],
)
def test_a_document_that_asks_for_anything_outside_itself_is_not_printed(head: str) -> None:
    with pytest.raises(FatalURLFetchingError):
        html_to_pdf(PAGE.format(head=head))


SCALE = [svg.Band(1, 2.5, "low", "#e8f1f8"), svg.Band(2.5, 4, "high", "#005eb8")]


def test_a_heat_map_prints_every_value_in_its_cell_readable_on_its_shade_and_a_dash_where_withheld() -> None:
    chart = svg.heat_map(
        ["Leading with care", "Sharing <the> vision"],
        ["Self", "All others"],
        [[3.5, 2.0], [None, 4.0]],
        SCALE,
        chart_id="heat",
        title="Mean scores by dimension and group",
        description="d",
    )

    assert '<title id="heat-title">Mean scores by dimension and group</title>' in chart
    assert "Sharing &lt;the&gt; vision" in chart
    cells = re.findall(r'<rect [^>]*fill="(#[0-9a-f]{6})"[^>]*/><text [^>]*fill="(#[0-9a-f]{6})">([^<]+)</text>', chart)
    # Each value in its cell: the dark band prints white, the light band and an empty cell print dark, and the
    # top of the scale (4.00) belongs to the last band.
    assert cells == [
        ("#005eb8", "#ffffff", "3.50"),
        ("#e8f1f8", "#212b32", "2.00"),
        ("#ffffff", "#212b32", "\u2013"),
        ("#005eb8", "#ffffff", "4.00"),
    ]


def test_the_collector_is_paused_while_a_document_is_laid_out_and_enabled_again_however_it_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc

    import weasyprint

    seen: list[bool] = []
    write_pdf = weasyprint.HTML.write_pdf

    def recording(self: weasyprint.HTML, *args: object, **kwargs: object) -> bytes:
        seen.append(gc.isenabled())
        return write_pdf(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", recording)

    assert html_to_pdf(PAGE.format(head="")).startswith(b"%PDF")
    assert seen == [False]
    assert gc.isenabled()
    with pytest.raises(FatalURLFetchingError):
        html_to_pdf(PAGE.format(head='<link rel="stylesheet" href="file:///etc/hostname">'))
    assert gc.isenabled()


def test_renders_at_once_keep_the_collector_paused_until_the_last_ends() -> None:
    import gc

    from hlm_kit.documents.pdf import collector_paused

    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def _charts_page() -> str:
    """A page of the three kinds of chart, with labels anchored at their start, middle and end, wrapped onto
    lines (``<tspan>``), bold, rotated, and a letter outside Latin-1."""
    bars = svg.horizontal_bars(
        [svg.Bar("You", 2.6, "#330072"), svg.Bar("Line manager and a label long enough to wrap", 3.1, "#005eb8")],
        svg.Axis(1, 4, [(1, "1"), (2.5, "2.5"), (4, "4")], label="Score", bands=SCALE),
        chart_id="bars",
        title="Bars",
        description="d",
    )
    scatter = svg.numbered_scatter(
        [svg.Point(1, 2.5, 3.0, "a"), svg.Point(2, 2.5, 3.0, "b")],
        svg.Axis(1, 4, [(1, "1"), (4, "4")], label="Others\u2019 score"),
        svg.Axis(1, 4, [(1, "1"), (4, "4")], label="Importance"),
        chart_id="scatter",
        title="Scatter",
        description="d",
        regions=[svg.Region(1, 2.5, 2.5, 4, "Priority", "#fde8e8")],
    )
    heat = svg.heat_map(["Leading with care"], ["Self", "All others"], [[3.5, None]], SCALE, chart_id="h", title="H",
                        description="d")  # fmt: skip
    # Labels placed letter by letter, which stay WeasyPrint's to draw.
    by_letter = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="80"><title>Letters</title>'
        '<text x="10 30 50" y="20">abc</text><text x="10" y="40" dx="0 4">spaced</text>'
        '<text x="10" y="60" letter-spacing="3">wide</text><text x="10" y="75">one run <tspan>then more</tspan></text>'
        "</svg>"
    )
    figures = "".join(f"<figure>{chart}</figure>" for chart in (bars, scatter, heat, by_letter))
    return PAGE.replace("<p>x</p>", figures)


def _letters(pdf: bytes) -> list[tuple[str, tuple[float, ...]]]:
    """Every printed letter of the document with its box on the page (left, bottom, right, top, in points)."""
    import pypdfium2

    letters = []
    for page in pypdfium2.PdfDocument(pdf):
        text = page.get_textpage()
        for n in range(text.count_chars()):
            letter = text.get_text_range(n, 1)
            if letter.strip():
                letters.append((letter, text.get_charbox(n)))
    return letters


def test_chart_labels_drawn_as_one_run_each_print_each_letter_where_letter_by_letter_drawing_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import weasyprint
    import weasyprint.svg

    from hlm_kit.documents import svg_text

    assert weasyprint.__version__ in svg_text.PATCHED_VERSIONS, "check svg_text.text against this WeasyPrint"
    assert weasyprint.svg.TAGS["text"] is svg_text.text
    page = _charts_page()
    in_runs = _letters(html_to_pdf(page))

    for tag in ("text", "tspan", "textPath", "a"):
        monkeypatch.setitem(weasyprint.svg.TAGS, tag, svg_text.letter_by_letter)
    monkeypatch.setattr(weasyprint.svg, "text", svg_text.letter_by_letter)
    by_letter = _letters(html_to_pdf(page))

    assert [letter for letter, _ in in_runs] == [letter for letter, _ in by_letter]
    printed = "".join(letter for letter, _ in in_runs)  # whitespace is not a printed letter
    assert "Linemanager" in printed
    assert "abcspacedwideonerunthenmore" in printed
    # The same place to a fiftieth of a point (positions are written rounded, per letter or per run).
    for (_, run_box), (_, letter_box) in zip(in_runs, by_letter, strict=True):
        assert max(abs(a - b) for a, b in zip(run_box, letter_box, strict=True)) < 0.05


def test_each_thread_keeps_its_own_font_configuration_and_renders_alike() -> None:
    import threading

    from hlm_kit.documents.pdf import font_configuration

    page = _charts_page()
    alone = _letters(html_to_pdf(page))
    configurations: list[object] = []
    results: list[list[tuple[str, tuple[float, ...]]]] = []
    lock = threading.Lock()

    def render() -> None:
        first = html_to_pdf(page)
        configuration = font_configuration()
        second = html_to_pdf(page)
        assert font_configuration() is configuration
        with lock:
            configurations.append(configuration)
            results.extend([_letters(first), _letters(second)])

    threads = [threading.Thread(target=render) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len({id(c) for c in configurations}) == 3
    assert font_configuration() not in configurations
    assert results == [alone] * 6


def test_a_render_runs_in_a_stack_chunk_of_its_own_with_room_for_its_frames(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    import weasyprint

    from hlm_kit.documents.pdf import ROOM_SLOTS

    reserved: list[int] = []
    write_pdf = weasyprint.HTML.write_pdf

    def recording(self: weasyprint.HTML, *args: object, **kwargs: object) -> bytes:
        frame = sys._getframe()
        while frame is not None:
            reserved.append(frame.f_code.co_stacksize)
            frame = frame.f_back  # type: ignore[assignment]
        return write_pdf(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", recording)

    assert html_to_pdf(PAGE.format(head="")).startswith(b"%PDF")
    # A frame below the render's reserves the room (CPython then maps one chunk for it and the render's
    # frames, instead of mapping and unmapping 16 KiB chunks as the layout's recursion crosses them).
    assert max(reserved) == ROOM_SLOTS
