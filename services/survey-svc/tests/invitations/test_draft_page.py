"""A rater saves one page (one dimension) of the questionnaire: it replaces what the draft held for that
dimension, keeps the rest, and comes back whole, so the next page can be chosen without reading again."""

from __future__ import annotations

from typing import Any

import httpx

from hlm_contracts import QuestionnairePublishedV1

Problem = Any


def page_of(
    q: QuestionnairePublishedV1, dimension: int, level: int | str, comment: str | None = None
) -> dict[str, Any]:
    key = q.dimensions[dimension].key
    page: dict[str, Any] = {
        "answers": [{"item_key": i.key, "level": level} for i in q.items if i.dimension_key == key],
        "importance": [{"dimension_key": key, "rating": 3}],
        "comments": [],
    }
    if comment:
        page["comments"] = [{"dimension_key": key, "text": comment}]
    return page


async def test_a_page_replaces_its_own_dimension_and_keeps_the_rest_of_the_draft(
    survey: Any, client: httpx.AsyncClient, hlm_360: QuestionnairePublishedV1
) -> None:
    _, raters = await survey.open_360()
    token = (await survey.tokens(raters))[raters[1]["email"]]
    first, second = hlm_360.dimensions[0].key, hlm_360.dimensions[1].key

    await client.put(f"/v1/invitations/{token}/draft/{first}", json=page_of(hlm_360, 0, 2, "Calm."))
    await client.put(f"/v1/invitations/{token}/draft/{second}", json=page_of(hlm_360, 1, 4))
    # The first page again, changed: its old answers and comment go, the second page's stay.
    saved = await client.put(f"/v1/invitations/{token}/draft/{first}", json=page_of(hlm_360, 0, "not_observed"))
    view = (await client.get(f"/v1/invitations/{token}")).json()

    assert saved.status_code == 200, saved.text
    draft = saved.json()["draft"]
    assert draft == view["draft"]
    levels = {a["item_key"]: a["level"] for a in draft["answers"]}
    of = {i.key: i.dimension_key for i in hlm_360.items}
    assert {levels[k] for k in levels if of[k] == first} == {"not_observed"}
    assert {levels[k] for k in levels if of[k] == second} == {4}
    assert len(levels) == sum(1 for i in hlm_360.items if i.dimension_key in (first, second))
    assert sorted(r["dimension_key"] for r in draft["importance"]) == sorted([first, second])
    assert draft["comments"] == []


async def test_a_page_opened_reads_its_own_part_of_the_draft_alone(
    survey: Any, client: httpx.AsyncClient, hlm_360: QuestionnairePublishedV1
) -> None:
    _, raters = await survey.open_360()
    token = (await survey.tokens(raters))[raters[1]["email"]]
    first, second = hlm_360.dimensions[0].key, hlm_360.dimensions[1].key
    await client.put(f"/v1/invitations/{token}/draft/{first}", json=page_of(hlm_360, 0, 2, "Calm."))
    await client.put(f"/v1/invitations/{token}/draft/{second}", json=page_of(hlm_360, 1, 4, "Kind."))
    second_items = [i.key for i in hlm_360.items if i.dimension_key == second]

    whole = (await client.get(f"/v1/invitations/{token}")).json()
    page = await client.get(
        f"/v1/invitations/{token}",
        params={"questionnaire": "false", "item_keys": ",".join(second_items), "dimension_keys": second},
    )
    none = (await client.get(f"/v1/invitations/{token}", params={"item_keys": "", "dimension_keys": ""})).json()

    assert page.status_code == 200, page.text
    view = page.json()
    assert view["questionnaire"] is None
    assert view["draft"] == {
        "answers": [a for a in whole["draft"]["answers"] if a["item_key"] in second_items],
        "importance": [r for r in whole["draft"]["importance"] if r["dimension_key"] == second],
        "comments": [{"dimension_key": second, "text": "Kind."}],
    }
    assert len(view["draft"]["answers"]) == len(second_items)
    assert {k: view[k] for k in view if k != "draft" and k != "questionnaire"} == {
        k: whole[k] for k in whole if k != "draft" and k != "questionnaire"
    }
    # Asking for none of it still says a draft is saved.
    assert none["draft"] == {"answers": [], "importance": [], "comments": []}
    assert none["draft_saved_at"] == whole["draft_saved_at"]


async def test_anything_of_another_dimension_is_refused_and_nothing_stored(
    survey: Any, client: httpx.AsyncClient, hlm_360: QuestionnairePublishedV1, assert_problem: Problem
) -> None:
    _, raters = await survey.open_360()
    token = (await survey.tokens(raters))[raters[1]["email"]]
    first = hlm_360.dimensions[0].key
    other = page_of(hlm_360, 1, 3, "Elsewhere.")

    problem = assert_problem(await client.put(f"/v1/invitations/{token}/draft/{first}", json=other), 422)
    unknown = assert_problem(await client.put(f"/v1/invitations/{token}/draft/no_such", json={}), 422)
    view = (await client.get(f"/v1/invitations/{token}")).json()

    assert {tuple(e["loc"][:2]) for e in problem["errors"]} == {
        ("body", "answers"),
        ("body", "importance"),
        ("body", "comments"),
    }
    assert unknown["errors"][0]["loc"] == ["path", "dimension_key"]
    assert view["draft"] is None


async def test_a_link_that_opens_nothing_saves_no_page(
    survey: Any,
    client: httpx.AsyncClient,
    hlm_360: QuestionnairePublishedV1,
    full_answers: Any,
    assert_problem: Problem,
) -> None:
    _, raters = await survey.open_360()
    token = (await survey.tokens(raters))[raters[1]["email"]]
    await client.post(f"/v1/invitations/{token}/submit", json=full_answers(hlm_360))
    first = hlm_360.dimensions[0].key

    for sent in (token, "A" * 43):
        assert_problem(await client.put(f"/v1/invitations/{sent}/draft/{first}", json=page_of(hlm_360, 0, 3)), 404)


async def test_a_caller_that_has_the_questionnaire_reads_the_invitation_and_draft_without_it(
    survey: Any, client: httpx.AsyncClient, hlm_360: QuestionnairePublishedV1
) -> None:
    _, raters = await survey.open_360()
    token = (await survey.tokens(raters))[raters[1]["email"]]
    first = hlm_360.dimensions[0].key
    await client.put(f"/v1/invitations/{token}/draft/{first}", json=page_of(hlm_360, 0, 2))

    whole = await client.get(f"/v1/invitations/{token}")
    light = await client.get(f"/v1/invitations/{token}", params={"questionnaire": "false"})

    assert light.status_code == 200, light.text
    assert whole.json()["questionnaire"] is not None
    assert light.json()["questionnaire"] is None
    assert {k: v for k, v in light.json().items() if k != "questionnaire"} == {
        k: v for k, v in whole.json().items() if k != "questionnaire"
    }
