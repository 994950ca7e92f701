"""Benchmark: the app's home screen through the gateway, beside the same data from the services' REST
APIs and beside a bare strawberry ``{ hello }``, in the same run.

    uv run python bench/gateway.py [--duration 10] [--concurrency 16] [--warmup 2] [--rounds 1]
    make bench

What it does, all on 127.0.0.1 and all cleaned up at the end (also on failure or Ctrl-C):

1. creates a database ``hlm_bench_<random>`` with ``hlm-bootstrap``, migrates the four services, loads
   the catalogue, and starts each service (``<service> serve``, one uvicorn worker, workers on, on
   exchanges and queues of its own), ``hlm-gateway serve`` over them, and
   ``bench/graphql_baseline_app.py`` (a bare strawberry ``{ hello }``);
2. seeds it through the services' own APIs and events: ``--background`` other participants with a
   draft 360 each; for the measured participant six HLM 360s of twelve raters, whose raters answer the
   whole questionnaire through their mailed links (four cycles closed with reports built by report-svc
   from the events, two still open), and two feedback sessions booked with facilitators of a register
   of ``--facilitators``;
3. drives each target from a separate load-generator process (httpx, one client per connection and
   service, keep-alive, a warm-up, then a fixed duration), recording every request's latency:
   ``gateway``: ``POST /graphql`` of the home query (the HLM framework's dimensions, and the
   participant's cycles with their progress, report and feedback session); ``rest``: the same data as a
   client of the REST APIs gets it, the four reads the gateway makes (``/v1/frameworks/hlm``,
   ``/v1/cycles``, ``/v1/reports?view=summary``, ``/v1/bookings``) sent at once, one "request" being
   all four (the screen shows a report's status, not its content, so neither reads the content);
   ``gateway-typename``: ``{ __typename }`` through the gateway (its own cost, no upstream call);
   ``hello``: the bare strawberry app;
4. prints a table with the ratios and writes ``bench/results/gateway-<timestamp>.json``.

srv CPU is the CPU time of every server process the target involves (the gateway and the four
services for ``gateway``; the four services for ``rest``), so it does not depend on the generator; the
gateway process's own share of it is printed beneath the table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import catalogue as shared  # noqa: E402  (the catalogue benchmark's process and database helpers)
import goals  # noqa: E402

HOST = shared.HOST
HLM_360 = "d64d23aa-0e25-53c0-8b12-810a2047e60e"
LINK_BASE = "https://app.hlm.bench/feedback/"
PARTICIPANT = "bench-participant"
REGION = "london"
SERVICES = ("framework", "survey", "report", "facilitator")

HOME = """
query Home {
  framework(key: "hlm") { name dimensionLabel dimensions { key name summary } }
  cycles(first: 10) {
    edges {
      node {
        id kind status closesAt minimumsMet selfStatus
        progress { raterGroup invited submitted declined }
        report { id state status releasedAt }
        feedbackSession { id status facilitatorName mode startsAt endsAt }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def rest_paths(cycle_ids: Sequence[str]) -> dict[str, str]:
    """What a client of the REST APIs reads for the same screen: exactly the gateway's upstream reads,
    the feedback sessions asked for by the listed cycles, as the gateway's loader asks for them."""
    return {
        "framework": "/v1/frameworks/hlm",
        "survey": "/v1/cycles?limit=10",
        "report": "/v1/reports?view=summary",
        "facilitator": f"/v1/bookings?cycle_ids={','.join(cycle_ids)}&limit=500",
    }


# ----------------------------------------------------------------------------------------------------
# The load generator (its own process: ``python bench/gateway.py _generate < spec.json``)
# ----------------------------------------------------------------------------------------------------


async def _generate(spec: dict[str, Any]) -> dict[str, Any]:
    """Closed loop: each worker sends its request (all of ``spec["requests"]`` at once), waits for every
    answer, and starts again. A request counts when every answer is 200 and carries no GraphQL error."""
    import httpx

    requests = spec["requests"]

    async def run_phase(workers: Sequence[list[Any]], phase: shared._Phase) -> float:
        perf_counter = time.perf_counter

        async def one(client: Any, request: dict[str, Any]) -> httpx.Response:
            if request["method"] == "POST":
                return await client.post(request["url"], content=request["body"])
            return await client.get(request["url"])

        async def worker(clients: list[Any]) -> None:
            while perf_counter() < phase.deadline and phase.errors < shared.MAX_ERRORS_PER_PHASE:
                phase.issued += 1
                started = perf_counter()
                try:
                    if len(clients) == 1:
                        answers = [await one(clients[0], requests[0])]
                    else:
                        answers = await asyncio.gather(*(one(c, r) for c, r in zip(clients, requests, strict=True)))
                except httpx.HTTPError as exc:
                    phase.error(type(exc).__name__)
                    continue
                elapsed = perf_counter() - started
                failed = next((a for a in answers if a.status_code != 200), None)
                if failed is not None:
                    phase.error(f"status {failed.status_code}")
                    continue
                if any(b'"errors":' in a.content for a in answers if a.request.method == "POST"):
                    phase.error("graphql errors")
                    continue
                if phase.record:
                    phase.latencies_us.append(round(elapsed * 1e6))
                    if phase.body_bytes is None:
                        phase.body_bytes = sum(len(a.content) for a in answers)

        started = perf_counter()
        await asyncio.gather(*(worker(clients) for clients in workers))
        return perf_counter() - started

    def cpu_of(pids: Sequence[int]) -> float | None:
        values = [shared._process_cpu_s(pid) for pid in pids]
        return None if any(v is None for v in values) else sum(v for v in values if v is not None)

    def cpu_of_servers() -> float | None:
        return cpu_of(spec["server_pids"])

    def cpu_of_gateway() -> float | None:
        return cpu_of(spec["gateway_pids"]) if spec["gateway_pids"] else None

    async with contextlib.AsyncExitStack() as stack:
        workers = [
            [
                await stack.enter_async_context(
                    httpx.AsyncClient(
                        limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                        timeout=httpx.Timeout(spec["timeout_s"]),
                        headers=request["headers"],
                        trust_env=False,
                    )
                )
                for request in requests
            ]
            for _ in range(spec["concurrency"])
        ]
        warmup = shared._Phase(deadline=time.perf_counter() + spec["warmup_s"], max_requests=None, record=False)
        await run_phase(workers, warmup)
        server_before, machine_before = cpu_of_servers(), shared._machine_cpu_s()
        gateway_before = cpu_of_gateway()
        own_before = time.process_time()
        measured = shared._Phase(deadline=time.perf_counter() + spec["duration_s"], max_requests=None, record=True)
        wall_s = await run_phase(workers, measured)
        own_cpu_s = time.process_time() - own_before
        server_after, machine_after = cpu_of_servers(), shared._machine_cpu_s()
        gateway_after = cpu_of_gateway()

    return {
        **shared.phase_results(measured, warmup, wall_s),
        "body_bytes": measured.body_bytes,
        "server_cpu_s": server_after - server_before
        if server_before is not None and server_after is not None
        else None,
        "gateway_cpu_s": gateway_after - gateway_before
        if gateway_before is not None and gateway_after is not None
        else None,
        "generator_cpu_s": own_cpu_s,
        "machine_busy_cpu_s": machine_after[0] - machine_before[0] if machine_before and machine_after else None,
        "generator_loop": "asyncio",
    }


# ----------------------------------------------------------------------------------------------------
# The platform, running
# ----------------------------------------------------------------------------------------------------


@dataclass
class Platform:
    servers: dict[str, shared.Server]  # framework, survey, report, facilitator, gateway, hello
    secret: str
    issuer: str
    audience: str
    mail: Path
    env: dict[str, str]  # what the servers run with (their databases, broker, topology, keys)

    def url(self, name: str) -> str:
        return self.servers[name].base_url

    def headers(self, role: str, sub: str) -> dict[str, str]:
        from hlm_kit.tokens import mint_token

        token = mint_token(
            self.secret,
            sub=sub,
            roles=[role],
            org="RX1",
            region=REGION,
            issuer=self.issuer,
            audience=self.audience,
            ttl_s=6 * 3600,
        )
        return {"Authorization": f"Bearer {token}"}


@contextlib.contextmanager
def running_platform(args: argparse.Namespace, logs: Path) -> Iterator[Platform]:
    """Database, migrations, catalogue, the four services and the gateway on a topology of their own,
    and the bare strawberry app; everything stopped, dropped and deleted on the way out."""
    from hlm_kit.bootstrap import service_url
    from hlm_kit.local import own_topology

    tag = secrets.token_hex(4)
    database = f"hlm_bench_{tag}"
    with own_topology(args.amqp_url, f"bench.{tag}") as topology:
        secret, issuer, audience = secrets.token_urlsafe(32), "hlm-bench", "hlm-platform"
        email_hash_key = secrets.token_urlsafe(32)
        ports = {name: shared._free_port() for name in (*SERVICES, "gateway", "hello")}
        env = dict(os.environ)
        for prefix in ("FRAMEWORK", "SURVEY", "REPORT", "FACILITATOR", "GATEWAY"):
            env.pop(f"{prefix}_JWT_JWKS_URL", None)
            env |= {
                f"{prefix}_AMQP_URL": args.amqp_url,
                f"{prefix}_JWT_SECRET": secret,
                f"{prefix}_JWT_ISSUER": issuer,
                f"{prefix}_JWT_AUDIENCE": audience,
                f"{prefix}_LOG_LEVEL": "WARNING",
                f"{prefix}_ENVIRONMENT": "development",
                f"{prefix}_EVENTS_EXCHANGE": topology.events_exchange,
                f"{prefix}_DEAD_LETTER_EXCHANGE": topology.dead_letter_exchange,
                f"{prefix}_QUEUE_PREFIX": topology.queue_prefix,
            }
        for service in SERVICES:
            prefix = service.upper()
            env |= {
                f"{prefix}_DATABASE_URL": service_url(args.admin_url, database, f"{service}_svc"),
                f"{prefix}_RUN_WORKERS": "true",  # events carry the seed from service to service
                f"{prefix}_RELAY_POLL_INTERVAL_S": "0.5",
                f"GATEWAY_{prefix}_URL": f"http://{HOST}:{ports[service]}",
            }
        mail = logs / "mail"
        env |= {
            "SURVEY_EMAIL_HASH_KEY": email_hash_key,
            "FACILITATOR_EMAIL_HASH_KEY": email_hash_key,
            "SURVEY_MAIL_TRANSPORT": "file",
            "SURVEY_MAIL_DIRECTORY": str(mail),
            "SURVEY_MAIL_POLL_INTERVAL_S": "0.5",
            "SURVEY_MAIL_BATCH_SIZE": "200",
            "SURVEY_INVITATION_LINK_BASE_URL": LINK_BASE,
        }

        print(f"setting up database {database}", flush=True)
        with shared._bench_database(args.admin_url, env, database), contextlib.ExitStack() as stack:
            for service in SERVICES:
                shared._run([shared._tool(f"{service}-svc"), "migrate"], env, f"{service}-svc migrate")
            shared._run([shared._tool("framework-svc"), "load-catalogue"], env, "framework-svc load-catalogue")
            servers: dict[str, shared.Server] = {}
            commands = {service: [shared._tool(f"{service}-svc"), "serve"] for service in SERVICES}
            commands["gateway"] = [shared._tool("hlm-gateway"), "serve"]
            commands["hello"] = [sys.executable, str(BENCH_DIR / "graphql_baseline_app.py")]
            for name, command in commands.items():
                print(f"  starting {name} on :{ports[name]}", flush=True)
                servers[name] = stack.enter_context(
                    shared._server(name, [*command, "--host", HOST, "--port", str(ports[name])], env, ports[name], logs)
                )
            # Six Python apps import and start at once: on two busy cores (load average 10 or more) that
            # alone took over a minute, so the wait is a flag.
            for server in servers.values():
                shared._wait_until(server, "/health/ready", timeout_s=args.ready_timeout)
            yield Platform(servers, secret, issuer, audience, mail, env)


# ----------------------------------------------------------------------------------------------------
# Seeding, through the services' APIs
# ----------------------------------------------------------------------------------------------------

RATER_GROUPS = ["line_manager"] + ["peer"] * 4 + ["direct_report"] * 4 + ["other"] * 3


async def _call(client: Any, method: str, path: str, expect: int, **kwargs: Any) -> Any:
    response = await client.request(method, path, **kwargs)
    if response.status_code != expect:
        raise shared.BenchError(f"{method} {client.base_url}{path}: {response.status_code} {response.text[:300]}")
    return response.json() if response.content else None


def _mailed_tokens(mail: Path) -> dict[str, str]:
    """The invitation token mailed to each address so far (the latest mail wins)."""
    return {address: link.removeprefix(LINK_BASE) for address, link in shared.mailed_links(mail, LINK_BASE).items()}


def _response(questionnaire: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A whole response: every item rated (now and then not observed), importance, a few comments."""
    levels: list[int | str] = [1, 2, 3, 3, 4, 4, "not_observed"]
    return {
        "answers": [{"item_key": i["key"], "level": rng.choice(levels)} for i in questionnaire["items"]],
        "importance": [{"dimension_key": d["key"], "rating": rng.randint(1, 4)} for d in questionnaire["dimensions"]],
        "comments": [
            {"dimension_key": d["key"], "text": f"On {d['name'].lower()}: clear, kind, and follows up afterwards."}
            for d in rng.sample(questionnaire["dimensions"], 3)
        ],
    }


async def seed(platform: Platform, args: argparse.Namespace) -> dict[str, Any]:
    import httpx

    rng = random.Random(args.seed)
    participant = platform.headers("participant", PARTICIPANT)
    admin = platform.headers("academy_admin", "bench-admin")
    closes_at = (datetime.now(UTC) + timedelta(days=21)).isoformat()
    started = time.perf_counter()
    async with contextlib.AsyncExitStack() as stack:
        client = {
            name: await stack.enter_async_context(
                httpx.AsyncClient(base_url=platform.url(name), timeout=60, trust_env=False)
            )
            for name in SERVICES
        }
        survey, report, facilitator = client["survey"], client["report"], client["facilitator"]

        def cycle_body(n: int, release_mode: str = "direct") -> dict[str, Any]:
            return {
                "kind": "feedback_360",
                "questionnaire_id": HLM_360,
                "participant_name": f"Participant {n}",
                "release_mode": release_mode,
            }

        def raters(tag: str) -> dict[str, Any]:
            return {
                "raters": [
                    {"name": f"Rater {r} {tag}", "email": f"rater{r}.{tag}@trust.bench.example.org", "rater_group": g}
                    for r, g in enumerate(RATER_GROUPS)
                ]
            }

        # survey-svc learns the questionnaire from framework-svc's event: wait until it can pin a cycle to it.
        async def questionnaire_known() -> Any:
            response = await survey.post("/v1/cycles", json=cycle_body(0), headers=participant)
            return response.json() if response.status_code == 201 else None

        first = await shared.eventually("survey-svc to learn the HLM 360 questionnaire", questionnaire_known)

        print(f"  {args.background} other participants with a draft 360 of twelve raters each", flush=True)
        semaphore = asyncio.Semaphore(8)

        async def background(n: int) -> None:
            async with semaphore:
                headers = platform.headers("participant", f"bench-other-{n}")
                created = await _call(survey, "POST", "/v1/cycles", 201, json=cycle_body(n), headers=headers)
                await _call(
                    survey, "POST", f"/v1/cycles/{created['id']}/raters", 201, json=raters(f"o{n}"), headers=headers
                )

        await asyncio.gather(*(background(n) for n in range(args.background)))

        print("  the measured participant: six 360s of twelve raters, answered through their links", flush=True)
        cycles = [first["id"]]
        for n in range(1, 6):
            body = cycle_body(n, "coached" if n == 3 else "direct")
            cycles.append((await _call(survey, "POST", "/v1/cycles", 201, json=body, headers=participant))["id"])
        emails: dict[str, list[str]] = {}
        for n, cycle_id in enumerate(cycles):
            nominated = raters(f"c{n}")
            emails[cycle_id] = [r["email"] for r in nominated["raters"]]
            await _call(survey, "POST", f"/v1/cycles/{cycle_id}/raters", 201, json=nominated, headers=participant)
            await _call(
                survey, "POST", f"/v1/cycles/{cycle_id}/open", 200, json={"closes_at": closes_at}, headers=participant
            )
        wanted = {e for addresses in emails.values() for e in addresses}

        async def all_mailed() -> dict[str, str] | None:
            tokens = await asyncio.to_thread(_mailed_tokens, platform.mail)
            return tokens if wanted <= tokens.keys() else None

        tokens = await shared.eventually("the invitations to be mailed", all_mailed)
        answering = [10, 10, 11, 10, 5, 2]  # four cycles closed with reports, two still open
        for cycle_id, count in zip(cycles, answering, strict=True):
            for email in emails[cycle_id][:count]:
                token = tokens[email]
                view = await _call(survey, "GET", f"/v1/invitations/{token}", 200)
                await _call(
                    survey, "POST", f"/v1/invitations/{token}/submit", 201, json=_response(view["questionnaire"], rng)
                )
            await _call(survey, "POST", f"/v1/invitations/{tokens[emails[cycle_id][-1]]}/decline", 204)
        for cycle_id in cycles[:4]:
            await _call(survey, "POST", f"/v1/cycles/{cycle_id}/close", 200, headers=participant)

        print(f"  {args.facilitators} facilitators with ten sessions each; two sessions booked", flush=True)
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
        slot_ids = []
        for f in range(args.facilitators):
            registered = await _call(
                facilitator,
                "POST",
                "/v1/facilitators",
                201,
                json={
                    "name": f"Facilitator {f}",
                    "email": f"facilitator{f}@academy.bench.example.org",
                    "organisation": "RYJ",
                    "accreditation": {"level": "facilitator", "trained_on": "2024-06-01", "expires_on": "2099-06-01"},
                    "capacity_per_month": 8,
                    "modes": ["video"],
                    "languages": ["en"],
                    "specialisms": [],
                },
                headers=admin,
            )
            slots = [
                {
                    "starts_at": (tomorrow + timedelta(days=d, hours=f % 6)).isoformat(),
                    "ends_at": (tomorrow + timedelta(days=d, hours=f % 6 + 1)).isoformat(),
                }
                for d in range(10)
            ]
            added = await _call(
                facilitator,
                "POST",
                f"/v1/facilitators/{registered['id']}/slots",
                201,
                json={"slots": slots},
                headers=admin,
            )
            slot_ids.append(added["items"][-1]["id"])  # the latest: well past any notice a booking needs
        for cycle_id, slot_id in ((cycles[0], slot_ids[0]), (cycles[3], slot_ids[1])):
            await _call(
                facilitator,
                "POST",
                "/v1/bookings",
                201,
                json={"slot_id": slot_id, "cycle_id": cycle_id, "confirm": True},
                headers=participant,
            )

        # report-svc builds the closed cycles' reports from survey-svc's events; the three released at
        # once are the participant's to read (the coached one waits for its facilitator).
        async def reports_built() -> list[Any] | None:
            found = (await _call(report, "GET", "/v1/reports", 200, headers=participant))["items"]
            return found if len(found) == 3 else None

        built = await shared.eventually("report-svc to build the reports", reports_built)
    print(f"  seeded in {time.perf_counter() - started:.1f} s", flush=True)
    return {"cycles": cycles, "reports": [r["id"] for r in built]}


def _check_home(platform: Platform, seeded: dict[str, Any]) -> tuple[int, list[str]]:
    """The home query answers whole, with what was seeded; returns its size in bytes and the cycles it
    lists, in its order."""
    import httpx

    response = httpx.post(
        platform.url("gateway") + "/graphql",
        json={"query": HOME},
        headers=platform.headers("participant", PARTICIPANT),
        timeout=30,
        trust_env=False,
    )
    body = response.json()
    if response.status_code != 200 or "errors" in body:
        raise shared.BenchError(f"the home query failed: {response.status_code} {response.text[:1000]}")
    nodes = [edge["node"] for edge in body["data"]["cycles"]["edges"]]
    reports = sorted(n["report"]["id"] for n in nodes if n["report"])
    sessions = [n for n in nodes if n["feedbackSession"]]
    if sorted(n["id"] for n in nodes) != sorted(seeded["cycles"]) or reports != sorted(seeded["reports"]):
        raise shared.BenchError(f"the home query does not show what was seeded: {json.dumps(body)[:1000]}")
    if len(sessions) != 2:
        raise shared.BenchError(f"expected two feedback sessions, found {len(sessions)}")
    return len(response.content), [n["id"] for n in nodes]


# ----------------------------------------------------------------------------------------------------
# The orchestrator
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    name: str
    requests: list[dict[str, Any]]
    servers: list[str]  # whose CPU the target's requests spend


def _targets(platform: Platform, paths: dict[str, str]) -> list[Target]:
    participant = platform.headers("participant", PARTICIPANT)
    graphql_headers = {**participant, "Content-Type": "application/json"}

    def graphql(server: str, query: str, headers: dict[str, str]) -> dict[str, Any]:
        return {
            "method": "POST",
            "url": platform.url(server) + "/graphql",
            "body": json.dumps({"query": query}),
            "headers": headers,
        }

    rest = [
        {"method": "GET", "url": platform.url(service) + path, "headers": participant}
        for service, path in paths.items()
    ]
    return [
        Target("hello", [graphql("hello", "{ hello }", graphql_headers)], ["hello"]),
        Target("gateway-typename", [graphql("gateway", "{ __typename }", graphql_headers)], ["gateway"]),
        Target("rest", rest, list(SERVICES)),
        Target("gateway", [graphql("gateway", HOME, graphql_headers)], ["gateway", *SERVICES]),
    ]


def _measure(platform: Platform, target: Target, args: argparse.Namespace) -> dict[str, Any]:
    spec = {
        "requests": target.requests,
        "concurrency": args.concurrency,
        "warmup_s": args.warmup,
        "duration_s": args.duration,
        "timeout_s": 30.0,
        "server_pids": [platform.servers[name].process.pid for name in target.servers],
        "gateway_pids": [platform.servers["gateway"].process.pid] if "gateway" in target.servers else [],
    }
    return shared.run_generator(__file__, spec, target.name, args.warmup + args.duration + 120)


def _summarise(name: str, runs: list[dict[str, Any]], cpus: int) -> dict[str, Any]:
    """The shared summary, and the gateway process's own share of the server CPU, per request."""
    summary = shared._summarise(name, runs, cpus)
    values = [run["gateway_cpu_s"] for run in runs]
    gateway_cpu_s = None if any(v is None for v in values) else sum(values)
    summary["gateway_cpu_us_per_request"] = (
        gateway_cpu_s / summary["requests"] * 1e6 if gateway_cpu_s is not None and summary["requests"] else None
    )
    return summary


def _ratios(a: dict[str, Any], b: dict[str, Any]) -> dict[str, float | None]:
    return {
        "throughput": shared._ratio(a["throughput_rps"], b["throughput_rps"]),
        "p50": shared._ratio(a["latency_ms"]["p50"], b["latency_ms"]["p50"]),
        "p99": shared._ratio(a["latency_ms"]["p99"], b["latency_ms"]["p99"]),
        "server_cpu_per_request": shared._ratio(a["server_cpu_us_per_request"], b["server_cpu_us_per_request"]),
    }


def _report(summaries: list[dict[str, Any]], args: argparse.Namespace, cpus: int) -> dict[str, Any]:
    by_name = {s["target"]: s for s in summaries}
    pairs = [("gateway", "rest"), ("gateway", "hello"), ("rest", "hello"), ("gateway-typename", "hello")]
    ratios = {f"{a}/{b}": _ratios(by_name[a], by_name[b]) for a, b in pairs}
    header = (
        f"{'target':<17} {'requests':>9} {'errors':>6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'body B':>7} "
        f"{'srv CPU us/req':>14} {'srv CPU %':>9} {'gen CPU %':>9} {'other CPU %':>11}"
    )
    print()
    print(
        f"the app's home screen: {args.concurrency} keep-alive connections, {args.warmup:g} s warm-up, "
        f"{args.duration:g} s x {args.rounds} round(s) per target; {cpus} CPU(s); generator: httpx on asyncio"
    )
    print(header)
    print("-" * len(header))
    for s in summaries:
        print(
            " ".join(
                [
                    f"{s['target']:<17}",
                    f"{s['requests']:>9}",
                    f"{s['errors']:>6}",
                    f"{s['throughput_rps']:>8.0f}",
                    f"{s['latency_ms']['p50']:>8.2f}",
                    f"{s['latency_ms']['p99']:>8.2f}",
                    f"{shared._fmt(s['body_bytes'], 'd'):>7}",
                    f"{shared._fmt(s['server_cpu_us_per_request'], '.0f'):>14}",
                    f"{shared._fmt(s['server_cpu_percent_of_core'], '.0f'):>9}",
                    f"{shared._fmt(s['generator_cpu_percent_of_core'], '.0f'):>9}",
                    f"{shared._fmt(s['other_cpu_percent_of_core'], '.0f'):>11}",
                ]
            )
        )
    for s in summaries:
        if s["gateway_cpu_us_per_request"] is not None:
            print(f"{s['target']:<17} of which the gateway process: {s['gateway_cpu_us_per_request']:.0f} us/req")
    print()
    for key, r in ratios.items():
        print(
            f"{key:<24} throughput x{shared._fmt(r['throughput'], '.2f')}   p50 x{shared._fmt(r['p50'], '.2f')}   "
            f"p99 x{shared._fmt(r['p99'], '.2f')}   "
            f"server CPU/request x{shared._fmt(r['server_cpu_per_request'], '.2f')}"
        )
    goals.check(f"gateway home screen: throughput vs the same REST reads, {args.concurrency} connections",
                ratios["gateway/rest"]["throughput"], at_least=0.7)  # fmt: skip
    goals.check(f"gateway home screen: p99 at {args.concurrency} connections", by_name["gateway"]["latency_ms"]["p99"],
                at_most=200, unit="ms")  # fmt: skip
    notes = [
        "One gateway request is one home screen; one rest request is the four reads a REST client needs for "
        "the same screen, sent at once and counted when all four have answered.",
        "srv CPU us/req sums every server process the target involves (gateway and services; PostgreSQL's "
        "CPU is not in it), the gateway process's own share printed below it; other CPU % is the rest of the "
        "machine meanwhile, mostly PostgreSQL.",
        "The rest target costs the generator four requests per screen, the gateway target one: where the "
        "generator runs near a full core, compare srv CPU us/req rather than throughput.",
        "Latencies are closed-loop at fixed concurrency, so they are mostly queueing.",
    ]
    if any(s["errors"] for s in summaries):
        notes.append("Some requests failed (see errors): the figures of those targets are suspect.")
    saturated = [s["target"] for s in summaries if (s["generator_cpu_percent_of_core"] or 0) >= 85]
    if saturated:
        notes.append("The generator ran at >= 85% of a core on " + ", ".join(saturated) + ".")
    print()
    for note in notes:
        print(f"note: {note}")
    return {"ratios": ratios, "notes": notes}


def run(args: argparse.Namespace) -> int:
    cpus = os.cpu_count() or 1
    started_at = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="hlm-bench-") as tmp, running_platform(args, Path(tmp)) as live:
        seeded = asyncio.run(seed(live, args))
        home_bytes, listed = _check_home(live, seeded)
        print(f"  the home query answers {home_bytes} bytes", flush=True)
        paths = rest_paths(listed)
        targets = _targets(live, paths)
        runs: dict[str, list[dict[str, Any]]] = {t.name: [] for t in targets}
        for round_number in range(1, args.rounds + 1):
            for target in targets:
                print(f"  round {round_number}/{args.rounds}: {target.name} ...", flush=True)
                runs[target.name].append(_measure(live, target, args))
                for server in live.servers.values():
                    if server.process.poll() is not None:
                        raise shared.BenchError(f"{server.name} exited during the run:\n{server.log_tail()}")

    summaries = [_summarise(name, target_runs, cpus) for name, target_runs in runs.items()]
    reading = _report(summaries, args, cpus)
    shared.write_results(
        "gateway",
        started_at,
        {
            "config": {
                "query": HOME,
                "rest_paths": paths,
                "concurrency": args.concurrency,
                "warmup_s": args.warmup,
                "duration_s": args.duration,
                "rounds": args.rounds,
                "background_participants": args.background,
                "facilitators": args.facilitators,
                "servers": "one uvicorn worker each; services with their workers on (idle while measured)",
            },
            "results": summaries,
            **reading,
        },
        cpus=cpus,
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    if shared.run_as_generator(argv, _generate):
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per target and round")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of unrecorded warm-up per target")
    parser.add_argument("--concurrency", type=int, default=16, help="keep-alive connections (per service for rest)")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--background", type=int, default=200, help="other participants, a draft 360 each")
    parser.add_argument("--facilitators", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--ready-timeout", type=float, default=180.0, help="seconds each server may take to start and become ready"
    )
    shared.add_platform_urls(parser)
    args = parser.parse_args(argv)

    return shared.run_benchmark(run, args, interrupted_code=130)


if __name__ == "__main__":
    raise SystemExit(main())
