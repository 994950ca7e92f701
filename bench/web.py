"""Benchmark: the rater's pages on the web front beside the gateway calls they make, and a whole rater's
journey beside LimeSurvey's reference figures.

    uv run python bench/web.py [--duration 5] [--warmup 1] [--journeys 10]
    make bench

What it does, all on 127.0.0.1 and all cleaned up at the end (also on failure or Ctrl-C):

1. creates a database ``hlm_bench_<random>`` with ``hlm-bootstrap``, migrates the four services, loads the
   catalogue, and starts every process ``make run`` starts (hlm_kit.local: the four services with their
   workers, ``hlm-gateway serve``, ``hlm-web serve``; one uvicorn worker each, on exchanges and queues of
   their own);
2. opens three HLM 360s of twelve raters through survey-svc's API and reads each rater's link (the web
   front's ``/answer/{token}``) from the mail; the raters of the page targets fill every page once, so
   their drafts are whole;
3. drives each target from a separate load-generator process (httpx, one keep-alive connection and one
   rater per worker, a warm-up, then a fixed duration), at 1 and at 16 connections:
   ``web GET``: a dimension page, ``GET /answer/{token}/{dimension}``, which makes one gateway call
   (the invitation and that dimension's part of its draft; the questionnaire, which the web front keeps
   once it has read it for a link, is not asked for again); ``gateway GET``: that same GraphQL request sent
   to the gateway directly; ``web POST``: the same page's form sent back (``POST``, answered with a redirect that is not
   followed), which makes one gateway call (``saveInvitationPage`` with that page's answers, answered
   with which statements and dimensions the draft answers); ``gateway POST``: that same request sent directly;
4. times whole rater journeys at 1 connection, as a browser goes through them (redirects followed):
   the start page, Start now, the nine dimension pages each shown and sent, check your answers, Send
   feedback, the confirmation;
   the CPU time each of the web front, the gateway and survey-svc spends per request of each target is
   read from /proc, and so is the time each was ready to run but waited for a core (its schedstat) and
   the machine's CPU pressure: on a shared machine the wall clock mostly measures that waiting;
5. prints a table with what the page adds to the gateway's own time (ratio and milliseconds, the goal
   being under 5 ms at p50 and p99), and how many times faster than LimeSurvey a page and a whole journey
   are (the goal: 20 times), from LimeSurvey's reference figures, measured before on this class of
   machine, not in this run, and the most a journey's CPU time over the three processes allows (its hops
   run one after another, so with every core free its wall clock cannot go below it); then each goal, met
   or not; writes ``bench/results/web-<timestamp>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import re
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
RATER_GROUPS = ["line_manager"] + ["peer"] * 4 + ["direct_report"] * 4 + ["other"] * 3
CYCLES = 3
CONNECTIONS = (1, 16)
# The rater's address, as the web front passes it on (its own client's, on one machine).
FORWARDED_FOR = {"X-Forwarded-For": HOST}
GRAPHQL_HEADERS = {**FORWARDED_FOR, "Content-Type": "application/json"}
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
# LimeSurvey 6 answering the same 45-statement questionnaire, measured before on this class of machine (two
# cores): reference figures, not measured in this run.
LIMESURVEY = {"page_p50_1_ms": 249.0, "journey_1_s": 2.95, "page_16_s": 2.0}
ADDED_MS_GOAL = 5.0
# The processes whose CPU time per request is read (the platform's servers by name).
CPU_PROCESSES = ("web", "gateway", "survey")
# Seconds with no load in which each process's own background CPU time is read.
IDLE_SAMPLE_S = 3.0
# At least this many times faster than LimeSurvey, per page and per whole rater journey.
SPEEDUP_GOAL = 20.0


# ----------------------------------------------------------------------------------------------------
# The load generator (its own process: ``python bench/web.py _generate < spec.json``)
# ----------------------------------------------------------------------------------------------------


async def _generate(spec: dict[str, Any]) -> dict[str, Any]:
    """Closed loop: each worker, a rater of its own on one keep-alive connection, sends its request, waits,
    and starts again."""
    import httpx

    kind = spec["kind"]

    async def prepare(client: httpx.AsyncClient, worker: dict[str, Any]) -> dict[str, Any]:
        if kind != "web-post":
            return {}
        # A browser has the page, its form token and the token's cookie before it sends the form.
        page = await client.get(worker["url"])
        found = CSRF_FIELD.search(page.text)
        if page.status_code != 200 or found is None:
            raise RuntimeError(f"the page to post back did not open: {page.status_code} {page.text[:300]}")
        return {**worker["form"], "csrf_token": found.group(1)}

    async def once(client: httpx.AsyncClient, worker: dict[str, Any], form: dict[str, Any]) -> str | None:
        """One request; what went wrong, or None."""
        if kind == "web-get":
            response = await client.get(worker["url"])
            return None if response.status_code == 200 else f"status {response.status_code}"
        if kind == "web-post":
            response = await client.post(worker["url"], data=form)
            return None if response.status_code == 303 else f"status {response.status_code}"
        for body in worker["bodies"]:  # the GraphQL request(s) the web front's page makes
            response = await client.post("/graphql", content=body, headers=FORWARDED_FOR)
            if response.status_code != 200:
                return f"status {response.status_code}"
            if b'"errors":' in response.content or b"ResponseRejected" in response.content:
                return "graphql errors"
        return None

    async def worker_loop(client: httpx.AsyncClient, worker: dict[str, Any], form: dict[str, Any], phase: Any) -> None:
        perf_counter = time.perf_counter
        while perf_counter() < phase.deadline and phase.errors < shared.MAX_ERRORS_PER_PHASE:
            phase.issued += 1
            started = perf_counter()
            try:
                failed = await once(client, worker, form)
            except httpx.HTTPError as exc:
                phase.error(type(exc).__name__)
                continue
            elapsed = perf_counter() - started
            if failed:
                phase.error(failed)
                continue
            if phase.record:
                phase.latencies_us.append(round(elapsed * 1e6))

    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                httpx.AsyncClient(
                    base_url=spec["base_url"],
                    limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                    timeout=httpx.Timeout(30.0),
                    headers={"Content-Type": "application/json"} if kind.startswith("gateway") else {},
                    trust_env=False,
                )
            )
            for _ in spec["workers"]
        ]
        forms = [await prepare(c, w) for c, w in zip(clients, spec["workers"], strict=True)]
        results = {}
        for name, seconds, record in (("warmup", spec["warmup_s"], False), ("measured", spec["duration_s"], True)):
            phase = shared._Phase(deadline=time.perf_counter() + seconds, max_requests=None, record=record)
            started = time.perf_counter()
            await asyncio.gather(
                *(worker_loop(c, w, f, phase) for c, w, f in zip(clients, spec["workers"], forms, strict=True))
            )
            results[name] = (phase, time.perf_counter() - started)

    measured, wall_s = results["measured"]
    warmup, _ = results["warmup"]
    return {
        **shared.phase_results(measured, warmup, wall_s),
        "body_bytes": None,
        "server_cpu_s": None,
        "generator_cpu_s": None,
        "machine_busy_cpu_s": None,
        "generator_loop": "asyncio",
    }


# ----------------------------------------------------------------------------------------------------
# The platform, running
# ----------------------------------------------------------------------------------------------------


@dataclass
class Platform:
    servers: dict[str, shared.Server]  # framework, survey, report, facilitator, gateway, web
    config: Any  # hlm_kit.local.PlatformConfig
    mail: Path

    def url(self, name: str) -> str:
        return self.servers[name].base_url

    def headers(self, role: str, sub: str) -> dict[str, str]:
        from hlm_kit.tokens import mint_token

        token = mint_token(
            self.config.jwt_secret,
            sub=sub,
            roles=[role],
            org="RX1",
            region="london",
            issuer=self.config.jwt_issuer,
            audience=self.config.jwt_audience,
            ttl_s=6 * 3600,
        )
        return {"Authorization": f"Bearer {token}"}


@contextlib.contextmanager
def running_platform(args: argparse.Namespace, logs: Path) -> Iterator[Platform]:
    """Database, migrations, catalogue and every process of `make run` on a topology of their own; everything
    stopped, dropped and deleted on the way out."""
    from hlm_kit.local import SERVICES, PlatformConfig, own_topology, run_setup, service_env

    tag = secrets.token_hex(4)
    database = f"hlm_bench_{tag}"
    with own_topology(args.amqp_url, f"bench.{tag}") as topology:
        config = PlatformConfig(
            admin_url=args.admin_url,
            database=database,
            amqp_url=args.amqp_url,
            jwt_secret=secrets.token_urlsafe(32),
            jwt_issuer="hlm-bench",
            jwt_audience="hlm-platform",
            email_hash_key=secrets.token_urlsafe(32),
            settings=(
                ("EVENTS_EXCHANGE", topology.events_exchange),
                ("DEAD_LETTER_EXCHANGE", topology.dead_letter_exchange),
                ("QUEUE_PREFIX", topology.queue_prefix),
                ("LOG_LEVEL", "WARNING"),
                ("RELAY_POLL_INTERVAL_S", "0.5"),
            ),
        )
        placed = [service.on_port(shared._free_port()) for service in SERVICES]
        web = next(service for service in placed if service.is_web_front)
        mail = logs / "mail"
        survey = {
            "MAIL_DIRECTORY": str(mail),
            "MAIL_POLL_INTERVAL_S": "0.5",
            "INVITATION_LINK_BASE_URL": f"{web.base_url}/answer/",
        }
        environments = {s.name: service_env(s, config, placed, survey if s.name == "survey" else None) for s in placed}

        print(f"setting up database {database}", flush=True)
        with shared._bench_database(args.admin_url, dict(os.environ), database), contextlib.ExitStack() as stack:
            for service in placed:
                if service.setup:
                    print(f"  {service.command} {', '.join(' '.join(step) for step in service.setup)} ...", flush=True)
                    with (logs / f"{service.name}-setup.log").open("wb") as log:
                        run_setup(service, environments[service.name], echo=False, output=log)
            servers: dict[str, shared.Server] = {}
            for service in placed:
                print(f"  starting {service.command} on :{service.port}", flush=True)
                command = [shared._tool(service.command), "serve", "--host", HOST, "--port", str(service.port)]
                servers[service.name] = stack.enter_context(
                    shared._server(service.name, command, environments[service.name], service.port, logs)
                )
            for server in servers.values():
                # A loaded two-core machine starts six Python processes slowly.
                shared._wait_until(server, "/health/ready", timeout_s=180)
            yield Platform(servers, config, mail)


# ----------------------------------------------------------------------------------------------------
# Seeding: open 360s, and the raters' links from the mail
# ----------------------------------------------------------------------------------------------------


async def seed(live: Platform) -> list[str]:
    """Three open HLM 360s of twelve raters; every rater's link, in order."""
    import httpx

    participant = live.headers("participant", "bench-participant")
    closes_at = (datetime.now(UTC) + timedelta(days=21)).isoformat()
    body = {"kind": "feedback_360", "questionnaire_id": HLM_360, "participant_name": "Sam Participant"}
    emails: list[str] = []
    async with httpx.AsyncClient(base_url=live.url("survey"), timeout=60, trust_env=False) as survey:

        async def created() -> Any:
            response = await survey.post("/v1/cycles", json=body, headers=participant)
            return response.json() if response.status_code == 201 else None

        for n in range(CYCLES):
            # survey-svc learns the questionnaire from framework-svc's event: wait until it can pin a cycle to it.
            cycle = await shared.eventually("survey-svc to learn the HLM 360 questionnaire", created)
            raters = [
                {"name": f"Rater {r}", "email": f"rater{r}.c{n}@trust.bench.example.org", "rater_group": group}
                for r, group in enumerate(RATER_GROUPS)
            ]
            emails += [r["email"] for r in raters]
            for path, payload, expect in (
                (f"/v1/cycles/{cycle['id']}/raters", {"raters": raters}, 201),
                (f"/v1/cycles/{cycle['id']}/open", {"closes_at": closes_at}, 200),
            ):
                response = await survey.post(path, json=payload, headers=participant)
                if response.status_code != expect:
                    raise shared.BenchError(f"POST {path}: {response.status_code} {response.text[:300]}")

    base = f"{live.url('web')}/answer/"

    async def all_mailed() -> dict[str, str] | None:
        links = await asyncio.to_thread(shared.mailed_links, live.mail, base)
        return links if set(emails) <= links.keys() else None

    links = await shared.eventually("the invitations to be mailed", all_mailed)
    return [links[email] for email in emails]


