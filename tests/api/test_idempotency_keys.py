"""Every create a client may retry keeps one promise in every service: the same ``Idempotency-Key`` with
another body is refused as 409 problem+json of type ``idempotency-key-reused``, and a key no client could
mean is 422 ``validation-error`` naming the header, before anything is stored. framework-svc and
report-svc take no key (no create of theirs is retried by a client), which the first test holds them to.

The services' own tests race retries and check the replayed answer; this one holds the four to one shape.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI

from hlm_kit.errors import PROBLEM_JSON, PROBLEM_TYPE_BASE

WINDOW = {"starts_at": "2031-03-03T09:00:00Z", "ends_at": "2031-04-03T09:00:00Z"}
COURSE_REQUEST = {
    "organisation": "RX1",
    "region": "london",
    "contact": {"name": "Priya Shah", "email": "priya.shah@rx1.example.org", "phone": "020 7946 0000"},
    "preferred_dates": {"start": "2031-04-01", "end": "2031-04-30"},
    "preferred_mode": "in_person",
    "staff_count": 12,
}


@dataclass(frozen=True)
class Create:
    service: str
    path: str
    roles: tuple[str, ...]
    body: dict[str, Any]
    # The same create with one field changed; empty where the first body needs rows another service
    # sends first (a published questionnaire, a facilitator's slot), which its service's own tests make.
    changed: dict[str, Any] = field(default_factory=dict)


CREATES = [
    Create(
        "survey_svc",
        "/v1/cycles",
        ("participant",),
        {"kind": "self_assessment", "questionnaire_id": str(uuid.uuid4()), "participant_name": "Alex Morgan"},
    ),
    Create("survey_svc", "/v1/team-cycles", ("participant",), {"name": "Ward 7 leads"}, {"name": "Ward 8 leads"}),
    Create(
        "survey_svc",
        "/v1/observations",
        ("participant",),
        {
            "observed_on": "2026-11-30",
            "context": "Board round, ward 7",
            "what_happened": "The registrar asked the student nurse for her view before deciding.",
            "dimension_keys": ["engaging_the_team"],
        },
    ),
    Create(
        "survey_svc",
        "/v1/goals",
        ("participant",),
        {"title": "Ask my team for feedback"},
        {"title": "Ask my peers for feedback"},
    ),
    Create("facilitator_svc", "/v1/bookings", ("participant",), {"slot_id": str(uuid.uuid4())}),
    Create(
        "facilitator_svc",
        "/v1/allocations",
        ("academy_admin",),
        {"window": WINDOW, "participants": [{"participant_id": "p-1"}]},
        {"participants": [{"participant_id": "p-1"}, {"participant_id": "p-2"}]},
    ),
    Create(
        "facilitator_svc",
        "/v1/course-requests",
        ("partner",),
        COURSE_REQUEST,
        {"staff_count": 40},
    ),
]


def _id(create: Create) -> str:
    return f"{create.service}{create.path}"


def test_every_create_that_takes_a_key_is_held_to_the_promise(apps: dict[str, FastAPI]) -> None:
    declared = {
        (service, method.upper(), path)
        for service, app in apps.items()
        for path, operations in app.openapi()["paths"].items()
        for method, operation in operations.items()
        if any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in operation.get("parameters", []))
    }

    assert declared == {(c.service, "POST", c.path) for c in CREATES}


@pytest.mark.parametrize("create", [pytest.param(c, id=_id(c)) for c in CREATES if c.changed])
async def test_the_same_key_with_another_body_is_refused_alike(service_client: Any, create: Create) -> None:
    async with service_client(create.service, *create.roles, sub="retrying-1") as client:
        headers = {"Idempotency-Key": "7f3a-retry"}
        first = await client.post(create.path, json=create.body, headers=headers)
        misused = await client.post(create.path, json=create.body | create.changed, headers=headers)

    assert first.status_code in (201, 202), first.text
    assert misused.status_code == 409, misused.text
    assert misused.headers["content-type"] == PROBLEM_JSON
    problem = misused.json()
    assert (problem["type"], problem["status"]) == (PROBLEM_TYPE_BASE + "idempotency-key-reused", 409)


@pytest.mark.parametrize("create", [pytest.param(c, id=_id(c)) for c in CREATES])
async def test_a_key_no_client_could_mean_is_refused_at_the_header(
    service_client: Any, refused_at: Any, create: Create
) -> None:
    async with service_client(create.service, *create.roles, sub="retrying-2") as client:
        response = await client.post(create.path, json=create.body, headers={"Idempotency-Key": "k" * 256})

    refused_at(response, ["header", "Idempotency-Key"])
