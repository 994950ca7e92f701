"""survey-svc test fixtures: the service's schema migrated in the session's database, the shipped HLM
questionnaires kept as snapshots once, a real SMTP server (aiosmtpd), and per test an app whose
requests run inside one transaction that is rolled back."""

from __future__ import annotations

import contextlib
import re
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from typing import Any

import httpx
import pytest
import pytest_asyncio
import yaml
from aiosmtpd.controller import Controller
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from framework_svc.catalogue.loader import DATA_DIRECTORY
from framework_svc.versioning import version_id
from hlm_contracts import QuestionnairePublishedV1, ResourcesPublishedV1
from hlm_kit.db import create_engine
from hlm_kit.testing.pytest_plugin import (
    TEST_JWT_AUDIENCE,
    TEST_JWT_ISSUER,
    TEST_JWT_SECRET,
    AuthHeaders,
    TestDatabase,
    migrated_service_database,
    share_session,
)
from survey_svc.cli import MIGRATIONS
from survey_svc.config import Settings
from survey_svc.mail import service as mail_service
from survey_svc.mail.transport import SmtpMailer
from survey_svc.main import create_app
from survey_svc.questionnaires.repository import QuestionnaireRepository

EMAIL_HASH_KEY = "survey-test-email-hash-key-0123456789abcdef"
HLM_360 = version_id("questionnaire", "hlm-360", 1)
HLM_SELF = version_id("questionnaire", "hlm-self", 1)


# ----------------------------------------------------------------------------------------------------
# The published questionnaires, as framework-svc's event carries them
# ----------------------------------------------------------------------------------------------------


def published_questionnaire(filename: str, **overrides: Any) -> QuestionnairePublishedV1:
    """The shipped catalogue questionnaire ``filename`` as a questionnaire.published event's data."""
    document = yaml.safe_load((DATA_DIRECTORY / filename).read_text())
    framework = yaml.safe_load((DATA_DIRECTORY / f"{document['framework']['key']}.yaml").read_text())
    data: dict[str, Any] = {
        "questionnaire_id": version_id("questionnaire", document["key"], document["version"]),
        "key": document["key"],
        "version": document["version"],
        "name": document["name"],
        "purpose": document["purpose"],
        "framework_key": framework["key"],
        "framework_version": framework["version"],
        "instructions": document["instructions"],
        "dimensions": [
            {"key": d["key"], "name": d["name"], "position": n} for n, d in enumerate(framework["dimensions"], 1)
        ],
        "items": [
            {"key": i["key"], "dimension_key": i["dimension"], "text": i["text"], "position": n}
            for n, i in enumerate(document["items"], 1)
        ],
        "performance_scale": document["performance_scale"]["points"],
        "not_observed_label": document["performance_scale"].get("not_observed_label"),
        "importance_scale": document["importance_scale"],
        "importance_questions": [
            {"dimension_key": q["dimension"], "text": q["text"]} for q in document["importance_questions"]
        ],
        "published_at": datetime(2026, 11, 1, tzinfo=UTC),
    }
    data.update(overrides)
    return QuestionnairePublishedV1.model_validate(data)


@pytest.fixture(scope="session")
def hlm_360() -> QuestionnairePublishedV1:
    return published_questionnaire("hlm-360.yaml")


@pytest.fixture(scope="session")
def hlm_self() -> QuestionnairePublishedV1:
    return published_questionnaire("hlm-self.yaml")


# ----------------------------------------------------------------------------------------------------
# Database, settings, app
# ----------------------------------------------------------------------------------------------------


@pytest_asyncio.fixture(scope="session")
async def database_url(test_database: TestDatabase) -> str:
    """The survey schema, migrated to head, reached as the survey_svc role."""
    return await migrated_service_database(test_database, "survey_svc", MIGRATIONS)


@pytest_asyncio.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=5)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture(scope="session")
async def snapshots(
    engine: AsyncEngine, hlm_360: QuestionnairePublishedV1, hlm_self: QuestionnairePublishedV1
) -> list[QuestionnairePublishedV1]:
    """The shipped HLM 360 and self-assessment questionnaires, kept once for the session (committed)."""
    async with AsyncSession(engine) as session, session.begin():
        for data in (hlm_360, hlm_self):
            await QuestionnaireRepository(session).add_snapshot(data)
    return [hlm_360, hlm_self]


