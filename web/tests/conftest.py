"""The web front against the real gateway and services, in one event loop, on the real database and broker.

framework-svc, survey-svc, report-svc and the gateway run in-process (the gateway reached over httpx's
ASGI transport, as the web front calls it over HTTP in production); survey-svc and report-svc run their
workers on an exchange of this session's own, so a submitted self-assessment becomes a report as it
would in production. The web front is served by uvicorn on a free local port, so that Debian's
chromium, driven by playwright, can load its pages. Raters' links are read from the mail survey-svc
sends, and point at that port. A local OpenID provider (oidc-provider-mock) runs in a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import mailbox
import re
import secrets
import shutil
import socket
import threading
import urllib.parse
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import oidc_provider_mock
import pytest
import pytest_asyncio
import uvicorn
import werkzeug.serving
from asgi_lifespan import LifespanManager
from playwright.async_api import Browser, BrowserContext, Page, Request, async_playwright
from playwright.async_api import Error as PlaywrightError
from sqlalchemy.ext.asyncio import AsyncSession
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from hlm_contracts.topology import CONSUMER_QUEUES
from hlm_kit.db import create_engine
from hlm_kit.messaging.topology import Topology
from hlm_kit.testing.pytest_plugin import (
    TEST_JWT_AUDIENCE,
    TEST_JWT_ISSUER,
    TEST_JWT_SECRET,
    TestDatabase,
    delete_topology,
    migrated_service_database,
)
from hlm_kit.tokens import mint_token
from hlm_web.config import Settings as WebSettings
from hlm_web.main import create_app as create_web_app

HLM_360 = "d64d23aa-0e25-53c0-8b12-810a2047e60e"
HLM_SELF = "43bf6408-24f2-588e-b607-415f64388224"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Failed look-ups of links an address may make before survey-svc slows it down: low, so a test can
# reach it, and above what the browser tests' own bad links add up to from 127.0.0.1 (the windows are
# fixed five minutes of the clock, so all of them can fall into one: a used and a made-up link, the
# second and third sends of one response, two links made up over HTTP, and a little room).
TOKEN_FAILURES_PER_WINDOW = 12
UNREACHABLE = "http://127.0.0.1:9"
EMAIL_HASH_KEY = "web-test-email-hash-key-0123456789abcdef"
WEB_SECRET = "web-test-secret-key-0123456789abcdef"
OIDC_CLIENT_ID = "hlm-web-test"
OIDC_CLIENT_SECRET = "web-test-oidc-client-secret"

CREATE = "mutation ($input: CreateCycleInput!) { createCycle(input: $input) { id } }"
NOMINATE = """
mutation ($cycleId: ID!, $raters: [RaterInput!]!) { nominateRaters(cycleId: $cycleId, raters: $raters) { id } }
"""
OPEN = """
mutation ($cycleId: ID!, $closesAt: DateTime!) {
  openCycle(cycleId: $cycleId, closesAt: $closesAt) { __typename ... on Cycle { status } }
}
"""
REGISTER = """
mutation ($input: FacilitatorInput!) {
  registerFacilitator(input: $input) { __typename ... on Facilitator { id } ... on RegisterRefused { message } }
}
"""
OFFER = """
mutation ($facilitatorId: ID!, $slots: [SlotInput!]!) {
  addAvailability(facilitatorId: $facilitatorId, slots: $slots) { __typename }
}
"""
PROGRESS = "query ($id: ID!) { cycle(id: $id) { progress { raterGroup invited submitted declined } } }"


def common(amqp_url: str) -> dict[str, object]:
    return {
        "environment": "test",
        "amqp_url": amqp_url,
        "jwt_secret": TEST_JWT_SECRET,
        "jwt_issuer": TEST_JWT_ISSUER,
        "jwt_audience": TEST_JWT_AUDIENCE,
        "log_json": False,
        "log_level": "WARNING",
        "run_workers": False,
    }


def address_of_its_own() -> str:
    """An address for this test session's browser. survey-svc counts failed link look-ups per address, in
    the database every suite of the run shares; the other suites call from 127.0.0.1, so the web tests'
    own bad links must be counted apart from theirs."""
    return "127.{}.{}.{}".format(*(secrets.randbelow(250) + 2 for _ in range(3)))


def as_if_from(app: Any, address: str) -> Any:
    """``app`` seeing every connection as coming from ``address``: on loopback the kernel gives every
    connection the source 127.0.0.1, whatever local address it was made to."""

    async def from_address(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = {**scope, "client": (address, (scope.get("client") or ("", 0))[1])}
        await app(scope, receive, send)

    return from_address


def free_socket(host: str = "127.0.0.1") -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    sock.listen(128)
    sock.setblocking(False)
    return sock


@pytest_asyncio.fixture(scope="session")
async def database_urls(test_database: TestDatabase) -> dict[str, str]:
    """framework-svc with its catalogue; survey-svc holding the questionnaires as their published event
    carries them (what its consumer would have stored)."""
    from facilitator_svc.cli import MIGRATIONS as FACILITATOR_MIGRATIONS
    from framework_svc.catalogue.loader import load_catalogue
    from framework_svc.cli import MIGRATIONS as FRAMEWORK_MIGRATIONS
    from framework_svc.questionnaires import service as questionnaire_service
    from framework_svc.questionnaires.repository import QuestionnaireRepository as FrameworkQuestionnaires
    from framework_svc.versioning import VersionStatus, version_id
    from report_svc.cli import MIGRATIONS as REPORT_MIGRATIONS
    from report_svc.questionnaires import service as report_questionnaires
    from survey_svc.cli import MIGRATIONS as SURVEY_MIGRATIONS
    from survey_svc.questionnaires.repository import QuestionnaireRepository as SurveyQuestionnaires

    urls = {
        "framework": await migrated_service_database(test_database, "framework_svc", FRAMEWORK_MIGRATIONS),
        "survey": await migrated_service_database(test_database, "survey_svc", SURVEY_MIGRATIONS),
        "report": await migrated_service_database(test_database, "report_svc", REPORT_MIGRATIONS),
        "facilitator": await migrated_service_database(test_database, "facilitator_svc", FACILITATOR_MIGRATIONS),
    }
    await load_catalogue(urls["framework"])
    engines = [create_engine(urls[name]) for name in ("framework", "survey", "report")]
    try:
        async with (
            AsyncSession(engines[0]) as framework_session,
            AsyncSession(engines[1]) as survey_session,
            AsyncSession(engines[2]) as report_session,
        ):
            for key in ("hlm-360", "hlm-self"):
                questionnaire = await FrameworkQuestionnaires(framework_session).get_whole(
                    version_id("questionnaire", key, 1), visible=(VersionStatus.PUBLISHED,)
                )
                assert questionnaire is not None
                published = questionnaire_service.published_event(questionnaire)
                await SurveyQuestionnaires(survey_session).add_snapshot(published)
                await report_questionnaires.store(report_session, published)
            await survey_session.commit()
            await report_session.commit()
    finally:
        for engine in engines:
            await engine.dispose()
    return urls


class SwitchableTransport(httpx.AsyncBaseTransport):
    """The web front's way to the gateway, which a test can cut as a network failure would; it keeps the
    Authorization of every call, as the gateway received it."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.is_down = False
        self.authorizations: list[str | None] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.is_down:
            raise httpx.ConnectError("the gateway is down", request=request)
        self.authorizations.append(request.headers.get("authorization"))
        return await self.inner.handle_async_request(request)


