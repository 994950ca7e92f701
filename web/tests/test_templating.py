"""The page templates' shortcuts give the NHS.UK components' own HTML."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from hlm_web.answer.questionnaire import NOT_OBSERVED, Questionnaire
from hlm_web.templating import create_templates

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


def _questions(*args: object) -> str:
    macro = ENVIRONMENT.get_template("answer/_dimension_fields.jinja").module.dimensionFields  # type: ignore[attr-defined]
    return str(macro(*args))


def test_a_kept_fragment_is_the_macros_markup_and_follows_each_answer_and_message() -> None:
    kept = ENVIRONMENT.globals["fragment"]
    template, macro = "answer/_dimension_fields.jinja", "dimensionFields"
    strong = (QUESTIONNAIRE, "a", (("a1", "3"),), "2", "", (), "Shown word for word.", NOT_OBSERVED)
    not_observed = (QUESTIONNAIRE, "a", (("a1", NOT_OBSERVED),), "2", "", (), "Shown word for word.", NOT_OBSERVED)
    missing = (QUESTIONNAIRE, "a", (), None, "", (("item-a1", "Select an answer"),), "Shown.", NOT_OBSERVED)

    first, again = kept(template, macro, *strong), kept(template, macro, *strong)  # type: ignore[operator]
    assert str(first) == str(again) == _questions(*strong)
    assert 'value="3" checked' in str(first)
    assert str(kept(template, macro, *not_observed)) == _questions(*not_observed) != str(first)  # type: ignore[operator]
    assert "Select an answer" in str(kept(template, macro, *missing))  # type: ignore[operator]


def test_a_fragment_given_anything_that_can_change_is_rendered_afresh() -> None:
    kept = ENVIRONMENT.globals["fragment"]
    answers = [("a1", "3")]  # a list may change after the call: never a key
    before = kept(
        "answer/_dimension_fields.jinja", "dimensionFields", QUESTIONNAIRE, "a", answers, None, "", (), "", NOT_OBSERVED
    )  # type: ignore[operator]
    answers[0] = ("a1", "1")
    after = kept(
        "answer/_dimension_fields.jinja", "dimensionFields", QUESTIONNAIRE, "a", answers, None, "", (), "", NOT_OBSERVED
    )  # type: ignore[operator]

    assert 'value="3" checked' in str(before)
    assert 'value="1" checked' in str(after)
    assert 'value="3" checked' not in str(after)