@pytest.fixture
def client_address() -> tuple[str, int]:
    """An address of this test's own, as the ASGI scope reports it: the token-guessing limit counts
    failures per address in committed rows, so tests on committed data must not share one."""
    n = uuid.uuid4().int
    return f"198.18.{n % 250 + 1}.{(n >> 8) % 250 + 1}", 50000


@dataclass
class SmtpServer:
    """A real SMTP server on 127.0.0.1; every message it accepts is kept."""

    port: int
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(port=_free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


def make_settings(database_url: str, amqp_url: str, smtp_port: int, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "test",
        "database_url": database_url,
        "amqp_url": amqp_url,
        "jwt_secret": TEST_JWT_SECRET,
        "jwt_issuer": TEST_JWT_ISSUER,
        "jwt_audience": TEST_JWT_AUDIENCE,
        "email_hash_key": EMAIL_HASH_KEY,
        "invitation_link_base_url": "https://app.hlm.test/feedback/",
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp_port,
        "smtp_timeout_s": 5.0,
        "run_workers": False,
        "log_json": False,
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings.model_validate(values)


@pytest.fixture(scope="session")
def settings(database_url: str, amqp_url: str, smtp: SmtpServer) -> Settings:
    return make_settings(database_url, amqp_url, smtp.port)


@pytest_asyncio.fixture
async def connection(engine: AsyncEngine, snapshots: list[QuestionnairePublishedV1]) -> AsyncIterator[Any]:
    """One connection whose transaction is rolled back after the test."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        try:
            yield connection
        finally:
            await transaction.rollback()


@pytest_asyncio.fixture
async def session(connection: Any) -> AsyncIterator[AsyncSession]:
    """A session inside the test's transaction; each request's commit becomes a savepoint's release."""
    session = AsyncSession(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        await session.close()


@pytest.fixture
def sessionmaker(connection: Any) -> async_sessionmaker[AsyncSession]:
    """Sessions for workers (mail, closing) that see and write inside the test's transaction."""
    return async_sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest_asyncio.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    """One app for the session (building and starting one per test costs more than most tests)."""
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30):
        yield app


@pytest_asyncio.fixture
async def client(
    app: FastAPI, session: AsyncSession, client_address: tuple[str, int]
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the app, every request of the test sharing the rolled-back transaction. It calls
    from an address of the test's own: failed link guesses that other suites' apps committed from the
    default address would otherwise count against this test's."""
    share_session(app, session)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=client_address), base_url="http://survey-svc"
        ) as client:
            yield client
    finally:
        app.dependency_overrides.clear()


# ----------------------------------------------------------------------------------------------------
# Checks
# ----------------------------------------------------------------------------------------------------

Problem = Callable[[httpx.Response, int], dict[str, Any]]


@pytest.fixture
def assert_problem() -> Problem:
    """Check that a response is an RFC 9457 problem with ``status``; return its body."""

    def check(response: httpx.Response, status: int) -> dict[str, Any]:
        assert response.status_code == status, response.text
        assert response.headers["content-type"].split(";")[0] == "application/problem+json"
        body: dict[str, Any] = response.json()
        assert body["status"] == status
        assert body["title"]
        return body

    return check


StoredState = Callable[[], Awaitable[dict[str, list[tuple[Any, ...]]]]]

STATE_QUERIES = {
    "cycles": "SELECT id, kind, status, closes_at, closed_at, self_draft::text, report_released_at FROM survey.cycle",
    "team_cycles": "SELECT id, name FROM survey.team_cycle",
    "invitations": "SELECT id, status, draft::text, ended_at FROM survey.invitation",
    "tokens": "SELECT token_hash FROM survey.invitation_token",
    "responses": "SELECT id, invitation_id, rater_group FROM survey.response",
    "mail": "SELECT id, kind, sent_at FROM survey.mail_job",
    "observations": "SELECT id, author_id, context, reflection FROM survey.observation",
    "goals": "SELECT id, author_id, title, status, remind_on FROM survey.goal",
    "goal_resources": "SELECT goal_id, resource_key FROM survey.goal_resource",
    "outbox": "SELECT id, type FROM survey.outbox_message",
}


@pytest.fixture
def stored_state(session: AsyncSession) -> StoredState:
    """Every row a request could change: compare before and after a request that must store nothing."""

    async def state() -> dict[str, list[tuple[Any, ...]]]:
        return {
            name: sorted((tuple(row) for row in await session.execute(text(sql))), key=repr)
            for name, sql in STATE_QUERIES.items()
        }

    return state


Envelopes = Callable[[str], Awaitable[list[dict[str, Any]]]]


@pytest.fixture
def outbox_envelopes(session: AsyncSession) -> Envelopes:
    """The envelopes written to the outbox about ``subject``, in order."""

    async def envelopes(subject: str) -> list[dict[str, Any]]:
        statement = text("SELECT envelope FROM survey.outbox_message WHERE subject = :s ORDER BY id")
        return [row[0] for row in await session.execute(statement, {"s": subject})]

    return envelopes


# ----------------------------------------------------------------------------------------------------
# Making cycles, raters and answers
# ----------------------------------------------------------------------------------------------------


def _full_answers(questionnaire: QuestionnairePublishedV1, level: int | str = 3) -> dict[str, Any]:
    """A complete response: every item at ``level``, every dimension rated 3, one comment."""
    return {
        "answers": [{"item_key": i.key, "level": level} for i in questionnaire.items],
        "importance": [{"dimension_key": d.key, "rating": 3} for d in questionnaire.dimensions],
        "comments": [{"dimension_key": questionnaire.dimensions[0].key, "text": "Listens before deciding."}],
    }


@pytest.fixture(name="full_answers")
def full_answers_fixture() -> Callable[..., dict[str, Any]]:
    """``full_answers(questionnaire, level=3)``: a complete response to ``questionnaire``."""
    return _full_answers


LINK = re.compile(r"https://app\.hlm\.test/feedback/([A-Za-z0-9_-]+)")


def _token_in(message: Message) -> str:
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    found = LINK.search(body.decode())
    assert found, body
    return found.group(1)


@pytest.fixture(name="token_in")
def token_in_fixture() -> Callable[[Message], str]:
    """``token_in(message)``: the token of the invitation link in a mail."""
    return _token_in


@dataclass
class Survey:
    """Drives the API as a participant would: create, nominate, open; and reads the raters' mail."""

    client: httpx.AsyncClient
    auth: AuthHeaders
    smtp: SmtpServer
    settings: Settings
    sessionmaker: async_sessionmaker[AsyncSession]
    hlm_360: QuestionnairePublishedV1
    hlm_self: QuestionnairePublishedV1
    participant_sub: str = "participant-1"

    @property
    def participant(self) -> dict[str, str]:
        return self.auth("participant", sub=self.participant_sub)

    async def create(self, headers: dict[str, str] | None = None, **overrides: Any) -> dict[str, Any]:
        body = {
            "kind": "feedback_360",
            "questionnaire_id": str(HLM_360),
            "self_questionnaire_id": str(HLM_SELF),
            "participant_name": "Alex Morgan",
            **overrides,
        }
        response = await self.client.post("/v1/cycles", json=body, headers=headers or self.participant)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    def raters(self, peers: int = 3, tag: str | None = None) -> list[dict[str, str]]:
        tag = tag or uuid.uuid4().hex[:6]
        raters = [{"name": "Sam Line", "email": f"manager.{tag}@trust.example.org", "rater_group": "line_manager"}]
        raters += [
            {"name": f"Peer {n}", "email": f"peer{n}.{tag}@trust.example.org", "rater_group": "peer"}
            for n in range(1, peers + 1)
        ]
        return raters

    async def nominate(self, cycle_id: str, raters: list[dict[str, str]]) -> list[dict[str, Any]]:
        response = await self.client.post(
            f"/v1/cycles/{cycle_id}/raters", json={"raters": raters}, headers=self.participant
        )
        assert response.status_code == 201, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    async def open(self, cycle_id: str, closes_in: timedelta = timedelta(days=14)) -> dict[str, Any]:
        closes_at = (datetime.now(UTC) + closes_in).isoformat()
        response = await self.client.post(
            f"/v1/cycles/{cycle_id}/open", json={"closes_at": closes_at}, headers=self.participant
        )
        assert response.status_code == 200, response.text
        opened: dict[str, Any] = response.json()
        return opened

    async def open_360(self, peers: int = 3, **create: Any) -> tuple[dict[str, Any], list[dict[str, str]]]:
        """A 360 opened with a line manager and ``peers`` peers; returns the cycle and the raters."""
        cycle = await self.create(**create)
        raters = self.raters(peers)
        await self.nominate(cycle["id"], raters)
        return await self.open(cycle["id"]), raters

    async def send_mail(self) -> int:
        """Run the mail worker once over what is due, into the real SMTP server."""
        return await mail_service.deliver_due(self.sessionmaker, SmtpMailer(self.settings), self.settings)

    async def tokens(self, raters: list[dict[str, str]]) -> dict[str, str]:
        """Send what is due, then the latest link each rater received, by email address."""
        await self.send_mail()
        tokens = {}
        for rater in raters:
            received = self.smtp.to(rater["email"])
            assert received, f"no mail for {rater['email']}"
            tokens[rater["email"]] = _token_in(received[-1])
        return tokens


@pytest.fixture
def survey(
    client: httpx.AsyncClient,
    auth: AuthHeaders,
    smtp: SmtpServer,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    hlm_360: QuestionnairePublishedV1,
    hlm_self: QuestionnairePublishedV1,
) -> Survey:
    return Survey(client, auth, smtp, settings, sessionmaker, hlm_360, hlm_self)


# ----------------------------------------------------------------------------------------------------
# The service running for real: workers on, commits committed, events on a test exchange
# ----------------------------------------------------------------------------------------------------


@dataclass
class EventTap:
    """Every event published on the test's exchange under ``hlm.survey.#``, in the order it arrived."""

    bodies: list[dict[str, Any]] = field(default_factory=list)

    def of(self, subject: str) -> list[dict[str, Any]]:
        return [e for e in self.bodies if e.get("subject") == subject or e["data"].get("participant_id") == subject]


@pytest_asyncio.fixture
async def event_tap(amqp_url: str, topology: Any) -> AsyncIterator[EventTap]:
    import json

    import aio_pika

    from hlm_kit.messaging.topology import declare_exchanges

    tap = EventTap()
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        await declare_exchanges(channel, topology)
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(topology.events_exchange, routing_key="hlm.survey.#")

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            async with message.process():
                tap.bodies.append(json.loads(message.body))

        await queue.consume(on_message)
        yield tap
    finally:
        await connection.close()


@contextlib.asynccontextmanager
async def serving(
    settings: Settings, client_address: tuple[str, int]
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """An app of its own on committed data, started and stopped with its lifespan, and a client calling it
    from ``client_address``."""
    app = create_app(settings)
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=client_address), base_url="http://survey-svc"
        ) as client,
    ):
        yield app, client


