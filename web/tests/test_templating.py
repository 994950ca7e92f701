"""The page templates' shortcuts give the NHS.UK components' own HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from hlm_web.answer.questionnaire import NOT_OBSERVED, Questionnaire
from hlm_web.templating import _immutable, create_templates

ENVIRONMENT = create_templates().env


def normalised(html: str) -> str:
    # Indentation and line breaks between tags aside, the same markup.
    return re.sub(r"\s*\n\s*", "\n", html).strip()


def nhsuk(component: str, macro: str, params: dict[str, object]) -> str:
    return str(getattr(ENVIRONMENT.get_template(f"nhsuk/components/{component}/macro.jinja").module, macro)(params))


def test_the_answers_list_is_the_summary_list_components_markup() -> None:
    rows = [
        {
            "key": {"text": f"{n}. Speaks up <when> it matters & listens"},
            "value": {"text": value},
            "actions": {
                "items": [
                    {
                        "href": f"/answer/t/x/change#item-{n}",
                        "text": "Change",
                        "visuallyHiddenText": f"Leading with care, statement {n}",
                    }
                ]
            },
        }
        for n, value in enumerate(["Strong", "Not observed", 'A "quoted"\ncomment on two lines'], start=1)
    ]
    ours = ENVIRONMENT.get_template("answer/_answers_list.html").module.answers_list(rows)  # type: ignore[attr-defined]

    assert normalised(str(ours)) == normalised(nhsuk("summary-list", "summaryList", {"rows": rows}))


@pytest.mark.parametrize(
    ("component", "macro", "params"),
    [
        ("radios", "radios", {"name": "item-1", "idPrefix": "item-1", "value": "3",
                              "fieldset": {"legend": {"text": "1. Listens", "size": "s"}},
                              "items": [{"value": "3", "text": "Strong"}, {"divider": "or"},
                                        {"value": "not_observed", "text": "Not observed"}]}),
        ("header", "header", {"service": {"text": "Leadership feedback"}}),
    ],
)  # fmt: skip
def test_a_kept_component_is_the_components_markup_the_first_time_and_every_time_after(
    component: str, macro: str, params: dict[str, object]
) -> None:
    kept = ENVIRONMENT.globals["component"]
    first, again = kept(component, params), kept(component, params)  # type: ignore[operator]

    assert str(first) == str(again) == nhsuk(component, macro, params)


def test_text_marked_safe_is_never_taken_for_the_same_text_escaped() -> None:
    kept = ENVIRONMENT.globals["component"]
    escaped = kept("inset-text", {"text": "<b>Released</b>"})  # type: ignore[operator]
    safe = kept("inset-text", {"text": Markup("<b>Released</b>")})  # type: ignore[operator]

    assert "&lt;b&gt;Released" in str(escaped)
    assert "<b>Released</b>" in str(safe)


QUESTIONNAIRE = Questionnaire.from_graphql(
    {
        "instructions": "",
        "notObservedLabel": None,
        "dimensions": [{"key": "a", "name": "Leading with care", "position": 0}],
        "items": [{"key": f"a{n}", "dimensionKey": "a", "text": f"Listens {n}", "position": n} for n in (1, 2)],
        "performanceScale": [{"value": v, "label": f"Level {v}"} for v in (1, 2, 3, 4)],
        "importanceScale": [{"value": v, "label": f"Importance {v}"} for v in (1, 2, 3, 4)],
        "importanceQuestions": [],
    }
)


def _statement(*args: object) -> str:
    macro = ENVIRONMENT.get_template("answer/_dimension_fields.jinja").module.statement  # type: ignore[attr-defined]
    return str(macro(*args))


def test_a_kept_statement_is_the_macros_markup_and_follows_its_answer_and_message() -> None:
    kept = ENVIRONMENT.globals["fragment"]
    fields = "answer/_dimension_fields.jinja"
    strong = (QUESTIONNAIRE, "a", 1, "3", None, NOT_OBSERVED)
    not_observed = (QUESTIONNAIRE, "a", 1, NOT_OBSERVED, None, NOT_OBSERVED)
    missing = (QUESTIONNAIRE, "a", 2, None, "Select an answer to statement 2", NOT_OBSERVED)

    first, again = kept(fields, "statement", *strong), kept(fields, "statement", *strong)  # type: ignore[operator]
    assert str(first) == str(again) == _statement(*strong)
    assert 'value="3" checked' in str(first)
    assert "1. Listens 1" in str(first)
    assert str(kept(fields, "statement", *not_observed)) == _statement(*not_observed) != str(first)  # type: ignore[operator]
    kept_missing = str(kept(fields, "statement", *missing))  # type: ignore[operator]
    assert "2. Listens 2" in kept_missing
    assert "Select an answer to statement 2" in kept_missing


def test_a_fragment_given_anything_that_can_change_is_rendered_afresh() -> None:
    kept = ENVIRONMENT.globals["fragment"]
    questionnaire = {"a questionnaire": "as a dict"}  # a dict may change after the call: never a key

    class Scale:
        label = "Level 3"

    assert not any(
        _immutable(value) for value in (questionnaire, ["3"], Scale(), True, 1.0, Markup("<b>3</b>"), ("3", ["3"]))
    )
    assert all(_immutable(value) for value in (QUESTIONNAIRE, "3", 3, None, ("a", (1, None))))
    first = kept("answer/_dimension_fields.jinja", "statement", QUESTIONNAIRE, "a", 1, ["3"][0], None, NOT_OBSERVED)  # type: ignore[operator]
    assert 'value="3" checked' in str(first)


def test_a_list_of_kept_fragments_is_each_fragment_in_turn_with_what_goes_between() -> None:
    kept, each = ENVIRONMENT.globals["fragment"], ENVIRONMENT.globals["fragments"]
    fields = "answer/_dimension_fields.jinja"
    calls = [
        (QUESTIONNAIRE, "a", 1, "3", None, NOT_OBSERVED),
        (QUESTIONNAIRE, "a", 2, None, "Select one", NOT_OBSERVED),
    ]

    together = each(fields, "statement", calls, between="\n  ")  # type: ignore[operator]

    assert isinstance(together, Markup)
    assert str(together) == "\n  ".join(str(kept(fields, "statement", *args)) for args in calls)  # type: ignore[operator]
    assert str(each(fields, "statement", [])) == ""  # type: ignore[operator]
    # What goes between is text, escaped; the fragments are the macro's HTML as it is.
    assert "\n&lt;hr&gt;\n" in str(each(fields, "statement", calls, between="\n<hr>\n"))  # type: ignore[operator]


class _Shown(HTMLParser):
    """What a browser shows of a page's title (the document's, not the logo's) and footer: their text,
    character references read."""

    def __init__(self) -> None:
        super().__init__()
        self.title, self.footer, self._in = "", "", ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "footer" or (tag == "title" and not self.title):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        self._in = "" if tag in ("title", "footer") else self._in

    def handle_data(self, data: str) -> None:
        if self._in:
            setattr(self, self._in, getattr(self, self._in) + data)


def shown(html: str) -> _Shown:
    parser = _Shown()
    parser.feed(html)
    return parser


PERSON = {"name": "Sam Patel", "roles": ["participant"]}


@pytest.mark.parametrize("person", [None, PERSON], ids=["signed out", "signed in"])
def test_every_page_reads_its_title_and_footer_in_plain_words_from_ascii_html(person: object) -> None:
    html = ENVIRONMENT.get_template("link_not_valid.html").render(cspNonce="n0nce", person=person, errors=["x"])

    assert shown(html).title == "Error: This link cannot be used \u2013 Leadership feedback \u2013 NHS"
    assert "\u00a9 NHS England" in shown(html).footer
    assert html.isascii()  # one byte a character: the page is encoded as a copy


def test_a_signed_out_page_is_the_nhsuk_page_template_around_its_own_blocks() -> None:
    page = ENVIRONMENT.from_string(
        '{% extends "base.html" %}{% block title %}Sharing the vision{% endblock %}'
        '{% block beforeContent %}<a href="/answer/t">Back</a>{% endblock %}'
        "{% block content %}<p>{{ words }}</p>{% endblock %}"
    )
    values = {"cspNonce": "n0nce", "person": None, "errors": ["x"], "words": "Tom & Jerry"}
    context = page.new_context(values)
    blocks = {name: Markup("".join(page.blocks[name](context))) for name in ("beforeContent", "content")}
    blocks["pageTitle"] = Markup("".join(ENVIRONMENT.get_template("base.html").blocks["pageTitle"](context)))
    # The same blocks in the NHS.UK page template itself, rendered with the page.
    whole = ENVIRONMENT.from_string(
        '{% extends "_frame.html" %}{% block pageTitle %}{{ pageTitle }}{% endblock %}'
        "{% block beforeContent %}{{ beforeContent }}{% endblock %}{% block content %}{{ content }}{% endblock %}"
    ).render(values, **blocks)

    assert "<p>Tom &amp; Jerry</p>" in whole
    assert page.render(values) == whole
    assert page.render({**values, "cspNonce": "an0ther"}) == whole.replace('nonce="n0nce"', 'nonce="an0ther"')


def test_a_dimension_pages_comment_box_and_buttons_are_the_components_markup_kept() -> None:
    kept, fields = ENVIRONMENT.globals["fragment"], "answer/_dimension_fields.jinja"
    go_on = nhsuk("button", "button", {"text": "Save and continue", "name": "action", "value": "continue"})
    later = nhsuk(
        "button",
        "button",
        {"text": "Save and come back later", "name": "action", "value": "later", "variant": "secondary"},
    )
    comment_box = {
        "name": "comment",
        "id": "comment",
        "label": {"text": "Comments on sharing the vision (optional)", "size": "s"},
        "hint": {"text": "Shown word for word."},
        "value": "Listens & acts",
        "rows": 5,
    }

    for _ in range(2):  # rendered, then kept
        buttons, change_buttons = kept(fields, "buttons"), kept(fields, "change_buttons")
        comment = kept(fields, "comment", "Sharing the vision", "Shown word for word.", "Listens & acts")

        assert normalised(buttons) == normalised(f'<div class="nhsuk-button-group">\n{go_on}{later}</div>')
        # Reached from check your answers, the page goes back there: no "come back later".
        assert normalised(change_buttons) == normalised(f'<div class="nhsuk-button-group">\n{go_on}</div>')
        assert normalised(comment) == normalised(nhsuk("textarea", "textarea", comment_box))
        assert "Listens &amp; acts" in comment
