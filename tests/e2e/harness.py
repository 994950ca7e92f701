"""The whole platform as real processes for the end-to-end journeys.

framework-svc, survey-svc, report-svc, facilitator-svc, the gateway and the web front run as their
console scripts (`<service> serve`), defined and configured as `make run` starts them (hlm_kit.local),
with their workers on, on a database of their own. They reach RabbitMQ through a TCP forwarder, so a journey can
cut the broker off and bring it back without touching the server other suites share, and their
exchanges and queues carry names of this run alone. Raters' mail goes to a Maildir the journeys read
their invitation links from; each link opens the rater's questionnaire on the web front, as in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import mailbox
import re
import signal
import socket
import subprocess
import threading
import uuid
from collections.abc import Coroutine, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.message import Message
from email.utils import parseaddr
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest

from hlm_kit.local import SERVICES, LocalService, PlatformConfig, run_setup, service_env, start, stop, wait_ready
from hlm_kit.messaging.topology import Topology
from hlm_kit.testing.tcp_proxy import TcpProxy
from hlm_kit.tokens import mint_token

T = TypeVar("T")

JWT_SECRET = "hlm-e2e-signing-secret-0123456789abcdef"
JWT_ISSUER = "hlm-e2e"
JWT_AUDIENCE = "hlm-platform"
EMAIL_HASH_KEY = "hlm-e2e-email-hash-key-0123456789abcdef"
# Seven processes start at once (each importing its framework), on a machine other work shares.
READY_TIMEOUT_S = 150.0
# Whether a test itself (not its set-up) failed, for fixtures that clean up after a failure.
FAILED = pytest.StashKey[bool]()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class BrokerLink:
    """The services' only way to RabbitMQ: a :class:`TcpProxy` served from a thread of its own, so it
    forwards whatever the test's event loop is doing. :meth:`cut` is the broker going away for every
    service at once (open connections drop, new ones are refused); :meth:`restore` brings it back."""

    def __init__(self, amqp_url: str) -> None:
        parts = urlsplit(amqp_url)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="broker-link", daemon=True)
        self._thread.start()
        self._proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5672)
        self._run(self._proxy.accept())
        self.is_cut = False
        self.url = self._proxy.url_for(amqp_url)

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    def cut(self) -> None:
        self._run(self._proxy.refuse())
        self.is_cut = True

    def restore(self) -> None:
        if self.is_cut:
            self._run(self._proxy.accept())
            self.is_cut = False

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._run(self._proxy.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)


@dataclass
class ServiceProcess:
    """One process of the platform, its environment and its log file (kept across restarts)."""

    spec: LocalService
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return self.spec.base_url

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = start(self.spec, self.env, output=log)

    def wait_ready(self, timeout_s: float = READY_TIMEOUT_S) -> None:
        assert self.process is not None
        wait_ready([self.spec], [self.process], timeout_s=timeout_s)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no acknowledgement of what it was doing; it is simply gone."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def log(self, since: int = 0) -> str:
        with self.log_path.open("rb") as log:
            log.seek(since)
            return log.read().decode(errors="replace")

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0


def invitation_link_base(web_url: str) -> str:
    """Where a rater's link points: the web front's questionnaire; the journeys take the token from its end."""
    return f"{web_url}/answer/"


class Mailbox:
    """The Maildir survey-svc's mail lands in, read as a rater's inbox would be."""

    def __init__(self, directory: Path, link_base: str) -> None:
        self.directory = directory
        self.link = re.compile(re.escape(link_base) + r"(\S+)")

    def messages_to(self, email: str) -> list[Message]:
        if not self.directory.exists():
            return []
        box = mailbox.Maildir(self.directory, create=False)
        return [m for m in box if parseaddr(str(m["To"]))[1].lower() == email.lower()]

    def tokens_for(self, email: str) -> list[str]:
        """The tokens of every link mailed to ``email``; each works until the invitation ends."""
        return [self.link_in(message).group(1) for message in self.messages_to(email)]

    def links_for(self, email: str) -> list[str]:
        """Every link mailed to ``email``, whole, as the rater clicks it."""
        return [self.link_in(message).group(0) for message in self.messages_to(email)]

    def link_in(self, message: Message) -> re.Match[str]:
        body = message.get_payload(decode=True)
        assert isinstance(body, bytes)
        match = self.link.search(body.decode())
        assert match is not None, f"no invitation link in {message['Subject']!r}"
        return match


@dataclass
class Platform:
    """The running platform: its processes by short name (`survey`, `gateway`), the broker link, the
    mailbox, and the names of this run's exchanges and queues."""

    config: PlatformConfig
    topology: Topology
    broker: BrokerLink
    mail: Mailbox
    processes: dict[str, ServiceProcess] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return self.processes[name].url

    @property
    def gateway_url(self) -> str:
        return self.url("gateway")

    @property
    def web_url(self) -> str:
        return self.url("web")

    def headers(self, *roles: str, sub: str, org: str | None = None, region: str | None = None) -> dict[str, str]:
        """An Authorization header for a user with these roles, signed as the platform verifies."""
        token = mint_token(
            JWT_SECRET, sub=sub, roles=roles, org=org, region=region, issuer=JWT_ISSUER, audience=JWT_AUDIENCE
        )
        return {"Authorization": f"Bearer {token}"}

    def kill(self, name: str) -> None:
        self.processes[name].kill()

    def restart(self, name: str) -> None:
        """Start a stopped process again on the same port, with the same settings, and wait for it."""
        service = self.processes[name]
        service.start()
        service.wait_ready()

    def recover(self) -> None:
        """After a fault: the broker reachable again, every process running and ready."""
        self.broker.restore()
        for service in self.processes.values():
            if service.process is None or service.process.poll() is not None:
                service.start()
        self.wait_all_ready()

    def restart_all(self) -> None:
        """Every process stopped and started afresh: nothing a fault left behind carries over."""
        self.broker.restore()
        self.stop()
        for service in self.processes.values():
            service.start()
        self.wait_all_ready()

    def wait_all_ready(self, timeout_s: float = READY_TIMEOUT_S) -> None:
        running = list(self.processes.values())
        assert all(p.process is not None for p in running)
        wait_ready([p.spec for p in running], [p.process for p in running if p.process], timeout_s=timeout_s)

    def log_sizes(self) -> dict[str, int]:
        return {name: service.log_size() for name, service in self.processes.items()}

    def stop(self) -> None:
        stop([p.process for p in self.processes.values() if p.process is not None])


