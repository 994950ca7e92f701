"""Inputs the database cannot hold (a NUL character, a version beyond 32 bits) are the client's error:
each is a 422 naming the field, and nothing is stored."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

Problem = Callable[[httpx.Response, int], dict[str, Any]]
ImportDocument = Callable[..., Awaitable[httpx.Response]]
CountRows = Callable[[str], Awaitable[int]]

BEYOND_INT32 = 6227020801


async def test_a_nul_in_the_list_cursor_is_a_422_naming_it(
    client: httpx.AsyncClient, participant: dict[str, str], assert_problem: Problem
) -> None:
    response = await client.get("/v1/frameworks?cursor=a%00b", headers=participant)
    problem = assert_problem(response, 422)
    assert [e["loc"] for e in problem["errors"]] == [["query", "cursor"]]


async def test_a_nul_in_a_framework_key_in_the_path_is_a_422(
    client: httpx.AsyncClient, participant: dict[str, str], assert_problem: Problem
) -> None:
    response = await client.get("/v1/frameworks/hl%00m", headers=participant)
    assert_problem(response, 422)


@pytest.mark.parametrize("fmt", ["json", "yaml"])
async def test_a_document_with_a_nul_in_its_text_is_refused_and_nothing_is_stored(
    fmt: str,
    framework_document: dict[str, Any],
    import_framework: ImportDocument,
    framework_versions_stored: CountRows,
    assert_problem: Problem,
) -> None:
    framework_document["summary"] = "Leading\x00 well"
    response = await import_framework(framework_document, fmt)
    problem = assert_problem(response, 422)
    assert [(e["loc"], e["type"]) for e in problem["errors"]] == [(["body", "summary"], "string_nul")]
    assert await framework_versions_stored("test-fw") == 0


async def test_a_version_beyond_32_bits_is_a_422_not_a_500(
    client: httpx.AsyncClient, participant: dict[str, str], admin: dict[str, str], assert_problem: Problem
) -> None:
    read = await client.get(f"/v1/frameworks/hlm?version={BEYOND_INT32}", headers=participant)
    assert [e["loc"] for e in assert_problem(read, 422)["errors"]] == [["query", "version"]]
    for action in ("publish", "retire"):
        changed = await client.post(f"/v1/frameworks/hlm/versions/{BEYOND_INT32}/{action}", headers=admin)
        assert [e["loc"] for e in assert_problem(changed, 422)["errors"]] == [["path", "version"]]
    exported = await client.get(f"/v1/frameworks/hlm/versions/{BEYOND_INT32}/export", headers=admin)
    assert [e["loc"] for e in assert_problem(exported, 422)["errors"]] == [["path", "version"]]


async def test_a_document_version_beyond_32_bits_is_refused_and_nothing_is_stored(
    framework_document: dict[str, Any],
    import_framework: ImportDocument,
    framework_versions_stored: CountRows,
    assert_problem: Problem,
) -> None:
    framework_document["version"] = 2**31
    problem = assert_problem(await import_framework(framework_document), 422)
    assert any(e["loc"][-1] == "version" for e in problem["errors"])
    assert await framework_versions_stored("test-fw") == 0
