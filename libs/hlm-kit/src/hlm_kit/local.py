"""The platform as processes on one machine: what `make run` starts and what the end-to-end tests drive.

Each process is a service's console script (`<command> serve --host --port`) configured through its
prefixed environment (``SURVEY_DATABASE_URL`` ...). :func:`service_env` writes that environment from one
:class:`PlatformConfig`, so `make run` and the end-to-end tests start the platform the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from hlm_kit.bootstrap import BootstrapSettings, service_url
from hlm_kit.messaging.topology import Topology


@dataclass(frozen=True)
class LocalService:
    """One process of the platform: its console script, settings prefix, database role and port."""

    command: str
    env_prefix: str
    role: str | None  # its database role; None for the gateway, which owns no data
    port: int
    # Commands run once before serving (`migrate`, `load-catalogue`), each as `<command> <step...>`.
    setup: tuple[tuple[str, ...], ...] = field(default=(("migrate",),))
    # Settings of this service alone, unprefixed (`MAIL_TRANSPORT`), applied after the platform's.
    extra_env: tuple[tuple[str, str], ...] = ()
    # The web front: a client of the gateway alone, pointed at it instead of at the services.
    is_web_front: bool = False

    @property
    def name(self) -> str:
        """The short name: `survey` for survey-svc, `gateway` for hlm-gateway, `web` for hlm-web."""
        return self.env_prefix.removesuffix("_").lower()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def executable(self) -> str:
        """The console script, preferably the one installed beside the running Python."""
        beside = Path(sys.executable).parent / self.command
        return str(beside) if beside.exists() else (shutil.which(self.command) or self.command)

    def on_port(self, port: int) -> LocalService:
        return dataclasses.replace(self, port=port)


# Raters' invitation mail goes to a local Maildir in development (var/mail), not to a real server.
SURVEY_MAIL = (("MAIL_TRANSPORT", "file"), ("MAIL_DIRECTORY", "var/mail"))
SERVICES: tuple[LocalService, ...] = (
    LocalService("framework-svc", "FRAMEWORK_", "framework_svc", 8001, setup=(("migrate",), ("load-catalogue",))),
    LocalService("survey-svc", "SURVEY_", "survey_svc", 8002, extra_env=SURVEY_MAIL),
    LocalService("report-svc", "REPORT_", "report_svc", 8003),
    LocalService("facilitator-svc", "FACILITATOR_", "facilitator_svc", 8004),
    LocalService("hlm-gateway", "GATEWAY_", None, 8000, setup=()),
    # Plain http on 127.0.0.1: its cookies cannot ask for HTTPS.
    LocalService("hlm-web", "WEB_", None, 8080, setup=(), extra_env=(("SECURE_COOKIES", "false"),), is_web_front=True),
)


@dataclass(frozen=True)
class PlatformConfig:
    """What every process of one platform shares: the database, the broker and token verification."""

    admin_url: str
    database: str
    amqp_url: str
    jwt_secret: str
    jwt_issuer: str
    jwt_audience: str
    # survey-svc and facilitator-svc must hash raters' emails with the same key to spot conflicts.
    email_hash_key: str
    log_json: bool = False
    # Further settings of every process, unprefixed (`EVENTS_EXCHANGE`, `LOG_LEVEL`).
    settings: tuple[tuple[str, str], ...] = ()
    # Signs the web front's form tokens. A platform on one machine makes its own at each start: nothing
    # signed with it needs to outlive the run (a form left open over a restart is simply sent again).
    web_secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    @classmethod
    def from_environ(cls) -> PlatformConfig:
        """The development platform as the Makefile configures it (`HLM_*` variables)."""
        env = os.environ
        return cls(
            admin_url=env["HLM_ADMIN_DATABASE_URL"],
            database=env["HLM_DATABASE"],
            amqp_url=env["HLM_AMQP_URL"],
            jwt_secret=env["HLM_JWT_SECRET"],
            jwt_issuer=env["HLM_JWT_ISSUER"],
            jwt_audience=env["HLM_JWT_AUDIENCE"],
            email_hash_key=env["HLM_EMAIL_HASH_KEY"],
            log_json=env.get("HLM_LOG_JSON", "false").lower() == "true",
        )


def service_env(
    service: LocalService,
    config: PlatformConfig,
    services: Sequence[LocalService] = SERVICES,
    overrides: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment ``service`` runs with: the platform's settings under its prefix, then its own,
    then ``overrides`` (unprefixed). The gateway is pointed at the other ``services``' ports."""
    settings = {
        "ENVIRONMENT": "development",
        "AMQP_URL": config.amqp_url,
        "EMAIL_HASH_KEY": config.email_hash_key,
        "JWT_SECRET": config.jwt_secret,
        "JWT_ISSUER": config.jwt_issuer,
        "JWT_AUDIENCE": config.jwt_audience,
        "LOG_JSON": "true" if config.log_json else "false",
        **dict(config.settings),
        **dict(service.extra_env),
    }
    if service.is_web_front:
        gateway = next(s for s in services if s.role is None and not s.is_web_front)
        settings |= {"GATEWAY_URL": gateway.base_url, "SECRET_KEY": config.web_secret_key}
        # The development sign-in page mints the tokens `make token` mints, which the services here trust.
        settings |= {
            "DEV_JWT_SECRET": config.jwt_secret,
            "DEV_JWT_ISSUER": config.jwt_issuer,
            "DEV_JWT_AUDIENCE": config.jwt_audience,
        }
    elif service.role is None:
        settings |= {f"{upstream.name.upper()}_URL": upstream.base_url for upstream in services if upstream.role}
    else:
        # The password the bootstrap gave the role, if any.
        password = BootstrapSettings().passwords().get(service.role)
        settings["DATABASE_URL"] = service_url(config.admin_url, config.database, service.role, password)
    settings |= dict(overrides or {})
    return {**os.environ, **{f"{service.env_prefix}{name}": value for name, value in settings.items()}}


