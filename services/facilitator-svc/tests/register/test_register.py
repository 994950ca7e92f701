"""The public register: who it shows, what it shows of them, and how it is searched."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from hlm_kit.testing.pytest_plugin import AuthHeaders

ROLES = ["participant", "facilitator", "academy_admin", "partner"]
NEVER_SHOWN = ("email", "phone", "subject", "conflicts", "location", "capacity_per_month", "status")


@pytest.fixture
def as_role(auth: AuthHeaders) -> Any:
    """Headers of a user holding ``role`` (not a facilitator of the register, for the facilitator)."""
    return lambda role: auth(role, sub=f"searching-{role}", org="RAJ", region="london")


@pytest.fixture
def listed(client: httpx.AsyncClient, add_facilitator: Any, auth: AuthHeaders) -> Any:
    """``await listed(publication, **profile)``: a facilitator with an account who chose ``publication``."""
    count = iter(range(1, 1000))

    async def make(publication: dict[str, Any] | None = None, **profile: Any) -> dict[str, Any]:
        subject = f"listed-{next(count)}"
        facilitator: dict[str, Any] = await add_facilitator(subject=subject, **profile)
        headers = auth("facilitator", sub=subject)
        chosen = await client.put(
            "/v1/facilitators/me/publication", json={"is_listed": True, **(publication or {})}, headers=headers
        )
        assert chosen.status_code == 200, chosen.text
        facilitator["headers"] = headers
        return facilitator

    return make


async def search(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    """Every entry the register shows for ``params``, following the pages."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get("/v1/register", params=query, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


async def test_nobody_is_on_the_register_until_they_choose_to_be(
    client: httpx.AsyncClient, add_facilitator: Any, auth: AuthHeaders, as_role: Any
) -> None:
    await add_facilitator(subject="quiet-1")
    own = auth("facilitator", sub="quiet-1")

    assert await search(client, as_role("participant")) == []
    choices = (await client.get("/v1/facilitators/me/publication", headers=own)).json()
    assert choices["is_listed"] is False
    assert choices["is_shown"] is False
    assert choices["published_fields"] == ["region", "modes", "session_kinds"]
    assert choices["session_kinds"] == ["feedback"]


@pytest.mark.parametrize("role", ROLES)
async def test_an_entry_shows_only_what_its_facilitator_published(
    client: httpx.AsyncClient, listed: Any, as_role: Any, role: str
) -> None:
    chose = await listed(
        {"published_fields": ["name", "languages"]},
        name="Priya Shah",
        organisation="RGT",
        phone="01223 000000",
        languages=["en", "pa"],
        conflicts={"organisations": ["RGN"], "participants": ["someone"]},
    )
    by_default = await listed(name="Alex Morgan", modes=["video"])

    response = await client.get("/v1/register", headers=as_role(role))

    assert response.status_code == 200, response.text
    entries = {e["id"]: e for e in response.json()["items"]}
    assert entries == {
        chose["id"]: {"id": chose["id"], "name": "Priya Shah", "languages": ["en", "pa"]},
        by_default["id"]: {
            "id": by_default["id"],
            "region": "london",
            "modes": ["video"],
            "session_kinds": ["feedback"],
        },
    }
    text = response.text
    for secret in ("Alex Morgan", "RGT", "RGN", "someone", "01223", chose["email"], by_default["email"], "listed-"):
        assert secret not in text
    for entry in entries.values():
        assert not set(NEVER_SHOWN) & entry.keys()


async def test_every_publishable_field_shows_when_chosen(client: httpx.AsyncClient, listed: Any, as_role: Any) -> None:
    everything = ["name", "organisation", "region", "modes", "languages", "specialisms", "session_kinds"]
    chose = await listed(
        {"published_fields": [*everything, "accreditation_level"], "session_kinds": ["feedback", "coaching"]},
        name="Sam Okafor",
        organisation="RGT",
        languages=["en", "cy"],
        specialisms=["primary_care"],
    )

    (entry,) = await search(client, as_role("participant"))

    assert entry == {
        "id": chose["id"],
        "name": "Sam Okafor",
        "organisation": "RGT",
        "region": "london",
        "modes": ["in_person", "video"],
        "languages": ["en", "cy"],
        "specialisms": ["primary_care"],
        "session_kinds": ["feedback", "coaching"],
        "accreditation_level": "facilitator",
    }


