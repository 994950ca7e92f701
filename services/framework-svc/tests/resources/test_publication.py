"""Publishing and retiring resources: one event in the same transaction, carrying the whole published set."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from hlm_contracts import ResourcesPublishedV1

Problem = Callable[[httpx.Response, int], dict[str, Any]]
ImportDocument = Callable[..., Awaitable[httpx.Response]]
Envelopes = Callable[[str], Awaitable[list[dict[str, Any]]]]
State = Callable[[], Awaitable[dict[str, list[tuple[Any, ...]]]]]

TEST_RESOURCES = {"resources": [{"key": "test-reading", "version": 1}, {"key": "test-coaching", "version": 1}]}


async def _published_set(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, int]:
    items, cursor = [], None
    while True:
        page = (await client.get("/v1/resources", params={"limit": 100, "cursor": cursor}, headers=headers)).json()
        items += page["items"]
        if (cursor := page["next_cursor"]) is None:
            return {i["key"]: i["version"] for i in items}


async def test_publishing_writes_one_event_carrying_the_whole_published_set_with_dimension_keys(
    client: httpx.AsyncClient,
    import_resources: ImportDocument,
    resources_document: dict[str, Any],
    admin: dict[str, str],
    participant: dict[str, str],
    outbox_envelopes: Envelopes,
) -> None:
    await import_resources(resources_document)
    events_before = len(await outbox_envelopes("resources"))

    published = await client.post("/v1/resources/publish", json=TEST_RESOURCES, headers=admin)

    assert published.status_code == 200, published.text
    assert [(i["key"], i["status"]) for i in published.json()["items"]] == [
        ("test-reading", "published"),
        ("test-coaching", "published"),
    ]
    envelopes = await outbox_envelopes("resources")
    assert len(envelopes) == events_before + 1
    envelope = envelopes[-1]
    assert (envelope["type"], envelope["source"]) == ("hlm.framework.resources.published.v1", "framework-svc")
    event = ResourcesPublishedV1.model_validate(envelope["data"])
    assert {r.key: r.version for r in event.resources} == await _published_set(client, participant)
    reading = next(r for r in event.resources if r.key == "test-reading")
    assert [(t.framework_key, t.dimension_key, t.from_levels) for t in reading.serves] == [
        ("hlm", "leading_with_care", ["essential"]),
        ("lf2011", "working_with_others", []),
    ]
    assert (await client.get("/v1/resources/test-reading", headers=participant)).json()["status"] == "published"


async def test_publishing_a_new_version_retires_the_one_it_replaces(
    client: httpx.AsyncClient,
    import_resources: ImportDocument,
    resources_document: dict[str, Any],
    admin: dict[str, str],
    participant: dict[str, str],
    outbox_envelopes: Envelopes,
) -> None:
    await import_resources(resources_document)
    await client.post("/v1/resources/publish", json=TEST_RESOURCES, headers=admin)
    reading = resources_document["resources"][0]
    await import_resources({"resources": [{**reading, "version": 2, "title": "A reading, second edition"}]})

    response = await client.post(
        "/v1/resources/publish", json={"resources": [{"key": "test-reading", "version": 2}]}, headers=admin
    )

    assert response.status_code == 200, response.text
    current = (await client.get("/v1/resources/test-reading", headers=participant)).json()
    assert (current["version"], current["title"]) == (2, "A reading, second edition")
    old = (await client.get("/v1/resources/test-reading?version=1", headers=participant)).json()
    assert (old["status"], old["replaced_by"]) == ("retired", 2)
    event = ResourcesPublishedV1.model_validate((await outbox_envelopes("resources"))[-1]["data"])
    assert [r.version for r in event.resources if r.key == "test-reading"] == [2]


async def test_retiring_writes_the_published_set_without_the_retired_resource(
    client: httpx.AsyncClient, admin: dict[str, str], participant: dict[str, str], outbox_envelopes: Envelopes
) -> None:
    refs = {"resources": [{"key": "stakeholder-mapping", "version": 1}]}

    response = await client.post("/v1/resources/retire", json=refs, headers=admin)

    assert response.status_code == 200
    assert response.json()["items"][0]["status"] == "retired"
    event = ResourcesPublishedV1.model_validate((await outbox_envelopes("resources"))[-1]["data"])
    assert "stakeholder-mapping" not in {r.key for r in event.resources}
    assert {r.key for r in event.resources} == set(await _published_set(client, participant))
    assert (await client.get("/v1/resources/stakeholder-mapping", headers=participant)).status_code == 404


async def test_publishing_what_is_already_published_writes_no_event(
    client: httpx.AsyncClient, admin: dict[str, str], stored_state: State
) -> None:
    before = await stored_state()

    response = await client.post(
        "/v1/resources/publish", json={"resources": [{"key": "caring-to-change", "version": 1}]}, headers=admin
    )

    assert response.status_code == 200
    assert await stored_state() == before


async def test_a_refused_transition_changes_nothing_and_writes_no_event(
    client: httpx.AsyncClient,
    import_resources: ImportDocument,
    resources_document: dict[str, Any],
    admin: dict[str, str],
    assert_problem: Problem,
    stored_state: State,
) -> None:
    await import_resources(resources_document)
    before = await stored_state()

    # The first resource would be published, the second is a draft that cannot be retired: neither happens.
    retire_draft = {"resources": [{"key": "caring-to-change", "version": 1}, {"key": "test-reading", "version": 1}]}
    assert_problem(await client.post("/v1/resources/retire", json=retire_draft, headers=admin), 409)
    publish_missing = {"resources": [{"key": "test-reading", "version": 1}, {"key": "no-such-thing", "version": 1}]}
    assert_problem(await client.post("/v1/resources/publish", json=publish_missing, headers=admin), 404)

    assert await stored_state() == before