@dataclass(frozen=True)
class Rater:
    """One rater's link, and what the web front and the gateway are sent for their pages."""

    link: str
    token: str
    questionnaire: Any  # hlm_web.answer.questionnaire.Questionnaire

    def page(self, index: int) -> str:
        return f"{self.link}/{self.questionnaire.dimensions[index].slug}"

    def form(self, index: int) -> dict[str, str]:
        """A dimension's page filled in: every statement Strong, the importance Important, no comment."""
        dimension = self.questionnaire.dimensions[index]
        return {
            **{item.field: "3" for item in dimension.items},
            "importance": "3",
            "comment": "",
            "action": "continue",
        }


def _graphql(document: str, **variables: Any) -> str:
    """A request body exactly as the web front's gateway client sends it."""
    return json.dumps({"query": document, "variables": variables})


def _rater(client: Any, gateway_url: str, link: str) -> Rater:
    from hlm_web.answer import queries
    from hlm_web.answer.questionnaire import Questionnaire

    token = link.rsplit("/", 1)[1]
    opened = client.post(
        f"{gateway_url}/graphql", content=_graphql(queries.INVITATION, token=token), headers=GRAPHQL_HEADERS
    ).json()
    invitation = opened["data"]["invitation"] if "data" in opened else None
    if not invitation or not invitation.get("questionnaire"):
        raise shared.BenchError(f"the invitation does not open: {json.dumps(opened)[:500]}")
    return Rater(link, token, Questionnaire.from_graphql(invitation["questionnaire"]))


