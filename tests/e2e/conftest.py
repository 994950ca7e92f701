"""The platform for the journeys: every process started once for the session (see harness.py).

When a journey fails, what each process logged while it ran is attached to the failure's report.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import uuid
from collections.abc import AsyncIterator, Generator, Iterator

import asyncpg
import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Browser, async_playwright

from hlm_contracts.topology import CONSUMER_QUEUES
from hlm_kit.bootstrap import bootstrap
from hlm_kit.db import to_plain_url
from hlm_kit.local import NotReady
from hlm_kit.testing.pytest_plugin import delete_topology, wait_for

from .browser import CHROMIUM, CHROMIUM_ARGS
from .harness import FAILED, BrokerLink, Platform, new_topology, platform_config, prepare, running
from .steps import Gateway

# What each process had logged when the current test started, to show only its own part on failure.
LOG_START = pytest.StashKey[dict[str, int]]()
_RUNNING: list[Platform] = []
LOG_TAIL_CHARS = 30_000


@pytest_asyncio.fixture(scope="session")
async def platform(
    postgres_admin_url: str, amqp_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Platform]:
    """framework-, survey-, report-, facilitator-svc, the gateway and the web front as processes with their
    workers, on a fresh database, with exchanges and queues of this session alone."""
    database = f"hlm_e2e_{uuid.uuid4().hex[:12]}"
    topology = new_topology()
    work = tmp_path_factory.mktemp("e2e")
    await bootstrap(postgres_admin_url, database)
    broker = BrokerLink(amqp_url)
    try:
        config = platform_config(postgres_admin_url, database, broker.url, topology)
        try:
            platform = await asyncio.to_thread(prepare, config, work, broker, topology)
        except subprocess.CalledProcessError as exc:
            logs = "\n".join(f"--- {path.name}\n{path.read_text(errors='replace')}" for path in work.glob("*.log"))
            pytest.fail(f"setting the platform up failed: {exc}\n{logs}")
        with _started(platform):
            await _catalogue_arrived(platform)
            _RUNNING.append(platform)
            try:
                yield platform
            finally:
                _RUNNING.remove(platform)
    finally:
        broker.close()
        await delete_topology(amqp_url, topology, CONSUMER_QUEUES)
        admin = await asyncpg.connect(to_plain_url(postgres_admin_url))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        finally:
            await admin.close()


@contextlib.contextmanager
def _started(platform: Platform) -> Iterator[Platform]:
    try:
        with running(platform):
            yield platform
    except NotReady as exc:
        logs = "\n".join(f"--- {name}\n{p.log()[-LOG_TAIL_CHARS:]}" for name, p in platform.processes.items())
        pytest.fail(f"the platform did not start: {exc}\n{logs}")


async def _catalogue_arrived(platform: Platform) -> None:
    """framework-svc published the catalogue as it started; wait until survey-svc has kept it."""
    headers = platform.headers("participant", sub="e2e-catalogue-check")

    async def kept() -> bool:
        async with httpx.AsyncClient(base_url=platform.url("survey"), timeout=5) as client:
            response = await client.get("/v1/questionnaires", headers=headers)
        return response.status_code == 200 and len(response.json()["items"]) >= 2

    await wait_for(kept, timeout_s=60, interval_s=0.2)


@pytest.fixture(autouse=True)
def _note_log_start(request: pytest.FixtureRequest) -> None:
    if _RUNNING:
        request.node.stash[LOG_START] = _RUNNING[0].log_sizes()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report: pytest.TestReport = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    if report.failed and _RUNNING:
        start = item.stash.get(LOG_START, {})
        for name, process in _RUNNING[0].processes.items():
            text = process.log(since=start.get(name, 0))
            if text:
                report.sections.append((f"log of {process.spec.command}", text[-LOG_TAIL_CHARS:]))
    return report


@pytest_asyncio.fixture
async def gateway(platform: Platform) -> AsyncIterator[Gateway]:
    """The gateway's GraphQL endpoint, as the app calls it."""
    async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client:
        yield Gateway(client)


@pytest_asyncio.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Debian's chromium, driven by playwright, for the raters who answer on the web front."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()
