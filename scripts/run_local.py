"""`make run`: the HLM platform on this machine, against local (or given) PostgreSQL and RabbitMQ.

Bootstraps the database, roles and schemas; migrates each service; loads the framework catalogue;
starts each service as a process; waits until every /health/ready answers; prints the URLs; and on
Ctrl-C stops everything cleanly. Settings come from the environment (the Makefile sets development
defaults): HLM_ADMIN_DATABASE_URL, HLM_DATABASE, HLM_AMQP_URL, HLM_JWT_SECRET, HLM_JWT_ISSUER,
HLM_JWT_AUDIENCE.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

import httpx

from hlm_kit.bootstrap import bootstrap, service_url


@dataclass(frozen=True)
class LocalService:
    command: str  # the service's console script
    env_prefix: str
    role: str | None  # its database role; None for the gateway, which owns no data
    port: int
    setup: tuple[tuple[str, ...], ...] = field(default=(("migrate",),))
    extra_env: tuple[tuple[str, str], ...] = ()


# Raters' invitation mail goes to a local Maildir in development (var/mail), not to a real server.
SURVEY_MAIL = (("MAIL_TRANSPORT", "file"), ("MAIL_DIRECTORY", "var/mail"))
SERVICES = (
    LocalService("framework-svc", "FRAMEWORK_", "framework_svc", 8001, setup=(("migrate",), ("load-catalogue",))),
    LocalService("survey-svc", "SURVEY_", "survey_svc", 8002, extra_env=SURVEY_MAIL),
    LocalService("report-svc", "REPORT_", "report_svc", 8003),
    LocalService("facilitator-svc", "FACILITATOR_", "facilitator_svc", 8004),
    LocalService("hlm-gateway", "GATEWAY_", None, 8000, setup=()),
)
READY_TIMEOUT_S = 60.0


def service_env(service: LocalService, admin_url: str, database: str) -> dict[str, str]:
    prefix = service.env_prefix
    env = {
        **os.environ,
        f"{prefix}ENVIRONMENT": "development",
        f"{prefix}AMQP_URL": os.environ["HLM_AMQP_URL"],
        # survey-svc and facilitator-svc must hash raters' emails with the same key to spot conflicts.
        f"{prefix}EMAIL_HASH_KEY": os.environ["HLM_EMAIL_HASH_KEY"],
        f"{prefix}JWT_SECRET": os.environ["HLM_JWT_SECRET"],
        f"{prefix}JWT_ISSUER": os.environ["HLM_JWT_ISSUER"],
        f"{prefix}JWT_AUDIENCE": os.environ["HLM_JWT_AUDIENCE"],
        f"{prefix}LOG_JSON": os.environ.get("HLM_LOG_JSON", "false"),
        **{f"{prefix}{name}": value for name, value in service.extra_env},
    }
    if service.role is not None:
        password = os.environ.get(f"HLM_DB_PASSWORD_{service.role.upper()}")
        env[f"{prefix}DATABASE_URL"] = service_url(admin_url, database, service.role, password)
    return env


def wait_ready(services: tuple[LocalService, ...], processes: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    pending = {s.command: f"http://127.0.0.1:{s.port}/health/ready" for s in services}
    with httpx.Client(timeout=2.0) as client:
        while pending:
            for process in processes:
                if process.poll() is not None:
                    sys.exit(f"a service exited during start-up (exit code {process.returncode}); see its log above")
            for name, url in list(pending.items()):
                try:
                    if client.get(url).status_code == 200:
                        del pending[name]
                except httpx.HTTPError:
                    pass
            if time.monotonic() > deadline:
                sys.exit(f"not ready after {READY_TIMEOUT_S:.0f}s: {', '.join(pending)}")
            time.sleep(0.3)


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> None:
    # A supervisor's SIGTERM stops the platform as cleanly as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    admin_url, database = os.environ["HLM_ADMIN_DATABASE_URL"], os.environ["HLM_DATABASE"]
    asyncio.run(bootstrap(admin_url, database))
    for service in SERVICES:
        for step in service.setup:
            print(f"{service.command} {' '.join(step)}", flush=True)
            subprocess.run([service.command, *step], env=service_env(service, admin_url, database), check=True)

    processes: list[subprocess.Popen[bytes]] = []
    try:
        for service in SERVICES:
            processes.append(
                subprocess.Popen(
                    [service.command, "serve", "--host", "127.0.0.1", "--port", str(service.port)],
                    env=service_env(service, admin_url, database),
                )
            )
        wait_ready(SERVICES, processes)
        print("\nThe HLM platform is running:")
        print("  GraphiQL         http://127.0.0.1:8000/graphql")
        for service in SERVICES:
            print(f"  {service.command:<16} http://127.0.0.1:{service.port}  (API docs: /docs)")
        print("  raters' mail     var/mail (a Maildir)")
        print("\nA token to call it with:  make token ROLE=academy_admin SUB=alice ORG=RX1 REGION=london")
        print("Stop with Ctrl-C.\n", flush=True)
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        sys.exit("a service stopped; shutting the rest down")
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
    finally:
        stop(processes)


if __name__ == "__main__":
    main()
