"""report-svc test fixtures: the service's schema migrated in the session's database; per test either an
app whose requests share one rolled-back transaction (``client``), or a running service with its
consumers on this test's own exchanges and queues, fed through the real broker (``running``)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
import httpx
import pytest
import pytest_asyncio
from asgi_lifespan import LifespanManager
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from hlm_contracts import (
    CycleClosedV1,
    CycleOpenedV1,
    EventData,
    QuestionnairePublishedV1,
    ResponseSubmittedV1,
)
from hlm_contracts.enums import RaterGroup
from hlm_kit import migrations
from hlm_kit.db import create_engine
from hlm_kit.messaging.envelope import CLOUDEVENTS_CONTENT_TYPE, CloudEvent
from hlm_kit.messaging.topology import Topology
from hlm_kit.testing.pytest_plugin import (
    TEST_JWT_AUDIENCE,
    TEST_JWT_ISSUER,
    TEST_JWT_SECRET,
    TestDatabase,
    rolled_back_session,
    share_session,
)
from report_svc.cli import MIGRATIONS
from report_svc.config import Settings
from report_svc.main import create_app

from .scoring.example import QUESTIONNAIRE, RESPONSES

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest_asyncio.fixture(scope="session")
async def database_url(test_database: TestDatabase) -> str:
    """The report schema, migrated to head, reached as the report_svc role."""
    url = test_database.url_for("report_svc")
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
    return url


def make_settings(database_url: str, amqp_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "test",
        "database_url": database_url,
        "amqp_url": amqp_url,
        "jwt_secret": TEST_JWT_SECRET,
        "jwt_issuer": TEST_JWT_ISSUER,
        "jwt_audience": TEST_JWT_AUDIENCE,
        "run_workers": False,
        "log_json": False,
        "log_level": "WARNING",
        # Rendering every released report's PDF in the background would spend the shared machine's CPU
        # on every test that runs the workers; the tests of rendering ahead call it themselves.
        "pdf_render_ahead": False,
    }
    values.update(overrides)
    return Settings.model_validate(values)


@pytest.fixture(scope="session")
def settings(database_url: str, amqp_url: str) -> Settings:
    return make_settings(database_url, amqp_url)


@pytest_asyncio.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=5)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session inside a transaction rolled back after the test; the service's commits become savepoints."""
    async with rolled_back_session(engine) as session:
        yield session


@pytest_asyncio.fixture
async def client(settings: Settings, session: AsyncSession) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    share_session(app, session)
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://report-svc") as client,
    ):
        yield client


@pytest.fixture
def assert_problem() -> Callable[[httpx.Response, int], dict[str, Any]]:
    def check(response: httpx.Response, status: int) -> dict[str, Any]:
        assert response.status_code == status, response.text
        assert response.headers["content-type"].split(";")[0] == "application/problem+json"
        body: dict[str, Any] = response.json()
        assert body["status"] == status
        return body

    return check


# ---- events of a cycle ------------------------------------------------------------------------------


def questionnaire_event(questionnaire_id: uuid.UUID) -> QuestionnairePublishedV1:
    """The example questionnaire (tests/scoring/example.py) as framework-svc publishes it."""
    return QuestionnairePublishedV1(
        questionnaire_id=questionnaire_id,
        key=f"q-{questionnaire_id.hex[:8]}",
        version=1,
        name="Example 360",
        purpose="feedback_360",
        framework_key="hlm",
        framework_version=1,
        instructions="Rate what you have seen.",
        dimensions=[{"key": d.key, "name": d.name, "position": d.position} for d in QUESTIONNAIRE.dimensions],
        items=[
            {"key": i.key, "dimension_key": i.dimension_key, "text": i.text, "position": i.position}
            for i in QUESTIONNAIRE.items
        ],
        performance_scale=[{"value": v, "label": label} for v, label in enumerate(["E", "P", "S", "X"], 1)],
        not_observed_label="Not observed",
        importance_scale=[{"value": v, "label": str(v)} for v in range(1, 5)],
        importance_questions=[
            {"dimension_key": d.key, "text": f"How important is {d.name}?"} for d in QUESTIONNAIRE.dimensions
        ],
        published_at=NOW,
    )


@dataclass
class CycleEvents:
    """Every event of one cycle of the example, in the order survey-svc would publish them."""

    cycle_id: uuid.UUID
    participant_id: str
    questionnaire: QuestionnairePublishedV1
    opened: CycleOpenedV1
    responses: list[ResponseSubmittedV1]
    closed: CycleClosedV1
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ordered(self) -> list[EventData]:
        return [self.questionnaire, self.opened, *self.responses, self.closed]


