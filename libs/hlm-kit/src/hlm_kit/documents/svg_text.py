"""WeasyPrint's SVG ``<text>`` drawn as one run of glyphs rather than one text layout per letter.

WeasyPrint lays out and draws every letter of an SVG ``<text>`` or ``<tspan>`` on its own (it supports a
position per letter: several ``x``/``y``, ``dx``/``dy``, ``rotate``, ``letter-spacing``, ``textLength``),
a Pango layout per character. The charts of :mod:`hlm_kit.documents.svg` use none of that: each label is
one string at one spot. Their 1,300-odd letters cost 7% of the instructions of the HLM 360 report's PDF.

:func:`install` replaces WeasyPrint's SVG text function by :func:`text`, which draws such a label as one
run, in the same place: kerning and ligatures are off, as they are for a letter laid out alone, so the
glyphs advance exactly as they did letter by letter. Anything else (a label with more than one ``x`` or
``y``, ``dx``/``dy``/``rotate``, ``letter-spacing``, ``textLength``, a line break, right-to-left text) goes
to WeasyPrint's own function. Only the WeasyPrint versions checked by ``libs/hlm-kit/tests/test_documents.py``
are patched: with any other, :func:`install` leaves WeasyPrint as it is.
"""

from __future__ import annotations

from math import inf
from typing import Any

import weasyprint
import weasyprint.svg
from weasyprint.css.properties import INITIAL_VALUES
from weasyprint.draw.text import draw_emojis, draw_first_line
from weasyprint.matrix import Matrix
from weasyprint.svg.bounding_box import extend_bounding_box
from weasyprint.svg.text import Style, TextBox
from weasyprint.svg.text import text as letter_by_letter
from weasyprint.svg.utils import normalize, size
from weasyprint.text.line_break import split_first_line

# The versions whose ``weasyprint.svg.text.text`` this module's :func:`text` reproduces for one run.
PATCHED_VERSIONS = frozenset({"70.0"})
_PER_LETTER = ("dx", "dy", "rotate", "textLength")


def _positions(value: str | None, font_size: float, reference: float) -> list[float]:
    if value is None:
        return []
    return [size(i, font_size, reference) for i in normalize(value).strip().split(" ")]


def text(svg: Any, node: Any, font_size: float) -> None:
    """Draw the text node ``node`` (``<text>``, ``<tspan>``...) as WeasyPrint does, in one run when it has
    one position."""
    string = node.text
    attributes = node.attrib
    if (
        not string
        or node.tag not in ("text", "tspan")
        or "\n" in string
        or any(name in attributes for name in _PER_LETTER)
        or node.get("direction") == "rtl"
    ):
        return letter_by_letter(svg, node, font_size)  # type: ignore[no-any-return]
    xs = _positions(attributes.get("x"), font_size, svg.inner_width)
    ys = _positions(attributes.get("y"), font_size, svg.inner_height)
    if len(xs) > 1 or len(ys) > 1 or svg.length(node.get("letter-spacing"), font_size):
        return letter_by_letter(svg, node, font_size)  # type: ignore[no-any-return]

    # The style WeasyPrint gives SVG text (weasyprint/svg/text.py), kerning and ligatures off.
    style = Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [font.strip("\"'") for font in node.get("font-family", "sans-serif").split(",")]
    style["font_style"] = node.get("font-style", "normal")
    weight = node.get("font-weight", 400)
    style["font_size"] = font_size
    if node.get("direction") in ("ltr", "rtl"):
        style["direction"] = node.get("direction")
    if weight == "normal":
        style["font_weight"] = 400
    elif weight == "bold":
        style["font_weight"] = 700
    else:
        try:
            style["font_weight"] = int(weight)
        except ValueError:
            style["font_weight"] = 400
    style["font_kerning"] = "none"
    style["font_variant_ligatures"] = "none"

    layout, _, _, width, height, baseline = split_first_line(string, style, svg.context, inf, 0)

    ascent, descent = font_size * 0.8, font_size * 0.2
    y_align = 0.0
    display_anchor = node.get("display-anchor")
    alignment_baseline = node.get("dominant-baseline", node.get("alignment-baseline"))
    if display_anchor == "middle":
        y_align = -height / 2
    elif display_anchor == "top":
        pass
    elif display_anchor == "bottom":
        y_align = -height
    elif alignment_baseline in ("central", "middle"):
        y_align = (ascent + descent) / 2 - descent
    elif alignment_baseline in ("text-before-edge", "before_edge", "top", "hanging", "text-top"):
        y_align = ascent
    elif alignment_baseline in ("text-after-edge", "after_edge", "bottom", "text-bottom"):
        y_align = -descent

    # Where WeasyPrint puts the first letter; each next one starts where the one before ends.
    x = xs[0] if xs else None
    y = ys[0] if ys else None
    if x:
        svg.cursor_d_position[0] = 0
    if y:
        svg.cursor_d_position[1] = 0
    x = svg.cursor_position[0] if x is None else x
    y = svg.cursor_position[1] if y is None else y
    svg.cursor_position = x + width, y
    x_position = x + svg.cursor_d_position[0]
    y_position = y + svg.cursor_d_position[1] + y_align
    points = ((x_position, y_position - baseline), (x_position + width, y_position - baseline + height))
    node.text_bounding_box = extend_bounding_box(node.text_bounding_box, points)

    svg.stream.push_state()
    fill, stroke = svg.set_graphical_state(node, font_size)
    svg.stream.begin_text()
    layout.reactivate(style)
    svg.fill_stroke(fill, stroke, text=True)
    text_box = TextBox(layout, style)
    text_box.baseline = baseline
    emojis = draw_first_line(svg.stream, text_box, "none", "none", Matrix(a=1, d=-1, e=x_position, f=y_position))
    svg.stream.end_text()
    svg.stream.pop_state()
    draw_emojis(svg.stream, style, x, y, emojis)
    return None


def install() -> bool:
    """Make WeasyPrint draw SVG text with :func:`text`; whether it did (only for :data:`PATCHED_VERSIONS`,
    whose SVG module is as expected)."""
    tags = getattr(weasyprint.svg, "TAGS", None)
    if weasyprint.__version__ not in PATCHED_VERSIONS or not isinstance(tags, dict):
        return False
    if weasyprint.svg.text is text:
        return True
    if weasyprint.svg.text is not letter_by_letter:
        return False
    for tag, function in list(tags.items()):
        if function is letter_by_letter:
            tags[tag] = text
    # draw_node recognises a text node by comparing TAGS' entry with the module's own name for it.
    weasyprint.svg.text = text
    return True
