"""Who may call what: every endpoint against every kind of caller."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from hlm_kit.auth import Principal
from hlm_kit.testing.pytest_plugin import AuthHeaders, wait_for
from report_svc.config import Settings
from report_svc.group_reports import service as group_report_service
from report_svc.group_reports.schemas import GroupReportQuery
from report_svc.main import create_app

from .world import World, make_world

Problem = Callable[[httpx.Response, int], dict[str, Any]]


@dataclass(frozen=True)
class Matrix:
    world: World
    group_report_id: uuid.UUID


@pytest_asyncio.fixture(scope="module")
async def matrix(engine: AsyncEngine) -> Matrix:
    world = await make_world(engine)
    admin = Principal(sub="admin-1", roles=frozenset({"academy_admin"}), region=world.region)
    query = GroupReportQuery(scope="team", value=str(world.team_cycle_id), questionnaire_id=world.questionnaire_id)
    async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
        issued = await group_report_service.issue(session, admin, query, minimum=5)
    return Matrix(world, issued.id)


@dataclass(frozen=True)
class Endpoint:
    method: str
    route: str
    path: str  # with {report}, {group}, {org}, {q}, {team} filled from the world
    expected: dict[str, int]  # caller -> status; callers left out get `default`
    default: int = 403

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


CALLERS = [
    "owner",
    "other_participant",
    "booked_facilitator",
    "other_facilitator",
    "facilitator_by_register_id",
    "admin_of_region",
    "admin_elsewhere",
    "partner_of_org",
    "partner_elsewhere",
]

READERS_OF_REPORT = {"owner": 200, "booked_facilitator": 200, "partner_of_org": 200}
NOT_READERS = {c: 404 for c in CALLERS if c not in READERS_OF_REPORT}
ANY_SIGNED_IN = dict.fromkeys(CALLERS, 200)
ALL_NOT_FOUND = dict.fromkeys(CALLERS, 404)

ENDPOINTS = [
    Endpoint("GET", "/v1/reports", "/v1/reports", ANY_SIGNED_IN),
    Endpoint("GET", "/v1/reports", "/v1/reports?ids={report}", ANY_SIGNED_IN),
    Endpoint("GET", "/v1/reports/{id}", "/v1/reports/{report}", {**NOT_READERS, **READERS_OF_REPORT}),
    Endpoint("GET", "/v1/reports/{id}", "/v1/reports/{report}?format=csv", {**NOT_READERS, **READERS_OF_REPORT}),
    Endpoint("GET", "/v1/reports/{id}.csv", "/v1/reports/{report}.csv", {**NOT_READERS, **READERS_OF_REPORT}),
    Endpoint("GET", "/v1/reports/{id}.pdf", "/v1/reports/{report}.pdf", {**NOT_READERS, **READERS_OF_REPORT}),
    Endpoint("GET", "/v1/reports/{id}.html", "/v1/reports/{report}.html", {**NOT_READERS, **READERS_OF_REPORT}),
    # The world's participant has one report: nothing earlier to compare it with, whoever asks (the
    # progress report's readers, role by role, are in tests/progress).
    *[
        Endpoint("GET", f"/v1/reports/{{id}}/progress{ext}", f"/v1/reports/{{report}}/progress{ext}", ALL_NOT_FOUND)
        for ext in ("", ".html", ".pdf")
    ],
    Endpoint(
        "POST",
        "/v1/reports/{id}/release",
        "/v1/reports/{report}/release",
        {"booked_facilitator": 200, "other_facilitator": 404, "facilitator_by_register_id": 404},
    ),
    Endpoint("GET", "/v1/partner/reports", "/v1/partner/reports", {"partner_of_org": 200, "partner_elsewhere": 200}),
    Endpoint(
        "GET", "/v1/partner/reports.csv", "/v1/partner/reports.csv", {"partner_of_org": 200, "partner_elsewhere": 200}
    ),
    Endpoint(
        "GET",
        "/v1/group-reports",
        "/v1/group-reports?scope=team&value={team}&questionnaire_id={q}",
        {"admin_of_region": 200, "admin_elsewhere": 404, "partner_of_org": 200, "partner_elsewhere": 404},
    ),
    Endpoint(
        "GET",
        "/v1/group-reports",
        "/v1/group-reports?scope=organisation&value={org}&questionnaire_id={q}",
        {"admin_of_region": 200, "admin_elsewhere": 404, "partner_of_org": 200},
    ),
    Endpoint(
        "GET",
        "/v1/group-reports/{id}",
        "/v1/group-reports/{group}",
        {"admin_of_region": 200, "admin_elsewhere": 404, "partner_of_org": 404, "partner_elsewhere": 404},
    ),
    *[
        Endpoint(
            "GET",
            f"/v1/group-reports/{{id}}.{ext}",
            f"/v1/group-reports/{{group}}.{ext}",
            {"admin_of_region": 200, "admin_elsewhere": 404, "partner_of_org": 404, "partner_elsewhere": 404},
        )
        for ext in ("html", "pdf", "csv")
    ],
    Endpoint("GET", "/v1/consents/organisation", "/v1/consents/organisation", {"owner": 200, "other_participant": 404}),
    Endpoint("PUT", "/v1/consents/organisation", "/v1/consents/organisation", {"owner": 200, "other_participant": 200}),
    Endpoint(
        "DELETE", "/v1/consents/organisation", "/v1/consents/organisation", {"owner": 204, "other_participant": 204}
    ),
]


def _headers(auth: AuthHeaders, world: World, caller: str | None) -> dict[str, str]:
    elsewhere = {"org": "ELSEWHERE", "region": "elsewhere"}
    home = {"org": world.organisation, "region": world.region}
    return {
        None: {},
        "owner": auth("participant", sub=world.owner, **home),
        "other_participant": auth("participant", sub="someone-else", **home),
        "booked_facilitator": auth("facilitator", sub=world.facilitator_subject, **home),
        "other_facilitator": auth("facilitator", sub=str(uuid.uuid4()), **home),
        # A token whose `sub` happens to be the booked facilitator's register id: an id is not an identity.
        "facilitator_by_register_id": auth("facilitator", sub=str(world.facilitator_id), **home),
        "admin_of_region": auth("academy_admin", sub="admin-1", **home),
        "admin_elsewhere": auth("academy_admin", sub="admin-2", **elsewhere),
        "partner_of_org": auth("partner", sub="trust-client", **home),
        "partner_elsewhere": auth("partner", sub="trust-client-2", **elsewhere),
    }[caller]


def test_the_access_matrix_covers_every_api_endpoint_of_the_service(settings: Settings) -> None:
    documented = {
        (method.upper(), path)
        for path, operations in create_app(settings).openapi()["paths"].items()
        for method in operations
        if not path.startswith(("/health", "/metrics"))
    }
    assert documented == {(e.method, e.route) for e in ENDPOINTS}


@pytest.mark.parametrize("caller", [None, *CALLERS], ids=lambda c: c or "anonymous")
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
async def test_role_by_endpoint(
    client: httpx.AsyncClient,
    auth: AuthHeaders,
    matrix: Matrix,
    assert_problem: Problem,
    endpoint: Endpoint,
    caller: str | None,
) -> None:
    world = matrix.world
    path = endpoint.path.format(
        report=world.owner_report,
        group=matrix.group_report_id,
        org=world.organisation,
        q=world.questionnaire_id,
        team=world.team_cycle_id,
    )
    expected = 401 if caller is None else endpoint.expected.get(caller, endpoint.default)

    response = await client.request(endpoint.method, path, headers=_headers(auth, world, caller))

    if expected >= 400:
        assert_problem(response, expected)
    else:
        assert response.status_code == expected, response.text


@pytest.mark.parametrize(
    ("caller", "visible"),
    [
        ("owner", 1),
        ("booked_facilitator", 1),
        ("partner_of_org", 1),
        ("other_participant", 0),
        ("admin_of_region", 0),
        ("other_facilitator", 0),
        ("facilitator_by_register_id", 0),
    ],
)
async def test_a_batch_read_leaves_out_the_reports_the_caller_may_not_read(
    client: httpx.AsyncClient, auth: AuthHeaders, matrix: Matrix, caller: str, visible: int
) -> None:
    world = matrix.world
    ids = ",".join(str(r) for r in world.reports)

    response = await client.get(f"/v1/reports?ids={ids}", headers=_headers(auth, world, caller))

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [str(world.owner_report)][:visible]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("batch", [False, True], ids=["list", "batch"])
async def test_the_summary_view_lists_the_same_reports_by_the_same_rules_without_their_content(
    client: httpx.AsyncClient, auth: AuthHeaders, matrix: Matrix, caller: str, batch: bool
) -> None:
    world = matrix.world
    headers = _headers(auth, world, caller)
    params = {"ids": ",".join(str(r) for r in world.reports)} if batch else {}

    full = await client.get("/v1/reports", params=params, headers=headers)
    summary = await client.get("/v1/reports", params={**params, "view": "summary"}, headers=headers)

    assert full.status_code == summary.status_code == 200, summary.text
    full_items, summary_items = full.json()["items"], summary.json()["items"]
    # Whoever asks, the summary lists exactly the reports the full view does, field for field, and no
    # report's content at all (not even empty).
    assert summary_items == [{k: v for k, v in item.items() if k != "content"} for item in full_items]
    assert all("content" in item for item in full_items)
    assert not any("content" in item for item in summary_items)
    readers = {"owner", "booked_facilitator", "partner_of_org"}
    if batch:
        assert [item["id"] for item in summary_items] == ([str(world.owner_report)] if caller in readers else [])


async def test_an_unknown_view_is_refused(
    client: httpx.AsyncClient, auth: AuthHeaders, assert_problem: Problem
) -> None:
    response = await client.get("/v1/reports?view=compact", headers=auth("participant"))

    assert assert_problem(response, 422)["errors"][0]["loc"] == ["query", "view"]


async def test_the_service_is_ready_once_its_database_and_broker_answer(client: httpx.AsyncClient) -> None:
    async def ready() -> bool:
        response = await client.get("/health/ready")
        return response.status_code == 200 and response.json()["status"] == "ok"

    assert await wait_for(ready)
    assert (await client.get("/health/live")).status_code == 200