@pytest_asyncio.fixture
async def live_app(
    database_url: str,
    amqp_url: str,
    smtp: SmtpServer,
    topology: Any,
    snapshots: list[QuestionnairePublishedV1],
    client_address: tuple[str, int],
) -> AsyncIterator[tuple[httpx.AsyncClient, Settings]]:
    """The app with its relay, consumers and periodic jobs running, against committed data."""
    settings = make_settings(
        database_url,
        amqp_url,
        smtp.port,
        run_workers=True,
        events_exchange=topology.events_exchange,
        dead_letter_exchange=topology.dead_letter_exchange,
        queue_prefix=topology.queue_prefix,
        relay_poll_interval_s=0.2,
        mail_poll_interval_s=0.05,
        closing_poll_interval_s=0.1,
        consumer_retry_base_delay_s=0.01,
    )
    async with serving(settings, client_address) as (_, client):
        yield client, settings


PublishResources = Callable[..., Awaitable[None]]


@pytest.fixture
def publish_resources(session: AsyncSession) -> PublishResources:
    """``await publish_resources(("key", "hlm_dimension_key"), ...)``: framework-svc's published set as its
    ``resources.published`` event carries it, kept by the service's consumer (each call a newer set)."""
    from hlm_kit.messaging.envelope import CloudEvent
    from survey_svc import consumers

    async def publish(*serving: tuple[str, str]) -> None:
        now = datetime.now(UTC)
        data = ResourcesPublishedV1.model_validate(
            {
                "resources": [
                    {
                        "key": key,
                        "version": 1,
                        "title": f"Title of {key}",
                        "kind": "reading",
                        "description": f"What {key} is about.",
                        "provider": None,
                        "authors": [],
                        "year": None,
                        "link": f"https://example.org/{key}",
                        "format": "document",
                        "duration_minutes": None,
                        "cost": None,
                        "audiences": ["all_staff"],
                        "serves": [{"framework_key": "hlm", "dimension_key": dimension, "from_levels": []}],
                        "published_at": now,
                    }
                    for key, dimension in serving
                ],
                "changed_at": now,
            }
        )
        await consumers.HANDLERS["resources_published"][ResourcesPublishedV1](session, data, CloudEvent.wrap(data))
        await session.commit()

    return publish