def cycle_events(
    *,
    cycle_id: uuid.UUID | None = None,
    participant_id: str | None = None,
    questionnaire_id: uuid.UUID | None = None,
    kind: str = "feedback_360",
    release_mode: str = "coached",
    organisation: str = "RX1",
    region: str = "london",
    team_cycle_id: uuid.UUID | None = None,
    responses: list[Any] | None = None,
    closed_at: datetime = NOW,
) -> CycleEvents:
    cycle_id = cycle_id or uuid.uuid4()
    participant_id = participant_id or f"participant-{cycle_id.hex[:8]}"
    questionnaire_id = questionnaire_id or uuid.uuid4()
    chosen = RESPONSES if responses is None else responses
    submitted_events = [
        ResponseSubmittedV1(
            cycle_id=cycle_id,
            response_id=uuid.uuid4(),
            rater_group=r.group,
            answers=[{"item_key": k, "level": v} for k, v in r.answers.items()],
            importance=[{"dimension_key": k, "rating": v} for k, v in r.importance.items()],
            comments=[{"dimension_key": k, "text": v} for k, v in r.comments.items()],
            submitted_at=closed_at - timedelta(hours=1),
        )
        for r in chosen
    ]
    submitted: dict[RaterGroup, int] = {}
    for r in chosen:
        submitted[r.group] = submitted.get(r.group, 0) + 1
    return CycleEvents(
        cycle_id=cycle_id,
        participant_id=participant_id,
        questionnaire=questionnaire_event(questionnaire_id),
        opened=CycleOpenedV1(
            cycle_id=cycle_id,
            kind=kind,
            participant_id=participant_id,
            organisation=organisation,
            region=region,
            questionnaire_id=questionnaire_id,
            closes_at=closed_at,
            release_mode=release_mode,
            team_cycle_id=team_cycle_id,
        ),
        responses=submitted_events,
        closed=CycleClosedV1(
            cycle_id=cycle_id,
            participant_id=participant_id,
            invited=dict(submitted),
            submitted=dict(submitted),
            closed_at=closed_at,
        ),
    )


# ---- a running service fed through the broker ---------------------------------------------------------


@dataclass
class RunningService:
    client: httpx.AsyncClient
    engine: AsyncEngine
    topology: Topology
    amqp_url: str
    schema: str = "report"

    async def publish(self, *events: EventData | CloudEvent) -> list[CloudEvent]:
        """Publish events on this test's exchange, as their producers' relays would."""
        sent = []
        connection = await aio_pika.connect(self.amqp_url)
        try:
            channel = await connection.channel()
            exchange = await channel.get_exchange(self.topology.events_exchange)
            for event in events:
                envelope = event if isinstance(event, CloudEvent) else CloudEvent.wrap(event)
                await exchange.publish(
                    aio_pika.Message(
                        body=envelope.to_json_bytes(),
                        content_type=CLOUDEVENTS_CONTENT_TYPE,
                        message_id=envelope.id,
                        type=envelope.type,
                    ),
                    routing_key=envelope.type,
                )
                sent.append(envelope)
        finally:
            await connection.close()
        return sent

    async def scalar(self, sql: str, **params: Any) -> Any:
        async with self.engine.connect() as connection:
            return (await connection.execute(text(sql), params)).scalar()

    async def rows(self, sql: str, **params: Any) -> list[Any]:
        async with self.engine.connect() as connection:
            return list((await connection.execute(text(sql), params)).all())

    async def report_content(self, cycle_id: uuid.UUID) -> dict[str, Any] | None:
        content: dict[str, Any] | None = await self.scalar(
            "SELECT content FROM report.report WHERE cycle_id = :id", id=cycle_id
        )
        return content

    async def inbox_count(self, event_ids: list[str]) -> int:
        return int(
            await self.scalar("SELECT count(*) FROM report.inbox_message WHERE event_id = ANY(:ids)", ids=event_ids)
        )


@pytest_asyncio.fixture
async def running(
    database_url: str, amqp_url: str, topology: Topology, engine: AsyncEngine
) -> AsyncIterator[RunningService]:
    """report-svc with its consumers and outbox relay, on this test's exchanges and queues."""
    settings = make_settings(
        database_url,
        amqp_url,
        run_workers=True,
        events_exchange=topology.events_exchange,
        dead_letter_exchange=topology.dead_letter_exchange,
        queue_prefix=topology.queue_prefix,
        consumer_retry_base_delay_s=0.05,
        relay_poll_interval_s=0.2,
    )
    app = create_app(settings)
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://report-svc") as client,
    ):
        await asyncio.wait_for(app.state.broker.wait_connected(), timeout=15)
        yield RunningService(client, engine, topology, amqp_url)


Wait = Callable[[Callable[[], Awaitable[Any]]], Awaitable[Any]]


async def seed(session: AsyncSession, events: CycleEvents) -> None:
    """Apply a cycle's events through the same handlers the consumers run (no broker: fast set-up for
    tests about what happens once reports exist)."""
    from report_svc import consumers

    for event in events.ordered:
        handler = consumers.HANDLERS[type(event)]
        await handler(session, event, CloudEvent.wrap(event))
    # Committed as a request would be (in the rolled-back test transaction, a savepoint): a later request
    # that fails rolls back only its own work.
    await session.commit()


async def book(
    session: AsyncSession,
    *,
    facilitator_subject: str | None,
    participant_id: str,
    cycle_id: uuid.UUID | None,
    facilitator_id: uuid.UUID | None = None,
    booking_id: uuid.UUID | None = None,
    published_at: datetime = NOW,
) -> uuid.UUID:
    """Apply a ``session.booked`` as facilitator-svc announces it: the facilitator's register entry
    (``facilitator_id``, a new one unless given) and the account they sign in with (``facilitator_subject``)."""
    from hlm_contracts import SessionBookedV1
    from report_svc.sessions import service as session_service

    booking_id = booking_id or uuid.uuid4()
    data = SessionBookedV1(
        booking_id=booking_id,
        facilitator_id=facilitator_id or uuid.uuid4(),
        facilitator_subject=facilitator_subject,
        participant_id=participant_id,
        cycle_id=cycle_id,
        starts_at=NOW,
        ends_at=NOW + timedelta(hours=1),
    )
    await session_service.on_booked(session, data, published_at)
    await session.commit()
    return booking_id
