"""What chooses a rater's next page, read from a saved page's answer, agrees with the task list's statuses."""

from __future__ import annotations

from typing import Any

from hlm_web.answer.questionnaire import Answers, Progress, Questionnaire, Status

RAW: dict[str, Any] = {
    "instructions": "",
    "notObservedLabel": None,
    "dimensions": [{"key": key, "name": key.title(), "position": n} for n, key in enumerate(("a", "b", "c"))],
    "items": [
        {"key": f"{key}{n}", "dimensionKey": key, "text": f"{key} {n}", "position": 10 * p + n}
        for p, key in enumerate(("a", "b", "c"))
        for n in (1, 2)
    ],
    "performanceScale": [{"value": v, "label": str(v)} for v in (1, 2, 3, 4)],
    "importanceScale": [{"value": v, "label": str(v)} for v in (1, 2, 3, 4)],
    "importanceQuestions": [],
}
QUESTIONNAIRE = Questionnaire.from_graphql(RAW)
A, B, C = QUESTIONNAIRE.dimensions


def draft(answers: dict[str, int | None], rated: list[str], comments: dict[str, str]) -> dict[str, Any]:
    """A draft as the gateway answers it whole, with the lists a saved page asks for instead."""
    return {
        "answers": [{"itemKey": k, "level": v, "notObserved": v is None} for k, v in answers.items()],
        "importance": [{"dimensionKey": k, "rating": 3} for k in rated],
        "comments": [{"dimensionKey": k, "text": t} for k, t in comments.items()],
        "answeredItemKeys": list(answers),
    }


def test_a_saved_page_chooses_the_same_next_page_as_the_whole_draft_would() -> None:
    cases = [
        draft({"a1": 2, "a2": None}, ["a"], {}),  # a complete (one not observed): b next
        draft({"a1": 2, "a2": 3, "b1": 1, "b2": 1}, ["a"], {"b": "x"}),  # b lacks its importance
        draft({"a1": 2, "a2": 3, "c1": 1, "c2": 1}, ["a", "c"], {}),  # from c, round to b
        draft({"a1": 1}, [], {"a": "only a comment and one answer"}),
        draft({k: 4 for k in ("a1", "a2", "b1", "b2", "c1", "c2")}, ["a", "b", "c"], {}),  # all complete
    ]
    for case in cases:
        answers, progress = Answers.from_graphql(case), Progress.from_graphql(case)
        for dimension in QUESTIONNAIRE.dimensions:
            assert progress.is_complete(dimension) == (answers.status(dimension) is Status.COMPLETED)
            assert progress.next_unfinished(QUESTIONNAIRE, after=dimension) == answers.next_unfinished(
                QUESTIONNAIRE, after=dimension
            )
    assert Progress.from_graphql(cases[2]).next_unfinished(QUESTIONNAIRE, after=C) is B
    assert Progress.from_graphql(cases[4]).next_unfinished(QUESTIONNAIRE, after=A) is None


def test_a_link_opened_first_on_a_questionnaire_already_read_for_another_link_is_answered_on_it() -> None:
    """A link seen for the first time needs its questionnaire read only when no link before it was on the same one."""
    from hlm_web.answer.questionnaire import KnownQuestionnaires

    data = {
        "id": "q-1",
        "instructions": "",
        "notObservedLabel": None,
        "dimensions": [{"key": "a", "name": "A", "position": 0}],
        "items": [{"key": "a1", "dimensionKey": "a", "text": "a 1", "position": 0}],
        "performanceScale": [{"value": 1, "label": "1"}],
        "importanceScale": [{"value": 1, "label": "1"}],
        "importanceQuestions": [],
    }
    known = KnownQuestionnaires()

    assert known.remember_known("token-one", "q-1") is None  # nothing read yet: the questionnaire is asked for
    first = known.remember("token-one", data)
    assert known.for_link("token-two") is None
    assert known.remember_known("token-two", "q-1") is first
    assert known.for_link("token-two") is first
    assert known.remember_known("token-three", "q-2") is None
    assert known.remember_known("token-four", None) is None
    assert known.for_link("token-three") is None


def test_a_dimension_is_found_where_the_list_of_dimensions_has_it() -> None:
    dimensions = QUESTIONNAIRE.dimensions
    assert [QUESTIONNAIRE.position(d) for d in dimensions] == [dimensions.index(d) for d in dimensions]
    # An equal dimension made apart (the questionnaire read again) is found at the same place.
    again = Questionnaire.from_graphql(RAW)
    assert [QUESTIONNAIRE.position(d) for d in again.dimensions] == list(range(len(dimensions)))
    assert QUESTIONNAIRE.before(dimensions[1]) is dimensions[0]
    assert QUESTIONNAIRE.after(dimensions[-1]) is None
