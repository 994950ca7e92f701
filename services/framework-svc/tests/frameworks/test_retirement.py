"""Retiring a framework version never leaves the questionnaires in use without a published framework, and
the catalogue list and the read of one framework always name the same latest version."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import yaml

Problem = Callable[[httpx.Response, int], dict[str, Any]]
ImportDocument = Callable[..., Awaitable[httpx.Response]]


async def _latest(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, int]:
    listed = (await client.get("/v1/frameworks", headers=headers)).json()
    return {f["key"]: f["latest_version"] for f in listed["items"]}


async def _import_hlm_version(
    client: httpx.AsyncClient, admin: dict[str, str], import_framework: ImportDocument, number: int
) -> None:
    exported = yaml.safe_load((await client.get("/v1/frameworks/hlm/versions/1/export", headers=admin)).text)
    assert (await import_framework({**exported, "version": number})).status_code == 201


async def test_retiring_the_only_published_hlm_that_questionnaires_use_answers_409_and_keeps_it(
    client: httpx.AsyncClient, admin: dict[str, str], participant: dict[str, str], assert_problem: Problem
) -> None:
    response = await client.post("/v1/frameworks/hlm/versions/1/retire", headers=admin)

    body = assert_problem(response, 409)
    assert body["type"].endswith("/framework-in-use")
    assert "only published version" in body["detail"]
    assert "'hlm-360' v1" in body["detail"]
    assert "publish a replacement version first" in body["detail"].lower()
    latest = await client.get("/v1/frameworks/hlm", headers=participant)
    assert (latest.json()["version"], latest.json()["status"]) == (1, "published")
    assert (await _latest(client, participant))["hlm"] == 1


async def test_once_a_replacement_is_published_the_old_version_retires_naming_it(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    participant: dict[str, str],
    import_framework: ImportDocument,
) -> None:
    await _import_hlm_version(client, admin, import_framework, 2)
    assert (await client.post("/v1/frameworks/hlm/versions/2/publish", headers=admin)).status_code == 200

    response = await client.post("/v1/frameworks/hlm/versions/1/retire?replaced_by=2", headers=admin)

    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["replaced_by"]) == ("retired", 2)
    versions = (await client.get("/v1/frameworks/hlm/versions", headers=participant)).json()["items"]
    assert [(v["version"], v["status"], v["replaced_by"]) for v in versions] == [
        (1, "retired", 2),
        (2, "published", None),
    ]
    assert (await client.get("/v1/frameworks/hlm", headers=participant)).json()["version"] == 2
    assert (await _latest(client, participant))["hlm"] == 2
    # Version 2 is now the only one published while the HLM questionnaires are in use: it stays.
    assert (await client.post("/v1/frameworks/hlm/versions/2/retire", headers=admin)).status_code == 409


async def test_once_a_replacement_is_published_the_old_version_may_retire_without_naming_it(
    client: httpx.AsyncClient, admin: dict[str, str], import_framework: ImportDocument
) -> None:
    await _import_hlm_version(client, admin, import_framework, 2)
    await client.post("/v1/frameworks/hlm/versions/2/publish", headers=admin)

    response = await client.post("/v1/frameworks/hlm/versions/1/retire", headers=admin)

    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["replaced_by"]) == ("retired", None)


@pytest.mark.parametrize(
    ("replaced_by", "why"),
    [(2, "is draft"), (3, "does not exist"), (1, "is published")],
    ids=["a draft", "no such version", "itself"],
)
async def test_a_named_replacement_must_be_a_newer_published_version(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    participant: dict[str, str],
    import_framework: ImportDocument,
    assert_problem: Problem,
    replaced_by: int,
    why: str,
) -> None:
    await _import_hlm_version(client, admin, import_framework, 2)

    response = await client.post(f"/v1/frameworks/hlm/versions/1/retire?replaced_by={replaced_by}", headers=admin)

    body = assert_problem(response, 409)
    assert body["type"].endswith("/invalid-replacement")
    assert why in body["detail"]
    assert (await client.get("/v1/frameworks/hlm", headers=participant)).json()["version"] == 1


async def test_a_framework_no_questionnaire_uses_retires_its_only_version_and_disappears_from_the_list(
    client: httpx.AsyncClient, admin: dict[str, str], participant: dict[str, str], assert_problem: Problem
) -> None:
    response = await client.post("/v1/frameworks/lf2011/versions/1/retire", headers=admin)

    assert response.status_code == 200, response.text
    body = assert_problem(await client.get("/v1/frameworks/lf2011", headers=participant), 404)
    assert body["detail"] == "framework 'lf2011' has no published version"
    assert "lf2011" not in await _latest(client, participant)
    retired = await client.get("/v1/frameworks/lf2011?version=1", headers=participant)
    assert retired.json()["status"] == "retired"


@pytest.mark.parametrize("role", ["participant", "admin"])
async def test_the_list_names_for_every_framework_the_version_its_read_serves(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    participant: dict[str, str],
    import_framework: ImportDocument,
    framework_document: dict[str, Any],
    role: str,
) -> None:
    # test-fw: 1 published, 2 published then retired, 3 a draft; test-draft: only a draft; lf2011: retired.
    for number in (1, 2, 3):
        assert (await import_framework({**copy.deepcopy(framework_document), "version": number})).status_code == 201
    for action in ("1/publish", "2/publish", "2/retire"):
        assert (await client.post(f"/v1/frameworks/test-fw/versions/{action}", headers=admin)).status_code == 200
    await import_framework({**copy.deepcopy(framework_document), "key": "test-draft"})
    await client.post("/v1/frameworks/lf2011/versions/1/retire", headers=admin)
    headers = admin if role == "admin" else participant

    listed = await _latest(client, headers)

    for key in ("hlm", "lf2011", "test-fw", "test-draft"):
        served = await client.get(f"/v1/frameworks/{key}", headers=headers)
        if key in listed:
            assert served.status_code == 200, key
            assert served.json()["version"] == listed[key], key
        else:
            assert served.status_code == 404, key
    assert listed["test-fw"] == 1
