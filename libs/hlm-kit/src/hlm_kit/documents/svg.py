"""Charts as inline SVG, for documents that are read in a browser and printed as tagged PDF.

Every chart carries a ``<title>`` (its accessible name in HTML through ``role="img"``, and the only
source WeasyPrint reads a PDF figure's ``/Alt`` from: ``aria-label`` alone is dropped) and a ``<desc>``.
A chart is never the only way to its figures: documents put a table of the same data beside it.
Text is drawn in the fonts of :data:`hlm_kit.documents.FONT_STACK`, and everything a caller passes is
escaped. ``chart_id`` must be unique in its document (it names the title and description ids).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from hlm_kit.documents.templates import FONT_STACK


@dataclass(frozen=True, slots=True)
class Band:
    """A labelled stretch of an axis, shaded behind the data (a level band of a rating scale)."""

    start: float
    end: float
    label: str
    fill: str


@dataclass(frozen=True, slots=True)
class Axis:
    """A linear axis from ``minimum`` to ``maximum`` with labelled ``ticks`` and optional ``bands``."""

    minimum: float
    maximum: float
    ticks: Sequence[tuple[float, str]]
    label: str = ""
    bands: Sequence[Band] = field(default_factory=tuple)

    def at(self, value: float, start: float, length: float) -> float:
        """Where ``value`` falls on an axis drawn from ``start`` over ``length`` units."""
        return start + (value - self.minimum) / (self.maximum - self.minimum) * length


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, its value (None: a row with no bar, e.g. a withheld figure) and its colour."""

    label: str
    value: float | None
    colour: str
    value_label: str = ""


@dataclass(frozen=True, slots=True)
class Point:
    """A numbered point of a scatter chart; the number is the key into the chart's legend."""

    number: int
    x: float
    y: float
    label: str


@dataclass(frozen=True, slots=True)
class Region:
    """A shaded rectangle in data coordinates, e.g. the priority corner of performance against importance."""

    x_start: float
    x_end: float
    y_start: float
    y_end: float
    label: str
    fill: str


def _open(chart_id: str, width: float, height: float, title: str, description: str) -> list[str]:
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" aria-labelledby="{escape(chart_id)}-title" '
        f'aria-describedby="{escape(chart_id)}-desc" '
        f'font-family="{escape(FONT_STACK)}" font-size="11" fill="#212b32" class="chart">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]
    return head


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 11, weight: str = "normal") -> str:
    # Only what differs from the chart's own font size, weight and colour (set once on the <svg>): every
    # attribute is parsed and styled for each of a report's hundreds of labels.
    attributes = "" if anchor == "start" else f' text-anchor="{anchor}"'
    attributes += "" if size == 11 else f' font-size="{size}"'
    attributes += "" if weight == "normal" else f' font-weight="{weight}"'
    return f'<text x="{x:.1f}" y="{y:.1f}"{attributes}>{escape(text)}</text>'


# The mean advance of an 11 px DejaVu Sans character, for wrapping labels before they run off the chart.
_CHAR_WIDTH = 6.4


def _wrap(text: str, per_line: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= per_line:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _label(x: float, y: float, text: str, per_line: int, room: float) -> str:
    """A right-aligned label, wrapped onto as many lines as it needs, centred on its row."""
    lines = _wrap(text, per_line)
    if len(lines) == 1:
        return _text(x, y, text, anchor="end")
    size = 10 if len(lines) <= 2 else 9
    leading = size + 1
    first = y - (len(lines) - 1) * leading / 2
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{first + n * leading:.1f}">{escape(line)}</tspan>' for n, line in enumerate(lines)
    )
    return f'<text text-anchor="end" font-size="{size}" fill="#212b32">{spans}</text>'


