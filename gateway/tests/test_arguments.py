"""An argument no service could take is refused by the gateway itself, as BAD_USER_INPUT, before any
service is called: every id of every query and mutation, and every string bound for a URL or a header."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import graphql
import httpx
import pytest
import pytest_asyncio

from hlm_gateway.errors import ErrorCode, GatewayError
from hlm_gateway.schema import schema_sdl
from hlm_gateway.upstream import Upstream
from hlm_gateway.upstream.survey import GoalList, GoalOut
from hlm_kit.http_client import http_client
from hlm_kit.testing.pytest_plugin import AuthHeaders

from .conftest import UNREACHABLE, CountingTransport, running_framework, running_gateway

SCHEMA = graphql.build_schema(schema_sdl())
SCALARS: dict[str, Any] = {
    "String": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "ID": str(uuid.UUID(int=1)),
    "DateTime": "2030-01-07T09:00:00+00:00",
    "Date": "2030-01-07",
}
Path = tuple[str | int, ...]


# One gateway for the whole module: it is only ever asked what it refuses before calling anything.
@pytest_asyncio.fixture(scope="module")
async def framework(framework_database_url: str, amqp_url: str) -> AsyncIterator[CountingTransport]:
    async with running_framework(framework_database_url, amqp_url) as transport:
        yield transport


@pytest_asyncio.fixture(scope="module")
async def gateway(framework: CountingTransport, amqp_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with running_gateway(framework, amqp_url) as client:
        yield client


def sample(type_: graphql.GraphQLInputType) -> Any:
    """The smallest value of ``type_`` that GraphQL accepts: what the arguments not under test are given."""
    type_ = graphql.get_nullable_type(type_)  # type: ignore[assignment]
    if isinstance(type_, graphql.GraphQLList):
        return []
    if isinstance(type_, graphql.GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, graphql.GraphQLInputObjectType):
        return {
            name: sample(field.type)
            for name, field in type_.fields.items()
            if graphql.is_non_null_type(field.type) and field.default_value is graphql.Undefined
        }
    assert isinstance(type_, graphql.GraphQLScalarType)
    return SCALARS[type_.name]


def id_paths(type_: graphql.GraphQLInputType, path: Path) -> Iterator[Path]:
    """Where an ID sits in a value of ``type_``: alone, in a list, or in a field of an input object."""
    type_ = graphql.get_nullable_type(type_)  # type: ignore[assignment]
    if isinstance(type_, graphql.GraphQLList):
        yield from id_paths(type_.of_type, (*path, 0))
    elif isinstance(type_, graphql.GraphQLInputObjectType):
        for name, field in type_.fields.items():
            yield from id_paths(field.type, (*path, name))
    elif isinstance(type_, graphql.GraphQLScalarType) and type_.name == "ID":
        yield path


def with_value(type_: graphql.GraphQLInputType, current: Any, path: Path, value: str) -> Any:
    """``current`` (a value of ``type_``) with ``value`` put at ``path``."""
    if not path:
        return value
    type_ = graphql.get_nullable_type(type_)  # type: ignore[assignment]
    step, rest = path[0], path[1:]
    if isinstance(type_, graphql.GraphQLList):
        return [with_value(type_.of_type, sample(type_.of_type), rest, value)]
    assert isinstance(type_, graphql.GraphQLInputObjectType)
    assert isinstance(step, str)
    base = current if isinstance(current, dict) else sample(type_)
    field = type_.fields[step]
    return {**base, step: with_value(field.type, base.get(step, sample(field.type)), rest, value)}


def operation(kind: str, name: str, field: graphql.GraphQLField, path: Path, value: str) -> dict[str, Any]:
    """``field`` asked with every required argument at its sample value and ``value`` at ``path``."""
    variables = {
        arg: sample(a.type)
        for arg, a in field.args.items()
        if graphql.is_non_null_type(a.type) and a.default_value is graphql.Undefined
    }
    arg = str(path[0])
    variables[arg] = with_value(field.args[arg].type, variables.get(arg), path[1:], value)
    declared = ", ".join(f"${a}: {field.args[a].type}" for a in variables)
    passed = ", ".join(f"{a}: ${a}" for a in variables)
    selection = "" if graphql.is_leaf_type(graphql.get_named_type(field.type)) else " { __typename }"
    return {"query": f"{kind} ({declared}) {{ {name}({passed}){selection} }}", "variables": variables}


def id_arguments() -> Iterator[Any]:
    for kind, root in (("query", SCHEMA.query_type), ("mutation", SCHEMA.mutation_type)):
        assert root is not None
        for name, field in root.fields.items():
            for arg_name, arg in field.args.items():
                for path in id_paths(arg.type, (arg_name,)):
                    label = name + "." + ".".join(str(p) for p in path)
                    yield pytest.param(kind, name, path, id=label)


ID_ARGUMENTS = list(id_arguments())


def test_the_cases_cover_every_kind_of_id_argument() -> None:
    labels = {p.id for p in ID_ARGUMENTS}
    assert {"report.id", "goal.id", "questionnaires.ids.0", "createCycle.input.questionnaireId"} <= labels
    assert {"startAllocation.input.participants.0.participantId", "eraseParticipant.participantId"} <= labels


def code_of(body: dict[str, Any]) -> str:
    errors = body.get("errors") or []
    assert errors, body
    code: str = errors[0].get("extensions", {}).get("code", "")
    return code


@pytest.mark.parametrize(("kind", "name", "path"), ID_ARGUMENTS)
async def test_an_id_that_cannot_be_one_is_bad_user_input_without_calling_a_service(
    gateway: httpx.AsyncClient, framework: CountingTransport, auth: AuthHeaders, kind: str, name: str, path: Path
) -> None:
    root = SCHEMA.query_type if kind == "query" else SCHEMA.mutation_type
    assert root is not None
    for value in ("", "x" * 70_000, "not-a-uuid/../../v1/frameworks"):
        if path[-1] == "participantId" and value.startswith("not-a-uuid"):
            continue  # a participant id is a token's sub: any short printable text may be one
        before = sum(framework.calls.values())
        response = await gateway.post(
            "/graphql", json=operation(kind, name, root.fields[name], path, value), headers=auth("participant")
        )
        assert response.status_code == 200
        body = response.json()
        assert code_of(body) == "BAD_USER_INPUT", (value[:20], body)
        assert sum(framework.calls.values()) == before


async def test_an_id_is_passed_on_in_its_canonical_form(
    gateway: httpx.AsyncClient, framework: CountingTransport, auth: AuthHeaders
) -> None:
    hlm_360 = "d64d23aa-0e25-53c0-8b12-810a2047e60e"
    response = await gateway.post(
        "/graphql",
        json={"query": "query ($id: ID!) { questionnaire(id: $id) { id } }", "variables": {"id": hlm_360.upper()}},
        headers=auth("participant"),
    )
    assert response.json() == {"data": {"questionnaire": {"id": hlm_360}}}


@pytest.mark.parametrize("key", ["", "x" * 70_000, "HLM", "hlm/../questionnaires", "hlm\x00"])
async def test_a_framework_key_that_cannot_be_one_is_bad_user_input(
    gateway: httpx.AsyncClient, framework: CountingTransport, auth: AuthHeaders, key: str
) -> None:
    before = sum(framework.calls.values())
    response = await gateway.post(
        "/graphql",
        json={"query": "query ($key: String!) { framework(key: $key) { name } }", "variables": {"key": key}},
        headers=auth("participant"),
    )
    assert code_of(response.json()) == "BAD_USER_INPUT"
    assert sum(framework.calls.values()) == before


async def test_a_cursor_too_long_for_a_url_is_bad_user_input(
    gateway: httpx.AsyncClient, framework: CountingTransport, auth: AuthHeaders
) -> None:
    before = sum(framework.calls.values())
    response = await gateway.post(
        "/graphql",
        json={
            "query": "query ($after: String) { frameworks(after: $after) { edges { cursor } } }",
            "variables": {"after": "x" * 70_000},
        },
        headers=auth("participant"),
    )
    assert code_of(response.json()) == "BAD_USER_INPUT"
    assert sum(framework.calls.values()) == before


assert SCHEMA.query_type is not None
PAGED_LISTS = sorted(name for name, field in SCHEMA.query_type.fields.items() if "first" in field.args)


def test_the_cases_cover_every_paged_list() -> None:
    assert PAGED_LISTS == [
        "allocations",
        "courseRequests",
        "courses",
        "cycles",
        "facilitators",
        "feedbackSessions",
        "frameworks",
        "goals",
        "observations",
        "publicRegister",
        "reports",
        "resources",
        "trainingAssessments",
    ]


@pytest.mark.parametrize("name", PAGED_LISTS)
@pytest.mark.parametrize("first", [0, -1, 101])
async def test_a_page_size_out_of_range_is_refused_the_same_way_on_every_list_without_calling_a_service(
    gateway: httpx.AsyncClient, framework: CountingTransport, auth: AuthHeaders, name: str, first: int
) -> None:
    # Only framework-svc runs: a list of another service that called it would answer UPSTREAM_UNAVAILABLE.
    assert SCHEMA.query_type is not None
    field = SCHEMA.query_type.fields[name]
    asked = operation("query", name, field, ("first",), "")
    asked["variables"]["first"] = first
    before = sum(framework.calls.values())
    response = await gateway.post("/graphql", json=asked, headers=auth("academy_admin"))
    errors = response.json()["errors"]
    assert [(e["message"], e["extensions"]["code"]) for e in errors] == [
        ("first must be between 1 and 100", "BAD_USER_INPUT")
    ]
    assert errors[0]["path"] == [name]
    assert sum(framework.calls.values()) == before


assert SCHEMA.mutation_type is not None
MUTATIONS = SCHEMA.mutation_type.fields
IDEMPOTENT_WRITES = sorted(name for name, field in MUTATIONS.items() if "idempotencyKey" in field.args)


def test_the_cases_cover_every_idempotent_write() -> None:
    assert IDEMPOTENT_WRITES == [
        "createCycle",
        "createCycleV2",
        "createTeamCycle",
        "recordObservation",
        "requestCourse",
        "setGoal",
        "startAllocation",
    ]


@pytest.mark.parametrize("mutation", IDEMPOTENT_WRITES)
@pytest.mark.parametrize("key", ["clé-1", "a\x00b", "a\nb", "", " ", "k" * 201], ids=repr)
async def test_an_idempotency_key_that_cannot_be_a_header_is_bad_user_input(
    gateway: httpx.AsyncClient, auth: AuthHeaders, mutation: str, key: str
) -> None:
    # The services these writes go to are down: any call made would answer UPSTREAM_UNAVAILABLE.
    asked = operation("mutation", mutation, MUTATIONS[mutation], ("idempotencyKey",), key)
    response = await gateway.post("/graphql", json=asked, headers=auth("participant"))
    assert code_of(response.json()) == "BAD_USER_INPUT"


@pytest.fixture
async def listening() -> AsyncIterator[str]:
    """A TCP server that accepts connections and reads, so a request fails while being written, not on
    connecting."""

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1 << 16)
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    async with server:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/v1/frameworks/" + "x" * 70_000, {}),  # httpx: InvalidURL
        ("/v1/goals", {"Idempotency-Key": "clé"}),  # UnicodeEncodeError
        ("/v1/goals", {"Idempotency-Key": "a\x00b"}),  # aiohttp: ValueError, raised as LocalProtocolError
    ],
    ids=["url-too-long", "non-ascii-header", "nul-in-header"],
)
async def test_a_request_that_cannot_be_written_is_the_callers_fault_not_the_services(
    listening: str, path: str, headers: dict[str, str]
) -> None:
    async with http_client(listening, timeout_s=5) as client:
        upstream = Upstream("survey-svc", client, None)
        with pytest.raises(GatewayError) as read:
            await upstream.get(path, GoalList) if not headers else await upstream.send(
                "POST", path, GoalOut, {}, headers=headers
            )
    assert read.value.code == ErrorCode.BAD_USER_INPUT


async def test_a_service_that_is_down_is_still_upstream_unavailable() -> None:
    async with http_client(UNREACHABLE, timeout_s=5) as client:
        with pytest.raises(GatewayError) as read:
            await Upstream("survey-svc", client, None).get("/v1/goals", GoalList)
    assert read.value.code == ErrorCode.UPSTREAM_UNAVAILABLE
