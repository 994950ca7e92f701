"""Importing a bad questionnaire document: every problem listed with its location, nothing stored."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

Problem = Callable[[httpx.Response, int], dict[str, Any]]
ImportDocument = Callable[..., Awaitable[httpx.Response]]
CountRows = Callable[[str], Awaitable[int]]


@pytest.fixture
def assert_rejected(
    assert_problem: Problem, questionnaires_stored: CountRows
) -> Callable[[httpx.Response, int], Awaitable[list[tuple[list[str | int], str]]]]:
    """Check a rejected import answered ``status`` and stored nothing; return its (loc, type) errors."""

    async def check(response: httpx.Response, status: int) -> list[tuple[list[str | int], str]]:
        body = assert_problem(response, status)
        assert await questionnaires_stored("test-hlm-q") == 0
        assert await questionnaires_stored("test-q") == 0
        return [(e["loc"], e["type"]) for e in body.get("errors", [])]

    return check


async def test_an_item_naming_an_unknown_dimension_answers_422_at_that_item(
    import_questionnaire: ImportDocument, hlm_questionnaire_document: dict[str, Any], assert_rejected: Any
) -> None:
    hlm_questionnaire_document["items"][3]["dimension"] = "charisma"

    errors = await assert_rejected(await import_questionnaire(hlm_questionnaire_document), 422)

    assert errors == [(["body", "items", 3, "dimension"], "reference_error")]


async def test_every_unknown_dimension_and_every_uncovered_dimension_is_listed(
    import_questionnaire: ImportDocument, hlm_questionnaire_document: dict[str, Any], assert_rejected: Any
) -> None:
    document = hlm_questionnaire_document
    document["items"] = [i for i in document["items"] if i["dimension"] != "leading_with_care"]
    document["items"][0]["dimension"] = "charisma"
    document["importance_questions"][-1]["dimension"] = "luck"

    errors = await assert_rejected(await import_questionnaire(document), 422)

    assert sorted(errors, key=repr) == sorted(
        [
            (["body", "items", 0, "dimension"], "reference_error"),
            (["body", "importance_questions", 8, "dimension"], "reference_error"),
            (["body", "importance_questions"], "reference_error"),  # influencing_for_results not asked
            (["body", "items"], "reference_error"),  # leading_with_care has no item
        ],
        key=repr,
    )


async def test_a_questionnaire_on_an_unknown_framework_version_answers_422(
    import_questionnaire: ImportDocument, hlm_questionnaire_document: dict[str, Any], assert_rejected: Any
) -> None:
    hlm_questionnaire_document["framework"] = {"key": "hlm", "version": 7}

    errors = await assert_rejected(await import_questionnaire(hlm_questionnaire_document), 422)

    assert errors == [(["body", "framework"], "reference_error")]


async def test_a_repeated_item_key_and_a_second_importance_question_answer_422(
    import_questionnaire: ImportDocument, hlm_questionnaire_document: dict[str, Any], assert_rejected: Any
) -> None:
    document = hlm_questionnaire_document
    document["items"][1]["key"] = document["items"][0]["key"]
    document["importance_questions"][1]["dimension"] = document["importance_questions"][0]["dimension"]

    errors = await assert_rejected(await import_questionnaire(document), 422)

    assert errors == [
        (["body", "items", 1, "key"], "duplicate_key"),
        (["body", "importance_questions", 1, "dimension"], "duplicate_key"),
    ]


async def test_a_questionnaire_with_several_problems_lists_every_one_of_them(
    import_questionnaire: ImportDocument, questionnaire_document: dict[str, Any], assert_rejected: Any
) -> None:
    document = questionnaire_document
    del document["instructions"]
    document["purpose"] = "appraisal"
    document["performance_scale"]["points"][3]["value"] = 5
    document["importance_scale"] = "1-4"
    document["items"][2]["key"] = "listening-1"

    errors = await assert_rejected(await import_questionnaire(document, "yaml"), 422)

    assert sorted(errors, key=repr) == sorted(
        [
            (["body", "instructions"], "missing"),
            (["body", "purpose"], "literal_error"),
            (["body", "performance_scale", "points", 3, "value"], "less_than_equal"),
            (["body", "importance_scale"], "list_type"),
            (["body", "items", 2, "key"], "duplicate_key"),
        ],
        key=repr,
    )


async def test_a_questionnaire_with_a_mapping_key_written_twice_answers_400(
    client: httpx.AsyncClient, admin: dict[str, str], assert_rejected: Any
) -> None:
    body = b"key: test-q\nitems:\n  - key: a\n    text: first\n    text: second\n"

    response = await client.post(
        "/v1/questionnaires", content=body, headers={**admin, "Content-Type": "application/yaml"}
    )

    await assert_rejected(response, 400)
    assert "'text'" in response.json()["detail"]


async def test_a_questionnaire_in_an_unsupported_content_type_answers_400(
    client: httpx.AsyncClient, admin: dict[str, str], assert_rejected: Any
) -> None:
    response = await client.post(
        "/v1/questionnaires", content=b"key,version\ntest-q,1\n", headers={**admin, "Content-Type": "text/csv"}
    )

    await assert_rejected(response, 400)
