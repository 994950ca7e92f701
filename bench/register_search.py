"""Benchmark: GET /v1/register over a national register of 3,000 facilitators, beside the same search in a
bare FastAPI + asyncpg endpoint and as bare SQL.

    uv run python bench/register_search.py [--facilitators 3000] [--per-region 250] [--listed 0.8]
                                           [--duration 10] [--concurrency 8] [--warmup 2] [--limit 20]

What it does, all on 127.0.0.1 and cleaned up at the end (also on failure or Ctrl-C):

1. creates a database ``hlm_bench_<random>``, runs ``facilitator-svc migrate``, starts
   ``facilitator-svc serve`` (one uvicorn worker, workers off) and waits for ``/health/ready``;
2. registers the synthetic register of ``bench/facilitator_data.py`` through the API (twelve regions of
   ``--per-region``, 5 % inactive, a few lapsed accreditations, no slots: the register needs none);
   then, as the bench's own shortcut for 3,000 facilitators each choosing on their own account, sets
   ``is_listed`` for a ``--listed`` share and publishes everything but the organisation for half of
   those, the defaults (region, modes, offer) for the other half; analyses the tables;
3. drives three targets with the same closed-loop generator and the same random searches (a region for
   nine in ten, a mode for half, a language for one in five, a specialism for one in four, a session
   kind for one in ten; ``--limit`` per page): ``register`` (the endpoint: token check, validation,
   the query, the JSON of the entries), ``http`` (``bench/register_baseline_app.py``: one uvicorn worker,
   a bare FastAPI endpoint running the same statement with asyncpg over a pool of the same size and
   answering the published fields as JSON) and ``sql`` (the statement sent straight to PostgreSQL with
   asyncpg, as the owner role, rows fetched and dropped: the database's share, with no HTTP at all);
4. prints latency percentiles and throughput of each, the ratios of p50 and p99 to both baselines, the
   goal (p99 at most x1.5 the ``http`` baseline, the project's rule of a bare endpoint doing the same work
   in the same run) through ``bench/goals.py``, and the plan PostgreSQL chose, then writes
   ``bench/results/register-search-<timestamp>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import catalogue
import facilitator_data
import facilitator_matching
import facilitator_setup
import goals

GOAL_P99_RATIO = 1.5
MODES = ["in_person", "video"]
SESSION_KINDS = ["feedback", "coaching", "mentoring"]
PUBLISHABLE = (
    "name",
    "organisation",
    "region",
    "modes",
    "languages",
    "specialisms",
    "session_kinds",
    "accreditation_level",
)
COLUMNS = (
    "id, published_fields, name, organisation, region, modes, languages, specialisms, session_kinds,"
    " accreditation_level"
)


def random_search(rng: random.Random, limit: int) -> dict[str, Any]:
    search: dict[str, Any] = {"limit": limit}
    if rng.random() < 0.9:
        search["region"] = rng.choice(list(facilitator_data.REGIONS))
    if rng.random() < 0.5:
        search["mode"] = rng.choice(MODES)
    if rng.random() < 0.2:
        search["language"] = rng.choice(facilitator_data.LANGUAGES)
    if rng.random() < 0.25:
        search["specialism"] = rng.choice(facilitator_data.SPECIALISMS)
    if rng.random() < 0.1:
        search["session_kind"] = rng.choice(SESSION_KINDS)
    return search


def search_sql(search: dict[str, Any], today: date) -> tuple[str, list[Any]]:
    """The statement the service builds for ``search``, by hand: conditions only for what is asked."""
    conditions = ["is_listed AND status = 'active'", "accreditation_expires_on >= $1"]
    args: list[Any] = [today]
    for name, column in (
        ("region", None),
        ("mode", "modes"),
        ("language", "languages"),
        ("specialism", "specialisms"),
        ("session_kind", "session_kinds"),
    ):
        if name not in search:
            continue
        args.append(search[name])
        published = "region" if column is None else column
        test = f"region = ${len(args)}" if column is None else f"{column} @> ARRAY[${len(args)}::text]"
        conditions.append(f"{test} AND published_fields @> ARRAY['{published}']")
    args.append(search["limit"] + 1)
    sql = (
        f"SELECT {COLUMNS} FROM facilitator.facilitator WHERE {' AND '.join(conditions)} ORDER BY id LIMIT ${len(args)}"
    )
    return sql, args


async def choose_listing(service: facilitator_setup.Service, listed: float) -> dict[str, int]:
    import asyncpg

    connection = await asyncpg.connect(service.env["FACILITATOR_DATABASE_URL"].replace("+asyncpg", ""), timeout=10)
    try:
        await connection.execute(
            """
            UPDATE facilitator.facilitator SET
              is_listed = (number * 7919) % 1000 < $1,
              published_fields = CASE WHEN number % 2 = 0
                THEN '{name,region,modes,languages,specialisms,session_kinds,accreditation_level}'::text[]
                ELSE '{region,modes,session_kinds}'::text[] END,
              session_kinds = CASE number % 3 WHEN 0 THEN '{feedback,coaching}'::text[]
                WHEN 1 THEN '{feedback}'::text[] ELSE '{feedback,mentoring}'::text[] END
            """,
            round(listed * 1000),
        )
        counts = await connection.fetchrow(
            "SELECT count(*) AS total, count(*) FILTER (WHERE is_listed AND status = 'active') AS shown"
            " FROM facilitator.facilitator"
        )
    finally:
        await connection.close()
    return dict(counts)


async def drive_sql(
    dsn: str, searches: list[dict[str, Any]], today: date, *, concurrency: int, warmup_s: float, duration_s: float
) -> dict[str, Any]:
    import asyncpg

    latencies_us: list[int] = []
    recording = False
    deadline = 0.0
    pool = await asyncpg.create_pool(dsn, min_size=concurrency, max_size=concurrency)

    async def worker(rng: random.Random) -> None:
        while time.perf_counter() < deadline:
            sql, args = search_sql(rng.choice(searches), today)
            started = time.perf_counter()
            async with pool.acquire() as connection:
                await connection.fetch(sql, *args)
            if recording:
                latencies_us.append(round((time.perf_counter() - started) * 1e6))

    try:
        rngs = [random.Random(i) for i in range(concurrency)]
        deadline = time.perf_counter() + warmup_s
        await asyncio.gather(*(worker(r) for r in rngs))
        recording = True
        started = time.perf_counter()
        deadline = started + duration_s
        await asyncio.gather(*(worker(r) for r in rngs))
        wall_s = time.perf_counter() - started
    finally:
        await pool.close()
    latencies_us.sort()
    n = len(latencies_us)
    return {
        "requests": n,
        "errors": {},
        "wall_s": round(wall_s, 3),
        "throughput_rps": n / wall_s if wall_s else 0.0,
        "latency_ms": {
            "p50": catalogue._percentile(latencies_us, 50),
            "p90": catalogue._percentile(latencies_us, 90),
            "p99": catalogue._percentile(latencies_us, 99),
            "max": latencies_us[-1] / 1000 if n else float("nan"),
        },
    }


async def plan(dsn: str, search: dict[str, Any], today: date) -> str:
    import asyncpg

    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        sql, args = search_sql(search, today)
        rows = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}", *args)
    finally:
        await connection.close()
    return "\n".join(r[0] for r in rows)


def measure(args: argparse.Namespace) -> dict[str, Any]:
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    specs = facilitator_data.register(args.seed, args.facilitators, 0, start, per_region=args.per_region)
    rng = random.Random(args.seed)
    searches = [random_search(rng, args.limit) for _ in range(500)]
    today = start.date()
    with (
        tempfile.TemporaryDirectory(prefix="hlm-bench-") as tmp,
        facilitator_setup.running_service(args.admin_url, args.amqp_url, Path(tmp), run_workers=False) as service,
    ):
        asyncio.run(facilitator_setup.load_register(service, specs))
        counts = asyncio.run(choose_listing(service, args.listed))
        print(f"  {counts['shown']} of {counts['total']} facilitators listed and active", flush=True)
        asyncio.run(facilitator_matching.analyse(args.admin_url, service.database))
        dsn = service.env["FACILITATOR_DATABASE_URL"].replace("+asyncpg", "")
        tokens = [service.token(role, f"bench-{role}-{i}") for i in range(20) for role in ("participant", "partner")]

        def register(client: Any, rng: random.Random) -> Any:
            return client.get("/v1/register", params=rng.choice(searches), headers=rng.choice(tokens))

        results: dict[str, Any] = {"facilitators": args.facilitators, **counts}
        print("  driving register ...", flush=True)
        results["register"] = asyncio.run(
            facilitator_matching.drive(
                service,
                register,
                concurrency=args.concurrency,
                warmup_s=args.warmup,
                duration_s=args.duration,
                seed=args.seed,
                admin_url=args.admin_url,
            )
        )
        if results["register"]["requests"] == 0:
            raise catalogue.BenchError(f"no successful search: {results['register']['errors']}")
        port = catalogue._free_port()
        print(f"  starting the bare FastAPI + asyncpg baseline on :{port}", flush=True)
        command = [sys.executable, str(Path(__file__).resolve().parent / "register_baseline_app.py")]
        command += ["--host", catalogue.HOST, "--port", str(port), "--database-url", dsn]
        command += ["--pool-size", str(args.concurrency)]
        with catalogue._server("register-baseline", command, service.env, port, Path(tmp)) as server:
            catalogue._wait_until(server, "/health/ready")
            print("  driving http ...", flush=True)
            results["http"] = asyncio.run(
                facilitator_matching.drive(
                    dataclasses.replace(service, server=server),
                    register,
                    concurrency=args.concurrency,
                    warmup_s=args.warmup,
                    duration_s=args.duration,
                    seed=args.seed,
                    admin_url=args.admin_url,
                )
            )
        print("  driving sql ...", flush=True)
        results["sql"] = asyncio.run(
            drive_sql(
                dsn, searches, today, concurrency=args.concurrency, warmup_s=args.warmup, duration_s=args.duration
            )
        )
        results["plan"] = asyncio.run(plan(dsn, {"region": "london", "mode": "video", "limit": args.limit}, today))
    endpoint = results["register"]
    for baseline in ("http", "sql"):
        results[f"ratios_{baseline}"] = {
            q: catalogue._ratio(endpoint["latency_ms"][q], results[baseline]["latency_ms"][q]) for q in ("p50", "p99")
        }
    return results


def report(args: argparse.Namespace, results: dict[str, Any]) -> None:
    print()
    print(
        f"{results['facilitators']} facilitators ({results['shown']} shown), {args.concurrency} connections, "
        f"{args.duration:g} s per target, {args.limit} per page, one uvicorn worker, {os.cpu_count()} CPU(s)"
    )
    header = (
        f"{'target':<10} {'requests':>9} {'errors':>6} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'srv CPU us/req':>14} {'db CPU us/req':>13}"
    )
    print(header)
    print("-" * len(header))
    for name in ("register", "http", "sql"):
        r = results[name]
        print(
            f"{name:<10} {r['requests']:>9} {sum(r['errors'].values()):>6} {r['throughput_rps']:>7.0f} "
            f"{r['latency_ms']['p50']:>8.2f} {r['latency_ms']['p99']:>8.2f} "
            f"{catalogue._fmt(r.get('server_cpu_us_per_request'), '.0f'):>14} "
            f"{catalogue._fmt(r.get('db_cpu_us_per_request'), '.0f'):>13}"
        )
    for baseline in ("http", "sql"):
        ratios = results[f"ratios_{baseline}"]
        print(
            f"register/{baseline:<5} p50 x{catalogue._fmt(ratios['p50'], '.1f')}"
            f"   p99 x{catalogue._fmt(ratios['p99'], '.1f')}"
        )
    goals.check(
        "register search: p99 vs a bare FastAPI + asyncpg endpoint running the same statement",
        results["ratios_http"]["p99"],
        at_most=GOAL_P99_RATIO,
    )
    print("  (the sql line, with no HTTP at all, shows the database's share; the goal is judged against http)")
    print("\nplan of ?region=london&mode=video:\n" + results["plan"])


def run(args: argparse.Namespace) -> int:
    started_at = datetime.now(UTC)
    print(f"register of {args.facilitators} facilitators", flush=True)
    results = measure(args)
    report(args, results)
    catalogue.write_results(
        "register-search",
        started_at,
        {
            "config": vars(args) | {"admin_url": None, "amqp_url": None},
            "results": results,
        },
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facilitators", type=int, default=3000)
    parser.add_argument("--per-region", type=int, default=250, help="facilitators per region, London first")
    parser.add_argument("--listed", type=float, default=0.8, help="share of facilitators who chose to be listed")
    parser.add_argument("--limit", type=int, default=20, help="entries per page")
    facilitator_setup.add_load_options(parser)
    args = parser.parse_args()

    return catalogue.run_benchmark(run, args)


if __name__ == "__main__":
    sys.exit(main())
