"""Fuzz every operation of report-svc's API, as every role, on a world of committed reports (a released
coached report, a partner's consent, an issued group report): whatever a client sends, the service
answers without a 5xx and as its OpenAPI document says."""

from __future__ import annotations

import httpx
import pytest
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import APIOperation
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from hlm_kit.auth import Principal
from hlm_kit.testing.fuzz import (
    draw_case,
    fuzz,
    openapi_operations,
    placeholder_settings,
    role_headers,
    send_as_every_role,
    tally,
)
from report_svc.config import Settings
from report_svc.group_reports import service as group_report_service
from report_svc.group_reports.schemas import GroupReportQuery
from report_svc.main import create_app

from .world import World, make_world

pytestmark = pytest.mark.fuzz

OPERATIONS = openapi_operations(create_app(placeholder_settings(Settings)))


@pytest_asyncio.fixture(scope="module")
async def world(engine: AsyncEngine) -> tuple[World, str]:
    """Committed reports of one organisation and region, and a group report issued over them."""
    world = await make_world(engine)
    admin = Principal(sub="admin-1", roles=frozenset({"academy_admin"}), region=world.region)
    query = GroupReportQuery(scope="team", value=str(world.team_cycle_id), questionnaire_id=world.questionnaire_id)
    async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
        issued = await group_report_service.issue(session, admin, query, minimum=5)
    return world, str(issued.id)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
@fuzz
@given(data=st.data())
async def test_every_answer_is_documented_and_no_request_breaks_the_service(
    operation: APIOperation,
    data: st.DataObject,
    client: httpx.AsyncClient,
    world: tuple[World, str],
    request: pytest.FixtureRequest,
) -> None:
    count = tally(request)
    reports, group_report = world
    ids = [group_report] if operation.path.startswith("/v1/group-reports/") else [str(r) for r in reports.reports]
    case = draw_case(data, operation, {"id": ids})
    subjects = {"participant": reports.owner, "facilitator": reports.facilitator_subject, "academy_admin": "admin-1"}
    headers = role_headers(subjects, org=reports.organisation, region=reports.region)
    await send_as_every_role(client, case, headers, count)
