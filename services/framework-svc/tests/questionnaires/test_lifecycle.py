"""A questionnaire's life: imported on a framework version, published with its event, retired."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import yaml

from framework_svc.versioning import version_id
from hlm_contracts import QuestionnairePublishedV1

Problem = Callable[[httpx.Response, int], dict[str, Any]]
ImportDocument = Callable[..., Awaitable[httpx.Response]]
CountRows = Callable[[str], Awaitable[int]]
Envelopes = Callable[[str], Awaitable[list[dict[str, Any]]]]

PUBLISHED_TYPE = "hlm.framework.questionnaire.published.v1"
TEST_HLM_Q = str(version_id("questionnaire", "test-hlm-q", 1))
TEST_Q = str(version_id("questionnaire", "test-q", 1))


@pytest.fixture
async def draft(import_questionnaire: ImportDocument, hlm_questionnaire_document: dict[str, Any]) -> dict[str, Any]:
    """test-hlm-q version 1, a draft on the published hlm v1."""
    response = await import_questionnaire(hlm_questionnaire_document)
    assert response.status_code == 201, response.text
    return hlm_questionnaire_document


@pytest.mark.parametrize("fmt", ["json", "yaml"])
async def test_importing_a_questionnaire_stores_a_draft(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    import_questionnaire: ImportDocument,
    hlm_questionnaire_document: dict[str, Any],
    fmt: str,
) -> None:
    response = await import_questionnaire(hlm_questionnaire_document, fmt)

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["id"], body["key"], body["status"]) == (TEST_HLM_Q, "test-hlm-q", "draft")
    assert response.headers["location"] == f"/v1/questionnaires/{TEST_HLM_Q}"
    assert len(body["items"]) == len(hlm_questionnaire_document["items"])
    stored = (await client.get(f"/v1/questionnaires/{TEST_HLM_Q}", headers=admin)).json()
    assert stored == body


async def test_a_draft_questionnaire_is_invisible_to_a_participant(
    client: httpx.AsyncClient, participant: dict[str, str], draft: dict[str, Any], assert_problem: Problem
) -> None:
    assert_problem(await client.get(f"/v1/questionnaires/{TEST_HLM_Q}", headers=participant), 404)
    batch = (await client.get(f"/v1/questionnaires?ids={TEST_HLM_Q}", headers=participant)).json()
    assert batch["items"] == []
    listed = (await client.get("/v1/questionnaires?framework=hlm", headers=participant)).json()
    assert TEST_HLM_Q not in {q["id"] for q in listed["items"]}


async def test_reimporting_a_draft_questionnaire_replaces_it_and_answers_200(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    import_questionnaire: ImportDocument,
    draft: dict[str, Any],
    questionnaires_stored: CountRows,
) -> None:
    changed = copy.deepcopy(draft)
    changed["items"][0]["text"] = "I act on our values, even when it is inconvenient."

    response = await import_questionnaire(changed, "yaml")

    assert response.status_code == 200, response.text
    stored = (await client.get(f"/v1/questionnaires/{TEST_HLM_Q}", headers=admin)).json()
    assert stored["items"][0]["text"] == "I act on our values, even when it is inconvenient."
    assert await questionnaires_stored("test-hlm-q") == 1


async def test_publishing_a_questionnaire_makes_it_visible_to_participants(
    client: httpx.AsyncClient, admin: dict[str, str], participant: dict[str, str], draft: dict[str, Any]
) -> None:
    response = await client.post(f"/v1/questionnaires/{TEST_HLM_Q}/publish", headers=admin)

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "published"
    assert response.json()["published_at"] is not None
    seen = await client.get(f"/v1/questionnaires/{TEST_HLM_Q}", headers=participant)
    assert seen.status_code == 200
    assert seen.json()["status"] == "published"


async def test_publishing_writes_one_questionnaire_published_event_carrying_every_item(
    client: httpx.AsyncClient, admin: dict[str, str], draft: dict[str, Any], outbox_envelopes: Envelopes
) -> None:
    assert await outbox_envelopes(TEST_HLM_Q) == []

    published = (await client.post(f"/v1/questionnaires/{TEST_HLM_Q}/publish", headers=admin)).json()

    [envelope] = await outbox_envelopes(TEST_HLM_Q)
    assert envelope["type"] == PUBLISHED_TYPE
    assert envelope["source"] == "framework-svc"
    assert envelope["specversion"] == "1.0"
    assert envelope["subject"] == TEST_HLM_Q
    event = QuestionnairePublishedV1.model_validate(envelope["data"])
    assert str(event.questionnaire_id) == TEST_HLM_Q
    assert (event.key, event.version, event.framework_key, event.framework_version) == ("test-hlm-q", 1, "hlm", 1)
    assert [(i.key, i.dimension_key, i.text) for i in event.items] == [
        (i["key"], i["dimension"], i["text"]) for i in draft["items"]
    ]
    assert [(q.dimension_key, q.text) for q in event.importance_questions] == [
        (q["dimension"], q["text"]) for q in draft["importance_questions"]
    ]
    assert [(p.value, p.label) for p in event.performance_scale] == [
        (p["value"], p["label"]) for p in draft["performance_scale"]["points"]
    ]
    assert [d.key for d in event.dimensions] == [d["key"] for d in published["dimensions"]]
    assert event.published_at.isoformat() == published["published_at"].replace("Z", "+00:00")


async def test_publishing_a_published_questionnaire_again_writes_no_second_event(
    client: httpx.AsyncClient, admin: dict[str, str], draft: dict[str, Any], outbox_envelopes: Envelopes
) -> None:
    first = await client.post(f"/v1/questionnaires/{TEST_HLM_Q}/publish", headers=admin)

    again = await client.post(f"/v1/questionnaires/{TEST_HLM_Q}/publish", headers=admin)

    assert again.status_code == 200
    assert again.json() == first.json()
    assert len(await outbox_envelopes(TEST_HLM_Q)) == 1


async def test_the_shipped_questionnaires_each_have_one_published_event(outbox_envelopes: Envelopes) -> None:
    for key in ("hlm-360", "hlm-self"):
        id = str(version_id("questionnaire", key, 1))
        [envelope] = await outbox_envelopes(id)
        assert QuestionnairePublishedV1.model_validate(envelope["data"]).key == key


async def test_a_questionnaire_on_a_draft_framework_cannot_be_published(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    participant: dict[str, str],
    import_framework: ImportDocument,
    import_questionnaire: ImportDocument,
    framework_document: dict[str, Any],
    questionnaire_document: dict[str, Any],
    outbox_envelopes: Envelopes,
    assert_problem: Problem,
) -> None:
    await import_framework(framework_document)
    imported = await import_questionnaire(questionnaire_document)
    assert imported.status_code == 201, imported.text

    body = assert_problem(await client.post(f"/v1/questionnaires/{TEST_Q}/publish", headers=admin), 409)

    assert body["type"].endswith("/framework-not-published")
    stored = (await client.get(f"/v1/questionnaires/{TEST_Q}", headers=admin)).json()
    assert stored["status"] == "draft"
    assert await outbox_envelopes(TEST_Q) == []
    assert_problem(await client.get(f"/v1/questionnaires/{TEST_Q}", headers=participant), 404)


async def test_a_questionnaire_publishes_once_its_framework_is_published(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    import_framework: ImportDocument,
    import_questionnaire: ImportDocument,
    framework_document: dict[str, Any],
    questionnaire_document: dict[str, Any],
    outbox_envelopes: Envelopes,
) -> None:
    await import_framework(framework_document)
    await import_questionnaire(questionnaire_document)
    await client.post("/v1/frameworks/test-fw/versions/1/publish", headers=admin)

    response = await client.post(f"/v1/questionnaires/{TEST_Q}/publish", headers=admin)

    assert response.status_code == 200, response.text
    assert len(await outbox_envelopes(TEST_Q)) == 1


async def test_importing_over_a_published_questionnaire_answers_409_and_changes_nothing(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    import_questionnaire: ImportDocument,
    draft: dict[str, Any],
    assert_problem: Problem,
) -> None:
    await client.post(f"/v1/questionnaires/{TEST_HLM_Q}/publish", headers=admin)
    before = (await client.get(f"/v1/questionnaires/{TEST_HLM_Q}", headers=admin)).json()

    body = assert_problem(await import_questionnaire({**draft, "name": "Changed after publication"}), 409)

    assert body["type"].endswith("/version-not-changeable")
    assert (await client.get(f"/v1/questionnaires/{TEST_HLM_Q}", headers=admin)).json() == before


async def test_importing_over_a_shipped_questionnaire_answers_409(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    import_questionnaire: ImportDocument,
    hlm_questionnaire_document: dict[str, Any],
    assert_problem: Problem,
) -> None:
    assert_problem(await import_questionnaire({**hlm_questionnaire_document, "key": "hlm-self"}), 409)


async def test_retiring_a_questionnaire_keeps_it_readable_by_id(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    participant: dict[str, str],
    draft: dict[str, Any],
    outbox_envelopes: Envelopes,
) -> None:
    await client.post(f"/v1/questionnaires/{TEST_HLM_Q}/publish", headers=admin)

    response = await client.post(f"/v1/questionnaires/{TEST_HLM_Q}/retire", headers=admin)

    assert response.status_code == 200
    assert response.json()["status"] == "retired"
    assert response.json()["retired_at"] is not None
    seen = await client.get(f"/v1/questionnaires/{TEST_HLM_Q}", headers=participant)
    assert seen.json()["status"] == "retired"
    assert len(await outbox_envelopes(TEST_HLM_Q)) == 1


async def test_retiring_a_draft_questionnaire_answers_409(
    client: httpx.AsyncClient, admin: dict[str, str], draft: dict[str, Any], assert_problem: Problem
) -> None:
    body = assert_problem(await client.post(f"/v1/questionnaires/{TEST_HLM_Q}/retire", headers=admin), 409)

    assert body["type"].endswith("/invalid-status-transition")
    assert (await client.get(f"/v1/questionnaires/{TEST_HLM_Q}", headers=admin)).json()["status"] == "draft"


async def test_publishing_a_retired_questionnaire_answers_409_and_writes_no_event(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    draft: dict[str, Any],
    outbox_envelopes: Envelopes,
    assert_problem: Problem,
) -> None:
    await client.post(f"/v1/questionnaires/{TEST_HLM_Q}/publish", headers=admin)
    await client.post(f"/v1/questionnaires/{TEST_HLM_Q}/retire", headers=admin)

    assert_problem(await client.post(f"/v1/questionnaires/{TEST_HLM_Q}/publish", headers=admin), 409)

    assert len(await outbox_envelopes(TEST_HLM_Q)) == 1


@pytest.mark.parametrize("action", ["publish", "retire", "export"])
async def test_acting_on_an_unknown_questionnaire_answers_404(
    client: httpx.AsyncClient, admin: dict[str, str], assert_problem: Problem, action: str
) -> None:
    method = client.get if action == "export" else client.post
    assert_problem(await method(f"/v1/questionnaires/{TEST_Q}/{action}", headers=admin), 404)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
async def test_a_questionnaire_export_reimports_as_a_new_version_with_the_same_content(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    import_questionnaire: ImportDocument,
    draft: dict[str, Any],
    fmt: str,
) -> None:
    exported = await client.get(f"/v1/questionnaires/{TEST_HLM_Q}/export?format={fmt}", headers=admin)
    assert exported.status_code == 200
    document = yaml.safe_load(exported.text) if fmt == "yaml" else exported.json()
    assert document == draft

    response = await import_questionnaire({**document, "version": 2}, fmt)

    assert response.status_code == 201, response.text
    v2 = str(version_id("questionnaire", "test-hlm-q", 2))
    again = await client.get(f"/v1/questionnaires/{v2}/export?format=json", headers=admin)
    assert again.json() == {**draft, "version": 2}
