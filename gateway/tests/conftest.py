"""Gateway tests run the gateway against the real services, in-process, on the real database and broker.

Each upstream is reached through a counting transport (a real ASGI call into the service's app), so
tests can assert how many upstream calls a query made.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import mailbox
import re
import socket
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import uvicorn
from asgi_lifespan import LifespanManager
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from framework_svc.catalogue.loader import load_catalogue
from framework_svc.cli import MIGRATIONS
from framework_svc.config import Settings as FrameworkSettings
from framework_svc.main import create_app as create_framework_app
from hlm_gateway.config import Settings
from hlm_gateway.main import create_app
from hlm_kit.db import create_engine
from hlm_kit.testing.pytest_plugin import (
    TEST_JWT_AUDIENCE,
    TEST_JWT_ISSUER,
    TEST_JWT_SECRET,
    TestDatabase,
    migrated_service_database,
    wait_for,
)

# A port nothing listens on: a service that is down.
UNREACHABLE = "http://127.0.0.1:9"


class CountingTransport(httpx.AsyncBaseTransport):
    """Passes every request to ``inner`` and counts it by (method, path), and in ``queries`` by (method,
    path, query string)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.calls: Counter[tuple[str, str]] = Counter()
        self.queries: Counter[tuple[str, str, str]] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls[(request.method, request.url.path)] += 1
        self.queries[(request.method, request.url.path, request.url.query.decode())] += 1
        return await self.inner.handle_async_request(request)


@contextlib.asynccontextmanager
async def serve(app: Any) -> AsyncIterator[str]:
    """``app`` on a socket of this machine for the duration of the block; yields its ws:// URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, lifespan="on", ws="websockets-sansio"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        await wait_for(lambda: server.started)
        yield f"ws://127.0.0.1:{sock.getsockname()[1]}/graphql"
    finally:
        server.should_exit = True
        await task
        sock.close()


@pytest_asyncio.fixture(scope="session")
async def framework_database_url(test_database: TestDatabase) -> str:
    url = await migrated_service_database(test_database, "framework_svc", MIGRATIONS)
    await load_catalogue(url)
    return url


def common(amqp_url: str) -> dict[str, object]:
    return {
        "environment": "test",
        "amqp_url": amqp_url,
        "jwt_secret": TEST_JWT_SECRET,
        "jwt_issuer": TEST_JWT_ISSUER,
        "jwt_audience": TEST_JWT_AUDIENCE,
        "log_json": False,
        "log_level": "WARNING",
    }


@contextlib.asynccontextmanager
async def running_framework(database_url: str, amqp_url: str) -> AsyncIterator[CountingTransport]:
    """framework-svc in-process, reached through a counting transport."""
    app = create_framework_app(
        FrameworkSettings.model_validate({**common(amqp_url), "database_url": database_url, "run_workers": False})
    )
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30):
        yield CountingTransport(httpx.ASGITransport(app=app))


@contextlib.asynccontextmanager
async def running_gateway(framework: CountingTransport, amqp_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway with ``framework`` in-process and every other service down."""
    settings = Settings.model_validate(
        {
            **common(amqp_url),
            "survey_url": UNREACHABLE,
            "report_url": UNREACHABLE,
            "facilitator_url": UNREACHABLE,
            "upstream_timeout_s": 2.0,
        }
    )
    app = create_app(settings, transport_for=lambda service: framework if service == "framework" else None)
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client,
    ):
        yield client


@pytest_asyncio.fixture
async def framework(framework_database_url: str, amqp_url: str) -> AsyncIterator[CountingTransport]:
    async with running_framework(framework_database_url, amqp_url) as transport:
        yield transport


@pytest_asyncio.fixture
async def gateway_with(
    framework: CountingTransport, amqp_url: str
) -> AsyncIterator[Callable[[dict[str, CountingTransport]], contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]]:
    """``async with gateway_with({"survey": transport, ...}) as client``: the gateway with framework-svc
    and the given services running in-process; any service not given is down. ``client`` is the
    caller's address as the gateway sees it."""

    @contextlib.asynccontextmanager
    async def make(
        running: dict[str, CountingTransport], *, client: tuple[str, int] = ("127.0.0.1", 123)
    ) -> AsyncIterator[httpx.AsyncClient]:
        transports = {"framework": framework, **running}
        settings = Settings.model_validate(
            {
                **common(amqp_url),
                **{f"{name}_url": UNREACHABLE for name in ("survey", "report", "facilitator") if name not in running},
                "upstream_timeout_s": 2.0,
            }
        )
        app = create_app(settings, transport_for=transports.get)
        async with (
            LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=client), base_url="http://gateway") as http,
        ):
            yield http

    yield make