class Provider:
    """A local OpenID provider (oidc-provider-mock, which does not check PKCE itself), recording the
    authorization and token requests it receives so a test can."""

    def __init__(self) -> None:
        self.token_requests: list[dict[str, list[str]]] = []
        self._app = oidc_provider_mock.app()
        self._server = werkzeug.serving.make_server("127.0.0.1", 0, self._record, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1})

    def _record(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == "/oauth2/token":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            self.token_requests.append(urllib.parse.parse_qs(body.decode()))
            import io

            environ["wsgi.input"] = io.BytesIO(body)
        return self._app(environ, start_response)

    def __enter__(self) -> Provider:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()


@dataclass
class Platform:
    """The running platform as a test uses it: the web front's address, the gateway, survey-svc's mail."""

    web_url: str
    # Where the browser comes from, as the web front sees it (see address_of_its_own).
    address: str
    web_app: Any
    gateway: httpx.AsyncClient
    survey_app: Any
    mail_dir: Path
    to_gateway: SwitchableTransport
    provider: Provider
    facilitator_app: Any

    @contextlib.contextmanager
    def gateway_down(self) -> Iterator[None]:
        self.to_gateway.is_down = True
        try:
            yield
        finally:
            self.to_gateway.is_down = False

    @contextlib.contextmanager
    def facilitator_settings(self, **changed: Any) -> Iterator[None]:
        """facilitator-svc with ``changed`` settings for the block, as an academy configured otherwise."""
        state = self.facilitator_app.state
        before = state.settings
        state.settings = before.model_copy(update=changed)
        try:
            yield
        finally:
            state.settings = before

    async def open_360(self, participant_sub: str, org: str = "RX1") -> tuple[str, dict[str, str]]:
        """A 360 opened with a line manager and three peers: its id and each rater's link by name."""
        cycle_id, raters = await self.draft_360(participant_sub, org)
        participant = {"Authorization": f"Bearer {self.token_for(participant_sub, org=org)}"}
        closes_at = (datetime.now(UTC) + timedelta(days=14)).isoformat()
        opened = await self.graphql(OPEN, participant, cycleId=cycle_id, closesAt=closes_at)
        assert opened["openCycle"] == {"__typename": "Cycle", "status": "open"}
        links = await self.links()
        return cycle_id, {r["name"]: links[r["email"]] for r in raters}

    async def draft_360(self, participant_sub: str, org: str = "RX1") -> tuple[str, list[dict[str, str]]]:
        """A 360 still a draft, a line manager and three peers nominated: its id and the raters."""
        participant = {"Authorization": f"Bearer {self.token_for(participant_sub, org=org)}"}
        tag = uuid.uuid4().hex[:8]
        raters = [{"name": "Lee Manager", "email": f"lee.{tag}@trust.example.org", "raterGroup": "LINE_MANAGER"}]
        raters += [
            {"name": f"Peer {n}", "email": f"peer{n}.{tag}@trust.example.org", "raterGroup": "PEER"} for n in (1, 2, 3)
        ]
        created = await self.graphql(
            CREATE,
            participant,
            input={
                "kind": "FEEDBACK_360",
                "questionnaireId": HLM_360,
                "selfQuestionnaireId": HLM_SELF,
                "participantName": "Sam Participant",
            },
        )
        cycle_id: str = created["createCycle"]["id"]
        await self.graphql(NOMINATE, participant, cycleId=cycle_id, raters=raters)
        return cycle_id, raters

    async def wait_for_report(self, participant_sub: str, cycle_id: str) -> str:
        """The id of the cycle's report once report-svc has built it from survey-svc's events."""
        participant = {"Authorization": f"Bearer {self.token_for(participant_sub)}"}
        for _ in range(300):
            data = await self.graphql("query ($id: ID!) { cycle(id: $id) { report { id } } }", participant, id=cycle_id)
            if data["cycle"]["report"]:
                return str(data["cycle"]["report"]["id"])
            await asyncio.sleep(0.1)
        raise AssertionError(f"no report for cycle {cycle_id}")

    async def progress(self, participant_sub: str, cycle_id: str) -> dict[str, dict[str, int]]:
        participant = {"Authorization": f"Bearer {self.token_for(participant_sub)}"}
        data = await self.graphql(PROGRESS, participant, id=cycle_id)
        return {p["raterGroup"].upper(): p for p in data["cycle"]["progress"]}

    @staticmethod
    def token_for(sub: str, role: str = "participant", org: str = "RX1") -> str:
        return mint_token(
            TEST_JWT_SECRET, sub=sub, roles=(role,), org=org, region="london",
            issuer=TEST_JWT_ISSUER, audience=TEST_JWT_AUDIENCE,
        )  # fmt: skip

    async def register_facilitator(self, name: str, *, sub: str, slots: list[datetime]) -> str:
        """A facilitator of London's register (not of the participants' RX1), offering one-hour video
        sessions at ``slots``, as an academy administrator adds them; their id."""
        admin = {"Authorization": f"Bearer {self.token_for('web-academy-admin', 'academy_admin', 'RYJ')}"}
        today = datetime.now(UTC).date()
        added = await self.graphql(
            REGISTER,
            admin,
            input={
                "name": name,
                "email": f"{sub}@academy.example.org",
                "subject": sub,
                "organisation": "RYJ",
                "accreditation": {
                    "level": "FACILITATOR",
                    "trainedOn": (today - timedelta(days=30)).isoformat(),
                    "expiresOn": (today + timedelta(days=3 * 365)).isoformat(),
                },
                "capacityPerMonth": 8,
                "modes": ["VIDEO"],
            },
        )
        facilitator_id: str = added["registerFacilitator"]["id"]
        offered = [{"startsAt": s.isoformat(), "endsAt": (s + timedelta(hours=1)).isoformat()} for s in slots]
        await self.graphql(OFFER, admin, facilitatorId=facilitator_id, slots=offered)
        return facilitator_id

    async def graphql(self, query: str, headers: dict[str, str], **variables: Any) -> Any:
        response = await self.gateway.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    async def links(self) -> dict[str, str]:
        """Sends the mail survey-svc has queued (its workers do not run here) and returns the newest
        link each address received, as the rater finds it in their mail."""
        from survey_svc.mail import service as mail_service
        from survey_svc.mail.transport import mailer_from

        state = self.survey_app.state
        await mail_service.deliver_due(state.sessionmaker, mailer_from(state.settings), state.settings)
        link = re.compile(re.escape(self.web_url) + r"/answer/[A-Za-z0-9_-]+")
        found: dict[str, str] = {}
        for message in sorted(mailbox.Maildir(self.mail_dir, create=True), key=lambda m: m.get_date()):
            body = message.get_payload(decode=True)
            match = link.search(body.decode() if isinstance(body, bytes) else "")
            if match:
                found[email.utils.parseaddr(message["To"])[1]] = match.group(0)
        return found


@pytest_asyncio.fixture(scope="session")
async def running_platform(
    database_urls: dict[str, str], amqp_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Platform]:
    from facilitator_svc.config import Settings as FacilitatorSettings
    from facilitator_svc.main import create_app as create_facilitator_app
    from framework_svc.config import Settings as FrameworkSettings
    from framework_svc.main import create_app as create_framework_app
    from hlm_gateway.config import Settings as GatewaySettings
    from hlm_gateway.main import create_app as create_gateway_app
    from report_svc.config import Settings as ReportSettings
    from report_svc.main import create_app as create_report_app
    from survey_svc.config import Settings as SurveySettings
    from survey_svc.main import create_app as create_survey_app

    mail_dir = tmp_path_factory.mktemp("mail") / "maildir"
    address = address_of_its_own()
    sock = free_socket()
    web_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    tag = uuid.uuid4().hex[:10]
    topology = Topology(f"test.{tag}.events", f"test.{tag}.dlx", f"test.{tag}.")
    # survey-svc relays its events and report-svc consumes them, on this session's exchange alone.
    working = {
        **common(amqp_url),
        "run_workers": True,
        "events_exchange": topology.events_exchange,
        "dead_letter_exchange": topology.dead_letter_exchange,
        "queue_prefix": topology.queue_prefix,
        "relay_poll_interval_s": 0.2,
    }
    framework_app = create_framework_app(
        FrameworkSettings.model_validate({**common(amqp_url), "database_url": database_urls["framework"]})
    )
    report_app = create_report_app(ReportSettings.model_validate({**working, "database_url": database_urls["report"]}))
    survey_app = create_survey_app(
        SurveySettings.model_validate(
            {
                **working,
                # Mail is sent when a test reads it (links()), not by the worker behind its back.
                "mail_poll_interval_s": 3600.0,
                "database_url": database_urls["survey"],
                "email_hash_key": EMAIL_HASH_KEY,
                "mail_transport": "file",
                "mail_directory": str(mail_dir),
                "invitation_link_base_url": f"{web_url}/answer/",
                "token_failures_per_window": TOKEN_FAILURES_PER_WINDOW,
            }
        )
    )
    # Its workers learn of cycles and raters from survey-svc's events (raters never facilitate their participant).
    facilitator_app = create_facilitator_app(
        FacilitatorSettings.model_validate(
            {**working, "database_url": database_urls["facilitator"], "email_hash_key": EMAIL_HASH_KEY}
        )
    )
    # As each runs behind the one before it: the rater's address the web front forwards is the one
    # survey-svc counts failed look-ups against.
    survey_app.add_middleware(ProxyHeadersMiddleware, trusted_hosts="127.0.0.1")
    transports = {
        "framework": httpx.ASGITransport(app=framework_app),
        "survey": httpx.ASGITransport(app=survey_app),
        "report": httpx.ASGITransport(app=report_app),
        "facilitator": httpx.ASGITransport(app=facilitator_app),
    }
    gateway_app = create_gateway_app(
        GatewaySettings.model_validate(
            {
                **common(amqp_url),
                "upstream_timeout_s": 5.0,
            }
        ),
        transport_for=transports.get,
    )
    to_gateway = SwitchableTransport(
        httpx.ASGITransport(app=ProxyHeadersMiddleware(gateway_app, trusted_hosts="127.0.0.1"))
    )
    provider = Provider()
    web_app = create_web_app(
        WebSettings(
            environment="test",
            secret_key=WEB_SECRET,  # type: ignore[arg-type]
            secure_cookies=False,  # plain http on 127.0.0.1
            log_json=False,
            log_level="WARNING",
            oidc_issuer=provider.url,
            oidc_client_id=OIDC_CLIENT_ID,
            oidc_client_secret=OIDC_CLIENT_SECRET,  # type: ignore[arg-type]
            dev_jwt_secret=TEST_JWT_SECRET,  # type: ignore[arg-type]
            dev_jwt_issuer=TEST_JWT_ISSUER,
            dev_jwt_audience=TEST_JWT_AUDIENCE,
        ),
        gateway_transport=to_gateway,
    )
    async with contextlib.AsyncExitStack() as stack:
        stack.enter_context(provider)
        stack.push_async_callback(delete_topology, amqp_url, topology, CONSUMER_QUEUES)
        for app in (framework_app, report_app, survey_app, facilitator_app, gateway_app):
            await stack.enter_async_context(LifespanManager(app, startup_timeout=30, shutdown_timeout=30))
        gateway = await stack.enter_async_context(
            httpx.AsyncClient(transport=httpx.ASGITransport(app=gateway_app), base_url="http://gateway")
        )
        server = uvicorn.Server(
            uvicorn.Config(as_if_from(web_app, address), log_config=None, access_log=False, lifespan="on")
        )
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            assert not serving.done(), "the web front did not start"
            await asyncio.sleep(0.05)
        try:
            yield Platform(
                web_url, address, web_app, gateway, survey_app, mail_dir, to_gateway, provider, facilitator_app
            )
        finally:
            server.should_exit = True
            await serving
            sock.close()


@pytest_asyncio.fixture
async def platform(running_platform: Platform) -> Platform:
    """The running platform, its limiter of guessed links cleared: every test's browser reaches the web
    front from the same address, so one test's failed look-ups (a closed link tried on purpose) would
    otherwise count against the next test's raters within survey-svc's window. A test of the limiter
    calls from an address of its own anyway."""
    from sqlalchemy import delete

    from survey_svc.invitations.models import TokenFailure

    async with running_platform.survey_app.state.sessionmaker() as session, session.begin():
        await session.execute(delete(TokenFailure))
    return running_platform


@pytest.fixture
def participant_sub() -> str:
    return f"web-participant-{uuid.uuid4().hex[:8]}"


@pytest_asyncio.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"the browser tests need Debian's chromium at {CHROMIUM}: apt-get install -y chromium")
    async with async_playwright() as playwright:
        # Debian's chromium, not a browser build of playwright's own (nothing is downloaded).
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


@dataclass
class Visit:
    """One browser tab, with every request it made (and any Referer it sent) and every error its console printed."""

    context: BrowserContext
    page: Page
    requests: list[str]
    referers: list[str]
    console_errors: list[str]


async def open_visit(browser: Browser, *, width: int = 1024, bypass_csp: bool = False) -> Visit:
    context = await browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=bypass_csp)
    page = await context.new_page()
    requests: list[str] = []
    referers: list[str] = []
    errors: list[str] = []

    async def sent(request: Request) -> None:
        requests.append(request.url)
        # A request still in flight when the test closes its tab has no headers left to read.
        with contextlib.suppress(PlaywrightError):
            if referer := await request.header_value("referer"):
                referers.append(referer)

    page.on("request", sent)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return Visit(context, page, requests, referers, errors)


@pytest_asyncio.fixture
async def visit(browser: Browser) -> AsyncIterator[Visit]:
    # axe-core is injected as a script tag, which the pages' own policy would refuse.
    opened = await open_visit(browser, bypass_csp=True)
    try:
        yield opened
    finally:
        await opened.context.close()
