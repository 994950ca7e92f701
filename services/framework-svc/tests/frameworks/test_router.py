"""Reading the shipped catalogue: what a participant relies on finding in HLM and LF2011."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from hlm_kit.testing.pytest_plugin import AuthHeaders

HLM_DIMENSIONS = [
    "Inspiring shared purpose",
    "Leading with care",
    "Evaluating information",
    "Connecting our service",
    "Sharing the vision",
    "Engaging the team",
    "Holding to account",
    "Developing capability",
    "Influencing for results",
]
LF2011_DOMAINS = [
    "Demonstrating personal qualities",
    "Working with others",
    "Managing services",
    "Improving services",
    "Setting direction",
    "Creating the vision",
    "Delivering the strategy",
]
Problem = Callable[[httpx.Response, int], dict[str, Any]]


async def _read(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_hlm_has_its_nine_dimensions_in_order(client: httpx.AsyncClient, auth: AuthHeaders) -> None:
    body = await _read(client, "/v1/frameworks/hlm", auth("participant"))
    assert [d["name"] for d in body["dimensions"]] == HLM_DIMENSIONS
    assert [(level["value"], level["name"]) for level in body["rating_levels"]] == [
        (1, "Essential"),
        (2, "Proficient"),
        (3, "Strong"),
        (4, "Exemplary"),
    ]
    assert body["status"] == "published"
    assert body["counts"]["dimensions"] == 9


async def test_every_hlm_dimension_explains_itself_and_asks_do_i_questions(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    body = await _read(client, "/v1/frameworks/hlm", participant)
    for dimension in body["dimensions"]:
        name = dimension["name"]
        assert dimension["summary"].strip(), name
        assert dimension["why_it_matters"].strip(), name
        assert dimension["what_it_is_not"].strip(), name
        assert dimension["reflective_questions"], name
        for question in dimension["reflective_questions"]:
            assert question.startswith("Do I "), question
            assert question.endswith("?"), question


async def test_lf2011_has_7_domains_28_elements_112_descriptors_4_stages_88_indicators(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    body = await _read(client, "/v1/frameworks/lf2011", participant)
    assert body["counts"] == {
        "dimensions": 7,
        "elements": 28,
        "descriptors": 112,
        "stages": 4,
        "indicators": 88,
    }
    # The counts are derived from the tree; check the tree itself carries them too.
    elements = [e for d in body["dimensions"] for e in d["elements"]]
    assert len(elements) == 28
    assert sum(len(e["descriptors"]) for e in elements) == 112
    assert sum(len(e["indicators"]) for e in elements) == 88
    assert [d["name"] for d in body["dimensions"]] == LF2011_DOMAINS
    assert body["dimension_label"] == "domain"
    assert [s["number"] for s in body["stages"]] == [1, 2, 3, 4]


async def test_lf2011_domains_1_to_5_are_core_and_6_to_7_are_for_senior_leaders(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    body = await _read(client, "/v1/frameworks/lf2011", participant)
    assert [d["audience"] for d in body["dimensions"]] == ["core"] * 5 + ["senior"] * 2


async def test_lf2011_elements_are_numbered_1_1_to_7_4_with_four_descriptors_each(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    body = await _read(client, "/v1/frameworks/lf2011", participant)
    for number, domain in enumerate(body["dimensions"], 1):
        assert [e["key"] for e in domain["elements"]] == [f"{number}.{n}" for n in range(1, 5)]
        for element in domain["elements"]:
            assert len(element["descriptors"]) == 4, element["key"]
        assert domain["not_yet_behaviours"], domain["name"]


async def test_lf2011_senior_domains_have_indicators_only_at_stage_4(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    body = await _read(client, "/v1/frameworks/lf2011", participant)
    for number, domain in enumerate(body["dimensions"], 1):
        expected_stages = [1, 2, 3, 4] if number <= 5 else [4]
        for element in domain["elements"]:
            assert [i["stage"] for i in element["indicators"]] == expected_stages, element["key"]


async def test_the_framework_list_names_both_shipped_frameworks(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    body = await _read(client, "/v1/frameworks", participant)
    listed = {f["key"]: f for f in body["items"]}
    assert listed["hlm"]["name"] == "Healthcare Leadership Model"
    assert listed["hlm"]["latest_version"] == 1
    assert listed["hlm"]["dimension_label"] == "dimension"
    assert listed["lf2011"]["latest_version"] == 1
    assert listed["lf2011"]["dimension_label"] == "domain"
    assert listed["lf2011"]["latest_published_at"] is not None


async def test_the_framework_list_pages_by_key(client: httpx.AsyncClient, participant: dict[str, str]) -> None:
    first = await _read(client, "/v1/frameworks?limit=1", participant)
    assert len(first["items"]) == 1
    assert first["next_cursor"] == first["items"][0]["key"]
    second = await _read(client, f"/v1/frameworks?limit=100&cursor={first['next_cursor']}", participant)
    assert first["items"][0]["key"] not in {f["key"] for f in second["items"]}
    assert second["next_cursor"] is None


async def test_versions_of_a_framework_are_listed_with_their_status(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    body = await _read(client, "/v1/frameworks/hlm/versions", participant)
    assert [(v["key"], v["version"], v["status"]) for v in body["items"]] == [("hlm", 1, "published")]
    assert body["items"][0]["published_at"] is not None


@pytest.mark.parametrize(
    "path",
    [
        "/v1/frameworks/no-such-framework",
        "/v1/frameworks/no-such-framework/versions",
        "/v1/frameworks/hlm?version=99",
    ],
)
async def test_an_unknown_framework_or_version_answers_404_problem(
    client: httpx.AsyncClient, participant: dict[str, str], assert_problem: Problem, path: str
) -> None:
    body = assert_problem(await client.get(path, headers=participant), 404)
    assert body["type"].endswith("/framework-not-found")
    assert body["instance"] == path.split("?")[0]


async def test_a_version_number_below_1_answers_422_naming_the_parameter(
    client: httpx.AsyncClient, participant: dict[str, str], assert_problem: Problem
) -> None:
    body = assert_problem(await client.get("/v1/frameworks/hlm?version=0", headers=participant), 422)
    assert [e["loc"] for e in body["errors"]] == [["query", "version"]]


async def test_a_framework_read_carries_an_etag_and_a_matching_if_none_match_answers_304(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    first = await client.get("/v1/frameworks/hlm", headers=participant)
    etag = first.headers["etag"]
    assert etag.startswith('"')

    again = await client.get("/v1/frameworks/hlm", headers={**participant, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag


async def test_a_different_etag_answers_200_with_the_whole_body(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    first = await client.get("/v1/frameworks/hlm", headers=participant)
    other = await client.get("/v1/frameworks/hlm", headers={**participant, "If-None-Match": '"not-this-one"'})
    assert other.status_code == 200
    assert other.json() == first.json()
    assert other.headers["etag"] == first.headers["etag"]


async def test_each_framework_version_has_its_own_etag(client: httpx.AsyncClient, participant: dict[str, str]) -> None:
    hlm = await client.get("/v1/frameworks/hlm", headers=participant)
    lf2011 = await client.get("/v1/frameworks/lf2011", headers={**participant, "If-None-Match": hlm.headers["etag"]})
    assert lf2011.status_code == 200
    assert lf2011.headers["etag"] != hlm.headers["etag"]
