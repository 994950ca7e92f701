"""The one error summary every form uses: where each problem's link goes."""

from __future__ import annotations

import re
from typing import Any

from hlm_web.templating import create_templates


def summary(*args: str) -> tuple[str, list[tuple[str | None, str]]]:
    """Render ``problemSummary(<args>)``; return its title and each problem's (link, text)."""
    environment = create_templates().env
    source = '{% from "problem_summary.jinja" import problemSummary %}{{ problemSummary(' + ", ".join(args) + ") }}"
    html = environment.from_string(source).render(problems=PROBLEMS, pairs=PAIRS)
    title = re.search(r'<h2 class="nhsuk-error-summary__heading"[^>]*>\s*(.*?)\s*</h2>', html, re.S)
    assert title is not None
    rows: list[tuple[str | None, str]] = []
    for item in re.findall(r"<li>(.*?)</li>", html, re.S):
        link = re.search(r'<a href="([^"]*)"[^>]*>\s*(.*?)\s*</a>', item, re.S)
        rows.append((link[1], link[2]) if link else (None, item.strip()))
    return title[1], rows


PROBLEMS: list[Any] = ["Choose a facilitator", "The session is no longer free"]
PAIRS: list[Any] = [
    ("title", "Enter a title"),
    ("starts", "Enter the first day"),
    ("dimensions", "Choose one"),
    ("", "Try again"),
]


def test_a_field_links_to_its_input_a_date_to_its_day_box_and_a_problem_without_a_field_to_nothing() -> None:
    assert summary("pairs", 'dates=["starts"]', 'anchors={"dimensions": "dimensions-1"}') == (
        "There is a problem",
        [
            ("#title", "Enter a title"),
            ("#starts-day", "Enter the first day"),
            ("#dimensions-1", "Choose one"),
            (None, "Try again"),
        ],
    )


def test_plain_messages_link_to_the_anchor_given_and_the_title_can_say_what_did_not_happen() -> None:
    assert summary("problems", '"Your session was not booked"', 'anchor="matches"') == (
        "Your session was not booked",
        [("#matches", "Choose a facilitator"), ("#matches", "The session is no longer free")],
    )
    assert summary("problems")[1] == [(None, "Choose a facilitator"), (None, "The session is no longer free")]
