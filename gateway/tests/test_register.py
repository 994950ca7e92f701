"""The public register through GraphQL, against facilitator-svc running in-process on the real database:
anyone signed in searches it by region, mode, language, specialism and kind of session, a page at a time, and
sees of each facilitator only what they chose to publish (their own choice, through setMyRegisterListing);
what they keep to themself never reaches the answer."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from hlm_kit.testing.pytest_plugin import AuthHeaders

REGISTER = """
mutation ($input: FacilitatorInput!) {
  registerFacilitator(input: $input) { __typename ... on Facilitator { id } }
}
"""
ENTRY = "id name organisation region modes languages specialisms accreditationLevel sessionKinds"
SEARCH = f"""
query (
  $region: String, $mode: SessionMode, $language: String, $specialism: String, $sessionKind: SessionKind,
  $first: Int!, $after: String
) {{
  publicRegister(
    region: $region, mode: $mode, language: $language, specialism: $specialism, sessionKind: $sessionKind,
    first: $first, after: $after
  ) {{
    edges {{ cursor node {{ {ENTRY} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""
LISTING = f"isListed publishedFields sessionKinds isShown entry {{ {ENTRY} }}"
SET_LISTING = f"""
mutation ($input: RegisterListingInput!) {{
  setMyRegisterListing(input: $input) {{
    __typename
    ... on RegisterListing {{ {LISTING} }}
    ... on RegisterListingRefused {{ message code problems {{ location message type }} }}
  }}
}}
"""
MY_LISTING = f"query {{ myRegisterListing {{ {LISTING} }} }}"


async def post(gateway: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any) -> Any:
    response = await gateway.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def graphql(gateway: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any) -> Any:
    body = await post(gateway, headers, query, **variables)
    assert "errors" not in body, body
    return body["data"]


class Region:
    """A region of this test alone, whose administrator registers facilitators who then choose what the
    register shows of them."""

    def __init__(self, auth: AuthHeaders) -> None:
        self.auth = auth
        self.tag = uuid.uuid4().hex[:8]
        self.name = f"region-{self.tag}"
        self.admin = auth("academy_admin", sub=f"admin-{self.tag}", org="ACADEMY", region=self.name)

    def own(self, subject: str) -> dict[str, str]:
        return self.auth("facilitator", sub=subject, org="RYJ", region=self.name)

    async def facilitator(
        self,
        gateway: httpx.AsyncClient,
        who: str,
        *,
        listed: bool,
        published: list[str],
        modes: tuple[str, ...] = ("VIDEO",),
        languages: tuple[str, ...] = ("en",),
        specialisms: tuple[str, ...] = (),
        session_kinds: tuple[str, ...] | None = None,
    ) -> str:
        subject = f"{who.lower().replace(' ', '-')}-{self.tag}"
        input = {
            "name": f"{who} {self.tag}",
            "email": f"{subject}@academy.example.org",
            "subject": subject,
            "organisation": f"ORG{self.tag.upper()}",
            "accreditation": {"level": "FACILITATOR", "trainedOn": "2025-06-01", "expiresOn": "2099-06-01"},
            "capacityPerMonth": 4,
            "modes": list(modes),
            "languages": list(languages),
            "specialisms": list(specialisms),
        }
        registered = (await graphql(gateway, self.admin, REGISTER, input=input))["registerFacilitator"]
        assert registered["__typename"] == "Facilitator", registered
        # The choice is the facilitator's own, on their entry.
        choices: dict[str, Any] = {"isListed": listed, "publishedFields": [f.upper() for f in published]}
        if session_kinds is not None:
            choices["sessionKinds"] = list(session_kinds)
        chosen = (await graphql(gateway, self.own(subject), SET_LISTING, input=choices))["setMyRegisterListing"]
        assert chosen["__typename"] == "RegisterListing", chosen
        id: str = registered["id"]
        return id


async def test_anyone_signed_in_finds_the_listed_and_sees_only_what_each_published(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders
) -> None:
    region = Region(auth)
    participant = auth("participant", sub=f"participant-{region.tag}")
    partner = auth("partner", sub=f"partner-{region.tag}", org="RX1")
    # A facilitator and an administrator of another region search the same register.
    facilitator = auth("facilitator", sub=f"facilitator-{region.tag}", org="RYJ", region="elsewhere")
    admin_elsewhere = auth("academy_admin", sub=f"admin-elsewhere-{region.tag}", org="ACADEMY", region="elsewhere")

    async with gateway_with(journey_services) as gateway:
        open_ = await region.facilitator(
            gateway,
            "Olive Open",
            listed=True,
            published=[
                "name",
                "organisation",
                "region",
                "modes",
                "languages",
                "specialisms",
                "session_kinds",
                "accreditation_level",
            ],
            modes=("VIDEO", "IN_PERSON"),
            languages=("en", "cy"),
            specialisms=("primary_care",),
            session_kinds=("FEEDBACK", "COACHING"),
        )
        discreet = await region.facilitator(
            gateway,
            "Dora Discreet",
            listed=True,
            published=["region", "modes"],
            languages=("cy",),
            specialisms=("primary_care",),
            session_kinds=("COACHING",),
        )
        await region.facilitator(gateway, "Nell Notlisted", listed=False, published=["name", "region"])

        for who in (participant, partner, facilitator, admin_elsewhere, region.admin):
            found = (await graphql(gateway, who, SEARCH, region=region.name, first=20))["publicRegister"]
            entries = {edge["node"]["id"]: edge["node"] for edge in found["edges"]}
            assert set(entries) == {open_, discreet}
            assert found["pageInfo"]["hasNextPage"] is False

        assert entries[open_] == {
            "id": open_,
            "name": f"Olive Open {region.tag}",
            "organisation": f"ORG{region.tag.upper()}",
            "region": region.name,
            "modes": ["VIDEO", "IN_PERSON"],
            "languages": ["en", "cy"],
            "specialisms": ["primary_care"],
            "accreditationLevel": "FACILITATOR",
            "sessionKinds": ["FEEDBACK", "COACHING"],
        }
        # What Dora keeps to herself is null, and appears nowhere in the answer.
        assert entries[discreet] == {
            "id": discreet,
            "name": None,
            "organisation": None,
            "region": region.name,
            "modes": ["VIDEO"],
            "languages": None,
            "specialisms": None,
            "accreditationLevel": None,
            "sessionKinds": None,
        }
        answer = await gateway.post(
            "/graphql", json={"query": SEARCH, "variables": {"region": region.name, "first": 20}}, headers=participant
        )
        assert "Dora Discreet" not in answer.text
        assert "Nell Notlisted" not in answer.text

        # Filters keep only those who publish that field and match it: Dora speaks Welsh and works in
        # primary care but publishes neither, so only Olive is found by them.
        async def ids(**filters: Any) -> set[str]:
            variables = {"region": region.name, "first": 20} | filters
            found = await graphql(gateway, participant, SEARCH, **variables)
            return {edge["node"]["id"] for edge in found["publicRegister"]["edges"]}

        assert await ids(language="cy") == {open_}
        assert await ids(specialism="primary_care") == {open_}
        assert await ids(mode="IN_PERSON") == {open_}
        assert await ids(mode="VIDEO") == {open_, discreet}
        # Dora offers coaching but does not publish what she offers.
        assert await ids(sessionKind="COACHING") == {open_}
        assert await ids(sessionKind="FEEDBACK") == {open_}
        assert await ids(sessionKind="MENTORING") == set()
        # An empty box is no filter.
        assert await ids(language="  ") == {open_, discreet}
        assert await ids(region=f"region-{uuid.uuid4().hex[:8]}") == set()


async def test_the_register_pages_by_relay_cursor(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders
) -> None:
    region = Region(auth)
    participant = auth("participant", sub=f"participant-{region.tag}")
    async with gateway_with(journey_services) as gateway:
        listed = {
            await region.facilitator(gateway, f"Fac {n}", listed=True, published=["region", "name"]) for n in range(3)
        }
        seen: list[str] = []
        after = None
        for _ in range(4):
            page = (await graphql(gateway, participant, SEARCH, region=region.name, first=2, after=after))[
                "publicRegister"
            ]
            seen += [edge["node"]["id"] for edge in page["edges"]]
            assert [edge["cursor"] for edge in page["edges"]] == [edge["node"]["id"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert len(seen) == 3
        assert set(seen) == listed


async def test_bad_searches_are_refused_before_or_by_the_register(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders
) -> None:
    participant = auth("participant", sub="participant-register-bad-input")
    async with gateway_with(journey_services) as gateway:
        calls_before = sum(journey_services["facilitator"].calls.values())

        async def codes(headers: dict[str, str], **variables: Any) -> list[str]:
            body = await post(gateway, headers, SEARCH, **variables)
            assert body["data"]["publicRegister"] is None
            return [error["extensions"]["code"] for error in body["errors"]]

        # Refused by the gateway itself: no service is asked.
        assert await codes(participant, first=0) == ["BAD_USER_INPUT"]
        assert await codes(participant, first=101) == ["BAD_USER_INPUT"]
        assert await codes(participant, first=5, region="x" * 201) == ["BAD_USER_INPUT"]
        assert await codes(participant, first=5, after="\x00") == ["BAD_USER_INPUT"]
        assert sum(journey_services["facilitator"].calls.values()) == calls_before
        # Refused by the register: words outside its vocabulary, a cursor of another list.
        assert await codes(participant, first=5, specialism="astrology") == ["BAD_USER_INPUT"]
        assert await codes(participant, first=5, language="English") == ["BAD_USER_INPUT"]
        assert await codes(participant, first=5, after="not-a-cursor") == ["BAD_USER_INPUT"]
        # Signed in, or nothing.
        assert await codes({}, first=5) == ["UNAUTHENTICATED"]


async def test_a_facilitator_reads_and_sets_their_own_listing(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders
) -> None:
    region = Region(auth)
    participant = auth("participant", sub=f"participant-{region.tag}")
    async with gateway_with(journey_services) as gateway:
        id = await region.facilitator(gateway, "Mina Mentor", listed=False, published=["name"])
        mina = region.own(f"mina-mentor-{region.tag}")

        # Unlisted: found nowhere, and told so on their own listing.
        mine = (await graphql(gateway, mina, MY_LISTING))["myRegisterListing"]
        assert mine["isListed"] is False
        assert mine["isShown"] is False
        assert mine["publishedFields"] == ["NAME"]
        assert mine["sessionKinds"] == ["FEEDBACK"]
        assert mine["entry"]["name"] == f"Mina Mentor {region.tag}"
        assert mine["entry"]["region"] is None

        # Listed, offering mentoring and showing it: the register finds her by it.
        choices = {
            "isListed": True,
            "publishedFields": ["NAME", "REGION", "SESSION_KINDS"],
            "sessionKinds": ["MENTORING", "COACHING"],
        }
        set_ = (await graphql(gateway, mina, SET_LISTING, input=choices))["setMyRegisterListing"]
        assert set_["__typename"] == "RegisterListing"
        assert set_["isShown"] is True
        assert set_["sessionKinds"] == ["MENTORING", "COACHING"]
        assert set_["entry"]["sessionKinds"] == ["MENTORING", "COACHING"]
        assert set_["entry"]["modes"] is None
        assert (await graphql(gateway, mina, MY_LISTING))["myRegisterListing"] == {
            k: v for k, v in set_.items() if k != "__typename"
        }
        found = await graphql(gateway, participant, SEARCH, region=region.name, sessionKind="MENTORING", first=5)
        nodes = [edge["node"] for edge in found["publicRegister"]["edges"]]
        assert [n["id"] for n in nodes] == [id]
        assert nodes[0]["sessionKinds"] == ["MENTORING", "COACHING"]
        assert nodes[0]["modes"] is None

        # Choosing what the register shows, without saying what she offers, leaves what she offers alone.
        kept = (await graphql(gateway, mina, SET_LISTING, input={"isListed": True, "publishedFields": ["REGION"]}))[
            "setMyRegisterListing"
        ]
        assert kept["sessionKinds"] == ["MENTORING", "COACHING"]
        assert kept["entry"]["sessionKinds"] is None
        assert await graphql(gateway, participant, SEARCH, region=region.name, sessionKind="MENTORING", first=5) == {
            "publicRegister": {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}
        }


async def test_choices_the_register_does_not_take_are_refused_with_reasons(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders
) -> None:
    region = Region(auth)
    async with gateway_with(journey_services) as gateway:
        await region.facilitator(gateway, "Rita Refused", listed=True, published=["region"])
        rita = region.own(f"rita-refused-{region.tag}")

        async def refusal(headers: dict[str, str], **input: Any) -> Any:
            answer = (await graphql(gateway, headers, SET_LISTING, input=input))["setMyRegisterListing"]
            assert answer["__typename"] == "RegisterListingRefused", answer
            return answer

        # Offering nothing at all is not a choice: the reason names the field as the app sent it.
        none_offered = await refusal(rita, isListed=True, publishedFields=["REGION"], sessionKinds=[])
        assert [p["location"] for p in none_offered["problems"]] == [["input", "sessionKinds"]]
        assert none_offered["message"]
        # Nothing was changed.
        mine = (await graphql(gateway, rita, MY_LISTING))["myRegisterListing"]
        assert (mine["isListed"], mine["publishedFields"], mine["sessionKinds"]) == (True, ["REGION"], ["FEEDBACK"])

        # A facilitator's account with no entry on the register is told so.
        stranger = region.own(f"stranger-{region.tag}")
        unlinked = await refusal(stranger, isListed=True, publishedFields=["REGION"])
        assert unlinked["code"] == "facilitator-not-found"
        assert unlinked["problems"] == []
        body = await post(gateway, stranger, MY_LISTING)
        assert body["data"]["myRegisterListing"] is None
        assert [e["extensions"]["code"] for e in body["errors"]] == ["NOT_FOUND"]

        # Only a facilitator has a listing.
        participant = auth("participant", sub=f"participant-{region.tag}")
        body = await post(gateway, participant, SET_LISTING, input={"isListed": True, "publishedFields": []})
        assert body["data"]["setMyRegisterListing"] is None
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
