"""Every service answers a wrong list parameter the same way: a client (the gateway, a partner trust's sync
job) handles one problem shape, not one per service. A cursor the service did not issue, an ``ids`` list
with something that is not a UUID or with too many ids, and a ``limit`` out of bounds are each 422
problem+json of type ``validation-error`` naming the parameter in ``errors[].loc``, as FastAPI answers any
bad query parameter.

Each service runs as it ships (its own app, migrated schema and database role; see ``conftest.py``), against
the real database; only the session is shared so the test leaves nothing behind.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import pytest_asyncio


@dataclass(frozen=True)
class ListEndpoint:
    service: str
    path: str
    roles: tuple[str, ...]
    pages: bool  # takes ?cursor= and ?limit=
    batches: bool  # takes ?ids=


ENDPOINTS = [
    ListEndpoint("framework_svc", "/v1/frameworks", ("participant",), pages=True, batches=False),
    ListEndpoint("framework_svc", "/v1/questionnaires", ("participant",), pages=False, batches=True),
    ListEndpoint("framework_svc", "/v1/resources", ("participant",), pages=True, batches=False),
    ListEndpoint("survey_svc", "/v1/cycles", ("participant",), pages=True, batches=True),
    ListEndpoint("survey_svc", "/v1/observations", ("participant",), pages=True, batches=False),
    ListEndpoint("survey_svc", "/v1/goals", ("participant",), pages=True, batches=False),
    ListEndpoint("report_svc", "/v1/reports", ("participant",), pages=True, batches=True),
    ListEndpoint("report_svc", "/v1/partner/reports", ("partner",), pages=True, batches=False),
    ListEndpoint("facilitator_svc", "/v1/facilitators", ("academy_admin",), pages=True, batches=True),
    ListEndpoint("facilitator_svc", "/v1/bookings", ("participant",), pages=True, batches=False),
    ListEndpoint("facilitator_svc", "/v1/allocations", ("academy_admin",), pages=True, batches=False),
    ListEndpoint("facilitator_svc", "/v1/training/courses", ("academy_admin",), pages=True, batches=False),
    ListEndpoint("facilitator_svc", "/v1/training/assessments", ("academy_admin",), pages=True, batches=False),
    ListEndpoint("facilitator_svc", "/v1/training/interests", ("academy_admin",), pages=True, batches=False),
    ListEndpoint("facilitator_svc", "/v1/register", ("participant",), pages=True, batches=False),
]


@pytest_asyncio.fixture
async def call(service_client: Any) -> Callable[[ListEndpoint, dict[str, str]], Any]:
    async def get(endpoint: ListEndpoint, params: dict[str, str]) -> httpx.Response:
        async with service_client(endpoint.service, *endpoint.roles) as client:
            return await client.get(endpoint.path, params=params)

    return get


def _id(endpoint: ListEndpoint) -> str:
    return f"{endpoint.service}{endpoint.path}"


PAGED = [pytest.param(e, id=_id(e)) for e in ENDPOINTS if e.pages]
BATCHED = [pytest.param(e, id=_id(e)) for e in ENDPOINTS if e.batches]


@pytest.mark.parametrize("endpoint", [pytest.param(e, id=_id(e)) for e in ENDPOINTS])
async def test_the_list_answers_when_asked_properly(call: Any, endpoint: ListEndpoint) -> None:
    # The refusals below come from the parameter, not from a service that cannot answer at all.
    response = await call(endpoint, {})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("endpoint", PAGED)
@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        "bm90LWpzb24",  # base64 of "not-json"
        "WyJub3QtYS1kYXRlIiwibm90LWEtdXVpZCJd",  # base64 of ["not-a-date","not-a-uuid"]
        "W10",  # base64 of []
    ],
)
async def test_a_cursor_the_service_did_not_issue_is_refused_at_the_cursor(
    call: Any, refused_at: Any, endpoint: ListEndpoint, cursor: str
) -> None:
    refused_at(await call(endpoint, {"cursor": cursor}), ["query", "cursor"])


@pytest.mark.parametrize("endpoint", PAGED)
async def test_a_limit_out_of_bounds_is_refused_at_the_limit(
    call: Any, refused_at: Any, endpoint: ListEndpoint
) -> None:
    refused_at(await call(endpoint, {"limit": "0"}), ["query", "limit"])


@pytest.mark.parametrize("endpoint", BATCHED)
async def test_an_id_that_is_not_a_uuid_is_refused_at_its_position(
    call: Any, refused_at: Any, endpoint: ListEndpoint
) -> None:
    ids = f"{uuid.uuid4()}, not-a-uuid"
    refused_at(await call(endpoint, {"ids": ids}), ["query", "ids", 1])


@pytest.mark.parametrize("endpoint", BATCHED)
async def test_more_than_a_hundred_ids_are_refused(call: Any, refused_at: Any, endpoint: ListEndpoint) -> None:
    ids = ",".join(str(uuid.uuid4()) for _ in range(101))
    refused_at(await call(endpoint, {"ids": ids}), ["query", "ids"])


@pytest.mark.parametrize("endpoint", BATCHED)
async def test_a_hundred_ids_are_read_in_one_call(call: Any, endpoint: ListEndpoint) -> None:
    ids = ",".join(str(uuid.uuid4()) for _ in range(100))
    response = await call(endpoint, {"ids": ids})
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []
