"""API fuzzing of the services' REST APIs and the gateway's GraphQL schema, with schemathesis.

schemathesis generates the requests (valid ones, and ones its schema says must be refused) from each
service's OpenAPI document and from ``gateway/schema.graphql``; the tests send them in-process to the
app their service's fixtures start on the real database and broker, once with a token of every role,
and check what a client relies on: no 5xx, and a response that matches the documented schema.

How much is explored comes from the environment, so CI and a developer's longer run share one test:

- ``HLM_FUZZ_EXAMPLES``: generated cases per operation (default :data:`CI_EXAMPLES`, which keeps the
  whole fuzz to a few minutes on two cores);
- ``HLM_FUZZ_SEED``: ``fixed`` (the default: the same cases on every run, so a red build reproduces),
  ``random`` (a new seed, printed at the end of the run), or a number (that seed again).

At the end of a run the terminal summary says how many cases and requests each operation got.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, note, seed, settings
from hypothesis import strategies as st
from pydantic_settings import BaseSettings
from schemathesis import APIOperation, BaseSchema, Case, GenerationMode
from schemathesis import graphql as schemathesis_graphql
from schemathesis import openapi as schemathesis_openapi
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.core import NotSet
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import response_schema_conformance

from hlm_kit.testing.pytest_plugin import TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET
from hlm_kit.tokens import mint_token

# Every role a token can carry (ARCHITECTURE.md, Identity and access).
ROLES = ("participant", "facilitator", "academy_admin", "partner")

# Cases per operation in CI: about 150 operations (84 REST, 67 GraphQL), each case sent once per role.
CI_EXAMPLES = 8

# What every REST response must satisfy. `status_code_conformance` is left out: FastAPI documents only
# the success and 422 statuses, so every 401, 403, 404 and 409 would fail it without a fault behind it.
REST_CHECKS: list[CheckFunction] = [not_a_server_error, response_schema_conformance]

T = TypeVar("T")
Operation = APIOperation[Any, Any, Any, Any]
FuzzCase = Case[Any]


# --------------------------------------------------------------------------------------------------
# How long, and with which seed
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FuzzBudget:
    """How many cases per operation, and the seed (None: the same derandomized cases on every run)."""

    examples: int
    seed: int | None

    @classmethod
    def from_environment(cls) -> FuzzBudget:
        """The budget ``HLM_FUZZ_EXAMPLES`` and ``HLM_FUZZ_SEED`` ask for (see the module's docstring)."""
        examples = int(os.environ.get("HLM_FUZZ_EXAMPLES", CI_EXAMPLES))
        chosen = os.environ.get("HLM_FUZZ_SEED", "fixed").strip().lower()
        if chosen in ("", "fixed"):
            return cls(examples, None)
        if chosen == "random":
            return cls(examples, random.SystemRandom().getrandbits(32))
        return cls(examples, int(chosen))

    def describe(self) -> str:
        how = "fixed (derandomized)" if self.seed is None else f"HLM_FUZZ_SEED={self.seed}"
        return f"{self.examples} cases per operation, seed {how}"


BUDGET = FuzzBudget.from_environment()


def fuzz(test: Callable[..., T]) -> Callable[..., T]:
    """Apply the run's budget to a ``@given`` test: cases per operation, seed, no deadline (one case
    makes several requests against a real database), and no complaint about function-scoped fixtures
    (the app and its seeded rows are shared by every case of one operation, on purpose)."""
    # A fixed-seed run (CI) reports a failing case as found and does not shrink it: shrinking replays
    # hundreds of cases against the database and would make the run's length depend on what it finds.
    # `make fuzz` shrinks, for the smallest case that still fails.
    phases = tuple(Phase) if BUDGET.seed is not None else tuple(p for p in Phase if p is not Phase.shrink)
    configured: Callable[..., T] = settings(
        max_examples=BUDGET.examples,
        phases=phases,
        derandomize=BUDGET.seed is None,
        database=None if BUDGET.seed is None else settings().database,
        deadline=None,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )(test)
    if BUDGET.seed is not None:
        configured = seed(BUDGET.seed)(configured)
    return configured


# --------------------------------------------------------------------------------------------------
# What was tried
# --------------------------------------------------------------------------------------------------


@dataclass
class _Count:
    cases: int = 0
    requests: int = 0
    started: float = field(default_factory=time.monotonic)
    seconds: float = 0.0


class FuzzTally:
    """Counts the cases and requests of every fuzz test, and prints them in pytest's terminal summary."""

    name = "hlm-fuzz-tally"

    def __init__(self) -> None:
        self.counts: dict[str, _Count] = {}

    def count(self, nodeid: str) -> _Count:
        # Created at the test's first case: its time runs from there to the end of its last one.
        return self.counts.setdefault(nodeid, _Count())

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.counts:
            return
        terminalreporter.section("API fuzz")
        terminalreporter.write_line(BUDGET.describe())
        by_suite: dict[str, _Count] = {}
        for nodeid, count in self.counts.items():
            suite = by_suite.setdefault(nodeid.split("::")[0], _Count())
            suite.cases += count.cases
            suite.requests += count.requests
            suite.seconds += count.seconds
        for suite_name, suite in sorted(by_suite.items()):
            terminalreporter.write_line(
                f"{suite_name}: {suite.cases} cases, {suite.requests} requests, {suite.seconds:.1f} s"
            )
        total = sum(c.cases for c in by_suite.values()), sum(c.requests for c in by_suite.values())
        terminalreporter.write_line(f"in all: {total[0]} cases, {total[1]} requests")


def tally(request: pytest.FixtureRequest) -> _Count:
    """The count of this test's cases and requests, kept for the terminal summary."""
    plugins = request.config.pluginmanager
    registered = plugins.get_plugin(FuzzTally.name)
    if registered is None:
        registered = FuzzTally()
        plugins.register(registered, FuzzTally.name)
    assert isinstance(registered, FuzzTally)
    return registered.count(request.node.nodeid)


# --------------------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------------------


def role_headers(subjects: Mapping[str, str], *, org: str = "RX1", region: str = "london") -> dict[str, dict[str, str]]:
    """An Authorization header per role, as the tests' ``auth`` fixture mints them (same secret, issuer,
    audience and claims: sub, roles, org, region). ``subjects`` gives each role's ``sub``, so that a
    role's requests reach the rows the test seeded for that person."""
    headers = {}
    for role in ROLES:
        token = mint_token(
            TEST_JWT_SECRET,
            sub=subjects.get(role, f"{role}-1"),
            roles=(role,),
            org=org,
            region=region,
            issuer=TEST_JWT_ISSUER,
            audience=TEST_JWT_AUDIENCE,
        )
        headers[role] = {"Authorization": f"Bearer {token}"}
    return headers


# --------------------------------------------------------------------------------------------------
# REST
# --------------------------------------------------------------------------------------------------


def placeholder_settings(settings_class: type[BaseSettings], **values: object) -> Any:
    """Settings good enough to build an app (never to start it): for reading its OpenAPI document when
    tests are collected, before any database exists."""
    base: dict[str, object] = {
        "environment": "test",
        "database_url": "postgresql+asyncpg://unused@127.0.0.1:1/unused",
        "amqp_url": "amqp://unused@127.0.0.1:1/",
        "jwt_secret": TEST_JWT_SECRET,
        "jwt_issuer": TEST_JWT_ISSUER,
        "jwt_audience": TEST_JWT_AUDIENCE,
        "run_workers": False,
    }
    return settings_class.model_validate({**base, **values})


def _every_operation(schema: BaseSchema) -> list[Operation]:
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            # A schema schemathesis cannot read is a fault of the service's schema: fail at collection.
            raise result.err()
        operations.append(result.ok())
    return operations


def openapi_operations(app: FastAPI) -> list[Operation]:
    """Every operation of the app's OpenAPI document (what it serves at ``/openapi.json``)."""
    return _every_operation(schemathesis_openapi.from_dict(app.openapi()))


def rest_cases(operation: Operation) -> st.SearchStrategy[FuzzCase]:
    """Requests the schema allows, and requests it forbids (which the service must refuse with a 4xx)."""
    return st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )


# Values a JSON Schema allows but PostgreSQL does not store: a NUL character in text, and integers
# beyond a column's 32 or 64 bits. Random generation rarely draws them in a few cases, so some are put
# in on purpose; every one must be refused with a 4xx, never reach the database as a 500.
EDGE_INTEGERS = (2**31, -(2**31) - 1, 2**63)


def _with_edges(value: Any, data: st.DataObject, where: str) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value + "\x00" if data.draw(st.booleans(), label=f"NUL in {where}") else value
    if isinstance(value, int):
        return data.draw(st.sampled_from((value, *EDGE_INTEGERS)), label=f"integer at {where}")
    if isinstance(value, dict):
        return {key: _with_edges(item, data, f"{where}.{key}") for key, item in value.items()}
    if isinstance(value, list):
        return [_with_edges(item, data, f"{where}[{n}]") for n, item in enumerate(value)]
    return value


def use_edge_values(case: FuzzCase, data: st.DataObject) -> None:
    """In some cases, put NUL characters and integers beyond 32 and 64 bits into the query, the path and
    a JSON body, where the generated case has text and numbers."""
    if not data.draw(st.booleans(), label="with edge values"):
        return
    if case.query:
        case.query = _with_edges(case.query, data, "query")
    if case.path_parameters:
        # A NUL cannot be part of a URL path; integers can.
        case.path_parameters = {
            name: data.draw(st.sampled_from((value, *EDGE_INTEGERS)), label=f"integer at path.{name}")
            if isinstance(value, int) and not isinstance(value, bool)
            else value
            for name, value in case.path_parameters.items()
        }
    if isinstance(case.body, dict | list) and (case.media_type or "").endswith("json"):
        case.body = _with_edges(case.body, data, "body")


