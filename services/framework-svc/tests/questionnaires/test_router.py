"""Reading the shipped questionnaires: by framework, by id, in batches, with ETags."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from framework_svc.versioning import version_id

HLM_360 = str(version_id("questionnaire", "hlm-360", 1))
HLM_SELF = str(version_id("questionnaire", "hlm-self", 1))
Problem = Callable[[httpx.Response, int], dict[str, Any]]


async def test_hlm_questionnaires_are_the_360_and_the_self_assessment(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    response = await client.get("/v1/questionnaires?framework=hlm", headers=participant)

    assert response.status_code == 200
    items = response.json()["items"]
    assert [(q["key"], q["purpose"], q["status"]) for q in items] == [
        ("hlm-360", "feedback_360", "published"),
        ("hlm-self", "self_assessment", "published"),
    ]
    assert [q["id"] for q in items] == [HLM_360, HLM_SELF]
    assert all((q["framework_key"], q["framework_version"]) == ("hlm", 1) for q in items)


async def test_a_framework_without_questionnaires_lists_none(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    response = await client.get("/v1/questionnaires?framework=lf2011", headers=participant)

    assert response.status_code == 200
    assert response.json()["items"] == []


async def test_the_360_asks_at_least_four_items_and_one_importance_question_per_dimension(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    questionnaire = (await client.get(f"/v1/questionnaires/{HLM_360}", headers=participant)).json()

    dimension_keys = [d["key"] for d in questionnaire["dimensions"]]
    assert len(dimension_keys) == 9
    items_per_dimension = Counter(i["dimension_key"] for i in questionnaire["items"])
    assert set(items_per_dimension) == set(dimension_keys)
    assert min(items_per_dimension.values()) >= 4
    assert sorted(q["dimension_key"] for q in questionnaire["importance_questions"]) == sorted(dimension_keys)


async def test_a_questionnaire_carries_both_scales_and_the_not_observed_answer(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    questionnaire = (await client.get(f"/v1/questionnaires/{HLM_360}", headers=participant)).json()

    assert [(p["value"], p["label"]) for p in questionnaire["performance_scale"]] == [
        (1, "Essential"),
        (2, "Proficient"),
        (3, "Strong"),
        (4, "Exemplary"),
    ]
    assert [p["value"] for p in questionnaire["importance_scale"]] == [1, 2, 3, 4]
    assert questionnaire["not_observed_label"] == "Not observed"
    assert [i["position"] for i in questionnaire["items"]] == list(range(1, len(questionnaire["items"]) + 1))


async def test_the_self_assessment_and_the_360_share_item_keys(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    both = (await client.get(f"/v1/questionnaires?ids={HLM_360},{HLM_SELF}", headers=participant)).json()

    rater, self_ = both["items"]
    assert [(i["key"], i["dimension_key"]) for i in rater["items"]] == [
        (i["key"], i["dimension_key"]) for i in self_["items"]
    ]


@pytest.mark.parametrize("order", [[HLM_360, HLM_SELF], [HLM_SELF, HLM_360]])
async def test_a_batch_read_answers_in_the_order_asked(
    client: httpx.AsyncClient, participant: dict[str, str], order: list[str]
) -> None:
    response = await client.get(f"/v1/questionnaires?ids={','.join(order)}", headers=participant)

    assert response.status_code == 200
    assert [q["id"] for q in response.json()["items"]] == order


async def test_a_batch_read_leaves_out_unknown_ids_and_repeats(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    unknown = str(uuid.uuid4())

    response = await client.get(
        f"/v1/questionnaires?ids={unknown},{HLM_SELF},{HLM_SELF},{HLM_360}", headers=participant
    )

    assert response.status_code == 200
    assert [q["id"] for q in response.json()["items"]] == [HLM_SELF, HLM_360]


@pytest.mark.parametrize(
    ("ids", "loc"),
    [
        ("not-a-uuid", ["query", "ids", 0]),
        (f"{HLM_360},42", ["query", "ids", 1]),
        (f"{HLM_360};{HLM_SELF}", ["query", "ids", 0]),
    ],
)
async def test_a_batch_read_with_a_malformed_id_answers_422_naming_it(
    client: httpx.AsyncClient, participant: dict[str, str], assert_problem: Problem, ids: str, loc: list[str | int]
) -> None:
    body = assert_problem(await client.get(f"/v1/questionnaires?ids={ids}", headers=participant), 422)
    assert body["type"].endswith("/validation-error")
    assert [e["loc"] for e in body["errors"]] == [loc]


async def test_a_batch_read_of_more_than_100_ids_answers_422(
    client: httpx.AsyncClient, participant: dict[str, str], assert_problem: Problem
) -> None:
    ids = ",".join(str(uuid.uuid4()) for _ in range(101))

    body = assert_problem(await client.get(f"/v1/questionnaires?ids={ids}", headers=participant), 422)
    assert [(e["loc"], e["type"]) for e in body["errors"]] == [(["query", "ids"], "too_long")]


async def test_an_unknown_questionnaire_answers_404_problem(
    client: httpx.AsyncClient, participant: dict[str, str], assert_problem: Problem
) -> None:
    body = assert_problem(await client.get(f"/v1/questionnaires/{uuid.uuid4()}", headers=participant), 404)
    assert body["type"].endswith("/questionnaire-not-found")


async def test_a_malformed_questionnaire_id_answers_422_naming_it(
    client: httpx.AsyncClient, participant: dict[str, str], assert_problem: Problem
) -> None:
    body = assert_problem(await client.get("/v1/questionnaires/hlm-360", headers=participant), 422)
    assert [e["loc"] for e in body["errors"]] == [["path", "id"]]


async def test_a_questionnaire_read_carries_an_etag_and_a_matching_if_none_match_answers_304(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    first = await client.get(f"/v1/questionnaires/{HLM_360}", headers=participant)
    etag = first.headers["etag"]

    again = await client.get(f"/v1/questionnaires/{HLM_360}", headers={**participant, "If-None-Match": etag})
    weak = await client.get(f"/v1/questionnaires/{HLM_360}", headers={**participant, "If-None-Match": f"W/{etag}"})

    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert weak.status_code == 304


async def test_a_questionnaire_read_with_a_different_etag_answers_200(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    first = await client.get(f"/v1/questionnaires/{HLM_360}", headers=participant)
    self_etag = (await client.get(f"/v1/questionnaires/{HLM_SELF}", headers=participant)).headers["etag"]

    other = await client.get(f"/v1/questionnaires/{HLM_360}", headers={**participant, "If-None-Match": self_etag})

    assert other.status_code == 200
    assert other.json() == first.json()
    assert self_etag != first.headers["etag"]


async def test_a_questionnaire_list_carries_an_etag_too(client: httpx.AsyncClient, participant: dict[str, str]) -> None:
    first = await client.get("/v1/questionnaires?framework=hlm", headers=participant)

    again = await client.get(
        "/v1/questionnaires?framework=hlm", headers={**participant, "If-None-Match": first.headers["etag"]}
    )

    assert again.status_code == 304
    assert again.content == b""
