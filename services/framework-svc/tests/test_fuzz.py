"""Fuzz every operation of framework-svc's API, as every role, on the shipped catalogue and a draft:
whatever a client sends, the service answers without a 5xx and as its OpenAPI document says."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import APIOperation

from framework_svc.config import Settings
from framework_svc.main import create_app
from framework_svc.versioning import version_id
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

OPERATIONS = openapi_operations(create_app(placeholder_settings(Settings)))
SUBJECTS = {"participant": "participant-1", "facilitator": "facilitator-1", "academy_admin": "admin-1"}
KNOWN = {
    "key": ["hlm", "lf2011", "test-fw"],
    "version": ["1"],
    "id": [str(version_id("questionnaire", key, 1)) for key in ("hlm-360", "hlm-self")],
}


@pytest_asyncio.fixture
async def draft(client: httpx.AsyncClient, admin: dict[str, str], framework_document: dict[str, Any]) -> None:
    """A draft framework (``test-fw`` version 1) beside the published catalogue."""
    imported = await client.post("/v1/frameworks", json=framework_document, headers=admin)
    assert imported.status_code == 201, imported.text


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
@fuzz
@given(data=st.data())
async def test_every_answer_is_documented_and_no_request_breaks_the_service(
    operation: APIOperation,
    data: st.DataObject,
    client: httpx.AsyncClient,
    draft: None,
    request: pytest.FixtureRequest,
) -> None:
    count = tally(request)
    case = draw_case(data, operation, KNOWN)
    await send_as_every_role(client, case, role_headers(SUBJECTS), count)