def _fill_every_page(client: Any, rater: Rater) -> None:
    """The rater answers every page once, through the web front, so their draft is whole."""
    for index in range(len(rater.questionnaire.dimensions)):
        page = client.get(rater.page(index))
        found = CSRF_FIELD.search(page.text)
        if page.status_code != 200 or found is None:
            raise shared.BenchError(f"{rater.page(index)}: {page.status_code} {page.text[:300]}")
        sent = client.post(rater.page(index), data={**rater.form(index), "csrf_token": found.group(1)})
        if sent.status_code != 303:
            raise shared.BenchError(f"POST {rater.page(index)}: {sent.status_code} {sent.text[:300]}")


def _page_input(rater: Rater, index: int) -> dict[str, Any]:
    """The page's answers as the web front sends them with saveInvitationPage (its own code builds them)."""
    from hlm_web.answer.questionnaire import PageAnswers

    dimension = rater.questionnaire.dimensions[index]
    page: dict[str, Any] = PageAnswers.read(rater.questionnaire, dimension, rater.form(index)).as_input(dimension)
    return page


def _page_only(rater: Rater, index: int) -> dict[str, Any]:
    """The variables with which the web front asks for one dimension's page alone."""
    dimension = rater.questionnaire.dimensions[index]
    return {"itemKeys": [item.key for item in dimension.items], "dimensionKeys": [dimension.key]}


