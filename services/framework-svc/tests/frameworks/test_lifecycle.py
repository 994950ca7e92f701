"""A framework version's life as an academy admin drives it: import as draft, publish, retire, export."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import yaml

from framework_svc.versioning import version_id

Problem = Callable[[httpx.Response, int], dict[str, Any]]
ImportDocument = Callable[..., Awaitable[httpx.Response]]
CountRows = Callable[[str], Awaitable[int]]


@pytest.fixture
async def published_v1(
    client: httpx.AsyncClient, admin: dict[str, str], import_framework: ImportDocument, framework_document: dict
) -> dict[str, Any]:
    """test-fw version 1, imported and published."""
    assert (await import_framework(framework_document)).status_code == 201
    response = await client.post("/v1/frameworks/test-fw/versions/1/publish", headers=admin)
    assert response.status_code == 200
    return framework_document


def _version(document: dict[str, Any], number: int, **changes: Any) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    changed.update(version=number, **changes)
    return changed


@pytest.mark.parametrize("fmt", ["json", "yaml"])
async def test_importing_a_document_stores_a_draft(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    import_framework: ImportDocument,
    framework_document: dict[str, Any],
    fmt: str,
) -> None:
    response = await import_framework(framework_document, fmt)

    assert response.status_code == 201, response.text
    summary = response.json()
    assert (summary["key"], summary["version"], summary["status"]) == ("test-fw", 1, "draft")
    assert summary["id"] == str(version_id("framework", "test-fw", 1))
    assert summary["published_at"] is None
    assert response.headers["location"] == "/v1/frameworks/test-fw?version=1"
    stored = (await client.get("/v1/frameworks/test-fw?version=1", headers=admin)).json()
    assert stored["status"] == "draft"
    assert [d["key"] for d in stored["dimensions"]] == ["listening", "deciding"]
    assert stored["counts"] == {"dimensions": 2, "elements": 3, "descriptors": 4, "stages": 2, "indicators": 3}


async def test_a_draft_is_invisible_to_a_participant(
    client: httpx.AsyncClient,
    participant: dict[str, str],
    import_framework: ImportDocument,
    framework_document: dict[str, Any],
    assert_problem: Problem,
) -> None:
    await import_framework(framework_document)

    assert_problem(await client.get("/v1/frameworks/test-fw?version=1", headers=participant), 404)
    assert_problem(await client.get("/v1/frameworks/test-fw", headers=participant), 404)
    assert_problem(await client.get("/v1/frameworks/test-fw/versions", headers=participant), 404)
    listed = (await client.get("/v1/frameworks", headers=participant)).json()
    assert "test-fw" not in {f["key"] for f in listed["items"]}


async def test_a_draft_is_listed_for_an_admin_among_its_frameworks_versions_not_as_the_latest(
    client: httpx.AsyncClient, admin: dict[str, str], import_framework: ImportDocument, framework_document: dict
) -> None:
    await import_framework(framework_document)

    versions = (await client.get("/v1/frameworks/test-fw/versions", headers=admin)).json()
    assert [(v["version"], v["status"]) for v in versions["items"]] == [(1, "draft")]
    # The catalogue list names the version GET /v1/frameworks/{key} serves: a draft is no such version.
    listed = (await client.get("/v1/frameworks", headers=admin)).json()
    assert "test-fw" not in {f["key"] for f in listed["items"]}


async def test_reimporting_a_draft_replaces_it_and_answers_200(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    import_framework: ImportDocument,
    framework_document: dict[str, Any],
    framework_versions_stored: CountRows,
) -> None:
    await import_framework(framework_document)
    first_etag = (await client.get("/v1/frameworks/test-fw?version=1", headers=admin)).headers["etag"]
    changed = _version(framework_document, 1, name="Test framework, second draft")
    changed["dimensions"] = changed["dimensions"][:1]

    response = await import_framework(changed, "yaml")

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "draft"
    stored = await client.get("/v1/frameworks/test-fw?version=1", headers=admin)
    assert stored.json()["name"] == "Test framework, second draft"
    assert [d["key"] for d in stored.json()["dimensions"]] == ["listening"]
    assert stored.headers["etag"] != first_etag
    assert await framework_versions_stored("test-fw") == 1


async def test_publishing_makes_the_version_the_latest_for_participants(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    participant: dict[str, str],
    import_framework: ImportDocument,
    framework_document: dict[str, Any],
) -> None:
    await import_framework(framework_document)

    response = await client.post("/v1/frameworks/test-fw/versions/1/publish", headers=admin)

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "published"
    assert response.json()["published_at"] is not None
    latest = (await client.get("/v1/frameworks/test-fw", headers=participant)).json()
    assert (latest["version"], latest["status"]) == (1, "published")
    listed = (await client.get("/v1/frameworks", headers=participant)).json()
    assert {f["key"]: f["latest_version"] for f in listed["items"]}["test-fw"] == 1


async def test_a_newer_published_version_becomes_the_latest(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    participant: dict[str, str],
    import_framework: ImportDocument,
    published_v1: dict[str, Any],
) -> None:
    await import_framework(_version(published_v1, 2, name="Test framework v2"))
    draft_latest = (await client.get("/v1/frameworks/test-fw", headers=participant)).json()
    assert draft_latest["version"] == 1

    await client.post("/v1/frameworks/test-fw/versions/2/publish", headers=admin)

    latest = (await client.get("/v1/frameworks/test-fw", headers=participant)).json()
    assert (latest["version"], latest["name"]) == (2, "Test framework v2")


async def test_importing_over_a_published_version_answers_409_and_changes_nothing(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    import_framework: ImportDocument,
    published_v1: dict[str, Any],
    assert_problem: Problem,
) -> None:
    before = await client.get("/v1/frameworks/test-fw?version=1", headers=admin)

    response = await import_framework(_version(published_v1, 1, name="Changed after publication"))

    body = assert_problem(response, 409)
    assert body["type"].endswith("/version-not-changeable")
    after = await client.get("/v1/frameworks/test-fw?version=1", headers=admin)
    assert after.json() == before.json()
    assert after.json()["name"] == "Test framework"


async def test_importing_over_a_shipped_catalogue_version_answers_409(
    client: httpx.AsyncClient, import_framework: ImportDocument, framework_document: dict, assert_problem: Problem
) -> None:
    response = await import_framework(_version(framework_document, 1, key="hlm"))
    assert_problem(response, 409)


async def test_publishing_a_published_version_again_answers_200_unchanged(
    client: httpx.AsyncClient, admin: dict[str, str], published_v1: dict[str, Any]
) -> None:
    first = (await client.get("/v1/frameworks/test-fw/versions", headers=admin)).json()["items"][0]

    response = await client.post("/v1/frameworks/test-fw/versions/1/publish", headers=admin)

    assert response.status_code == 200
    assert response.json() == first


async def test_retiring_a_published_version_marks_it_retired(
    client: httpx.AsyncClient, admin: dict[str, str], published_v1: dict[str, Any]
) -> None:
    response = await client.post("/v1/frameworks/test-fw/versions/1/retire", headers=admin)

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "retired"
    assert response.json()["retired_at"] is not None
    again = await client.post("/v1/frameworks/test-fw/versions/1/retire", headers=admin)
    assert again.status_code == 200
    assert again.json() == response.json()


async def test_retiring_a_draft_answers_409_and_leaves_it_a_draft(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    import_framework: ImportDocument,
    framework_document: dict[str, Any],
    assert_problem: Problem,
) -> None:
    await import_framework(framework_document)

    body = assert_problem(await client.post("/v1/frameworks/test-fw/versions/1/retire", headers=admin), 409)

    assert body["type"].endswith("/invalid-status-transition")
    stored = (await client.get("/v1/frameworks/test-fw?version=1", headers=admin)).json()
    assert stored["status"] == "draft"


async def test_publishing_a_retired_version_answers_409(
    client: httpx.AsyncClient, admin: dict[str, str], published_v1: dict[str, Any], assert_problem: Problem
) -> None:
    await client.post("/v1/frameworks/test-fw/versions/1/retire", headers=admin)

    assert_problem(await client.post("/v1/frameworks/test-fw/versions/1/publish", headers=admin), 409)
    stored = (await client.get("/v1/frameworks/test-fw?version=1", headers=admin)).json()
    assert stored["status"] == "retired"


@pytest.mark.parametrize("action", ["publish", "retire", "export"])
async def test_acting_on_an_unknown_version_answers_404(
    client: httpx.AsyncClient, admin: dict[str, str], assert_problem: Problem, action: str
) -> None:
    method = client.get if action == "export" else client.post
    assert_problem(await method(f"/v1/frameworks/hlm/versions/42/{action}", headers=admin), 404)


async def test_the_latest_version_for_participants_ignores_a_retired_one(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    participant: dict[str, str],
    import_framework: ImportDocument,
    published_v1: dict[str, Any],
) -> None:
    await import_framework(_version(published_v1, 2))
    await client.post("/v1/frameworks/test-fw/versions/2/publish", headers=admin)

    await client.post("/v1/frameworks/test-fw/versions/2/retire", headers=admin)

    latest = (await client.get("/v1/frameworks/test-fw", headers=participant)).json()
    assert (latest["version"], latest["status"]) == (1, "published")
    listed = (await client.get("/v1/frameworks", headers=participant)).json()
    assert {f["key"]: f["latest_version"] for f in listed["items"]}["test-fw"] == 1


async def test_a_retired_version_is_still_readable_by_number(
    client: httpx.AsyncClient, admin: dict[str, str], participant: dict[str, str], published_v1: dict[str, Any]
) -> None:
    await client.post("/v1/frameworks/test-fw/versions/1/retire", headers=admin)

    response = await client.get("/v1/frameworks/test-fw?version=1", headers=participant)

    assert response.status_code == 200
    assert (response.json()["version"], response.json()["status"]) == (1, "retired")
    versions = (await client.get("/v1/frameworks/test-fw/versions", headers=participant)).json()
    assert [(v["version"], v["status"]) for v in versions["items"]] == [(1, "retired")]


async def test_a_framework_whose_only_version_is_retired_has_no_latest(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    participant: dict[str, str],
    published_v1: dict[str, Any],
    assert_problem: Problem,
) -> None:
    await client.post("/v1/frameworks/test-fw/versions/1/retire", headers=admin)

    assert_problem(await client.get("/v1/frameworks/test-fw", headers=participant), 404)


async def test_a_published_version_etag_changes_when_it_is_retired(
    client: httpx.AsyncClient, admin: dict[str, str], participant: dict[str, str], published_v1: dict[str, Any]
) -> None:
    published = await client.get("/v1/frameworks/test-fw?version=1", headers=participant)
    await client.post("/v1/frameworks/test-fw/versions/1/retire", headers=admin)

    retired = await client.get(
        "/v1/frameworks/test-fw?version=1", headers={**participant, "If-None-Match": published.headers["etag"]}
    )

    assert retired.status_code == 200
    assert retired.json()["status"] == "retired"


@pytest.mark.parametrize(
    ("fmt", "media_type", "parse"),
    [("yaml", "application/yaml", yaml.safe_load), ("json", "application/json", httpx.Response.json)],
)
async def test_an_export_reimports_as_a_new_version_with_the_same_content(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    import_framework: ImportDocument,
    published_v1: dict[str, Any],
    fmt: str,
    media_type: str,
    parse: Callable[[Any], Any],
) -> None:
    exported = await client.get(f"/v1/frameworks/test-fw/versions/1/export?format={fmt}", headers=admin)
    assert exported.status_code == 200
    assert exported.headers["content-type"].split(";")[0] == media_type
    document = parse(exported.text) if fmt == "yaml" else exported.json()
    assert document == published_v1

    response = await import_framework({**document, "version": 2}, fmt)

    assert response.status_code == 201, response.text
    again = await client.get("/v1/frameworks/test-fw/versions/2/export?format=json", headers=admin)
    assert again.json() == {**published_v1, "version": 2}


async def test_the_shipped_hlm_exports_and_reimports_unchanged(
    client: httpx.AsyncClient, admin: dict[str, str], import_framework: ImportDocument
) -> None:
    exported = yaml.safe_load((await client.get("/v1/frameworks/hlm/versions/1/export", headers=admin)).text)

    assert (await import_framework({**exported, "version": 2}, "yaml")).status_code == 201

    reexported = yaml.safe_load((await client.get("/v1/frameworks/hlm/versions/2/export", headers=admin)).text)
    assert reexported == {**exported, "version": 2}


async def test_reimporting_a_draft_that_a_questionnaire_is_built_on_answers_409_and_keeps_both(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    import_framework: ImportDocument,
    import_questionnaire: ImportDocument,
    framework_document: dict[str, Any],
    questionnaire_document: dict[str, Any],
    assert_problem: Problem,
) -> None:
    await import_framework(framework_document)
    assert (await import_questionnaire(questionnaire_document)).status_code == 201
    before = (await client.get("/v1/frameworks/test-fw?version=1", headers=admin)).json()

    response = await import_framework(_version(framework_document, 1, name="Second draft"))

    body = assert_problem(response, 409)
    assert "questionnaires are built on" in body["detail"]
    assert (await client.get("/v1/frameworks/test-fw?version=1", headers=admin)).json() == before
    questionnaire = await client.get(f"/v1/questionnaires/{version_id('questionnaire', 'test-q', 1)}", headers=admin)
    assert questionnaire.json()["framework_key"] == "test-fw"


async def test_a_draft_freed_of_its_questionnaires_can_be_reimported(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    import_framework: ImportDocument,
    import_questionnaire: ImportDocument,
    framework_document: dict[str, Any],
    questionnaire_document: dict[str, Any],
) -> None:
    await import_framework(framework_document)
    await import_framework(_version(framework_document, 2))
    await import_questionnaire(questionnaire_document)
    await import_questionnaire({**questionnaire_document, "framework": {"key": "test-fw", "version": 2}})

    response = await import_framework(_version(framework_document, 1, name="Second draft"))

    assert response.status_code == 200, response.text
