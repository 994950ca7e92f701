"""Importing and exporting a resources document: every problem listed with its location, nothing stored
unless the whole document is valid; an export imports again unchanged."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import yaml

Problem = Callable[[httpx.Response, int], dict[str, Any]]
ImportDocument = Callable[..., Awaitable[httpx.Response]]
State = Callable[[], Awaitable[dict[str, list[tuple[Any, ...]]]]]


async def test_a_valid_document_is_stored_as_drafts_that_only_admins_see(
    client: httpx.AsyncClient,
    import_resources: ImportDocument,
    resources_document: dict[str, Any],
    admin: dict[str, str],
    participant: dict[str, str],
) -> None:
    response = await import_resources(resources_document, fmt="yaml")

    assert response.status_code == 201, response.text
    assert [(i["key"], i["status"], i["outcome"]) for i in response.json()["items"]] == [
        ("test-reading", "draft", "created"),
        ("test-coaching", "draft", "created"),
    ]
    draft = (await client.get("/v1/resources/test-reading?version=1", headers=admin)).json()
    assert draft["status"] == "draft"
    assert draft["serves"] == resources_document["resources"][0]["serves"]
    assert draft["cost"] == {"amount": "0.00", "currency": "GBP"}
    assert (await client.get("/v1/resources/test-reading?version=1", headers=participant)).status_code == 404
    assert (await client.get("/v1/resources/test-reading", headers=admin)).status_code == 404  # none published


async def test_a_draft_imported_again_is_replaced(
    import_resources: ImportDocument, resources_document: dict[str, Any], client: httpx.AsyncClient, admin: Any
) -> None:
    await import_resources(resources_document)
    resources_document["resources"][0]["title"] = "A reading retitled before publication"

    response = await import_resources(resources_document)

    assert response.status_code == 200
    assert [i["outcome"] for i in response.json()["items"]] == ["replaced", "unchanged"]
    draft = await client.get("/v1/resources/test-reading?version=1", headers=admin)
    assert draft.json()["title"] == "A reading retitled before publication"


async def test_a_document_naming_an_unknown_dimension_lists_every_error_and_stores_nothing(
    import_resources: ImportDocument, resources_document: dict[str, Any], assert_problem: Problem, stored_state: State
) -> None:
    reading, coaching = resources_document["resources"]
    reading["serves"][0]["dimension"] = "charisma"  # not an HLM dimension
    reading["serves"][1]["from_levels"] = ["strong"]  # LF2011 has no rating levels
    coaching["serves"][0]["from_levels"] = ["strong", "legendary"]
    coaching["serves"].append({"framework": "itil", "dimension": "change_management"})
    coaching["kind"] = "webinar"  # a field error, listed beside the reference errors
    before = await stored_state()

    body = assert_problem(await import_resources(resources_document, fmt="yaml"), 422)

    assert sorted((e["loc"], e["type"]) for e in body["errors"]) == sorted(
        [
            (["body", "resources", 0, "serves", 0, "dimension"], "unknown_reference"),
            (["body", "resources", 0, "serves", 1, "from_levels", 0], "unknown_reference"),
            (["body", "resources", 1, "kind"], "enum"),
            (["body", "resources", 1, "serves", 0, "from_levels", 1], "unknown_reference"),
            (["body", "resources", 1, "serves", 1, "framework"], "unknown_reference"),
        ]
    )
    assert any("unknown dimension 'charisma' of 'hlm'" in e["msg"] for e in body["errors"])
    assert await stored_state() == before


async def test_a_resource_twice_in_one_document_or_a_dimension_twice_in_one_resource_is_refused(
    import_resources: ImportDocument, resources_document: dict[str, Any], assert_problem: Problem, stored_state: State
) -> None:
    reading = resources_document["resources"][0]
    reading["serves"].append({"dimension": "leading_with_care"})  # framework defaults to hlm
    resources_document["resources"].append({**reading, "version": 2, "serves": reading["serves"][:1]})
    before = await stored_state()

    body = assert_problem(await import_resources(resources_document), 422)

    assert sorted((e["loc"], e["type"]) for e in body["errors"]) == [
        (["body", "resources", 0, "serves", 2, "dimension"], "duplicate_key"),
        (["body", "resources", 2, "key"], "duplicate_key"),
    ]
    assert await stored_state() == before


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"link": "javascript:alert(1)"}, ["link"]),
        ({"year": 1492}, ["year"]),
        ({"duration_minutes": 2**31}, ["duration_minutes"]),
        ({"cost": {"amount": "-5", "currency": "GBP"}}, ["cost", "amount"]),
        ({"cost": {"amount": "5", "currency": "pounds"}}, ["cost", "currency"]),
        ({"audiences": ["everyone"]}, ["audiences", 0]),
        ({"serves": []}, ["serves"]),
        ({"title": "A\x00title"}, ["title"]),
    ],
)
async def test_a_field_out_of_bounds_is_a_422_at_its_location(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    resources_document: dict[str, Any],
    assert_problem: Problem,
    stored_state: State,
    change: dict[str, Any],
    loc: list[str | int],
) -> None:
    resources_document["resources"][1].update(change)
    before = await stored_state()
    # As YAML: a JSON body with a NUL is refused at the edge before it reaches the document's rules.
    body = yaml.safe_dump(resources_document, allow_unicode=True)

    response = await client.post("/v1/resources", content=body, headers={**admin, "Content-Type": "application/yaml"})

    problem = assert_problem(response, 422)
    assert [e["loc"] for e in problem["errors"]] == [["body", "resources", 1, *loc]]
    assert await stored_state() == before


async def test_the_export_of_the_published_resources_imports_again_unchanged(
    client: httpx.AsyncClient, admin: dict[str, str], stored_state: State
) -> None:
    exported = await client.get("/v1/resources/export?format=yaml", headers=admin)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/yaml")
    before = await stored_state()

    response = await client.post(
        "/v1/resources", content=exported.content, headers={**admin, "Content-Type": "application/yaml"}
    )

    assert response.status_code == 200, response.text
    assert {i["outcome"] for i in response.json()["items"]} == {"unchanged"}
    assert await stored_state() == before


async def test_a_changed_published_resource_is_refused_with_409_naming_it(
    client: httpx.AsyncClient, admin: dict[str, str], assert_problem: Problem, stored_state: State
) -> None:
    exported = (await client.get("/v1/resources/export?format=json", headers=admin)).json()
    exported["resources"][0]["description"] = "Rewritten after publication."
    before = await stored_state()

    body = assert_problem(await client.post("/v1/resources", json=exported, headers=admin), 409)

    assert f"resource {exported['resources'][0]['key']} v1 is published with different content" in body["detail"]
    assert await stored_state() == before
