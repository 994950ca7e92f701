"""Importing a bad framework document: every problem listed with its location, nothing stored."""

from __future__ import annotations

import copy
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

Problem = Callable[[httpx.Response, int], dict[str, Any]]
ImportDocument = Callable[..., Awaitable[httpx.Response]]
CountRows = Callable[[str], Awaitable[int]]


@pytest.fixture
def assert_rejected(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    assert_problem: Problem,
    framework_versions_stored: CountRows,
) -> Callable[[httpx.Response, int], Awaitable[dict[str, Any]]]:
    """Check a rejected import answered ``status`` as a problem and left no trace of test-fw."""

    async def check(response: httpx.Response, status: int) -> dict[str, Any]:
        body = assert_problem(response, status)
        assert await framework_versions_stored("test-fw") == 0
        assert (await client.get("/v1/frameworks/test-fw?version=1", headers=admin)).status_code == 404
        return body

    return check


def _errors(body: dict[str, Any]) -> list[tuple[list[str | int], str]]:
    return [(e["loc"], e["type"]) for e in body["errors"]]


async def test_duplicate_dimension_keys_answer_422_at_the_repeated_key(
    import_framework: ImportDocument, framework_document: dict[str, Any], assert_rejected: Any
) -> None:
    framework_document["dimensions"][1]["key"] = "listening"

    body = await assert_rejected(await import_framework(framework_document), 422)

    assert body["type"].endswith("/validation-error")
    assert _errors(body) == [(["body", "dimensions", 1, "key"], "duplicate_key")]
    assert "'listening'" in body["errors"][0]["msg"]


async def test_an_element_key_repeated_in_another_dimension_answers_422(
    import_framework: ImportDocument, framework_document: dict[str, Any], assert_rejected: Any
) -> None:
    framework_document["dimensions"][1]["elements"][0]["key"] = "1.2"

    body = await assert_rejected(await import_framework(framework_document), 422)

    assert _errors(body) == [(["body", "dimensions", 1, "elements", 0, "key"], "duplicate_key")]
    assert "'1.2'" in body["errors"][0]["msg"]


async def test_an_indicator_at_an_unknown_stage_answers_422(
    import_framework: ImportDocument, framework_document: dict[str, Any], assert_rejected: Any
) -> None:
    framework_document["dimensions"][0]["elements"][0]["indicators"][1]["stage"] = 3

    body = await assert_rejected(await import_framework(framework_document), 422)

    assert _errors(body) == [(["body", "dimensions", 0, "elements", 0, "indicators", 1, "stage"], "unknown_reference")]


async def test_two_indicators_for_one_stage_answer_422(
    import_framework: ImportDocument, framework_document: dict[str, Any], assert_rejected: Any
) -> None:
    framework_document["dimensions"][0]["elements"][0]["indicators"][1]["stage"] = 1

    body = await assert_rejected(await import_framework(framework_document), 422)

    assert _errors(body) == [(["body", "dimensions", 0, "elements", 0, "indicators", 1, "stage"], "duplicate_key")]


async def test_a_missing_field_answers_422_naming_it(
    import_framework: ImportDocument, framework_document: dict[str, Any], assert_rejected: Any
) -> None:
    del framework_document["dimensions"][1]["summary"]

    body = await assert_rejected(await import_framework(framework_document), 422)

    assert _errors(body) == [(["body", "dimensions", 1, "summary"], "missing")]


async def test_a_wrong_type_answers_422_naming_the_field(
    import_framework: ImportDocument, framework_document: dict[str, Any], assert_rejected: Any
) -> None:
    framework_document["version"] = "first"

    body = await assert_rejected(await import_framework(framework_document, "yaml"), 422)

    assert _errors(body) == [(["body", "version"], "int_parsing")]


async def test_an_unknown_field_answers_422_rather_than_being_dropped(
    import_framework: ImportDocument, framework_document: dict[str, Any], assert_rejected: Any
) -> None:
    framework_document["dimensions"][0]["sumary"] = "A typo of summary."

    body = await assert_rejected(await import_framework(framework_document), 422)

    assert _errors(body) == [(["body", "dimensions", 0, "sumary"], "extra_forbidden")]