# ----------------------------------------------------------------------------------------------------
# The targets and the journey
# ----------------------------------------------------------------------------------------------------

PAGE = 4  # the fifth dimension's page: a page from the middle of the questionnaire


def _specs(live: Platform, raters: Sequence[Rater]) -> dict[str, dict[str, Any]]:
    from hlm_web.answer import queries

    gateway = live.url("gateway")
    return {
        "web GET": {
            "kind": "web-get",
            "base_url": live.url("web"),
            "workers": [{"url": r.page(PAGE)} for r in raters],
        },
        "gateway GET": {
            "kind": "gateway-get",
            "base_url": gateway,
            "workers": [
                {
                    "bodies": [
                        _graphql(queries.INVITATION, token=r.token, withQuestionnaire=False, **_page_only(r, PAGE))
                    ]
                }
                for r in raters
            ],
        },
        "web POST": {
            "kind": "web-post",
            "base_url": live.url("web"),
            "workers": [{"url": r.page(PAGE), "form": r.form(PAGE)} for r in raters],
        },
        "gateway POST": {
            "kind": "gateway-post",
            "base_url": gateway,
            "workers": [
                {
                    "bodies": [
                        _graphql(
                            queries.SAVE_PAGE,
                            token=r.token,
                            dimensionKey=r.questionnaire.dimensions[PAGE].key,
                            response=_page_input(r, PAGE),
                        )
                    ]
                }
                for r in raters
            ],
        },
    }


def _cpu_of(live: Platform) -> dict[str, float | None]:
    return {process: shared._process_cpu_s(live.servers[process].process.pid) for process in CPU_PROCESSES}


def _wait_of(live: Platform) -> dict[str, float | None]:
    return {process: shared._process_wait_s(live.servers[process].process.pid) for process in CPU_PROCESSES}


def _rates(read: Any, seconds: float) -> dict[str, float]:
    """What ``read()`` counts per second for each process with no request at all."""
    before, started = read(), time.perf_counter()
    time.sleep(seconds)
    after, elapsed = read(), time.perf_counter() - started
    return {
        process: max(0.0, (end - start) / elapsed)
        for process, start in before.items()
        if start is not None and (end := after[process]) is not None
    }