@pytest_asyncio.fixture
async def gateway(framework: CountingTransport, amqp_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway with framework-svc running in-process and every other service down."""
    async with running_gateway(framework, amqp_url) as client:
        yield client


# ----------------------------------------------------------------------------------------------------
# survey-, report- and facilitator-svc, in-process, for the journey through the gateway
# ----------------------------------------------------------------------------------------------------

EMAIL_HASH_KEY = "gateway-test-email-hash-key-0123456789abcdef"


@pytest_asyncio.fixture(scope="session")
async def journey_database_urls(test_database: TestDatabase, framework_database_url: str) -> dict[str, str]:
    """Each service's schema migrated; survey-svc holding the catalogue's questionnaires as the
    questionnaire.published event carries them (what its consumer would have stored)."""
    from facilitator_svc.cli import MIGRATIONS as FACILITATOR_MIGRATIONS
    from framework_svc.questionnaires import service as questionnaire_service
    from framework_svc.questionnaires.repository import QuestionnaireRepository as FrameworkQuestionnaires
    from framework_svc.versioning import VersionStatus, version_id
    from report_svc.cli import MIGRATIONS as REPORT_MIGRATIONS
    from survey_svc.cli import MIGRATIONS as SURVEY_MIGRATIONS
    from survey_svc.questionnaires.repository import QuestionnaireRepository as SurveyQuestionnaires

    urls = {
        "survey": await migrated_service_database(test_database, "survey_svc", SURVEY_MIGRATIONS),
        "report": await migrated_service_database(test_database, "report_svc", REPORT_MIGRATIONS),
        "facilitator": await migrated_service_database(test_database, "facilitator_svc", FACILITATOR_MIGRATIONS),
    }
    framework_engine, survey_engine = create_engine(framework_database_url), create_engine(urls["survey"])
    try:
        async with AsyncSession(framework_engine) as framework_session, AsyncSession(survey_engine) as survey_session:
            for key in ("hlm-360", "hlm-self"):
                questionnaire = await FrameworkQuestionnaires(framework_session).get_whole(
                    version_id("questionnaire", key, 1), visible=(VersionStatus.PUBLISHED,)
                )
                assert questionnaire is not None
                await SurveyQuestionnaires(survey_session).add_snapshot(
                    questionnaire_service.published_event(questionnaire)
                )
            await survey_session.commit()
    finally:
        await framework_engine.dispose()
        await survey_engine.dispose()
    return urls


@pytest_asyncio.fixture
async def journey_services(
    journey_database_urls: dict[str, str], amqp_url: str, tmp_path: Path
) -> AsyncIterator[dict[str, CountingTransport]]:
    from facilitator_svc.config import Settings as FacilitatorSettings
    from facilitator_svc.main import create_app as create_facilitator_app
    from report_svc.config import Settings as ReportSettings
    from report_svc.main import create_app as create_report_app
    from survey_svc.config import Settings as SurveySettings
    from survey_svc.main import create_app as create_survey_app

    base = {**common(amqp_url), "run_workers": False}
    apps = {
        "survey": create_survey_app(
            SurveySettings.model_validate(
                {
                    **base,
                    "database_url": journey_database_urls["survey"],
                    "email_hash_key": EMAIL_HASH_KEY,
                    "mail_transport": "file",
                    "mail_directory": str(tmp_path / "mail"),
                }
            )
        ),
        "report": create_report_app(
            ReportSettings.model_validate({**base, "database_url": journey_database_urls["report"]})
        ),
        "facilitator": create_facilitator_app(
            FacilitatorSettings.model_validate(
                {**base, "database_url": journey_database_urls["facilitator"], "email_hash_key": EMAIL_HASH_KEY}
            )
        ),
    }
    # As `survey-svc serve` runs behind the gateway (uvicorn's proxy headers): the rater's address the
    # gateway passes on is the one survey-svc counts failed invitation look-ups against.
    apps["survey"].add_middleware(ProxyHeadersMiddleware, trusted_hosts="127.0.0.1")
    async with contextlib.AsyncExitStack() as stack:
        for app in apps.values():
            await stack.enter_async_context(LifespanManager(app, startup_timeout=30, shutdown_timeout=30))
        yield {name: CountingTransport(httpx.ASGITransport(app=app)) for name, app in apps.items()}


@pytest_asyncio.fixture
async def participant_sub(journey_database_urls: dict[str, str]) -> AsyncIterator[str]:
    """A participant of this test alone; their cycles are removed afterwards."""
    sub = f"gateway-participant-{uuid.uuid4().hex[:8]}"
    yield sub
    engine = create_engine(journey_database_urls["survey"])
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DELETE FROM survey.cycle WHERE participant_id = :sub"), {"sub": sub})
    finally:
        await engine.dispose()


RaterTokens = Callable[[], Awaitable[dict[str, str]]]
# A rater's link is the last path segment of the URL in their mail (the web front's /answer/{token}).
_INVITATION_LINK = re.compile(r"https?://\S+/([A-Za-z0-9_-]{20,})")


@pytest.fixture
def rater_tokens(journey_services: dict[str, CountingTransport], tmp_path: Path) -> RaterTokens:
    """``await rater_tokens()``: sends the mail survey-svc has queued now (its workers do not run in these
    tests) into its Maildir under ``tmp_path``, and returns the token of the newest link each address
    received, by address, as a rater would find it in their mail."""
    from survey_svc.mail import service as mail_service
    from survey_svc.mail.transport import mailer_from

    async def tokens() -> dict[str, str]:
        inner = journey_services["survey"].inner
        assert isinstance(inner, httpx.ASGITransport)
        state = inner.app.state  # the survey-svc app's runtime: its sessions and settings
        await mail_service.deliver_due(state.sessionmaker, mailer_from(state.settings), state.settings)
        found: dict[str, str] = {}
        for message in sorted(mailbox.Maildir(tmp_path / "mail", create=True), key=lambda m: m.get_date()):
            body = message.get_payload(decode=True)
            link = _INVITATION_LINK.search(body.decode() if isinstance(body, bytes) else "")
            if link:
                found[email.utils.parseaddr(message["To"])[1]] = link.group(1)
        return found

    return tokens