async def test_a_document_with_several_problems_lists_every_one_of_them(
    import_framework: ImportDocument, framework_document: dict[str, Any], assert_rejected: Any
) -> None:
    document = copy.deepcopy(framework_document)
    del document["name"]
    document["version"] = 0
    document["dimensions"][0]["reflective_questions"] = "Do I listen?"
    document["dimensions"][1]["key"] = "listening"
    document["dimensions"][1]["elements"][0]["key"] = "1.1"
    document["dimensions"][1]["elements"][0]["indicators"][0]["stage"] = 9
    document["dimensions"][1]["audience"] = "everyone"

    body = await assert_rejected(await import_framework(document), 422)

    assert sorted(_errors(body), key=repr) == sorted(
        [
            (["body", "name"], "missing"),
            (["body", "version"], "greater_than_equal"),
            (["body", "dimensions", 0, "reflective_questions"], "list_type"),
            (["body", "dimensions", 1, "audience"], "literal_error"),
            (["body", "dimensions", 1, "key"], "duplicate_key"),
            (["body", "dimensions", 1, "elements", 0, "key"], "duplicate_key"),
            (["body", "dimensions", 1, "elements", 0, "indicators", 0, "stage"], "unknown_reference"),
        ],
        key=repr,
    )
    assert body["detail"] == "the document has 7 error(s)"


async def test_a_document_that_is_not_a_mapping_answers_422(
    import_framework: ImportDocument, assert_rejected: Any
) -> None:
    body = await assert_rejected(await import_framework(["a", "list"]), 422)

    assert _errors(body) == [(["body"], "model_type")]


async def test_a_document_without_dimensions_answers_422(
    import_framework: ImportDocument, framework_document: dict[str, Any], assert_rejected: Any
) -> None:
    framework_document["dimensions"] = []

    body = await assert_rejected(await import_framework(framework_document), 422)

    assert _errors(body) == [(["body", "dimensions"], "too_short")]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/yaml", b"key: test-fw\nversion: 1\nkey: other\n"),
        ("application/yaml", b"key: test-fw\ndimensions:\n  - key: a\n    name: A\n    name: B\n"),
        ("application/json", b'{"key": "test-fw", "version": 1, "key": "other"}'),
        ("application/json", b'{"key": "test-fw", "dimensions": [{"key": "a", "name": "A", "name": "B"}]}'),
    ],
)
async def test_a_mapping_key_written_twice_answers_400_naming_the_key(
    client: httpx.AsyncClient, admin: dict[str, str], assert_rejected: Any, content_type: str, body: bytes
) -> None:
    response = await client.post("/v1/frameworks", content=body, headers={**admin, "Content-Type": content_type})

    problem = await assert_rejected(response, 400)
    repeated = "'name'" if b"name: B" in body or b'"name": "B"' in body else "'key'"
    assert "duplicate key" in problem["detail"]
    assert repeated in problem["detail"]


@pytest.mark.parametrize("content_type", ["text/csv", "application/xml", "multipart/form-data"])
async def test_an_unsupported_content_type_answers_400(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    framework_document: dict[str, Any],
    assert_rejected: Any,
    content_type: str,
) -> None:
    response = await client.post(
        "/v1/frameworks", content=json.dumps(framework_document), headers={**admin, "Content-Type": content_type}
    )

    problem = await assert_rejected(response, 400)
    assert content_type in problem["detail"]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/yaml", b"key: test-fw\ndimensions: [unclosed\n"),
        ("application/yaml", b"key: test-fw\n\tversion: 1\n"),
        ("application/json", b'{"key": "test-fw",'),
        ("application/json", b"\xff\xfe not utf-8"),
    ],
)
async def test_a_malformed_document_answers_400(
    client: httpx.AsyncClient, admin: dict[str, str], assert_rejected: Any, content_type: str, body: bytes
) -> None:
    response = await client.post("/v1/frameworks", content=body, headers={**admin, "Content-Type": content_type})

    problem = await assert_rejected(response, 400)
    assert "not a valid" in problem["detail"]
