"""Retiring a questionnaire never leaves its framework without a published questionnaire to open cycles on."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from framework_svc.versioning import version_id

Problem = Callable[[httpx.Response, int], dict[str, Any]]
ImportDocument = Callable[..., Awaitable[httpx.Response]]

HLM_360 = version_id("questionnaire", "hlm-360", 1)
HLM_SELF = version_id("questionnaire", "hlm-self", 1)
TEST_Q = version_id("questionnaire", "test-q", 1)
TEST_HLM_Q = version_id("questionnaire", "test-hlm-q", 1)


@pytest.fixture
async def test_q_published(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    import_framework: ImportDocument,
    import_questionnaire: ImportDocument,
    framework_document: dict[str, Any],
    questionnaire_document: dict[str, Any],
) -> None:
    """test-fw v1 published with test-q published on it: the only questionnaire of test-fw."""
    await import_framework(framework_document)
    await client.post("/v1/frameworks/test-fw/versions/1/publish", headers=admin)
    await import_questionnaire(questionnaire_document)
    assert (await client.post(f"/v1/questionnaires/{TEST_Q}/publish", headers=admin)).status_code == 200


async def _status(client: httpx.AsyncClient, headers: dict[str, str], id: uuid.UUID) -> str:
    status: str = (await client.get(f"/v1/questionnaires/{id}", headers=headers)).json()["status"]
    return status


async def test_retiring_the_last_published_questionnaire_of_a_framework_answers_409_and_keeps_it(
    client: httpx.AsyncClient, admin: dict[str, str], test_q_published: None, assert_problem: Problem
) -> None:
    response = await client.post(f"/v1/questionnaires/{TEST_Q}/retire", headers=admin)

    body = assert_problem(response, 409)
    assert body["type"].endswith("/framework-in-use")
    assert "last published questionnaire of 'test-fw'" in body["detail"]
    assert "Publish a replacement first" in body["detail"]
    assert await _status(client, admin, TEST_Q) == "published"


async def test_a_questionnaire_retires_while_another_of_its_framework_stays_published(
    client: httpx.AsyncClient, admin: dict[str, str], participant: dict[str, str], assert_problem: Problem
) -> None:
    response = await client.post(f"/v1/questionnaires/{HLM_360}/retire", headers=admin)

    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["replaced_by"]) == ("retired", None)
    # hlm-self is now the last HLM questionnaire in use.
    body = assert_problem(await client.post(f"/v1/questionnaires/{HLM_SELF}/retire", headers=admin), 409)
    assert body["type"].endswith("/framework-in-use")
    assert await _status(client, participant, HLM_SELF) == "published"


async def test_a_questionnaire_retires_naming_the_published_one_that_replaces_it(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    participant: dict[str, str],
    import_questionnaire: ImportDocument,
    hlm_questionnaire_document: dict[str, Any],
) -> None:
    await import_questionnaire(hlm_questionnaire_document)
    await client.post(f"/v1/questionnaires/{TEST_HLM_Q}/publish", headers=admin)

    response = await client.post(f"/v1/questionnaires/{HLM_SELF}/retire?replaced_by={TEST_HLM_Q}", headers=admin)

    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["replaced_by"]) == ("retired", str(TEST_HLM_Q))
    seen = (await client.get(f"/v1/questionnaires/{HLM_SELF}", headers=participant)).json()
    assert seen["replaced_by"] == str(TEST_HLM_Q)


@pytest.mark.parametrize("replacement", ["draft", "other framework", "itself", "unknown"])
async def test_a_named_replacement_must_be_another_published_questionnaire_of_the_same_framework(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    import_questionnaire: ImportDocument,
    hlm_questionnaire_document: dict[str, Any],
    test_q_published: None,
    assert_problem: Problem,
    replacement: str,
) -> None:
    await import_questionnaire(hlm_questionnaire_document)  # a draft on hlm
    replaced_by = {"draft": TEST_HLM_Q, "other framework": TEST_Q, "itself": HLM_360, "unknown": uuid.uuid4()}

    response = await client.post(
        f"/v1/questionnaires/{HLM_360}/retire", params={"replaced_by": str(replaced_by[replacement])}, headers=admin
    )

    body = assert_problem(response, 409)
    assert body["type"].endswith("/invalid-replacement")
    assert await _status(client, admin, HLM_360) == "published"


async def test_a_questionnaire_is_not_published_on_a_framework_version_retired_meanwhile(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    import_framework: ImportDocument,
    import_questionnaire: ImportDocument,
    framework_document: dict[str, Any],
    questionnaire_document: dict[str, Any],
    assert_problem: Problem,
) -> None:
    await import_framework(framework_document)
    await client.post("/v1/frameworks/test-fw/versions/1/publish", headers=admin)
    await import_questionnaire(questionnaire_document)
    # Nothing uses test-fw yet, so its only version may retire.
    assert (await client.post("/v1/frameworks/test-fw/versions/1/retire", headers=admin)).status_code == 200

    body = assert_problem(await client.post(f"/v1/questionnaires/{TEST_Q}/publish", headers=admin), 409)

    assert body["type"].endswith("/framework-not-published")
