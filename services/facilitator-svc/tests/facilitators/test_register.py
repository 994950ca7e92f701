"""The register: administrators manage their region's facilitators, facilitators their own profile."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from hlm_kit.testing.pytest_plugin import AuthHeaders


async def test_an_admin_registers_a_facilitator_in_their_own_region(
    client: httpx.AsyncClient, admin: dict[str, str], new_facilitator: Any
) -> None:
    document = new_facilitator(
        specialisms=["team_360"], languages=["en", "cy"], location={"latitude": 51.5, "longitude": -0.1}
    )

    response = await client.post("/v1/facilitators", json=document, headers=admin)

    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/v1/facilitators/{body['id']}"
    assert body["region"] == "london"
    assert body["status"] == "active"
    assert body["accreditation"]["is_current"] is True
    assert body["specialisms"] == ["team_360"]
    assert body["location"] == {"latitude": 51.5, "longitude": -0.1}
    fetched = await client.get(f"/v1/facilitators/{body['id']}", headers=admin)
    assert fetched.json() == body


async def test_an_admin_cannot_register_a_facilitator_in_another_region(
    client: httpx.AsyncClient, admin: dict[str, str], new_facilitator: Any, assert_problem: Any, stored_state: Any
) -> None:
    before = await stored_state()

    response = await client.post("/v1/facilitators", json=new_facilitator(region="north_west"), headers=admin)

    assert_problem(response, 403)
    assert await stored_state() == before


async def test_a_facilitator_whose_organisation_holds_a_nul_is_refused_naming_it_and_nothing_is_stored(
    client: httpx.AsyncClient, admin: dict[str, str], new_facilitator: Any, assert_problem: Any, stored_state: Any
) -> None:
    before = await stored_state()

    response = await client.post("/v1/facilitators", json=new_facilitator(organisation="A\u0000B"), headers=admin)

    problem = assert_problem(response, 422)
    assert [e["loc"] for e in problem["errors"]] == [["body", "organisation"]]
    assert await stored_state() == before


async def test_an_admin_token_without_a_region_manages_nothing(
    client: httpx.AsyncClient, auth: AuthHeaders, new_facilitator: Any, assert_problem: Any
) -> None:
    headers = auth("academy_admin", sub="admin-x", region="")

    assert_problem(await client.post("/v1/facilitators", json=new_facilitator(), headers=headers), 403)
    assert_problem(await client.get("/v1/facilitators", headers=headers), 403)


async def test_a_facilitator_with_every_kind_of_bad_field_is_refused_whole_with_every_error_listed(
    client: httpx.AsyncClient, admin: dict[str, str], new_facilitator: Any, assert_problem: Any, stored_state: Any
) -> None:
    before = await stored_state()
    document = new_facilitator(
        capacity_per_month=-1,
        specialisms=["team_360", "astrology"],
        languages=["English"],
        modes=[],
        email="not-an-email",
        accreditation={"level": "master", "trained_on": "2030-01-01", "expires_on": "2029-01-01"},
        location={"latitude": 95, "longitude": 0},
        nickname="Sam",
    )

    problem = assert_problem(await client.post("/v1/facilitators", json=document, headers=admin), 422)

    locations = {tuple(e["loc"]) for e in problem["errors"]}
    assert ("body", "capacity_per_month") in locations
    assert ("body", "specialisms", 1) in locations
    assert ("body", "languages", 0) in locations
    assert ("body", "modes") in locations
    assert ("body", "email") in locations
    assert ("body", "accreditation", "level") in locations
    assert ("body", "location", "latitude") in locations
    assert ("body", "nickname") in locations
    assert any("astrology" in e["msg"] for e in problem["errors"])
    assert await stored_state() == before


async def test_accreditation_that_expires_before_training_is_refused(
    client: httpx.AsyncClient, admin: dict[str, str], new_facilitator: Any, assert_problem: Any
) -> None:
    document = new_facilitator(
        accreditation={"level": "trainer", "trained_on": "2030-01-01", "expires_on": "2029-01-01"}
    )

    problem = assert_problem(await client.post("/v1/facilitators", json=document, headers=admin), 422)

    assert problem["errors"][0]["loc"] == ["body", "accreditation"]


async def test_an_email_is_registered_once_whatever_its_case(
    client: httpx.AsyncClient, admin: dict[str, str], new_facilitator: Any, assert_problem: Any
) -> None:
    first = new_facilitator()
    assert (await client.post("/v1/facilitators", json=first, headers=admin)).status_code == 201

    again = new_facilitator(email=first["email"].upper())
    problem = assert_problem(await client.post("/v1/facilitators", json=again, headers=admin), 409)

    assert problem["type"].endswith("/already-registered")


async def test_an_account_is_linked_to_one_facilitator_only(
    client: httpx.AsyncClient, admin: dict[str, str], new_facilitator: Any, assert_problem: Any
) -> None:
    assert (
        await client.post("/v1/facilitators", json=new_facilitator(subject="fac-7"), headers=admin)
    ).status_code == 201

    assert_problem(await client.post("/v1/facilitators", json=new_facilitator(subject="fac-7"), headers=admin), 409)


async def test_a_facilitator_changes_their_own_profile(
    client: httpx.AsyncClient, auth: AuthHeaders, add_facilitator: Any
) -> None:
    facilitator = await add_facilitator(subject="fac-1")
    own = auth("facilitator", sub="fac-1")
    change = {
        "phone": "+44 20 7946 0000",
        "capacity_per_month": 6,
        "languages": ["en", "pa"],
        "specialisms": ["primary_care"],
        "modes": ["video"],
        "location": {"latitude": 52.48, "longitude": -1.9},
        "conflicts": {"organisations": ["RQ3"], "participants": ["p-99"]},
    }

    response = await client.patch(f"/v1/facilitators/{facilitator['id']}", json=change, headers=own)

    assert response.status_code == 200, response.text
    body = response.json()
    assert {k: body[k] for k in change} == change
    assert (await client.get("/v1/facilitators/me", headers=own)).json() == body


@pytest.mark.parametrize(
    "field",
    [
        {"status": "inactive"},
        {"accreditation": {"level": "trainer", "trained_on": "2029-01-01", "expires_on": "2040-01-01"}},
        {"organisation": "RX1"},
        {"name": "Someone Else"},
        {"email": "new@example.org"},
    ],
    ids=lambda f: next(iter(f)),
)
async def test_a_facilitator_cannot_change_what_their_administrator_decides(
    client: httpx.AsyncClient,
    auth: AuthHeaders,
    add_facilitator: Any,
    assert_problem: Any,
    stored_state: Any,
    field: dict[str, Any],
) -> None:
    facilitator = await add_facilitator(subject="fac-1")
    before = await stored_state()

    response = await client.patch(
        f"/v1/facilitators/{facilitator['id']}",
        json={**field, "phone": "0123"},
        headers=auth("facilitator", sub="fac-1"),
    )

    problem = assert_problem(response, 403)
    assert [e["loc"] for e in problem["errors"]] == [["body", next(iter(field))]]
    assert await stored_state() == before


async def test_an_admin_changes_status_and_accreditation(
    client: httpx.AsyncClient, admin: dict[str, str], add_facilitator: Any
) -> None:
    facilitator = await add_facilitator()
    change = {
        "status": "inactive",
        "accreditation": {"level": "trainer", "trained_on": "2029-01-01", "expires_on": "2034-01-01"},
    }

    response = await client.patch(f"/v1/facilitators/{facilitator['id']}", json=change, headers=admin)

    assert response.status_code == 200
    assert response.json()["status"] == "inactive"
    assert response.json()["accreditation"]["level"] == "trainer"


async def test_a_field_that_must_have_a_value_cannot_be_set_to_null(
    client: httpx.AsyncClient, admin: dict[str, str], add_facilitator: Any, assert_problem: Any
) -> None:
    facilitator = await add_facilitator()

    problem = assert_problem(
        await client.patch(f"/v1/facilitators/{facilitator['id']}", json={"name": None, "modes": None}, headers=admin),
        422,
    )

    assert sorted(e["loc"][1] for e in problem["errors"]) == ["modes", "name"]


async def test_a_negative_capacity_is_refused_on_change_too(
    client: httpx.AsyncClient, admin: dict[str, str], add_facilitator: Any, assert_problem: Any, stored_state: Any
) -> None:
    facilitator = await add_facilitator()
    before = await stored_state()

    assert_problem(
        await client.patch(f"/v1/facilitators/{facilitator['id']}", json={"capacity_per_month": -2}, headers=admin), 422
    )
    assert await stored_state() == before


async def test_other_facilitators_and_other_regions_cannot_see_a_facilitator(
    client: httpx.AsyncClient, auth: AuthHeaders, add_facilitator: Any, assert_problem: Any
) -> None:
    facilitator = await add_facilitator(subject="fac-1")
    path = f"/v1/facilitators/{facilitator['id']}"

    assert_problem(await client.get(path, headers=auth("facilitator", sub="fac-2")), 404)
    assert_problem(await client.get(path, headers=auth("academy_admin", sub="admin-2", region="north_west")), 404)
    assert_problem(await client.patch(path, json={"phone": "0123"}, headers=auth("facilitator", sub="fac-2")), 404)


async def test_an_expired_accreditation_shows_as_not_current_without_anyone_acting(
    client: httpx.AsyncClient, admin: dict[str, str], add_facilitator: Any, clock: Any
) -> None:
    facilitator = await add_facilitator(
        accreditation={"level": "facilitator", "trained_on": "2029-01-01", "expires_on": clock.now.date().isoformat()}
    )
    path = f"/v1/facilitators/{facilitator['id']}"
    assert (await client.get(path, headers=admin)).json()["accreditation"]["is_current"] is True

    clock.advance(timedelta(days=1))

    assert (await client.get(path, headers=admin)).json()["accreditation"]["is_current"] is False


async def test_the_register_lists_only_the_admins_region_page_by_page(
    client: httpx.AsyncClient, admin: dict[str, str], auth: AuthHeaders, add_facilitator: Any
) -> None:
    names = [f"Page {i:02d}" for i in range(5)]
    for name in names:
        await add_facilitator(name=name)
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/v1/facilitators", params=params, headers=admin)).json()
        seen += [f["name"] for f in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == names
    other = auth("academy_admin", sub="admin-2", region="north_west")
    assert (await client.get("/v1/facilitators", headers=other)).json()["items"] == []


async def test_the_register_is_filtered_by_part_of_a_name_or_organisation_and_by_status_page_by_page(
    client: httpx.AsyncClient, admin: dict[str, str], add_facilitator: Any, assert_problem: Any
) -> None:
    for name in ("Filtered Ann", "Filtered Bea", "Filtered Cal", "Other Dan"):
        await add_facilitator(name=name)
    await add_facilitator(name="Kept Eve", organisation="FLT")
    await add_facilitator(name="Percent 100% Fay")
    inactive = await add_facilitator(name="Filtered Gus")
    await client.patch(f"/v1/facilitators/{inactive['id']}", json={"status": "inactive"}, headers=admin)

    async def names(**params: Any) -> list[str]:
        seen: list[str] = []
        cursor: str | None = None
        while True:
            page = (
                await client.get(
                    "/v1/facilitators", params={"limit": 2, **params, **({"cursor": cursor} if cursor else {})},
                    headers=admin,
                )
            ).json()  # fmt: skip
            seen += [f["name"] for f in page["items"]]
            if (cursor := page["next_cursor"]) is None:
                return seen

    assert await names(q="fILT") == ["Filtered Ann", "Filtered Bea", "Filtered Cal", "Filtered Gus"]
    assert await names(q="filt", status="active") == ["Filtered Ann", "Filtered Bea", "Filtered Cal"]
    assert await names(q="flt") == ["Kept Eve"]
    assert await names(q="filt", status="inactive") == ["Filtered Gus"]
    assert await names(q="0%") == ["Percent 100% Fay"]
    for params, loc in (({"status": "asleep"}, ["query", "status"]), ({"q": " "}, ["query", "q"])):
        bad = assert_problem(await client.get("/v1/facilitators", params=params, headers=admin), 422)
        assert [e["loc"] for e in bad["errors"]] == [loc]


async def test_the_register_reads_a_batch_by_id_in_the_order_asked(
    client: httpx.AsyncClient, admin: dict[str, str], add_facilitator: Any, assert_problem: Any
) -> None:
    a, b = await add_facilitator(), await add_facilitator()

    page = (await client.get("/v1/facilitators", params={"ids": f"{b['id']},{a['id']}"}, headers=admin)).json()

    assert [f["id"] for f in page["items"]] == [b["id"], a["id"]]
    bad = assert_problem(await client.get("/v1/facilitators", params={"ids": "nope"}, headers=admin), 422)
    assert [e["loc"] for e in bad["errors"]] == [["query", "ids", 0]]


async def test_a_made_up_cursor_is_refused_naming_the_cursor(
    client: httpx.AsyncClient, admin: dict[str, str], assert_problem: Any
) -> None:
    response = await client.get("/v1/facilitators", params={"cursor": "bm90LWEtY3Vyc29y"}, headers=admin)
    body = assert_problem(response, 422)
    assert [e["loc"] for e in body["errors"]] == [["query", "cursor"]]


async def test_the_specialisms_are_a_fixed_list_anyone_signed_in_can_read(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    body = (await client.get("/v1/specialisms", headers=participant)).json()

    assert {"key": "team_360", "label": "Team 360 and group feedback"} in body["items"]


async def test_a_facilitator_without_a_register_entry_has_no_profile(
    client: httpx.AsyncClient, auth: AuthHeaders, assert_problem: Any
) -> None:
    assert_problem(await client.get("/v1/facilitators/me", headers=auth("facilitator", sub="nobody")), 404)
