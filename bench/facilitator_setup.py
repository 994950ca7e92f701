"""What both facilitator benchmarks need: a database of their own, facilitator-svc migrated and
serving, and the synthetic register loaded through the service's own API. Built on the process and
database helpers of ``bench/catalogue.py``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import catalogue
import facilitator_data

HOST = catalogue.HOST
REGION = "london"


@dataclass
class Service:
    server: catalogue.Server
    env: dict[str, str]
    secret: str
    issuer: str
    audience: str
    database: str

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def token(self, role: str, sub: str, org: str | None = None, region: str | None = REGION) -> dict[str, str]:
        from hlm_kit.tokens import mint_token

        token = mint_token(
            self.secret,
            sub=sub,
            roles=[role],
            org=org,
            region=region,
            issuer=self.issuer,
            audience=self.audience,
            ttl_s=6 * 3600,
        )
        return {"Authorization": f"Bearer {token}"}


def add_load_options(parser: argparse.ArgumentParser) -> None:
    """How long and how hard a register benchmark measures each target, its data's seed, and the platform's
    database server and broker."""
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per target")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    catalogue.add_platform_urls(parser)


@contextlib.contextmanager
def running_service(
    admin_url: str, amqp_url: str, logs: Path, *, run_workers: bool, extra_env: dict[str, str] | None = None
) -> Iterator[Service]:
    """A fresh database, ``facilitator-svc migrate``, and ``facilitator-svc serve`` (one uvicorn worker)
    until the block ends; the database is dropped afterwards, also on failure."""
    from hlm_kit.bootstrap import service_url

    database = f"hlm_bench_{secrets.token_hex(4)}"
    secret, issuer, audience = secrets.token_urlsafe(32), "hlm-bench", "hlm-platform"
    env = {
        **os.environ,
        "FACILITATOR_DATABASE_URL": service_url(admin_url, database, "facilitator_svc"),
        "FACILITATOR_AMQP_URL": amqp_url,
        "FACILITATOR_JWT_SECRET": secret,
        "FACILITATOR_JWT_ISSUER": issuer,
        "FACILITATOR_JWT_AUDIENCE": audience,
        "FACILITATOR_EMAIL_HASH_KEY": secrets.token_urlsafe(32),
        "FACILITATOR_LOG_LEVEL": "WARNING",
        "FACILITATOR_RUN_WORKERS": "true" if run_workers else "false",
        "FACILITATOR_ENVIRONMENT": "development",
        **(extra_env or {}),
    }
    env.pop("FACILITATOR_JWT_JWKS_URL", None)
    print(f"setting up database {database}", flush=True)
    with catalogue._bench_database(admin_url, env, database), contextlib.ExitStack() as stack:
        catalogue._run([catalogue._tool("facilitator-svc"), "migrate"], env, "facilitator-svc migrate")
        port = catalogue._free_port()
        print(f"  starting facilitator-svc on :{port}", flush=True)
        server = stack.enter_context(
            catalogue._server(
                "facilitator-svc",
                [catalogue._tool("facilitator-svc"), "serve", "--host", HOST, "--port", str(port)],
                env,
                port,
                logs,
            )
        )
        catalogue._wait_until(server, "/health/ready")
        yield Service(server, env, secret, issuer, audience, database)


async def load_register(
    service: Service, facilitators: list[facilitator_data.FacilitatorSpec], *, concurrency: int = 8
) -> list[dict[str, Any]]:
    """Register every facilitator and their slots through the API, as an academy administrator would."""
    import httpx

    # An administrator registers facilitators in their own region only.
    admins = {spec.region: service.token("academy_admin", "bench-admin", region=spec.region) for spec in facilitators}
    started = time.perf_counter()
    out: list[dict[str, Any]] = [{} for _ in facilitators]
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(len(facilitators)):
        queue.put_nowait(i)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            i = queue.get_nowait()
            spec = facilitators[i]
            admin = admins[spec.region]
            created = await client.post("/v1/facilitators", json=spec.document(), headers=admin)
            if created.status_code != 201:
                raise catalogue.BenchError(f"registering {spec.email}: {created.status_code} {created.text[:300]}")
            body = created.json()
            if not spec.slots:  # a register without sessions (the public register's benchmark)
                body["slots"] = []
                out[i] = body
                continue
            slots = {
                "slots": [
                    {"starts_at": _iso(s.starts_at), "ends_at": _iso(s.ends_at), "modes": list(s.modes)}
                    for s in spec.slots
                ]
            }
            added = await client.post(f"/v1/facilitators/{body['id']}/slots", json=slots, headers=admin)
            if added.status_code != 201:
                raise catalogue.BenchError(f"slots of {spec.email}: {added.status_code} {added.text[:300]}")
            body["slots"] = added.json()["items"]
            out[i] = body

    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(httpx.AsyncClient(base_url=service.base_url, timeout=60, trust_env=False))
            for _ in range(concurrency)
        ]
        await asyncio.gather(*(worker(c) for c in clients))
    slots = sum(len(f["slots"]) for f in out)
    print(
        f"  registered {len(out)} facilitators with {slots} slots in {time.perf_counter() - started:.1f} s", flush=True
    )
    return out


def _iso(moment: datetime) -> str:
    return moment.isoformat()
