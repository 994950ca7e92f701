"""Fuzz every operation of facilitator-svc's API, as every role, on a seeded register (a facilitator
with free slots, a held booking, a queued allocation): whatever a client sends, the service answers
without a 5xx and as its OpenAPI document says."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import APIOperation

from facilitator_svc.config import Settings
from facilitator_svc.main import create_app
from hlm_kit.testing.fuzz import (
    draw_case,
    fuzz,
    openapi_operations,
    placeholder_settings,
    role_headers,
    send_as_every_role,
    tally,
)

pytestmark = pytest.mark.fuzz

OPERATIONS = openapi_operations(create_app(placeholder_settings(Settings, email_hash_key="x" * 40)))
SUBJECTS = {"participant": "participant-1", "facilitator": "facilitator-1", "academy_admin": "admin-1"}


@pytest_asyncio.fixture
async def seeded(
    client: httpx.AsyncClient, add_facilitator: Any, at: Any, participant: dict[str, str], admin: dict[str, str]
) -> dict[str, list[str]]:
    """Rows for the cases to reach, by what names them: facilitator-1 in the register with three free
    slots, one of them held by participant-1, and a queued cohort allocation."""
    facilitator = await add_facilitator(subject="facilitator-1", slots=[at(3), at(4), at(5)], slot_modes=["video"])
    slots = [slot["id"] for slot in facilitator["slots"]]
    held = await client.post("/v1/bookings", json={"slot_id": slots[0], "confirm": False}, headers=participant)
    assert held.status_code == 201, held.text
    queued = await client.post(
        "/v1/allocations",
        json={
            "window": {"starts_at": "2031-03-03T09:00:00Z", "ends_at": "2031-04-01T00:00:00Z"},
            "participants": [{"participant_id": "participant-1", "organisation": "RX1"}],
        },
        headers=admin,
    )
    assert queued.status_code == 202, queued.text
    return {
        "facilitator": [facilitator["id"]],
        "slot": slots,
        "booking": [held.json()["id"]],
        "allocation": [queued.json()["id"]],
    }


def known_ids(path: str, seeded: dict[str, list[str]]) -> dict[str, list[str]]:
    """Which seeded rows a path's parameters may name."""
    known = {"facilitator_id": seeded["facilitator"], "slot_id": seeded["slot"]}
    for prefix, name in (("/v1/facilitators/", "facilitator"), ("/v1/bookings/", "booking")):
        if path.startswith(prefix):
            known["id"] = seeded[name]
    if path.startswith("/v1/allocations/"):
        known["id"] = seeded["allocation"]
    return known


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
@fuzz
@given(data=st.data())
async def test_every_answer_is_documented_and_no_request_breaks_the_service(
    operation: APIOperation,
    data: st.DataObject,
    client: httpx.AsyncClient,
    seeded: dict[str, list[str]],
    request: pytest.FixtureRequest,
) -> None:
    count = tally(request)
    case = draw_case(data, operation, known_ids(operation.path, seeded))
    await send_as_every_role(client, case, role_headers(SUBJECTS), count)