def horizontal_bars(
    bars: Sequence[Bar],
    axis: Axis,
    *,
    chart_id: str,
    title: str,
    description: str,
    width: float = 560,
    label_width: float = 170,
    bar_height: float = 18,
    gap: float = 8,
) -> Markup:
    """A horizontal bar per row, on ``axis``, with the axis bands shaded and named above the plot and each
    bar's value printed at its end."""
    top, right = 22.0, 40.0
    bottom = 34.0 if axis.label else 22.0
    plot_width = width - label_width - right
    most_lines = max((len(_wrap(b.label, max(int((label_width - 8) / _CHAR_WIDTH), 8))) for b in bars), default=1)
    gap = max(gap, (most_lines - 1) * 11 + 4)
    height = top + len(bars) * (bar_height + gap) + bottom
    parts = _open(chart_id, width, height, title, description)
    plot_bottom = height - bottom
    for band in axis.bands:
        x1, x2 = axis.at(band.start, label_width, plot_width), axis.at(band.end, label_width, plot_width)
        parts.append(
            f'<rect x="{x1:.1f}" y="{top:.1f}" width="{x2 - x1:.1f}" height="{plot_bottom - top:.1f}" '
            f'fill="{escape(band.fill)}"/>'
        )
        parts.append(_text((x1 + x2) / 2, top - 8, band.label, anchor="middle", size=10))
    for value, label in axis.ticks:
        x = axis.at(value, label_width, plot_width)
        parts.append(f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{plot_bottom + 4:.1f}" stroke="#768692"/>')
        parts.append(_text(x, plot_bottom + 16, label, anchor="middle", size=10))
    if axis.label:
        parts.append(_text(label_width + plot_width / 2, height - 4, axis.label, anchor="middle", size=10))
    per_line = max(int((label_width - 8) / _CHAR_WIDTH), 8)
    for row, bar in enumerate(bars):
        y = top + gap / 2 + row * (bar_height + gap)
        parts.append(_label(label_width - 6, y + bar_height * 0.7, bar.label, per_line, bar_height))
        if bar.value is None:
            parts.append(_text(label_width + 4, y + bar_height * 0.7, bar.value_label or "not shown", size=10))
            continue
        x0 = axis.at(axis.minimum, label_width, plot_width)
        x1 = axis.at(bar.value, label_width, plot_width)
        parts.append(
            f'<rect x="{x0:.1f}" y="{y:.1f}" width="{max(x1 - x0, 1):.1f}" height="{bar_height:.1f}" '
            f'fill="{escape(bar.colour)}"/>'
        )
        parts.append(_text(x1 + 4, y + bar_height * 0.7, bar.value_label or f"{bar.value:.2f}", weight="bold"))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every caller-provided string above is escaped)