def use_known_values(case: FuzzCase, data: st.DataObject, known: Mapping[str, Sequence[str]]) -> None:
    """Replace some generated path parameters by ids of seeded rows, so that cases reach real rows and
    not only 404s. Which parameters, and which rows, is drawn, so it shrinks like the rest of the case."""
    parameters = case.path_parameters or {}
    for name in sorted(parameters):
        values = known.get(name)
        if values and data.draw(st.booleans(), label=f"a seeded {name}"):
            parameters[name] = data.draw(st.sampled_from(list(values)), label=name)


def draw_case(data: st.DataObject, operation: Operation, known: Mapping[str, Sequence[str]]) -> FuzzCase:
    """A case of ``operation``: generated by schemathesis, some path parameters naming seeded rows
    (``known``, by parameter name), some values at the edges PostgreSQL refuses."""
    case = data.draw(rest_cases(operation), label="case")
    use_known_values(case, data, known)
    use_edge_values(case, data)
    body = "none" if isinstance(case.body, NotSet) else repr(case.body)
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    note(f"{operation.label}: path {case.path_parameters}, query {case.query}, headers {headers}, body {body}")
    return case


def _httpx_arguments(case: FuzzCase, headers: Mapping[str, str]) -> dict[str, Any]:
    """The request of ``case`` as httpx takes it (schemathesis serialises for requests)."""
    serialised = case.as_transport_kwargs(base_url="http://fuzz.test", headers=dict(headers))
    arguments: dict[str, Any] = {
        "method": serialised["method"],
        "url": serialised["url"],
        "headers": serialised.get("headers") or {},
        "params": serialised.get("params") or None,
    }
    if "json" in serialised:
        arguments["json"] = serialised["json"]
    body = serialised.get("data")
    if isinstance(body, str | bytes):
        arguments["content"] = body
    elif body is not None:
        arguments["data"] = body
    if serialised.get("files"):
        arguments["files"] = serialised["files"]
    if serialised.get("cookies"):
        cookie = "; ".join(f"{k}={v}" for k, v in serialised["cookies"].items())
        arguments["headers"] = {**arguments["headers"], "Cookie": cookie}
    return arguments


