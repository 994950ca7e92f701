"""Benchmark: complete 360 responses submitted to survey-svc beside a bare FastAPI+asyncpg insert.

    uv run python bench/survey_submission.py [--duration 8] [--concurrency 32] [--warmup 2] [--rounds 1]

What it does, all on 127.0.0.1 and all cleaned up at the end (also on failure or Ctrl-C):

1. creates a database ``hlm_bench_<random>`` with ``hlm-bootstrap``, runs ``survey-svc migrate``, keeps
   the shipped HLM 360 questionnaire (45 items, 9 dimensions) as the service's snapshot, and seeds open
   cycles with enough invited raters, each with a token the benchmark knows, for every request of the
   run (a response is submitted once, so every request needs a token of its own);
2. starts ``survey-svc serve`` (one uvicorn worker, ``SURVEY_RUN_WORKERS=false``: no relay, no mail, no
   consumers) and ``bench/submission_baseline_app.py`` (one uvicorn worker, a pool of the same size);
3. drives each from a separate load-generator process: ``POST /v1/invitations/{token}/submit`` with the
   same complete response (every item rated, 9 importance ratings, a comment per dimension, about 6 KB),
   a fresh token per request, a fixed number of keep-alive connections, a warm-up, then a fixed duration;
4. prints responses/s, latency percentiles and server CPU per response, with the ratios, and writes
   ``bench/results/survey-submission-<timestamp>.json``.

What the service does per response that the baseline does not: look the token up by its SHA-256 and
compare in constant time, check the client's failed-look-up count, load the cycle and its pinned
questionnaire (cached), validate every answer against it, insert the response under its unique
constraint, end the invitation and revoke its tokens, and write the response.submitted event to the
outbox, in one transaction; plus the kit's correlation and metrics middleware (and, with workers off,
one NOTIFY per burst of commits, outside them, for the relays of other processes).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import platform
import secrets
import subprocess
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

REPO_ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
HOST = shared.HOST
GENERATE_COMMAND = "_generate"
PATH_TEMPLATE = "/v1/invitations/{token}/submit"
RATERS_PER_CYCLE = 40


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
        warmup = shared._Phase(deadline=time.perf_counter() + spec["warmup_s"], max_requests=None, record=False)
        await run_phase(clients, warmup)
        server_before, machine_before = shared._process_cpu_s(spec["server_pid"]), shared._machine_cpu_s()
        own_before = time.process_time()
        measured = shared._Phase(deadline=time.perf_counter() + spec["duration_s"], max_requests=None, record=True)
        wall_s = await run_phase(clients, measured)
        own_cpu_s = time.process_time() - own_before
        server_after, machine_after = shared._process_cpu_s(spec["server_pid"]), shared._machine_cpu_s()

    return {
        "wall_s": wall_s,
        "requests": len(measured.latencies_us),
        "errors": measured.errors,
        "error_kinds": measured.error_kinds,
        "warmup_requests": warmup.issued,
        "warmup_errors": warmup.errors,
        "warmup_error_kinds": warmup.error_kinds,
        "latencies_us": measured.latencies_us,
        "body_bytes": len(body),
        "server_cpu_s": server_after - server_before
        if server_before is not None and server_after is not None
        else None,
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
    completed = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), GENERATE_COMMAND],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        timeout=args.warmup + args.duration + 120,
        cwd=REPO_ROOT,
        check=False,
        preexec_fn=shared._die_with_parent if sys.platform == "linux" else None,
    )
    if completed.returncode != 0:
        raise shared.BenchError(f"load generator failed on {name}:\n{completed.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(completed.stdout)
    if result["requests"] == 0:
        raise shared.BenchError(
            f"no successful request on {name}: {result['error_kinds']} {result['warmup_error_kinds']}"
        )
    return result


def _report(summaries: list[dict[str, Any]], args: argparse.Namespace, cpus: int) -> dict[str, Any]:
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
        f"{args.warmup:g} s warm-up, {args.duration:g} s x {args.rounds} round(s); {cpus} CPU(s)"
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


def run(args: argparse.Namespace) -> int:
    from hlm_kit.bootstrap import service_url

    cpus = os.cpu_count() or 1
    database = f"hlm_bench_{secrets.token_hex(4)}"
    survey_url = service_url(args.admin_url, database, "survey_svc")
    env = {
        **os.environ,
        "SURVEY_DATABASE_URL": survey_url,
        "SURVEY_AMQP_URL": args.amqp_url,
        "SURVEY_JWT_SECRET": secrets.token_urlsafe(32),
        "SURVEY_JWT_ISSUER": "hlm-bench",
        "SURVEY_JWT_AUDIENCE": "hlm-platform",
        "SURVEY_EMAIL_HASH_KEY": secrets.token_urlsafe(32),
        "SURVEY_LOG_LEVEL": "WARNING",
        "SURVEY_RUN_WORKERS": "false",
        "SURVEY_ENVIRONMENT": "development",
        # Every request comes from 127.0.0.1 and none fails; the limit only counts failures anyway.
        "SURVEY_TOKEN_FAILURES_PER_WINDOW": "1000000",
        "SURVEY_DB_POOL_SIZE": str(args.pool_size),
    }
    env.pop("SURVEY_JWT_JWKS_URL", None)
    q = questionnaire()
    body = complete_response(q)
    started_at = datetime.now(UTC)
    # Enough tokens for the fastest plausible rate on this machine, per round.
    needed = args.tokens

    print(f"setting up database {database}", flush=True)
    with (
        tempfile.TemporaryDirectory(prefix="hlm-bench-") as tmp,
        shared._bench_database(args.admin_url, env, database),
        contextlib.ExitStack() as servers,
    ):
        logs = Path(tmp)
        shared._run([shared._tool("survey-svc"), "migrate"], env, "survey-svc migrate")
        print(f"  seeding {needed * args.rounds} invited raters", flush=True)
        tokens = asyncio.run(seed(survey_url, q, needed * args.rounds))

        service_port = shared._free_port()
        print(f"  starting survey-svc on :{service_port}", flush=True)
        service = servers.enter_context(
            shared._server(
                "survey-svc",
                [shared._tool("survey-svc"), "serve", "--host", HOST, "--port", str(service_port)],
                env,
                service_port,
                logs,
            )
        )
        shared._wait_until(service, "/health/live")
        baseline_port = shared._free_port()
        admin_db_url = service_url(args.admin_url, database, _admin_user(args.admin_url)).replace(
            "postgresql+asyncpg://", "postgresql://"
        )
        print(f"  starting baseline on :{baseline_port}", flush=True)
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
                    str(args.pool_size),
                ],
                env,
                baseline_port,
                logs,
            )
        )
        shared._wait_until(baseline, "/health/ready")

        runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "service": []}
        for round_number in range(args.rounds):
            mine = tokens[round_number * needed : (round_number + 1) * needed]
            for name, server in (("baseline", baseline), ("service", service)):
                print(f"  round {round_number + 1}/{args.rounds}: {name} ...", flush=True)
                runs[name].append(_measure(name, server, mine, body, args))
                for each in (service, baseline):
                    if each.process.poll() is not None:
                        raise shared.BenchError(f"{each.name} exited during the run:\n{each.log_tail()}")

    summaries = [shared._summarise(name, target_runs, cpus) for name, target_runs in runs.items()]
    reading = _report(summaries, args, cpus)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"survey-submission-{started_at.strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(
        json.dumps(
            {
                "benchmark": "survey-submission",
                "started_at": started_at.isoformat(),
                "git": {
                    "commit": shared._git("rev-parse", "HEAD"),
                    "dirty": bool(shared._git("status", "--porcelain")),
                },
                "machine": {"cpus": cpus, "platform": platform.platform(), "python": platform.python_version()},
                "config": {
                    "path": PATH_TEMPLATE,
                    "items": len(q.items),
                    "dimensions": len(q.dimensions),
                    "concurrency": args.concurrency,
                    "warmup_s": args.warmup,
                    "duration_s": args.duration,
                    "rounds": args.rounds,
                    "servers": "one uvicorn worker each; survey-svc with SURVEY_RUN_WORKERS=false",
                    "pool_size": args.pool_size,
                },
                "results": summaries,
                **reading,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nresults written to {out.relative_to(REPO_ROOT)}")
    return 0


def _admin_user(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).username or "postgres"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [GENERATE_COMMAND]:
        print(json.dumps(asyncio.run(_generate(json.loads(sys.stdin.read())))))
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
        help="database connections of each server; at or above --concurrency no connection is opened mid-run",
    )
    parser.add_argument(
        "--tokens", type=int, default=12000, help="invited raters seeded per round (one per request of the service)"
    )
    parser.add_argument(
        "--admin-url", default=os.environ.get("HLM_ADMIN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--amqp-url", default=os.environ.get("HLM_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"))
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