def _background_cpu(live: Platform, seconds: float = IDLE_SAMPLE_S) -> dict[str, float]:
    """CPU seconds per second each process spends with no request at all (its workers polling the outbox and
    the mail, the broker's heartbeats): taken off the targets' figures, which would otherwise count it
    against each request, the more so the fewer requests a loaded machine lets through."""
    return _rates(lambda: _cpu_of(live), seconds)


def _per_request(
    before: dict[str, float | None],
    after: dict[str, float | None],
    background: dict[str, float],
    seconds: float,
    requests: int,
) -> dict[str, float]:
    """Each process's count over ``requests``, in milliseconds, less what it counts with no request."""
    return {
        process: max(0.0, end - start - background.get(process, 0.0) * seconds) / requests * 1000
        for process, start in before.items()
        if start is not None and (end := after[process]) is not None
    }


def _share(before: float | None, after: float | None, seconds: float) -> float | None:
    """The share of ``seconds`` a counter of seconds (the machine's CPU pressure) went up by."""
    return None if before is None or after is None or seconds <= 0 else min(1.0, (after - before) / seconds)


def _measure(spec: dict[str, Any], connections: int, args: argparse.Namespace) -> dict[str, Any]:
    spec = {**spec, "workers": spec["workers"][:connections], "warmup_s": args.warmup, "duration_s": args.duration}
    return shared.run_generator(__file__, spec, spec["kind"], args.warmup + args.duration + 120)


def _journey(client: Any, rater: Rater) -> tuple[float, int]:
    """One rater from the link in their mail to the confirmation, as a browser goes (redirects followed):
    seconds taken and requests made."""
    started = time.perf_counter()
    requests = 0

    def expect(response: Any, heading: str) -> str:
        nonlocal requests
        requests += 1 + len(response.history)
        if response.status_code != 200 or heading not in response.text:
            raise shared.BenchError(f"{response.url}: {response.status_code}, not {heading!r}: {response.text[:300]}")
        found = CSRF_FIELD.search(response.text)
        return found.group(1) if found else ""

    expect(client.get(rater.link), "Start now")
    dimensions = rater.questionnaire.dimensions
    csrf = expect(client.get(rater.page(0)), dimensions[0].name)
    for index in range(len(dimensions)):
        after = dimensions[index + 1].name if index + 1 < len(dimensions) else "Check your answers"
        csrf = expect(client.post(rater.page(index), data={**rater.form(index), "csrf_token": csrf}), after)
    expect(client.post(f"{rater.link}/check", data={"csrf_token": csrf}), "Feedback sent")
    return time.perf_counter() - started, requests


# ----------------------------------------------------------------------------------------------------
# The report
# ----------------------------------------------------------------------------------------------------