def run_setup(
    service: LocalService, env: Mapping[str, str], *, echo: bool = True, output: IO[bytes] | None = None
) -> None:
    """Run the service's setup steps (migrations, the catalogue); a failing step raises."""
    for step in service.setup:
        if echo:
            print(f"{service.command} {' '.join(step)}", flush=True)
        subprocess.run(  # noqa: S603 (the platform's own console scripts, no shell)
            [service.executable(), *step],
            env=dict(env),
            check=True,
            stdout=output,
            stderr=subprocess.STDOUT if output is not None else None,
        )


def start(service: LocalService, env: Mapping[str, str], *, output: IO[bytes] | None = None) -> subprocess.Popen[bytes]:
    """Start ``service`` serving on 127.0.0.1 at its port; ``output`` receives its log (else the terminal)."""
    return subprocess.Popen(  # noqa: S603 (the platform's own console scripts, no shell)
        [service.executable(), "serve", "--host", "127.0.0.1", "--port", str(service.port)],
        env=dict(env),
        stdout=output,
        stderr=subprocess.STDOUT if output is not None else None,
    )


class NotReady(RuntimeError):
    """A process exited during start-up, or did not answer ready in time."""


def wait_ready(
    services: Sequence[LocalService], processes: Sequence[subprocess.Popen[bytes]], *, timeout_s: float = 60.0
) -> None:
    """Wait until every service's /health/ready answers 200 with nothing degraded (the broker connected
    too, so the platform is whole); raise :class:`NotReady` otherwise."""
    deadline = time.monotonic() + timeout_s
    pending = {s.command: f"{s.base_url}/health/ready" for s in services}
    while pending:
        for service, process in zip(services, processes, strict=True):
            if process.poll() is not None:
                raise NotReady(f"{service.command} exited during start-up (exit code {process.returncode})")
        for name, url in list(pending.items()):
            if _answers_ok(url):
                del pending[name]
        if time.monotonic() > deadline:
            raise NotReady(f"not ready after {timeout_s:.0f}s: {', '.join(pending)}")
        time.sleep(0.2)


def _answers_ok(url: str) -> bool:
    # The standard library's client: this module runs before, and apart from, any service's dependencies.
    try:
        with urllib.request.urlopen(url, timeout=2.0) as response:  # noqa: S310 (a local http URL we built)
            return bool(response.status == 200 and json.load(response).get("status") == "ok")
    except (urllib.error.URLError, OSError, ValueError):
        return False


def stop(processes: Sequence[subprocess.Popen[bytes]], *, timeout_s: float = 10.0) -> None:
    """SIGTERM every process still running, then wait; whatever does not stop in time is killed.

    A second Ctrl-C or SIGTERM while stopping (a terminal signals make, uv and this process at once) must
    not cut the waiting short and leave services running, so both are ignored until every one is gone."""
    in_main_thread = threading.current_thread() is threading.main_thread()  # where signals can be handled
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM) if in_main_thread}
    try:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def own_topology(amqp_url: str, name: str) -> Iterator[Topology]:
    """Exchanges and queues of their own (``<name>.events``, ``<name>.dlx``, queues prefixed ``<name>.``) for
    a platform started beside others on one broker (a benchmark, the screenshots): every consumer queue,
    its dead-letter queue and both exchanges are deleted when the block ends, however it ends (an error,
    Ctrl-C, or SIGTERM once :func:`exit_on_sigterm` has made it unwind). Usable from plain code and from
    inside an event loop alike."""
    from hlm_contracts.topology import CONSUMER_QUEUES
    from hlm_kit.testing.pytest_plugin import delete_topology

    topology = Topology(f"{name}.events", f"{name}.dlx", f"{name}.")
    try:
        yield topology
    finally:
        deletion = delete_topology(amqp_url, topology, CONSUMER_QUEUES)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            asyncio.run(deletion)
        else:  # called from a coroutine: the deletion gets a loop of its own, on a thread of its own
            worker = threading.Thread(target=asyncio.run, args=(deletion,))
            worker.start()
            worker.join()


def exit_on_sigterm() -> None:
    """Make SIGTERM unwind the program as Ctrl-C does, through its ``finally`` blocks and context managers
    (processes stopped, databases dropped, topologies deleted), instead of ending it on the spot."""

    def terminate(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