async def test_unlisted_inactive_withdrawn_and_lapsed_facilitators_are_never_shown(
    client: httpx.AsyncClient, listed: Any, admin: dict[str, str], as_role: Any
) -> None:
    shown = await listed()
    unlisted = await listed()
    inactive = await listed()
    withdrawn = await listed()
    lapsed = await listed(
        accreditation={"level": "facilitator", "trained_on": "2026-01-01", "expires_on": "2029-01-01"}
    )
    hidden = await client.put("/v1/facilitators/me/publication", json={"is_listed": False}, headers=unlisted["headers"])
    assert hidden.status_code == 200
    for facilitator, status in ((inactive, "inactive"), (withdrawn, "withdrawn")):
        changed = await client.patch(f"/v1/facilitators/{facilitator['id']}", json={"status": status}, headers=admin)
        assert changed.status_code == 200, changed.text

    for role in ROLES:
        assert [e["id"] for e in await search(client, as_role(role))] == [shown["id"]]
    for facilitator in (unlisted, inactive, withdrawn, lapsed):
        own = (await client.get("/v1/facilitators/me/publication", headers=facilitator["headers"])).json()
        assert own["is_shown"] is False
    assert (await client.get("/v1/facilitators/me/publication", headers=shown["headers"])).json()["is_shown"] is True


async def test_filters_find_only_what_facilitators_published(
    client: httpx.AsyncClient, listed: Any, auth: AuthHeaders, as_role: Any
) -> None:
    everything = {
        "published_fields": ["region", "modes", "languages", "specialisms", "session_kinds"],
        "session_kinds": ["feedback", "mentoring"],
    }
    welsh_video = await listed(everything, modes=["video"], languages=["en", "cy"], specialisms=["mental_health"])
    in_person = await listed(everything, modes=["in_person"], languages=["en"], specialisms=["primary_care"])
    # Speaks Welsh and works in mental health, but keeps both to themself: no search may reveal either.
    discreet = await listed({"published_fields": ["modes"]}, languages=["cy"], specialisms=["mental_health"])
    east = auth("academy_admin", sub="admin-east", region="east_of_england")
    created = await client.post(
        "/v1/facilitators",
        json={
            "name": "East Person",
            "email": "east.person@academy.example.org",
            "subject": "listed-east",
            "organisation": "RGT",
            "accreditation": {"level": "facilitator", "trained_on": "2029-06-01", "expires_on": "2032-06-01"},
            "capacity_per_month": 4,
            "modes": ["video"],
        },
        headers=east,
    )
    assert created.status_code == 201, created.text
    eastern = created.json()
    listed_east = await client.put(
        "/v1/facilitators/me/publication", json={"is_listed": True}, headers=auth("facilitator", sub="listed-east")
    )
    assert listed_east.status_code == 200
    someone = as_role("participant")

    async def ids(**params: Any) -> set[str]:
        return {e["id"] for e in await search(client, someone, **params)}

    assert await ids() == {welsh_video["id"], in_person["id"], discreet["id"], eastern["id"]}
    assert await ids(region="london") == {welsh_video["id"], in_person["id"]}
    assert await ids(region="east_of_england") == {eastern["id"]}
    assert await ids(mode="video") == {welsh_video["id"], eastern["id"], discreet["id"]}
    assert await ids(mode="in_person") == {in_person["id"], discreet["id"]}
    assert await ids(language="cy") == {welsh_video["id"]}
    assert await ids(specialism="mental_health") == {welsh_video["id"]}
    assert await ids(session_kind="mentoring") == {welsh_video["id"], in_person["id"]}
    assert await ids(session_kind="feedback") == {welsh_video["id"], in_person["id"], eastern["id"]}
    assert await ids(region="london", mode="video", language="cy", specialism="mental_health") == {welsh_video["id"]}
    assert await ids(region="london", mode="in_person", language="cy") == set()