async def send_as_every_role(
    client: httpx.AsyncClient,
    case: FuzzCase,
    headers_by_role: Mapping[str, Mapping[str, str]],
    count: _Count,
    checks: Iterable[CheckFunction] = REST_CHECKS,
) -> None:
    """Send ``case`` once as each role and run ``checks`` on every response. An exception the app
    raises (a 500 behind the error handler) fails the case as it is, so each distinct fault is reported
    with its own traceback."""
    count.cases += 1
    try:
        for role, headers in headers_by_role.items():
            note(f"as {role}: {case.operation.label}")
            arguments = _httpx_arguments(case, headers)
            # Sent to the host the service's fixtures named, with the path exactly as generated (encoded).
            url = client.base_url.copy_with(raw_path=httpx.URL(arguments.pop("url")).raw_path)
            response = await client.request(url=url, **arguments)
            count.requests += 1
            if response.status_code >= 500:
                note(f"{response.status_code}: {response.text[:500]}")
            case.validate_response(response, checks=list(checks))
    finally:
        count.seconds = time.monotonic() - count.started


# --------------------------------------------------------------------------------------------------
# GraphQL
# --------------------------------------------------------------------------------------------------


def _register_graphql_scalars() -> None:
    # Date and DateTime have schemathesis' own strategies; JSON (the self-assessment's and a report's
    # content) is any JSON value.
    nodes = schemathesis_graphql.nodes
    json_values = st.one_of(
        st.none().map(lambda _: nodes.Null),
        st.booleans().map(nodes.Boolean),
        st.integers().map(nodes.Int),
        st.text().map(nodes.String),
    )
    schemathesis_graphql.scalar("JSON", json_values)


def graphql_operations(sdl_path: os.PathLike[str] | str) -> list[Operation]:
    """Every query and mutation field of the schema kept as SDL (``gateway/schema.graphql``)."""
    _register_graphql_scalars()
    return _every_operation(schemathesis_graphql.from_path(sdl_path))


def unexplained_errors(body: Any) -> list[Any]:
    """The errors of a GraphQL response a client cannot act on: those without ``extensions.code``
    (a masked "Unexpected error." among them)."""
    if not isinstance(body, dict):
        return [body]
    errors = body.get("errors") or []
    return [e for e in errors if not (isinstance(e, dict) and (e.get("extensions") or {}).get("code"))]


async def send_graphql_as_every_role(
    client: httpx.AsyncClient,
    case: FuzzCase,
    headers_by_role: Mapping[str, Mapping[str, str]],
    count: _Count,
    *,
    path: str = "/graphql",
    logged_errors: Callable[[], list[str]] = list,
) -> None:
    """Send the GraphQL query of ``case`` as each role: no 5xx, and every error carries a code.
    ``logged_errors`` returns what the gateway logged about the request, shown with a failure (a masked
    error's cause is only in the log)."""
    count.cases += 1
    query = case.body if isinstance(case.body, str) else str(case.body)
    note(query)
    try:
        for role, headers in headers_by_role.items():
            note(f"as {role}: {case.operation.label}")
            response = await client.post(path, json={"query": query}, headers=dict(headers))
            count.requests += 1
            assert response.status_code < 500, f"{response.status_code}: {response.text[:1000]}"
            try:
                body = response.json()
            except ValueError:
                body = response.text
            unexplained = unexplained_errors(body)
            assert not unexplained, f"errors without extensions.code: {unexplained}; logged: {logged_errors()}"
    finally:
        count.seconds = time.monotonic() - count.started
