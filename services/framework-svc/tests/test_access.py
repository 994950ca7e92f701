"""Who may call what: a verified bearer token for every API call, academy_admin for every change."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import pytest

from framework_svc.config import Settings
from framework_svc.main import create_app
from framework_svc.versioning import version_id
from hlm_kit.testing.pytest_plugin import (
    TEST_JWT_AUDIENCE,
    TEST_JWT_ISSUER,
    TEST_JWT_SECRET,
    AuthHeaders,
    wait_for,
)
from hlm_kit.tokens import mint_token

HLM_360 = version_id("questionnaire", "hlm-360", 1)
Problem = Callable[[httpx.Response, int], dict[str, Any]]
State = Callable[[], Awaitable[dict[str, list[tuple[Any, ...]]]]]


@dataclass(frozen=True)
class Endpoint:
    method: str
    route: str  # the route template, to check that the matrix covers every route of the app
    path: str
    access: str  # "public" (no token), "reader" (any valid token) or "admin" (academy_admin)
    ok: int  # what an allowed caller gets
    body: str | None = None  # name of the document fixture to send

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


ENDPOINTS = [
    Endpoint("GET", "/health/live", "/health/live", "public", 200),
    Endpoint("GET", "/health/ready", "/health/ready", "public", 200),
    Endpoint("GET", "/metrics", "/metrics", "public", 200),
    Endpoint("GET", "/v1/frameworks", "/v1/frameworks", "reader", 200),
    Endpoint("GET", "/v1/frameworks/{key}", "/v1/frameworks/hlm", "reader", 200),
    Endpoint("GET", "/v1/frameworks/{key}/versions", "/v1/frameworks/hlm/versions", "reader", 200),
    Endpoint("POST", "/v1/frameworks", "/v1/frameworks", "admin", 201, "framework_document"),
    Endpoint(
        "POST", "/v1/frameworks/{key}/versions/{version}/publish", "/v1/frameworks/hlm/versions/1/publish", "admin", 200
    ),
    # LF2011, which no shipped questionnaire uses: the only version of a framework in use never retires.
    Endpoint(
        "POST",
        "/v1/frameworks/{key}/versions/{version}/retire",
        "/v1/frameworks/lf2011/versions/1/retire",
        "admin",
        200,
    ),
    Endpoint(
        "GET", "/v1/frameworks/{key}/versions/{version}/export", "/v1/frameworks/hlm/versions/1/export", "admin", 200
    ),
    Endpoint("GET", "/v1/questionnaires", "/v1/questionnaires?framework=hlm", "reader", 200),
    Endpoint("GET", "/v1/questionnaires/{id}", f"/v1/questionnaires/{HLM_360}", "reader", 200),
    Endpoint("POST", "/v1/questionnaires", "/v1/questionnaires", "admin", 201, "hlm_questionnaire_document"),
    Endpoint("POST", "/v1/questionnaires/{id}/publish", f"/v1/questionnaires/{HLM_360}/publish", "admin", 200),
    Endpoint("POST", "/v1/questionnaires/{id}/retire", f"/v1/questionnaires/{HLM_360}/retire", "admin", 200),
    Endpoint("GET", "/v1/questionnaires/{id}/export", f"/v1/questionnaires/{HLM_360}/export", "admin", 200),
    Endpoint("GET", "/v1/resources", "/v1/resources?dimension=leading_with_care", "reader", 200),
    Endpoint("GET", "/v1/resources/{key}", "/v1/resources/caring-to-change", "reader", 200),
    Endpoint("GET", "/v1/resources/export", "/v1/resources/export", "admin", 200),
    Endpoint("POST", "/v1/resources", "/v1/resources", "admin", 201, "resources_document"),
    Endpoint("POST", "/v1/resources/publish", "/v1/resources/publish", "admin", 200, "published_resource_refs"),
    Endpoint("POST", "/v1/resources/retire", "/v1/resources/retire", "admin", 200, "published_resource_refs"),
]
ROLES = [None, "participant", "facilitator", "partner", "academy_admin"]


def _expected(endpoint: Endpoint, role: str | None) -> int:
    if endpoint.access == "public":
        return endpoint.ok
    if role is None:
        return 401
    if endpoint.access == "admin" and role != "academy_admin":
        return 403
    return endpoint.ok


def test_the_access_matrix_covers_every_api_endpoint_of_the_service(settings: Settings) -> None:
    documented = {
        (method.upper(), path)
        for path, operations in create_app(settings).openapi()["paths"].items()
        for method in operations
    }
    assert documented == {(e.method, e.route) for e in ENDPOINTS if e.access != "public"}


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
async def test_role_by_endpoint(
    client: httpx.AsyncClient,
    auth: AuthHeaders,
    request: pytest.FixtureRequest,
    stored_state: State,
    assert_problem: Problem,
    endpoint: Endpoint,
    role: str | None,
) -> None:
    headers = auth(role) if role else {}
    body = request.getfixturevalue(endpoint.body) if endpoint.body else None
    expected = _expected(endpoint, role)
    before = await stored_state()

    async def call() -> httpx.Response:
        return await client.request(endpoint.method, endpoint.path, headers=headers, json=body)

    if endpoint.route == "/health/ready":
        # Ready once the app's database answers; the broker, connected in the background, is not needed.
        response = await wait_for(lambda: _if_status(call(), expected))
    else:
        response = await call()

    if expected in (401, 403):
        problem = assert_problem(response, expected)
        assert problem["type"].endswith("/unauthenticated" if expected == 401 else "/forbidden")
        assert await stored_state() == before
    else:
        assert response.status_code == expected, response.text


async def _if_status(response: Awaitable[httpx.Response], status: int) -> httpx.Response | None:
    answered = await response
    return answered if answered.status_code == status else None


def _token(**overrides: Any) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": "user-1",
        "roles": ["academy_admin"],
        "iss": TEST_JWT_ISSUER,
        "aud": TEST_JWT_AUDIENCE,
        "iat": now,
        "exp": now + 600,
    }
    secret = overrides.pop("secret", TEST_JWT_SECRET)
    algorithm = overrides.pop("algorithm", "HS256")
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, secret, algorithm=algorithm)


BAD_AUTHORIZATIONS = {
    "no header": None,
    "empty bearer": "Bearer ",
    "basic scheme": "Basic YWRtaW46YWRtaW4=",
    "not a jwt": "Bearer not-a-jwt",
    "another secret": "Bearer " + _token(secret="some-other-secret-that-is-long-enough-0123"),
    "unsigned": "Bearer " + _token(secret=None, algorithm="none"),
    "wrong audience": "Bearer " + _token(aud="another-platform"),
    "wrong issuer": "Bearer " + _token(iss="someone-else"),
    "no expiry": "Bearer " + _token(exp=None),
    "no subject": "Bearer " + _token(sub=None),
    "roles not a list": "Bearer " + _token(roles={"admin": True}),
}


@pytest.mark.parametrize("authorization", BAD_AUTHORIZATIONS.values(), ids=BAD_AUTHORIZATIONS.keys())
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/v1/frameworks/hlm"), ("POST", "/v1/frameworks/hlm/versions/1/retire")],
)
async def test_a_call_without_a_valid_token_answers_401_with_www_authenticate(
    client: httpx.AsyncClient,
    assert_problem: Problem,
    stored_state: State,
    authorization: str | None,
    method: str,
    path: str,
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    before = await stored_state()

    response = await client.request(method, path, headers=headers)

    body = assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    assert body["type"].endswith("/unauthenticated")
    assert await stored_state() == before


async def test_an_expired_token_answers_401(client: httpx.AsyncClient, assert_problem: Problem) -> None:
    # Expired by more than the 30 s of clock leeway the service allows.
    token = mint_token(
        TEST_JWT_SECRET,
        sub="user-1",
        roles=["participant"],
        issuer=TEST_JWT_ISSUER,
        audience=TEST_JWT_AUDIENCE,
        ttl_s=-120,
    )

    response = await client.get("/v1/frameworks/hlm", headers={"Authorization": f"Bearer {token}"})

    body = assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    assert "expired" in body["detail"]


async def test_a_token_without_roles_may_read_but_not_change(
    client: httpx.AsyncClient, auth: AuthHeaders, assert_problem: Problem
) -> None:
    headers = auth()

    assert (await client.get("/v1/frameworks/hlm", headers=headers)).status_code == 200
    assert_problem(await client.post("/v1/frameworks/hlm/versions/1/retire", headers=headers), 403)


async def test_an_admin_who_holds_other_roles_too_may_change(client: httpx.AsyncClient, auth: AuthHeaders) -> None:
    response = await client.get(
        "/v1/frameworks/hlm/versions/1/export", headers=auth("participant", "academy_admin", "partner")
    )

    assert response.status_code == 200


@pytest.mark.parametrize("role", ["participant", "facilitator", "partner"])
async def test_a_non_admin_import_stores_nothing(
    client: httpx.AsyncClient,
    auth: AuthHeaders,
    framework_document: dict[str, Any],
    hlm_questionnaire_document: dict[str, Any],
    resources_document: dict[str, Any],
    framework_versions_stored: Callable[[str], Awaitable[int]],
    questionnaires_stored: Callable[[str], Awaitable[int]],
    assert_problem: Problem,
    role: str,
) -> None:
    assert_problem(await client.post("/v1/frameworks", json=framework_document, headers=auth(role)), 403)
    assert_problem(await client.post("/v1/questionnaires", json=hlm_questionnaire_document, headers=auth(role)), 403)
    assert_problem(await client.post("/v1/resources", json=resources_document, headers=auth(role)), 403)

    assert await framework_versions_stored("test-fw") == 0
    assert await questionnaires_stored("test-hlm-q") == 0
    missing = await client.get("/v1/resources/test-reading?version=1", headers=auth("academy_admin"))
    assert missing.status_code == 404