async def test_the_register_is_read_a_page_at_a_time(client: httpx.AsyncClient, listed: Any, as_role: Any) -> None:
    made = [(await listed())["id"] for _ in range(5)]
    someone = as_role("partner")

    first = (await client.get("/v1/register", params={"limit": 2}, headers=someone)).json()
    assert len(first["items"]) == 2
    assert first["next_cursor"]
    pages = [first]
    while pages[-1]["next_cursor"]:
        params = {"limit": 2, "cursor": pages[-1]["next_cursor"]}
        pages.append((await client.get("/v1/register", params=params, headers=someone)).json())

    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    seen = [e["id"] for p in pages for e in p["items"]]
    assert seen == sorted(made)


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"mode": "telephone"}, ["query", "mode"]),
        ({"specialism": "astrology"}, ["query", "specialism"]),
        ({"language": "Welsh"}, ["query", "language"]),
        ({"session_kind": "therapy"}, ["query", "session_kind"]),
        ({"region": "lon\x00don"}, ["query", "region"]),
        ({"language": "\x00"}, ["query", "language"]),
        ({"cursor": "not-a-cursor"}, ["query", "cursor"]),
        ({"limit": 0}, ["query", "limit"]),
        ({"limit": 101}, ["query", "limit"]),
    ],
)
async def test_a_search_the_register_cannot_answer_is_refused_naming_the_parameter(
    client: httpx.AsyncClient, as_role: Any, assert_problem: Any, params: dict[str, Any], loc: list[str]
) -> None:
    response = await client.get("/v1/register", params=params, headers=as_role("participant"))

    problem = assert_problem(response, 422)
    assert [e["loc"] for e in problem["errors"]] == [loc]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"is_listed": True, "published_fields": ["email"]},
        {"is_listed": True, "published_fields": ["conflicts"]},
        {"is_listed": True, "session_kinds": []},
        {"is_listed": True, "session_kinds": ["therapy"]},
        {"is_listed": True, "phone": "01223 000000"},
        {"is_listed": True, "published_fields": ["name\x00"]},
    ],
    ids=json.dumps,
)
async def test_a_publication_choice_outside_the_rules_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, add_facilitator: Any, auth: AuthHeaders, assert_problem: Any, body: dict[str, Any]
) -> None:
    await add_facilitator(subject="chooser-1")
    own = auth("facilitator", sub="chooser-1")
    before = (await client.get("/v1/facilitators/me/publication", headers=own)).json()

    assert_problem(await client.put("/v1/facilitators/me/publication", json=body, headers=own), 422)

    assert (await client.get("/v1/facilitators/me/publication", headers=own)).json() == before


async def test_a_facilitator_sees_their_entry_as_others_will(
    client: httpx.AsyncClient, add_facilitator: Any, auth: AuthHeaders, as_role: Any
) -> None:
    facilitator = await add_facilitator(subject="preview-1", name="Jo Bloggs", languages=["en", "ur"])
    own = auth("facilitator", sub="preview-1")
    choice = {"is_listed": True, "published_fields": ["name", "languages", "name"], "session_kinds": ["coaching"]}

    answer = await client.put("/v1/facilitators/me/publication", json=choice, headers=own)

    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "is_listed": True,
        "published_fields": ["name", "languages"],
        "session_kinds": ["coaching"],
        "is_shown": True,
        "entry": {"id": facilitator["id"], "name": "Jo Bloggs", "languages": ["en", "ur"]},
    }
    assert await search(client, as_role("participant")) == [answer.json()["entry"]]


async def test_someone_not_on_the_register_has_no_publication_to_choose(
    client: httpx.AsyncClient, auth: AuthHeaders, assert_problem: Any
) -> None:
    stranger = auth("facilitator", sub="not-on-the-register")

    assert_problem(await client.get("/v1/facilitators/me/publication", headers=stranger), 404)
    assert_problem(await client.put("/v1/facilitators/me/publication", json={"is_listed": True}, headers=stranger), 404)