def _report(
    summaries: dict[int, dict[str, dict[str, Any]]],
    journeys: list[float],
    journey_requests: int,
    journey_cpu: dict[str, float],
    journey_wait: dict[str, float],
    journeys_pressure: float,
    args: Any,
) -> dict[str, Any]:
    cpus = os.cpu_count() or 1
    print()
    # Other work on the machine shows in every figure: say how busy it was.
    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"load average (1, 5, 15 min) at the end: {load} on {cpus} CPU(s)")
    print(
        f"the rater's pages on the web front beside the gateway calls they make: {args.warmup:g} s warm-up, "
        f"{args.duration:g} s per target, one keep-alive connection and one rater per worker; {cpus} CPU(s)"
    )
    header = f"{'target':<14} {'conns':>5} {'requests':>9} {'errors':>6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}"
    print(header)
    print("-" * len(header))
    for connections, by_target in summaries.items():
        for name, s in by_target.items():
            print(
                f"{name:<14} {connections:>5} {s['requests']:>9} {s['errors']:>6} {s['throughput_rps']:>8.0f} "
                f"{s['latency_ms']['p50']:>8.2f} {s['latency_ms']['p99']:>8.2f}"
            )
    print()
    added: dict[str, dict[str, Any]] = {}
    for connections, by_target in summaries.items():
        for page in ("GET", "POST"):
            web, gateway = by_target[f"web {page}"], by_target[f"gateway {page}"]
            key = f"{page} x{connections}"
            added[key] = {
                q: {
                    "ratio": shared._ratio(web["latency_ms"][q], gateway["latency_ms"][q]),
                    "added_ms": web["latency_ms"][q] - gateway["latency_ms"][q],
                }
                for q in ("p50", "p99")
            }
            p50, p99 = added[key]["p50"], added[key]["p99"]
            verdict = "within" if p50["added_ms"] < ADDED_MS_GOAL else "OVER"
            print(
                f"web/gateway {page:<4} at {connections:>2} conn: p50 x{shared._fmt(p50['ratio'], '.2f')} "
                f"({p50['added_ms']:+.2f} ms, {verdict} the {ADDED_MS_GOAL:g} ms goal)   "
                f"p99 x{shared._fmt(p99['ratio'], '.2f')} ({p99['added_ms']:+.2f} ms)"
            )

    print()
    web_cpu: dict[str, float | None] = {}
    for connections, by_target in summaries.items():
        for page in ("GET", "POST"):
            key = f"{page} x{connections}"
            web_cpu[key] = by_target[f"web {page}"].get("web_cpu_ms_per_request")
            print(f"web front's own CPU per {page:<4} at {connections:>2} conn: {shared._fmt(web_cpu[key], '.2f')} ms")
    print()
    print(
        "CPU ms per request of each process (web front, gateway, survey-svc; their background CPU with no request "
        "taken off; PostgreSQL not counted):"
    )
    for connections, by_target in summaries.items():
        for name, s in by_target.items():
            cpu = s.get("cpu_ms_per_request") or {}
            shown = "  ".join(f"{process} {cpu[process]:6.2f}" for process in CPU_PROCESSES if process in cpu)
            print(f"  {name:<14} at {connections:>2} conn: {shown}   total {sum(cpu.values()):6.2f}")
    shown = "  ".join(f"{process} {journey_cpu[process] * 1000:6.1f}" for process in CPU_PROCESSES)
    print(f"  whole journey (mean): {shown}   total {sum(journey_cpu.values()) * 1000:6.1f} ms")
    print()
    print(
        "ms per request each process was ready to run but WAITED FOR A CORE (run-queue delay, /proc schedstat; "
        "its wait with no request taken off), and the share of the target's time in which some task of the "
        "machine waited for a core (CPU pressure, /proc/pressure/cpu):"
    )
    for connections, by_target in summaries.items():
        for name, s in by_target.items():
            wait = s.get("wait_ms_per_request") or {}
            shown = "  ".join(f"{process} {wait[process]:6.2f}" for process in CPU_PROCESSES if process in wait)
            pressure = s.get("cpu_pressure")
            print(
                f"  {name:<14} at {connections:>2} conn: {shown}   total {sum(wait.values()):6.2f}   "
                f"pressure {shared._fmt(None if pressure is None else pressure * 100, '.0f')} %"
            )
    shown = "  ".join(f"{process} {journey_wait[process] * 1000:6.1f}" for process in CPU_PROCESSES)
    print(
        f"  whole journey (mean): {shown}   total {sum(journey_wait.values()) * 1000:6.1f} ms   "
        f"pressure {journeys_pressure * 100:.0f} %"
    )

    ordered = sorted(journeys)
    journey_p50_s = ordered[len(ordered) // 2]
    post_1 = summaries[1]["web POST"]["latency_ms"]["p50"]
    pages_16 = summaries[max(summaries)]["web POST"]["latency_ms"]["p50"] / 1000
    print()
    print(
        f"whole rater journey at 1 connection ({len(journeys)} raters, {journey_requests} requests each: start, "
        f"9 pages shown and sent, check, send, confirmation): p50 {journey_p50_s * 1000:.0f} ms, "
        f"max {ordered[-1] * 1000:.0f} ms"
    )
    print(
        f"  of which, per journey (mean, web front + gateway + survey-svc): CPU {sum(journey_cpu.values()) * 1000:.0f} "
        f"ms, waiting for a core {sum(journey_wait.values()) * 1000:.0f} ms (a process's tail after it answers "
        "overlaps the next hop, so the two may add up to more than the wall clock)"
    )
    # How many times faster than LimeSurvey: its time over ours.
    speedup = {
        "journey_1": shared._ratio(LIMESURVEY["journey_1_s"], journey_p50_s),
        "page_1": shared._ratio(LIMESURVEY["page_p50_1_ms"], post_1),
        "page_16": shared._ratio(LIMESURVEY["page_16_s"], pages_16),
    }
    print(
        "against LimeSurvey (REFERENCE figures measured earlier on this machine class, NOT measured in this run: "
        f"{LIMESURVEY['page_p50_1_ms']:g} ms p50 per answer page at 1 connection, {LIMESURVEY['journey_1_s']:g} s "
        f"per whole rater journey at 1 connection, {LIMESURVEY['page_16_s']:g} s per page with 16 raters at once):"
    )
    print(
        f"  whole journey at 1 connection {journey_p50_s:7.3f} s   {shared._fmt(speedup['journey_1'], '.1f')}x faster\n"
        f"  answer page at 1 connection  {post_1:8.2f} ms  {shared._fmt(speedup['page_1'], '.1f')}x faster\n"
        f"  answer page, 16 at once      {pages_16 * 1000:8.2f} ms  {shared._fmt(speedup['page_16'], '.1f')}x faster"
    )
    # A journey's hops run one after another, so its CPU time over the three processes is the least its wall
    # clock can be with every core free (PostgreSQL's own time on top): what the code allows, whatever the load.
    journey_cpu_s = sum(journey_cpu.values())
    speedup["journey_cpu_bound"] = shared._ratio(LIMESURVEY["journey_1_s"], journey_cpu_s)
    print(
        f"  whole journey's CPU time alone {journey_cpu_s * 1000:5.0f} ms  at most "
        f"{shared._fmt(speedup['journey_cpu_bound'], '.1f')}x faster with every core free (the 20x goal needs it "
        f"under {LIMESURVEY['journey_1_s'] / SPEEDUP_GOAL * 1000:.0f} ms)"
    )
    print()
    verdicts = _check_goals(added, web_cpu, speedup)
    notes = [
        "web GET is one page render plus its one gateway call (the invitation and its draft, the questionnaire "
        "being known); web POST is one form read plus its one gateway call (saveInvitationPage, answered with the "
        "whole draft); the gateway rows send those same "
        "GraphQL requests directly, so the difference is what the page itself costs.",
        "Everything shares two cores (the services, the gateway, the web front, PostgreSQL and the generator): at "
        "16 connections latencies are mostly queueing.",
        "LimeSurvey's figures are reference figures, not measured by this script.",
    ]
    for note in notes:
        print(f"note: {note}")
    return {
        "added": added,
        "web_cpu_ms_per_request": web_cpu,
        "journey_cpu_ms": {process: seconds * 1000 for process, seconds in journey_cpu.items()},
        "journey_wait_ms": {process: seconds * 1000 for process, seconds in journey_wait.items()},
        "journeys_cpu_pressure": journeys_pressure,
        "journey_s": journeys,
        "limesurvey_reference": LIMESURVEY,
        "times_faster_than_limesurvey": speedup,
        "goals": [dataclasses.asdict(goal) | {"met": goal.met} for goal in verdicts],
    }


def _check_goals(
    added: dict[str, dict[str, Any]], web_cpu: dict[str, float | None], speedup: dict[str, float | None]
) -> list[goals.Goal]:
    """Each goal of the rater's pages beside this run's figure, printed and recorded for ``make bench``'s summary."""
    verdicts = [
        goals.check(f"web page: the web front's own CPU per page, {key}", ms, at_most=ADDED_MS_GOAL, unit="ms")
        for key, ms in web_cpu.items()
    ]
    for key, by_quantile in added.items():
        for quantile in ("p50", "p99"):
            ms = by_quantile[quantile]["added_ms"]
            name = f"web page: added to the gateway's own time, {key} {quantile}"
            verdicts.append(goals.check(name, ms, at_most=ADDED_MS_GOAL, unit="ms"))
    for key, what in (
        ("journey_1", "a whole rater journey at 1 connection"),
        ("journey_cpu_bound", "a whole rater journey's CPU time, its least wall clock with every core free"),
        ("page_1", "an answer page at 1 connection"),
        ("page_16", "an answer page with 16 raters at once"),
    ):
        name = f"web: times faster than LimeSurvey's reference, {what}"
        verdicts.append(goals.check(name, speedup[key], at_least=SPEEDUP_GOAL))
    return verdicts


def run(args: argparse.Namespace) -> int:
    import httpx

    started_at = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="hlm-bench-") as tmp, running_platform(args, Path(tmp)) as live:
        links = asyncio.run(seed(live))
        needed = max(CONNECTIONS) + args.journeys + 1
        if len(links) < needed:
            raise shared.BenchError(f"{len(links)} raters seeded, {needed} needed")
        gateway = live.url("gateway")
        with httpx.Client(timeout=30, trust_env=False, follow_redirects=False) as client:
            raters = [_rater(client, gateway, link) for link in links[:needed]]
        page_raters, journey_raters = raters[: max(CONNECTIONS)], raters[max(CONNECTIONS) :]
        print(f"  {len(page_raters)} raters fill every page once, so their drafts are whole", flush=True)
        for rater in page_raters:
            with httpx.Client(timeout=30, trust_env=False) as client:
                _fill_every_page(client, rater)
        specs = _specs(live, page_raters)
        background = _background_cpu(live)
        # The time each process was ready to run but waited for a core: on a machine busier than its cores,
        # where a request's wall clock goes beyond its CPU time (its timers wait too, taken off the same way).
        background_wait = _rates(lambda: _wait_of(live), IDLE_SAMPLE_S)
        print(
            "  background CPU with no request: "
            + ", ".join(f"{process} {rate * 1000:.0f} ms/s" for process, rate in background.items())
            + "; waiting for a core: "
            + ", ".join(f"{process} {rate * 1000:.0f} ms/s" for process, rate in background_wait.items()),
            flush=True,
        )
        runs: dict[int, dict[str, dict[str, Any]]] = {}
        for connections in CONNECTIONS:
            runs[connections] = {}
            for name, spec in specs.items():
                print(f"  {name} at {connections} connection(s) ...", flush=True)
                cpu_before, wait_before, pressure_before = _cpu_of(live), _wait_of(live), shared._cpu_pressure_s()
                started = time.perf_counter()
                measured = _measure(spec, connections, args)
                cpu_after, wait_after, pressure_after = _cpu_of(live), _wait_of(live), shared._cpu_pressure_s()
                elapsed = time.perf_counter() - started
                runs[connections][name] = shared._summarise(name, [measured], 1)
                # Each process's own CPU per request, warm-up included: what the page costs there, whatever
                # else the machine is doing (the wall-clock time waits for the cores like everything else),
                # and how long it waited for a core per request.
                sent = measured["requests"] + measured["warmup_requests"]
                cpu_ms = _per_request(cpu_before, cpu_after, background, elapsed, sent)
                runs[connections][name]["cpu_ms_per_request"] = cpu_ms
                runs[connections][name]["web_cpu_ms_per_request"] = cpu_ms.get("web")
                runs[connections][name]["wait_ms_per_request"] = _per_request(
                    wait_before, wait_after, background_wait, elapsed, sent
                )
                runs[connections][name]["cpu_pressure"] = _share(pressure_before, pressure_after, elapsed)
                for server in live.servers.values():
                    if server.process.poll() is not None:
                        raise shared.BenchError(f"{server.name} exited during the run:\n{server.log_tail()}")
        print(f"  {args.journeys} whole rater journeys at 1 connection (and one to warm up) ...", flush=True)
        journeys, journey_requests = [], 0
        journey_cpu = dict.fromkeys(CPU_PROCESSES, 0.0)
        journey_wait = dict.fromkeys(CPU_PROCESSES, 0.0)
        journeys_pressure = 0.0
        for number, rater in enumerate(journey_raters):
            cpu_before, wait_before, pressure_before = _cpu_of(live), _wait_of(live), shared._cpu_pressure_s()
            with httpx.Client(timeout=30, trust_env=False, follow_redirects=True) as client:
                seconds, journey_requests = _journey(client, rater)
            cpu_after, wait_after, pressure_after = _cpu_of(live), _wait_of(live), shared._cpu_pressure_s()
            if number:  # the first warms up
                journeys.append(seconds)
                for process, ms in _per_request(cpu_before, cpu_after, background, seconds, args.journeys).items():
                    journey_cpu[process] += ms / 1000
                for process, ms in _per_request(
                    wait_before, wait_after, background_wait, seconds, args.journeys
                ).items():
                    journey_wait[process] += ms / 1000
                journeys_pressure += (_share(pressure_before, pressure_after, seconds) or 0.0) / args.journeys

    reading = _report(runs, journeys, journey_requests, journey_cpu, journey_wait, journeys_pressure, args)
    shared.write_results(
        "web",
        started_at,
        {
            "config": {
                "page": PAGE,
                "connections": CONNECTIONS,
                "warmup_s": args.warmup,
                "duration_s": args.duration,
                "journeys": args.journeys,
                "servers": "every process of make run, one uvicorn worker each",
            },
            "results": {str(c): by_target for c, by_target in runs.items()},
            **reading,
        },
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    if shared.run_as_generator(argv, _generate):
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds measured per target")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of unrecorded warm-up per target")
    parser.add_argument("--journeys", type=int, default=10, help="whole rater journeys timed at 1 connection")
    shared.add_platform_urls(parser)
    args = parser.parse_args(argv)

    return shared.run_benchmark(run, args, interrupted_code=130)


if __name__ == "__main__":
    raise SystemExit(main())