def platform_config(admin_url: str, database: str, amqp_url: str, topology: Topology) -> PlatformConfig:
    return PlatformConfig(
        admin_url=admin_url,
        database=database,
        amqp_url=amqp_url,
        jwt_secret=JWT_SECRET,
        jwt_issuer=JWT_ISSUER,
        jwt_audience=JWT_AUDIENCE,
        email_hash_key=EMAIL_HASH_KEY,
        settings=(
            ("EVENTS_EXCHANGE", topology.events_exchange),
            ("DEAD_LETTER_EXCHANGE", topology.dead_letter_exchange),
            ("QUEUE_PREFIX", topology.queue_prefix),
            ("LOG_LEVEL", "INFO"),
            # Small pools: the suite's own engines share the server's 100 connections with the platform.
            ("DB_POOL_SIZE", "4"),
            # A process started while the broker is away connects within a second of its return.
            ("BROKER_RECONNECT_MAX_DELAY_S", "1"),
            ("RELAY_POLL_INTERVAL_S", "0.5"),
            ("CONSUMER_RETRY_BASE_DELAY_S", "0.2"),
        ),
    )


def survey_settings(mail_directory: Path, link_base: str) -> dict[str, str]:
    """survey-svc's mail into the run's Maildir, its links to the web front, its periodic jobs on a short clock."""
    return {
        "MAIL_TRANSPORT": "file",
        "MAIL_DIRECTORY": str(mail_directory),
        "MAIL_POLL_INTERVAL_S": "0.2",
        "MAIL_RETRY_BASE_DELAY_S": "1",
        "CLOSING_POLL_INTERVAL_S": "1",
        "INVITATION_LINK_BASE_URL": link_base,
    }


def facilitator_settings() -> dict[str, str]:
    """facilitator-svc opens train-the-trainer after one delivered feedback session instead of ten: a session
    lasts at least 15 minutes and one facilitator's sessions never overlap, so a journey can deliver one
    session in the time it runs, not ten."""
    return {"TRAIN_THE_TRAINER_MIN_SESSIONS": "1"}


def new_topology() -> Topology:
    tag = uuid.uuid4().hex[:10]
    return Topology(f"e2e.{tag}.events", f"e2e.{tag}.dlx", f"e2e.{tag}.")


# Every process `make run` starts: the journeys go through the gateway as the app does, and raters through the
# web front's pages, from the link in their mail.
JOURNEY_SERVICES = SERVICES


def prepare(
    config: PlatformConfig,
    work: Path,
    broker: BrokerLink,
    topology: Topology,
    services: Sequence[LocalService] = JOURNEY_SERVICES,
) -> Platform:
    """Migrate every service and load the catalogue (the services side by side: their schemas are their
    own), and describe the processes on free ports; nothing is serving yet. The database must exist."""
    placed = [service.on_port(free_port()) for service in services]
    web = next((service for service in placed if service.is_web_front), None)
    # Without the web front (a journey that leaves it out), the links still carry a token to read.
    link_base = invitation_link_base(web.base_url if web else "https://app.hlm.test")
    mail = Mailbox(work / "mail", link_base)
    platform = Platform(config, topology, broker, mail)
    for service in placed:
        overrides = {
            "survey": survey_settings(mail.directory, link_base),
            "facilitator": facilitator_settings(),
        }.get(service.name, {})
        env = service_env(service, config, placed, overrides)
        platform.processes[service.name] = ServiceProcess(service, env, work / f"{service.command}.log")

    def set_up(service: ServiceProcess) -> None:
        with service.log_path.open("ab") as log:
            run_setup(service.spec, service.env, echo=False, output=log)

    with ThreadPoolExecutor(max_workers=len(placed)) as pool:
        for done in [pool.submit(set_up, service) for service in platform.processes.values()]:
            done.result()
    return platform


@contextlib.contextmanager
def running(platform: Platform) -> Iterator[Platform]:
    """Start every process and wait until each answers ready; stop them all (SIGTERM) on exit."""
    try:
        for service in platform.processes.values():
            service.start()
        platform.wait_all_ready()
        yield platform
    finally:
        platform.stop()
