"""The register through GraphQL, against facilitator-svc running in-process on the real database: an
academy administrator registers and edits facilitators of their region, a facilitator keeps their own
profile and availability, and everyone else is refused as facilitator-svc refuses them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from hlm_kit.testing.pytest_plugin import AuthHeaders

PROFILE = """
  id name email phone subject organisation region status capacityPerMonth modes languages specialisms
  accreditation { level trainedOn expiresOn isCurrent }
  location { latitude longitude }
  conflicts { organisations participants }
"""
REGISTER = f"""
mutation ($input: FacilitatorInput!) {{
  registerFacilitator(input: $input) {{
    __typename
    ... on Facilitator {{ {PROFILE} }}
    ... on RegisterRefused {{ message code problems {{ location message type }} }}
  }}
}}
"""
UPDATE = f"""
mutation ($id: ID!, $input: FacilitatorChangesInput!) {{
  updateFacilitator(id: $id, input: $input) {{
    __typename
    ... on Facilitator {{ {PROFILE} }}
    ... on RegisterRefused {{ message code problems {{ location message type }} }}
  }}
}}
"""
FACILITATORS = """
query ($first: Int!, $after: String, $ids: [ID!]) {
  facilitators(first: $first, after: $after, ids: $ids) {
    edges { node { id name } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
FACILITATOR = f"query ($id: ID!) {{ facilitator(id: $id) {{ {PROFILE} }} }}"
SEARCH = """
query ($first: Int!, $after: String, $search: String, $status: FacilitatorStatus) {
  facilitators(first: $first, after: $after, search: $search, status: $status) {
    edges { node { name status } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
MY_PROFILE = "{ myFacilitatorProfile { id name capacityPerMonth } }"
ADD = """
mutation ($facilitatorId: ID!, $slots: [SlotInput!]!) {
  addAvailability(facilitatorId: $facilitatorId, slots: $slots) {
    __typename
    ... on AvailabilityAdded { slots { id facilitatorId startsAt endsAt modes venue isBooked } }
    ... on RegisterRefused { message code problems { location message type } }
  }
}
"""
REMOVE = """
mutation ($facilitatorId: ID!, $slotId: ID!) {
  removeAvailability(facilitatorId: $facilitatorId, slotId: $slotId) {
    __typename
    ... on AvailabilityRemoved { slotId }
    ... on RegisterRefused { message code }
  }
}
"""
AVAILABILITY = """
query ($facilitatorId: ID!) { availability(facilitatorId: $facilitatorId) { id startsAt isBooked } }
"""


async def graphql(gateway: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any) -> Any:
    response = await gateway.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def error_codes(gateway: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any) -> list[str]:
    response = await gateway.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    return [e["extensions"]["code"] for e in response.json()["errors"]]


def new_facilitator(**fields: Any) -> dict[str, Any]:
    n = uuid.uuid4().hex[:8]
    return {
        "name": f"Alex Facilitator {n}",
        "email": f"alex-{n}@academy.example.org",
        "organisation": "RYJ",
        "accreditation": {"level": "TRAINER", "trainedOn": "2024-06-01", "expiresOn": "2099-06-01"},
        "capacityPerMonth": 4,
        "modes": ["VIDEO", "IN_PERSON"],
        "languages": ["en", "cy"],
        "specialisms": ["primary_care"],
        **fields,
    }


def region_of_this_test() -> str:
    return f"region-{uuid.uuid4().hex[:8]}"


def at(days: int, hour: int) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


async def test_an_administrator_registers_lists_and_edits_the_regions_facilitators(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders
) -> None:
    region = region_of_this_test()
    admin = auth("academy_admin", sub=f"admin-{region}", org="ACADEMY", region=region)
    other_admin = auth("academy_admin", sub="admin-elsewhere", org="ACADEMY", region=region_of_this_test())
    input = new_facilitator(
        phone="+44 20 7946 0000",
        location={"latitude": 51.5, "longitude": -0.12},
        conflicts={"organisations": ["RX9"], "participants": []},
    )

    async with gateway_with(journey_services) as gateway:
        created = (await graphql(gateway, admin, REGISTER, input=input))["registerFacilitator"]
        assert created["__typename"] == "Facilitator", created
        assert {k: created[k] for k in ("region", "status", "modes", "languages", "phone")} == {
            "region": region,
            "status": "ACTIVE",
            "modes": ["VIDEO", "IN_PERSON"],
            "languages": ["en", "cy"],
            "phone": "+44 20 7946 0000",
        }
        assert created["accreditation"] == {
            "level": "TRAINER",
            "trainedOn": "2024-06-01",
            "expiresOn": "2099-06-01",
            "isCurrent": True,
        }
        assert created["location"] == {"latitude": 51.5, "longitude": -0.12}
        assert created["conflicts"] == {"organisations": ["RX9"], "participants": []}

        again = (await graphql(gateway, admin, REGISTER, input={**input, "name": "Someone Else"}))[
            "registerFacilitator"
        ]
        assert again == {
            "__typename": "RegisterRefused",
            "message": "a facilitator with that email address is already registered",
            "code": "already-registered",
            "problems": [],
        }
        invalid = (await graphql(gateway, admin, REGISTER, input=new_facilitator(capacityPerMonth=500)))[
            "registerFacilitator"
        ]
        assert invalid["__typename"] == "RegisterRefused"
        assert [p["location"] for p in invalid["problems"]] == [["input", "capacityPerMonth"]]

        second = (await graphql(gateway, admin, REGISTER, input=new_facilitator(name="Zoe Last")))[
            "registerFacilitator"
        ]
        first_page = (await graphql(gateway, admin, FACILITATORS, first=1))["facilitators"]
        second_page = (await graphql(gateway, admin, FACILITATORS, first=1, after=first_page["pageInfo"]["endCursor"]))[
            "facilitators"
        ]
        by_ids = (await graphql(gateway, admin, FACILITATORS, first=20, ids=[second["id"], created["id"]]))[
            "facilitators"
        ]

        changed = (
            await graphql(
                gateway,
                admin,
                UPDATE,
                id=created["id"],
                input={"status": "INACTIVE", "phone": None, "specialisms": ["mental_health", "primary_care"]},
            )
        )["updateFacilitator"]
        read_back = (await graphql(gateway, admin, FACILITATOR, id=created["id"]))["facilitator"]
        elsewhere = await error_codes(gateway, other_admin, FACILITATOR, id=created["id"])

    # Sorted by name: "Alex ..." before "Zoe Last".
    assert [e["node"]["id"] for e in first_page["edges"]] == [created["id"]]
    assert first_page["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["id"] for e in second_page["edges"]] == [second["id"]]
    assert second_page["pageInfo"]["hasNextPage"] is False
    assert [e["node"]["id"] for e in by_ids["edges"]] == [second["id"], created["id"]]
    assert changed["__typename"] == "Facilitator"
    assert (changed["status"], changed["phone"], changed["specialisms"]) == (
        "INACTIVE",
        None,
        ["mental_health", "primary_care"],
    )
    # Fields left out of the change stay as they were.
    assert (read_back["languages"], read_back["capacityPerMonth"], read_back["location"]) == (
        ["en", "cy"],
        4,
        {"latitude": 51.5, "longitude": -0.12},
    )
    assert read_back["status"] == "INACTIVE"
    assert elsewhere == ["NOT_FOUND"]


async def test_an_administrator_finds_facilitators_by_part_of_a_name_or_organisation_and_status_page_by_page(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders
) -> None:
    region = region_of_this_test()
    admin = auth("academy_admin", sub=f"admin-{region}", org="ACADEMY", region=region)

    async with gateway_with(journey_services) as gateway:
        for name, organisation in (("Sam Sought", "RYJ"), ("Ola Other", "RYJ"), ("Tia Sought", "RYJ"), ("Uma", "SGT")):
            await graphql(gateway, admin, REGISTER, input=new_facilitator(name=name, organisation=organisation))
        paused = await graphql(gateway, admin, REGISTER, input=new_facilitator(name="Val Sought"))
        await graphql(gateway, admin, UPDATE, id=paused["registerFacilitator"]["id"], input={"status": "INACTIVE"})

        async def found(**filters: Any) -> list[list[str]]:
            pages, after = [], None
            while True:
                page = (await graphql(gateway, admin, SEARCH, first=2, after=after, **filters))["facilitators"]
                pages.append([e["node"]["name"] for e in page["edges"]])
                if not page["pageInfo"]["hasNextPage"]:
                    return pages
                after = page["pageInfo"]["endCursor"]

        sought = await found(search="SOUGHT")
        active = await found(search=" sought ", status="ACTIVE")
        inactive = await found(search="sought", status="INACTIVE")
        by_organisation = await found(search="sg")
        blank = await found(search="  ")
        refused = await error_codes(gateway, admin, SEARCH, first=2, search="a\x00b")

    assert sought == [["Sam Sought", "Tia Sought"], ["Val Sought"]]
    assert active == [["Sam Sought", "Tia Sought"]]
    assert inactive == [["Val Sought"]]
    assert by_organisation == [["Uma"]]
    assert [name for page in blank for name in page] == [
        "Ola Other", "Sam Sought", "Tia Sought", "Uma", "Val Sought"
    ]  # fmt: skip
    assert refused == ["BAD_USER_INPUT"]


async def test_a_facilitator_keeps_their_own_profile_and_availability(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders
) -> None:
    region = region_of_this_test()
    admin = auth("academy_admin", sub=f"admin-{region}", org="ACADEMY", region=region)
    subject = f"facilitator-account-{uuid.uuid4().hex[:8]}"
    facilitator = auth("facilitator", sub=subject, org="RYJ", region=region)
    participant = auth("participant", sub=f"participant-{uuid.uuid4().hex[:8]}", org="RX1", region=region)
    starts = [at(15, 9), at(15, 14)]

    async with gateway_with(journey_services) as gateway:
        created = (await graphql(gateway, admin, REGISTER, input=new_facilitator(subject=subject)))[
            "registerFacilitator"
        ]
        own = (await graphql(gateway, facilitator, MY_PROFILE))["myFacilitatorProfile"]
        assert own["id"] == created["id"]

        more = (await graphql(gateway, facilitator, UPDATE, id=own["id"], input={"capacityPerMonth": 8}))[
            "updateFacilitator"
        ]
        assert more["capacityPerMonth"] == 8
        not_theirs = await error_codes(gateway, facilitator, UPDATE, id=own["id"], input={"name": "New Name"})
        assert not_theirs == ["FORBIDDEN"]

        slots = [
            {"startsAt": starts[0].isoformat(), "endsAt": (starts[0] + timedelta(hours=1)).isoformat()},
            {
                "startsAt": starts[1].isoformat(),
                "endsAt": (starts[1] + timedelta(hours=2)).isoformat(),
                "modes": ["IN_PERSON"],
                "venue": "Academy House, room 2",
            },
        ]
        added = (await graphql(gateway, facilitator, ADD, facilitatorId=own["id"], slots=slots))["addAvailability"]
        assert added["__typename"] == "AvailabilityAdded", added
        assert [(s["modes"], s["venue"], s["isBooked"]) for s in added["slots"]] == [
            (["VIDEO", "IN_PERSON"], None, False),
            (["IN_PERSON"], "Academy House, room 2", False),
        ]
        overlapping = (await graphql(gateway, facilitator, ADD, facilitatorId=own["id"], slots=slots[:1]))[
            "addAvailability"
        ]
        assert overlapping["__typename"] == "RegisterRefused"
        assert overlapping["message"] == "1 problem(s) with the slots; none was added"
        assert [p["type"] for p in overlapping["problems"]] == ["overlap"]

        # A participant holds the first slot: it cannot be withdrawn; the second one can.
        held = await gateway.post(
            "/graphql",
            json={
                "query": "mutation ($s: ID!, $c: ID!) { holdSession(slotId: $s, cycleId: $c) { __typename } }",
                "variables": {"s": added["slots"][0]["id"], "c": str(uuid.uuid4())},
            },
            headers=participant,
        )
        assert held.json()["data"]["holdSession"]["__typename"] == "BookingConflict"  # two modes: choose one
        held = await gateway.post(
            "/graphql",
            json={
                "query": "mutation ($s: ID!, $c: ID!) { holdSession(slotId: $s, cycleId: $c, mode: VIDEO) "
                "{ __typename } }",
                "variables": {"s": added["slots"][0]["id"], "c": str(uuid.uuid4())},
            },
            headers=participant,
        )
        assert held.json()["data"]["holdSession"]["__typename"] == "FeedbackSession", held.json()
        booked = (await graphql(gateway, facilitator, REMOVE, facilitatorId=own["id"], slotId=added["slots"][0]["id"]))[
            "removeAvailability"
        ]
        removed = (
            await graphql(gateway, facilitator, REMOVE, facilitatorId=own["id"], slotId=added["slots"][1]["id"])
        )["removeAvailability"]
        left = (await graphql(gateway, facilitator, AVAILABILITY, facilitatorId=own["id"]))["availability"]

    assert booked == {
        "__typename": "RegisterRefused",
        "message": "the slot is booked: cancel or reschedule the session first",
        "code": "slot-booked",
    }
    assert removed == {"__typename": "AvailabilityRemoved", "slotId": added["slots"][1]["id"]}
    assert left == [{"id": added["slots"][0]["id"], "startsAt": added["slots"][0]["startsAt"], "isBooked": True}]


async def test_participants_and_facilitators_cannot_manage_the_register(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders
) -> None:
    region = region_of_this_test()
    admin = auth("academy_admin", sub=f"admin-{region}", org="ACADEMY", region=region)
    participant = auth("participant", sub=f"participant-{uuid.uuid4().hex[:8]}", org="RX1", region=region)
    facilitator = auth("facilitator", sub=f"facilitator-{uuid.uuid4().hex[:8]}", org="RYJ", region=region)

    async with gateway_with(journey_services) as gateway:
        created = (await graphql(gateway, admin, REGISTER, input=new_facilitator()))["registerFacilitator"]
        refusals = {
            "participant registers": await error_codes(gateway, participant, REGISTER, input=new_facilitator()),
            "facilitator registers": await error_codes(gateway, facilitator, REGISTER, input=new_facilitator()),
            "participant lists": await error_codes(gateway, participant, FACILITATORS, first=5),
            "participant reads": await error_codes(gateway, participant, FACILITATOR, id=created["id"]),
            "participant edits": await error_codes(
                gateway, participant, UPDATE, id=created["id"], input={"capacityPerMonth": 1}
            ),
            # A facilitator who is not this one: the profile does not exist for them.
            "another facilitator reads": await error_codes(gateway, facilitator, FACILITATOR, id=created["id"]),
            "another facilitator adds slots": await error_codes(
                gateway,
                facilitator,
                ADD,
                facilitatorId=created["id"],
                slots=[{"startsAt": at(9, 9).isoformat(), "endsAt": at(9, 10).isoformat()}],
            ),
            "participant has no profile": await error_codes(gateway, participant, MY_PROFILE),
            "unlinked facilitator has no profile": await error_codes(gateway, facilitator, MY_PROFILE),
        }
        listed = (await graphql(gateway, admin, FACILITATORS, first=50))["facilitators"]

    assert refusals == {
        "participant registers": ["FORBIDDEN"],
        "facilitator registers": ["FORBIDDEN"],
        "participant lists": ["FORBIDDEN"],
        "participant reads": ["FORBIDDEN"],
        "participant edits": ["FORBIDDEN"],
        "another facilitator reads": ["NOT_FOUND"],
        "another facilitator adds slots": ["NOT_FOUND"],
        "participant has no profile": ["FORBIDDEN"],
        "unlinked facilitator has no profile": ["NOT_FOUND"],
    }
    # Nothing a refused caller sent was registered.
    assert [e["node"]["id"] for e in listed["edges"]] == [created["id"]]