def numbered_scatter(
    points: Sequence[Point],
    x_axis: Axis,
    y_axis: Axis,
    *,
    chart_id: str,
    title: str,
    description: str,
    regions: Sequence[Region] = (),
    width: float = 560,
    height: float = 380,
    radius: float = 10,
) -> Markup:
    """Points drawn as numbered circles (the legend beside the chart names them), so no label can overlap
    another: a circle that would touch one already drawn is set beside it, with a line back to a dot on its
    exact spot."""
    left, right, top, bottom = 56.0, 16.0, 16.0, 46.0
    plot_width, plot_height = width - left - right, height - top - bottom
    parts = _open(chart_id, width, height, title, description)

    def x_of(value: float) -> float:
        return x_axis.at(value, left, plot_width)

    def y_of(value: float) -> float:
        return top + plot_height - (value - y_axis.minimum) / (y_axis.maximum - y_axis.minimum) * plot_height

    parts.append(
        f'<rect x="{left}" y="{top}" width="{plot_width:.1f}" height="{plot_height:.1f}" fill="#ffffff" '
        f'stroke="#768692"/>'
    )
    for region in regions:
        x1, x2 = x_of(region.x_start), x_of(region.x_end)
        y1, y2 = y_of(region.y_end), y_of(region.y_start)
        parts.append(
            f'<rect x="{x1:.1f}" y="{y1:.1f}" width="{x2 - x1:.1f}" height="{y2 - y1:.1f}" '
            f'fill="{escape(region.fill)}"/>'
        )
        parts.append(_text(x1 + 4, y1 + 13, region.label, size=10))
    for value, label in x_axis.ticks:
        x = x_of(value)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top + plot_height:.1f}" x2="{x:.1f}" y2="{top + plot_height + 4:.1f}" '
            f'stroke="#768692"/>'
        )
        parts.append(_text(x, top + plot_height + 16, label, anchor="middle", size=10))
    for value, label in y_axis.ticks:
        y = y_of(value)
        parts.append(f'<line x1="{left - 4}" y1="{y:.1f}" x2="{left}" y2="{y:.1f}" stroke="#768692"/>')
        parts.append(_text(left - 7, y + 4, label, anchor="end", size=10))
    if x_axis.label:
        parts.append(_text(left + plot_width / 2, height - 6, x_axis.label, anchor="middle", size=10))
    if y_axis.label:
        ly = top + plot_height / 2
        parts.append(
            f'<text x="12" y="{ly:.1f}" text-anchor="middle" font-size="10" fill="#212b32" '
            f'transform="rotate(-90 12 {ly:.1f})">{escape(y_axis.label)}</text>'
        )
    placed: list[tuple[float, float]] = []
    markers = []
    for point in sorted(points, key=lambda p: p.number):
        x, y = x_of(point.x), y_of(point.y)
        cx, cy = _free_spot(x, y, placed, radius)
        placed.append((cx, cy))
        markers.append((point, x, y, cx, cy))
    # A marker moved off its point keeps a dot on the exact spot and a line to it, so the picture never
    # puts a dimension somewhere its figures do not.
    for _, x, y, cx, cy in markers:
        if (cx, cy) != (x, y):
            parts.append(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{cx:.1f}" y2="{cy:.1f}" stroke="#212b32"/>')
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#212b32"/>')
    for point, _, _, cx, cy in markers:
        parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius}" fill="#005eb8" stroke="#ffffff"/>')
        parts.append(
            f'<text x="{cx:.1f}" y="{cy + 4:.1f}" text-anchor="middle" font-size="10" font-weight="bold" '
            f'fill="#ffffff">{point.number}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every caller-provided string above is escaped)


def _free_spot(x: float, y: float, placed: Sequence[tuple[float, float]], radius: float) -> tuple[float, float]:
    """The nearest spot to (x, y) where a circle touches none already drawn: the spot itself, else rings of
    growing size around it, twelve directions each."""
    clearance = 2 * radius + 1

    def free(spot: tuple[float, float]) -> bool:
        return all((spot[0] - px) ** 2 + (spot[1] - py) ** 2 >= clearance**2 for px, py in placed)

    if free((x, y)):
        return x, y
    for ring in range(1, 16):
        distance = ring * radius
        for step in range(12):
            angle = math.pi / 2 + step * math.pi / 6
            spot = (x + distance * math.cos(angle), y - distance * math.sin(angle))
            if free(spot):
                return spot
    return x, y


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a ``#rrggbb`` colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def text_colour_on(fill: str) -> str:
    """Dark text or white, whichever contrasts more with ``fill`` (a ``#rrggbb`` colour): the figure printed
    in a heat map's cell must stay readable whatever the cell's shade (WCAG 2.2, 1.4.3)."""
    background = _luminance(fill)
    dark = (background + 0.05) / (_luminance("#212b32") + 0.05)
    white = 1.05 / (background + 0.05)
    return "#212b32" if dark >= white else "#ffffff"


def heat_map(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    scale: Sequence[Band],
    *,
    chart_id: str,
    title: str,
    description: str,
    missing: str = "\u2013",
    width: float = 560,
    label_width: float = 190,
    cell_height: float = 26,
) -> Markup:
    """A grid of ``rows`` x ``columns`` cells, each shaded by the band of ``scale`` its value falls in and
    printing the value itself, so the shade is never the only way to the figure; a cell without a value
    (withheld) is left white and prints ``missing``. Column headings wrap; row labels wrap in their
    ``label_width``."""
    per_line = max(int((label_width - 8) / _CHAR_WIDTH), 8)
    cell_width = (width - label_width) / max(len(columns), 1)
    heading_lines = max((len(_wrap(c, max(int((cell_width - 4) / _CHAR_WIDTH), 6))) for c in columns), default=1)
    top = 8 + heading_lines * 12
    most_lines = max((len(_wrap(r, per_line)) for r in rows), default=1)
    cell_height = max(cell_height, most_lines * 11 + 6)
    height = top + len(rows) * cell_height + 4
    parts = _open(chart_id, width, height, title, description)
    for c, column in enumerate(columns):
        x = label_width + (c + 0.5) * cell_width
        lines = _wrap(column, max(int((cell_width - 4) / _CHAR_WIDTH), 6))
        spans = "".join(
            f'<tspan x="{x:.1f}" y="{top - 6 - (len(lines) - 1 - n) * 12:.1f}">{escape(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        parts.append(f'<text text-anchor="middle" font-size="10" font-weight="bold" fill="#212b32">{spans}</text>')
    for r, row in enumerate(rows):
        y = top + r * cell_height
        parts.append(_label(label_width - 6, y + cell_height / 2 + 4, row, per_line, cell_height))
        for c in range(len(columns)):
            value = values[r][c]
            band = next((b for b in scale if value is not None and b.start <= value < b.end), None)
            if band is None and value is not None and scale and value >= scale[-1].start:
                band = scale[-1]  # the top of the scale belongs to its last band
            fill = band.fill if band is not None else "#ffffff"
            x = label_width + c * cell_width
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell_width:.1f}" height="{cell_height:.1f}" '
                f'fill="{escape(fill)}" stroke="#ffffff" stroke-width="2"/>'
            )
            text = missing if value is None else f"{value:.2f}"
            parts.append(
                f'<text x="{x + cell_width / 2:.1f}" y="{y + cell_height / 2 + 4:.1f}" text-anchor="middle" '
                f'font-size="11" fill="{text_colour_on(fill)}">{escape(text)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every caller-provided string above is escaped)
