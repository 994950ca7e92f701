"""Benchmark: complete 360 responses submitted to survey-svc beside a bare FastAPI+asyncpg insert.

    uv run python bench/survey_submission.py [--duration 8] [--concurrency 32] [--warmup 2] [--rounds 1]
                                             [--workers 1 [2 ...]]

What it does, all on 127.0.0.1 and all cleaned up at the end (also on failure or Ctrl-C):

1. creates a database ``hlm_bench_<random>`` with ``hlm-bootstrap``, runs ``survey-svc migrate``, keeps
   the shipped HLM 360 questionnaire (45 items, 9 dimensions) as the service's snapshot, and seeds open
   cycles with enough invited raters, each with a token the benchmark knows, for every request of the
   run (a response is submitted once, so every request needs a token of its own);
2. starts ``survey-svc serve`` (one uvicorn worker unless ``--workers``, ``SURVEY_RUN_WORKERS=false``: no
   relay, no mail, no consumers) and ``bench/submission_baseline_app.py`` (as many uvicorn workers, each
   with a pool of the same size), and waits until every worker of both has started;
3. drives each from a separate load-generator process: ``POST /v1/invitations/{token}/submit`` with the
   same complete response (every item rated, 9 importance ratings, a comment per dimension, about 6 KB),
   a fresh token per request, a fixed number of keep-alive connections, a warm-up, then a fixed duration;
4. prints responses/s, latency percentiles and server CPU per response (summed over a server's worker
   processes), with the ratios, and writes ``bench/results/survey-submission-<timestamp>.json``. With
   several ``--workers`` counts, steps 2-4 run once per count, back to back on the same database, and a
   last table puts the service/baseline ratios of each count side by side, with how evenly the workers
   shared the work and the load average.

What the service does per response that the baseline does not: hash the token and, in one statement,
look its link up (with the client's failed-look-up count) and, when it opens the rater's questionnaire,
insert the response under its unique constraint, end the invitation, revoke its tokens and write the
response.submitted event to the outbox; then compare the hashes in constant time and check every answer
against the keys of the pinned questionnaire (computed once per process), all in one transaction (three
round trips with BEGIN and COMMIT); plus the kit's correlation, metrics and tracing middleware (and, with
workers off, one NOTIFY per burst of commits, outside them, for the relays of other processes).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import secrets
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import catalogue as shared  # noqa: E402  (the catalogue benchmark's process and database helpers)
import goals  # noqa: E402

HOST = shared.HOST
PATH_TEMPLATE = "/v1/invitations/{token}/submit"
RATERS_PER_CYCLE = 40
# How long a server may take to answer once started: its workers start together on cores the load generator,
# PostgreSQL and any other work share.
STARTUP_TIMEOUT_S = 180


# ----------------------------------------------------------------------------------------------------
# The load generator (its own process: ``python bench/survey_submission.py _generate < spec.json``)
# ----------------------------------------------------------------------------------------------------


async def _generate(spec: dict[str, Any]) -> dict[str, Any]:
    import httpx

    tokens = iter(spec["tokens"])
    body = json.dumps(spec["body"]).encode()
    headers = {"Content-Type": "application/json"}
    base = spec["base_url"]

    async def run_phase(clients: Sequence[Any], phase: shared._Phase) -> float:
        perf_counter = time.perf_counter

        async def worker(client: Any) -> None:
            while perf_counter() < phase.deadline and phase.errors < shared.MAX_ERRORS_PER_PHASE:
                token = next(tokens, None)
                if token is None:
                    phase.error("out of tokens")
                    return
                phase.issued += 1
                started = perf_counter()
                try:
                    response = await client.post(
                        base + PATH_TEMPLATE.format(token=token), content=body, headers=headers
                    )
                except httpx.HTTPError as exc:
                    phase.error(type(exc).__name__)
                    continue
                elapsed = perf_counter() - started
                if response.status_code != 201:
                    phase.error(f"status {response.status_code}")
                    continue
                if phase.record:
                    phase.latencies_us.append(round(elapsed * 1e6))

        started = perf_counter()
        await asyncio.gather(*(worker(client) for client in clients))
        return perf_counter() - started

    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                httpx.AsyncClient(
                    limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                    timeout=httpx.Timeout(spec["timeout_s"]),
                    trust_env=False,
                )
            )
            for _ in range(spec["concurrency"])
        ]
        # Each connection opened on its own, one after the other, as clients arrive over time: opened all at
        # once, the first worker to wake would accept every one of them and the others none.
        for client in clients:
            await client.get(base + "/health/ready")
        warmup = shared._Phase(deadline=time.perf_counter() + spec["warmup_s"], max_requests=None, record=False)
        await run_phase(clients, warmup)
        server_before, machine_before = shared._process_tree_cpus(spec["server_pid"]), shared._machine_cpu_s()
        own_before = time.process_time()
        measured = shared._Phase(deadline=time.perf_counter() + spec["duration_s"], max_requests=None, record=True)
        wall_s = await run_phase(clients, measured)
        own_cpu_s = time.process_time() - own_before
        server_after, machine_after = shared._process_tree_cpus(spec["server_pid"]), shared._machine_cpu_s()

    return {
        **shared.phase_results(measured, warmup, wall_s),
        "body_bytes": len(body),
        "server_cpu_s": sum(server_after.values()) - sum(server_before.values())
        if server_before and server_after
        else None,
        # Each process of the server (its uvicorn workers, and their supervisor when there are several).
        "server_cpu_s_by_process": sorted(
            (cpu - server_before.get(pid, 0.0) for pid, cpu in server_after.items()), reverse=True
        ),
        "generator_cpu_s": own_cpu_s,
        "machine_busy_cpu_s": machine_after[0] - machine_before[0] if machine_before and machine_after else None,
        "generator_loop": "asyncio",
    }


# ----------------------------------------------------------------------------------------------------
# Seeding
# ----------------------------------------------------------------------------------------------------


def questionnaire() -> Any:
    """The shipped HLM 360 questionnaire as framework-svc publishes it."""
    import yaml

    from framework_svc.catalogue.loader import DATA_DIRECTORY
    from framework_svc.versioning import version_id
    from hlm_contracts import QuestionnairePublishedV1

    document = yaml.safe_load((DATA_DIRECTORY / "hlm-360.yaml").read_text())
    framework = yaml.safe_load((DATA_DIRECTORY / "hlm.yaml").read_text())
    return QuestionnairePublishedV1.model_validate(
        {
            "questionnaire_id": version_id("questionnaire", document["key"], document["version"]),
            "key": document["key"],
            "version": document["version"],
            "name": document["name"],
            "purpose": document["purpose"],
            "framework_key": framework["key"],
            "framework_version": framework["version"],
            "instructions": document["instructions"],
            "dimensions": [
                {"key": d["key"], "name": d["name"], "position": n} for n, d in enumerate(framework["dimensions"], 1)
            ],
            "items": [
                {"key": i["key"], "dimension_key": i["dimension"], "text": i["text"], "position": n}
                for n, i in enumerate(document["items"], 1)
            ],
            "performance_scale": document["performance_scale"]["points"],
            "not_observed_label": document["performance_scale"].get("not_observed_label"),
            "importance_scale": document["importance_scale"],
            "importance_questions": [
                {"dimension_key": q["dimension"], "text": q["text"]} for q in document["importance_questions"]
            ],
            "published_at": datetime.now(UTC),
        }
    )


def complete_response(q: Any) -> dict[str, Any]:
    levels: list[int | str] = [1, 2, 3, 4, "not_observed"]
    return {
        "answers": [{"item_key": item.key, "level": levels[n % len(levels)]} for n, item in enumerate(q.items)],
        "importance": [{"dimension_key": d.key, "rating": 1 + n % 4} for n, d in enumerate(q.dimensions)],
        "comments": [
            {
                "dimension_key": d.key,
                "text": (
                    f"On {d.name.lower()}: in the last few months I have seen them take time to explain their "
                    "reasons, ask the team what they think and follow up afterwards. One thing to try: say "
                    "earlier when a plan is changing, so people are not caught out."
                ),
            }
            for d in q.dimensions
        ],
    }


async def seed(url: str, q: Any, count: int) -> list[str]:
    """Open cycles with ``count`` invited raters in all; return one token per rater."""
    import asyncpg

    from hlm_kit.db import to_plain_url

    connection = await asyncpg.connect(to_plain_url(url))
    try:
        await connection.execute(
            "INSERT INTO survey.questionnaire (id, key, version, purpose, framework_key, framework_version, name,"
            " published_at, document) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)",
            q.questionnaire_id,
            q.key,
            q.version,
            q.purpose.value,
            q.framework_key,
            q.framework_version,
            q.name,
            q.published_at,
            json.dumps(q.model_dump(mode="json")),
        )
        closes_at = datetime.now(UTC) + timedelta(days=1)
        cycles, invitations, token_rows, tokens = [], [], [], []
        for n in range(count):
            if n % RATERS_PER_CYCLE == 0:
                cycle_id = uuid.uuid4()
                cycles.append((cycle_id, f"bench-participant-{len(cycles)}", q.questionnaire_id, closes_at))
            invitation_id = uuid.uuid4()
            group = "line_manager" if n % RATERS_PER_CYCLE == 0 else "peer"
            invitations.append((invitation_id, cycle_id, group, f"Rater {n}", f"rater{n}@bench.example.org"))
            token = secrets.token_urlsafe(32)
            tokens.append(token)
            token_rows.append((hashlib.sha256(token.encode()).digest(), invitation_id))
        await connection.executemany(
            "INSERT INTO survey.cycle (id, kind, status, participant_id, participant_name, organisation, region,"
            " questionnaire_id, release_mode, requires_approval, min_line_manager, min_peer, min_direct_report,"
            " min_other, min_others_total, closes_at, opened_at)"
            " VALUES ($1, 'feedback_360', 'open', $2, 'Bench Participant', 'RX1', 'london', $3, 'coached', false,"
            " 1, 3, 3, 3, 4, $4, now())",
            cycles,
        )
        await connection.executemany(
            "INSERT INTO survey.invitation (id, cycle_id, rater_group, name, email, status, reminders_sent)"
            " VALUES ($1, $2, $3, $4, $5, 'invited', 0)",
            invitations,
        )
        await connection.executemany(
            "INSERT INTO survey.invitation_token (token_hash, invitation_id) VALUES ($1, $2)", token_rows
        )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    return tokens


# ----------------------------------------------------------------------------------------------------
# The orchestrator
# ----------------------------------------------------------------------------------------------------


def _measure(
    name: str, server: Any, tokens: list[str], body: dict[str, Any], args: argparse.Namespace
) -> dict[str, Any]:
    spec = {
        "base_url": server.base_url,
        "tokens": tokens,
        "body": body,
        "concurrency": args.concurrency,
        "warmup_s": args.warmup,
        "duration_s": args.duration,
        "timeout_s": 30.0,
        "server_pid": server.process.pid,
    }
    return shared.run_generator(__file__, spec, name, args.warmup + args.duration + 120)


def _report(summaries: list[dict[str, Any]], args: argparse.Namespace, cpus: int, workers: int) -> dict[str, Any]:
    base, service = summaries
    ratio = {
        "throughput": shared._ratio(service["throughput_rps"], base["throughput_rps"]),
        "p50": shared._ratio(service["latency_ms"]["p50"], base["latency_ms"]["p50"]),
        "p99": shared._ratio(service["latency_ms"]["p99"], base["latency_ms"]["p99"]),
        "server_cpu_per_request": shared._ratio(
            service["server_cpu_us_per_request"], base["server_cpu_us_per_request"]
        ),
    }
    header = (
        f"{'target':<10} {'responses':>9} {'errors':>6} {'resp/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'srv CPU us/resp':>15} {'srv CPU %':>9} {'gen CPU %':>9} {'other CPU %':>11}"
    )
    print()
    print(
        f"POST {PATH_TEMPLATE} ({service['body_bytes']} B of JSON): {args.concurrency} keep-alive connections, "
        f"{args.warmup:g} s warm-up, {args.duration:g} s x {args.rounds} round(s); {cpus} CPU(s); "
        f"{workers} uvicorn worker(s) per server"
    )
    print(header)
    print("-" * len(header))
    for s in summaries:
        print(
            " ".join(
                [
                    f"{s['target']:<10}",
                    f"{s['requests']:>9}",
                    f"{s['errors']:>6}",
                    f"{s['throughput_rps']:>8.0f}",
                    f"{s['latency_ms']['p50']:>8.2f}",
                    f"{s['latency_ms']['p99']:>8.2f}",
                    f"{shared._fmt(s['server_cpu_us_per_request'], '.0f'):>15}",
                    f"{shared._fmt(s['server_cpu_percent_of_core'], '.0f'):>9}",
                    f"{shared._fmt(s['generator_cpu_percent_of_core'], '.0f'):>9}",
                    f"{shared._fmt(s['other_cpu_percent_of_core'], '.0f'):>11}",
                ]
            )
        )
    print()
    print(
        f"service/baseline   responses/s x{shared._fmt(ratio['throughput'], '.2f')}   "
        f"p50 x{shared._fmt(ratio['p50'], '.2f')}   p99 x{shared._fmt(ratio['p99'], '.2f')}   "
        f"server CPU/response x{shared._fmt(ratio['server_cpu_per_request'], '.2f')}"
    )
    # The goals are set for a server of one worker, the process a pod runs (deploy/k8s/README.md, "Scaling").
    if workers == 1:
        goals.check(f"submit: server CPU per response vs bare insert, {args.concurrency} connection(s)",
                    ratio["server_cpu_per_request"], at_most=3.0)  # fmt: skip
        if args.concurrency >= 32:
            goals.check(f"submit: throughput vs bare insert, {args.concurrency} connections", ratio["throughput"],
                        at_least=0.5)  # fmt: skip
        if args.concurrency == 1:
            goals.check("submit: p50 at 1 connection", service["latency_ms"]["p50"], at_most=2.5, unit="ms")
    notes = [
        "Both servers write to the same PostgreSQL on the same cores; other CPU % is mostly PostgreSQL.",
        "Latencies are closed-loop at fixed concurrency, so they are mostly queueing.",
    ]
    if any(s["errors"] for s in summaries):
        notes.append("Some requests failed (see errors): the figures of those targets are suspect.")
    saturated = [s["target"] for s in summaries if (s["generator_cpu_percent_of_core"] or 0) >= 85]
    if saturated:
        notes.append(
            "The generator ran at >= 85% of a core on " + ", ".join(saturated) + ": compare srv CPU us/resp there."
        )
    for note in notes:
        print(f"note: {note}")
    return {"ratios": {"service/baseline": ratio}, "notes": notes}


def _busiest_share(runs: list[dict[str, Any]]) -> float | None:
    """The busiest process's share of a server's CPU over ``runs``: 1.0 when one process did all the work,
    1/n when n worker processes shared it evenly."""
    by_process = [sum(values) for values in zip(*(run["server_cpu_s_by_process"] for run in runs), strict=False)]
    total = sum(by_process)
    return max(by_process) / total if total > 0 else None


def _compare_workers(passes: list[dict[str, Any]]) -> None:
    """The service/baseline ratios at each number of worker processes, side by side."""
    print()
    print("by uvicorn workers per server (service and baseline alike):")
    header = (
        f"{'workers':>7} {'base resp/s':>11} {'svc resp/s':>10} {'resp/s ratio':>12} {'base CPU us':>11} "
        f"{'svc CPU us':>10} {'CPU ratio':>9} {'busiest base/svc':>16} {'svc RSS MB':>10} {'load avg':>15}"
    )
    print(header)
    print("-" * len(header))
    for each in passes:
        base, service = each["results"]
        ratio = each["ratios"]["service/baseline"]
        busiest = each["busiest_worker_share"]
        print(
            " ".join(
                [
                    f"{each['workers']:>7}",
                    f"{base['throughput_rps']:>11.0f}",
                    f"{service['throughput_rps']:>10.0f}",
                    f"{'x' + shared._fmt(ratio['throughput'], '.2f'):>12}",
                    f"{shared._fmt(base['server_cpu_us_per_request'], '.0f'):>11}",
                    f"{shared._fmt(service['server_cpu_us_per_request'], '.0f'):>10}",
                    f"{'x' + shared._fmt(ratio['server_cpu_per_request'], '.2f'):>9}",
                    f"{shared._fmt(busiest['baseline'], '.2f') + '/' + shared._fmt(busiest['service'], '.2f'):>16}",
                    f"{each['resident_mb_after_load']['service']:>10.0f}",
                    f"{' '.join(format(v, '.1f') for v in each['load_average']):>15}",
                ]
            )
        )
    first = passes[0]["ratios"]["service/baseline"]
    for each in passes[1:]:
        ratio = each["ratios"]["service/baseline"]
        throughput = shared._ratio(ratio["throughput"], first["throughput"])
        cpu = shared._ratio(ratio["server_cpu_per_request"], first["server_cpu_per_request"])
        print(
            f"{each['workers']} workers against {passes[0]['workers']}: the service/baseline throughput ratio "
            f"x{shared._fmt(throughput, '.2f')}, its CPU-per-response ratio x{shared._fmt(cpu, '.2f')} "
            "(1.00: a worker costs the service what it costs the baseline)"
        )
    print(
        "note: busiest is the share of a server's CPU its busiest process used (0.50: two workers shared the "
        "work evenly); svc RSS MB is the resident memory of survey-svc's processes after its load; load avg is "
        "the machine's 1, 5 and 15 minute load average after the pass."
    )


def service_env(survey_url: str, amqp_url: str, **settings: str) -> dict[str, str]:
    """survey-svc's environment for a benchmark: its own database, fresh secrets, no background workers,
    quiet logs; ``settings`` adds or overrides ``SURVEY_`` settings (``DB_POOL_SIZE="4"``)."""
    env = {
        **os.environ,
        "SURVEY_DATABASE_URL": survey_url,
        "SURVEY_AMQP_URL": amqp_url,
        "SURVEY_JWT_SECRET": secrets.token_urlsafe(32),
        "SURVEY_JWT_ISSUER": "hlm-bench",
        "SURVEY_JWT_AUDIENCE": "hlm-platform",
        "SURVEY_EMAIL_HASH_KEY": secrets.token_urlsafe(32),
        "SURVEY_LOG_LEVEL": "WARNING",
        "SURVEY_RUN_WORKERS": "false",
        "SURVEY_ENVIRONMENT": "development",
        # Every request comes from 127.0.0.1 and none fails; the limit only counts failures anyway.
        "SURVEY_TOKEN_FAILURES_PER_WINDOW": "1000000",
        **{f"SURVEY_{name}": value for name, value in settings.items()},
    }
    env.pop("SURVEY_JWT_JWKS_URL", None)
    return env


def run(args: argparse.Namespace) -> int:
    from hlm_kit.bootstrap import service_url

    cpus = os.cpu_count() or 1
    database = f"hlm_bench_{secrets.token_hex(4)}"
    survey_url = service_url(args.admin_url, database, "survey_svc")
    env = service_env(survey_url, args.amqp_url)
    q = questionnaire()
    body = complete_response(q)
    started_at = datetime.now(UTC)
    # Enough tokens for the fastest plausible rate on this machine, per round.
    needed = args.tokens
    passes: list[dict[str, Any]] = []

    print(f"setting up database {database}", flush=True)
    with (
        tempfile.TemporaryDirectory(prefix="hlm-bench-") as tmp,
        shared._bench_database(args.admin_url, env, database),
    ):
        logs = Path(tmp)
        shared._run([shared._tool("survey-svc"), "migrate"], env, "survey-svc migrate")
        print(f"  seeding {needed * args.rounds * len(args.workers)} invited raters", flush=True)
        tokens = iter(asyncio.run(seed(survey_url, q, needed * args.rounds * len(args.workers))))
        admin_db_url = service_url(args.admin_url, database, _admin_user(args.admin_url)).replace(
            "postgresql+asyncpg://", "postgresql://"
        )
        for workers in args.workers:
            # A pool per worker, as <PREFIX>DB_POOL_SIZE is: the kernel may hand one worker most connections.
            pool_size = args.pool_size
            with contextlib.ExitStack() as servers:
                service_port = shared._free_port()
                print(f"  starting survey-svc on :{service_port}, {workers} worker(s)", flush=True)
                service = servers.enter_context(
                    shared._server(
                        "survey-svc",
                        [shared._tool("survey-svc"), "serve", "--host", HOST, "--port", str(service_port)],
                        {**env, "SURVEY_HTTP_WORKERS": str(workers), "SURVEY_DB_POOL_SIZE": str(pool_size)},
                        service_port,
                        logs,
                    )
                )
                shared._wait_until(service, "/health/live", timeout_s=STARTUP_TIMEOUT_S)
                baseline_port = shared._free_port()
                print(f"  starting baseline on :{baseline_port}, {workers} worker(s)", flush=True)
                baseline = servers.enter_context(
                    shared._server(
                        "baseline",
                        [
                            sys.executable,
                            str(BENCH_DIR / "submission_baseline_app.py"),
                            "--host",
                            HOST,
                            "--port",
                            str(baseline_port),
                            "--database-url",
                            admin_db_url,
                            "--pool-size",
                            str(pool_size),
                            "--workers",
                            str(workers),
                        ],
                        env,
                        baseline_port,
                        logs,
                    )
                )
                shared._wait_until(baseline, "/health/ready", timeout_s=STARTUP_TIMEOUT_S)
                for server in (service, baseline):
                    shared.wait_until_idle(server)

                runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "service": []}
                rss_mb = {"baseline": 0.0, "service": 0.0}
                for round_number in range(args.rounds):
                    mine = [next(tokens) for _ in range(needed)]
                    for name, server in (("baseline", baseline), ("service", service)):
                        print(f"  {workers} worker(s), round {round_number + 1}/{args.rounds}: {name} ...", flush=True)
                        try:
                            runs[name].append(_measure(name, server, mine, body, args))
                        except shared.BenchError as exc:  # the server's own account, beside the generator's
                            raise shared.BenchError(f"{exc}\n{server.name}'s log ends:\n{server.log_tail(5)}") from exc
                        finally:  # a server that died says why, rather than the generator's refused connections
                            for each in (service, baseline):
                                if each.process.poll() is not None:
                                    raise shared.BenchError(f"{each.name} exited during the run:\n{each.log_tail()}")
                        if failed := runs[name][-1]["errors"]:
                            print(f"    {failed} failed; {server.name}'s log ends:\n{server.log_tail(3)}", flush=True)
                        rss_mb[name] = max(rss_mb[name], shared.process_tree_rss_mb(server.process.pid) or 0.0)

            summaries = [shared._summarise(name, target_runs, cpus) for name, target_runs in runs.items()]
            passes.append(
                {
                    "workers": workers,
                    "pool_size_per_worker": pool_size,
                    "results": summaries,
                    **_report(summaries, args, cpus, workers),
                    "busiest_worker_share": {name: _busiest_share(target_runs) for name, target_runs in runs.items()},
                    "resident_mb_after_load": rss_mb,
                    "load_average": [round(v, 2) for v in os.getloadavg()],
                }
            )

    if len(passes) > 1:
        _compare_workers(passes)
    shared.write_results(
        "survey-submission",
        started_at,
        {
            "config": {
                "path": PATH_TEMPLATE,
                "items": len(q.items),
                "dimensions": len(q.dimensions),
                "concurrency": args.concurrency,
                "warmup_s": args.warmup,
                "duration_s": args.duration,
                "rounds": args.rounds,
                "workers": args.workers,
                "servers": "the same uvicorn workers for both, as each pass says; survey-svc with no background work",
                "pool_size": args.pool_size,
            },
            # The first pass's figures where a single pass used to put them.
            "results": passes[0]["results"],
            "ratios": passes[0]["ratios"],
            "notes": passes[0]["notes"],
            "passes": passes,
        },
        cpus=cpus,
    )
    return 0


def _admin_user(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).username or "postgres"


def main(argv: Sequence[str] | None = None) -> int:
    if shared.run_as_generator(argv, _generate):
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=8.0, help="seconds measured per target and round")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of unrecorded warm-up per target")
    parser.add_argument("--concurrency", type=int, default=32, help="keep-alive connections")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument(
        "--pool-size",
        type=int,
        default=32,
        help="database connections of each server's worker process, opened as needed (the warm-up opens what the "
        "run uses); at or above --concurrency no request waits for one",
    )
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[1],
        help="uvicorn worker processes of the service and of the baseline alike (SURVEY_HTTP_WORKERS); several "
        "counts run one after the other in this run, e.g. --workers 1 2, and are compared at the end",
    )
    parser.add_argument(
        "--tokens", type=int, default=30000, help="invited raters seeded per round (one per request of the service)"
    )
    shared.add_platform_urls(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except shared.BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
