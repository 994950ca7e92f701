"""Benchmark: POST /v1/matches against a register of 250 facilitators, then of 3,000, 20 slots each.

    uv run python bench/facilitator_matching.py [--facilitators 250,3000] [--per-region 250] [--slots 20]
                                                [--duration 10] [--concurrency 8] [--warmup 2] [--booked 0.1]
                                                [--also-at 1] [--history 100]

What it does, for each register size in turn, all on 127.0.0.1 and cleaned up at the end (also on
failure or Ctrl-C):

1. creates a database ``hlm_bench_<random>``, runs ``facilitator-svc migrate``, starts
   ``facilitator-svc serve`` (one uvicorn worker, workers off) and waits for ``/health/ready``;
2. registers the synthetic register of ``bench/facilitator_data.py`` through the API, ``--per-region``
   facilitators per region (London first, so 250 is London alone and 3,000 is twelve regions of 250:
   the participant's region is the same in both, the register beyond it twelve times larger), each
   region around its own centre, 30 trusts, mixed modes, languages and specialisms, a few
   accreditations running out during the window; books a share of the slots, so load and capacity
   weigh in the ranking; and vacuums and analyses the tables, as autovacuum would have by the time anyone
   matches (the development server runs without it): a vacuumed table's visibility map lets matching's
   walks read the covering indexes alone, as they do on a settled register;
   with ``--history N``, first gives each London facilitator N past sessions, booked and completed,
   written with SQL as an import would (100: 25,000 in the region), for the cost of what lies behind;
3. drives two targets with the same closed-loop generator (``--concurrency`` connections, one
   httpx client each): ``specialisms`` (GET /v1/specialisms: the service's floor, token check and a
   small JSON body, no database) and ``matches`` (POST /v1/matches for London participants of random
   trusts with random preferences: mode, languages, specialisms, place; a six-week window);
4. prints latency percentiles, throughput, the server's CPU time per request and that of its
   PostgreSQL backends (read from /proc: the database runs on this machine), with the ratio of
   matching to the floor, then how the cost of a match grew with the register, and writes
   ``bench/results/facilitator-matching-<timestamp>.json``. ``--also-at`` drives matches again at other
   numbers of connections (``--also-at 1``: a match alone, its latency without queueing) on the same
   register and server, after the main run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import catalogue
import facilitator_data
import facilitator_setup
import goals


async def book_some(service: facilitator_setup.Service, register: list[dict[str, Any]], share: float, seed: int) -> int:
    """Confirm a share of the slots for participants from other trusts, as an administrator."""
    import httpx

    rng = random.Random(seed)
    admins = {f["region"]: service.token("academy_admin", "bench-admin", region=f["region"]) for f in register}
    picks = [(f, s) for f in register for s in f["slots"] if rng.random() < share]
    booked = 0
    async with httpx.AsyncClient(base_url=service.base_url, timeout=60, trust_env=False) as client:
        for i, (facilitator, slot) in enumerate(picks):
            body = {
                "slot_id": slot["id"],
                "mode": slot["modes"][0],
                "confirm": True,
                "participant": {"id": f"bench-booked-{i}", "organisation": rng.choice(facilitator_data.TRUSTS)},
            }
            response = await client.post("/v1/bookings", json=body, headers=admins[facilitator["region"]])
            booked += response.status_code == 201  # capacity and conflicts refuse some, as they should
    print(f"  booked {booked} of {len(picks)} slots picked", flush=True)
    return booked


async def backend_cpu_s(admin_url: str, database: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend connected to ``database`` (empty without /proc)."""
    import asyncpg

    connection = await asyncpg.connect(admin_url, timeout=10)
    try:
        pids = [
            r["pid"] for r in await connection.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1", database)
        ]
    finally:
        await connection.close()
    out = {}
    for pid in pids:
        cpu = catalogue._process_cpu_s(pid)
        if cpu is not None:
            out[pid] = cpu
    return out


async def add_history(admin_url: str, database: str, per_facilitator: int, before: datetime) -> int:
    """Give each London facilitator ``per_facilitator`` past sessions, one every three days back from
    ``before``, each booked and completed: a year or so of history, written as an import would write it
    (two statements), so that a match's cost can be seen not to grow with what is behind it."""
    import asyncpg

    connection = await asyncpg.connect(admin_url, database=database, timeout=10)
    try:
        async with connection.transaction():
            await connection.execute(
                "INSERT INTO facilitator.slot (id, facilitator_id, facilitator_number, starts_at, ends_at, modes)"
                " SELECT gen_random_uuid(), f.id, f.number, s.starts_at, s.starts_at + interval '1 hour', '{video}'"
                " FROM facilitator.facilitator f,"
                " LATERAL (SELECT $1::timestamptz - make_interval(days => 3 * k) - interval '3 hours' AS starts_at"
                "          FROM generate_series(1, $2) k) s"
                " WHERE f.region = 'london'",
                before,
                per_facilitator,
            )
            status = await connection.execute(
                "INSERT INTO facilitator.booking (id, facilitator_id, facilitator_number, slot_id, participant_id,"
                " participant_organisation, participant_region, mode, starts_at, ends_at, status, booked_by,"
                " confirmed_at, completed_at)"
                " SELECT gen_random_uuid(), s.facilitator_id, s.facilitator_number, s.id, 'bench-past-' || s.id,"
                " 'RA1', 'london', 'video', s.starts_at, s.ends_at, 'completed', 'bench', s.starts_at - interval"
                " '7 days', s.ends_at FROM facilitator.slot s WHERE s.starts_at < $1",
                before,
            )
    finally:
        await connection.close()
    return int(status.split()[-1])


async def analyse(admin_url: str, database: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(admin_url, database=database, timeout=10)
    try:
        await connection.execute("VACUUM (ANALYZE)")
    finally:
        await connection.close()


async def drive(
    service: facilitator_setup.Service,
    request: Callable[[Any, random.Random], Any],
    *,
    concurrency: int,
    warmup_s: float,
    duration_s: float,
    seed: int,
    admin_url: str,
) -> dict[str, Any]:
    """A closed loop per connection: warm up, then record every request's latency for ``duration_s``."""
    import httpx

    latencies_us: list[int] = []
    errors: dict[str, int] = {}
    sizes: list[int] = []
    eligible: list[int] = []
    recording = False
    deadline = 0.0

    async def worker(client: httpx.AsyncClient, rng: random.Random) -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                response = await request(client, rng)
            except httpx.HTTPError as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                continue
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                errors[str(response.status_code)] = errors.get(str(response.status_code), 0) + 1
                continue
            if recording:
                latencies_us.append(round(elapsed * 1e6))
                if len(sizes) < 2000:
                    sizes.append(len(response.content))
                    body = response.json()
                    if isinstance(body, dict) and "eligible" in body:
                        eligible.append(len(body["eligible"]))

    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                httpx.AsyncClient(
                    base_url=service.base_url,
                    timeout=30,
                    trust_env=False,
                    limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                )
            )
            for _ in range(concurrency)
        ]
        rngs = [random.Random(seed + i) for i in range(concurrency)]
        deadline = time.perf_counter() + warmup_s
        await asyncio.gather(*(worker(c, r) for c, r in zip(clients, rngs, strict=True)))
        recording = True
        db_before = await backend_cpu_s(admin_url, service.database)
        cpu_before = catalogue._process_cpu_s(service.server.process.pid)
        started = time.perf_counter()
        deadline = started + duration_s
        await asyncio.gather(*(worker(c, r) for c, r in zip(clients, rngs, strict=True)))
        wall_s = time.perf_counter() - started
        cpu_after = catalogue._process_cpu_s(service.server.process.pid)
        db_after = await backend_cpu_s(admin_url, service.database)
    latencies_us.sort()
    n = len(latencies_us)
    server_cpu_s = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    # A backend that connected during the run counts from zero; the pool keeps its connections.
    db_cpu_s = sum(cpu - db_before.get(pid, 0.0) for pid, cpu in db_after.items()) if db_after else None
    return {
        "requests": n,
        "errors": errors,
        "wall_s": round(wall_s, 3),
        "throughput_rps": n / wall_s if wall_s else 0.0,
        "latency_ms": {
            "p50": catalogue._percentile(latencies_us, 50),
            "p90": catalogue._percentile(latencies_us, 90),
            "p99": catalogue._percentile(latencies_us, 99),
            "max": latencies_us[-1] / 1000 if n else float("nan"),
        },
        "server_cpu_us_per_request": server_cpu_s / n * 1e6 if server_cpu_s and n else None,
        "db_cpu_us_per_request": db_cpu_s / n * 1e6 if db_cpu_s is not None and n else None,
        "mean_body_bytes": sum(sizes) / len(sizes) if sizes else None,
        "mean_eligible": sum(eligible) / len(eligible) if eligible else None,
    }


def measure(args: argparse.Namespace, facilitators: int) -> dict[str, Any]:
    """One register size: its own database and server, loaded, booked, analysed, then both targets driven."""
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    register_specs = facilitator_data.register(
        args.seed, facilitators, args.slots, start, days=56, per_region=args.per_region
    )
    # The same London participants whatever the size: a cohort drawn from London's facilitators.
    cohort = facilitator_data.cohort(args.seed, 500, [f for f in register_specs if f.region == "london"])
    with (
        tempfile.TemporaryDirectory(prefix="hlm-bench-") as tmp,
        facilitator_setup.running_service(args.admin_url, args.amqp_url, Path(tmp), run_workers=False) as service,
    ):
        register = asyncio.run(facilitator_setup.load_register(service, register_specs))
        asyncio.run(book_some(service, register, args.booked, args.seed))
        if args.history:
            past = asyncio.run(add_history(args.admin_url, service.database, args.history, start))
            print(f"  {past} past sessions booked and completed in London", flush=True)
        asyncio.run(analyse(args.admin_url, service.database))
        tokens = [service.token("participant", p.id, org=p.organisation) for p in cohort[:200]]
        window = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(days=42)).isoformat()}

        def specialisms(client: Any, rng: random.Random) -> Any:
            return client.get("/v1/specialisms", headers=rng.choice(tokens))

        def matches(client: Any, rng: random.Random) -> Any:
            i = rng.randrange(len(tokens))
            body = {**cohort[i].preferences(), "window": window}
            return client.post("/v1/matches", json=body, headers=tokens[i])

        results: dict[str, Any] = {
            "facilitators": facilitators,
            "regions": len({f.region for f in register_specs}),
            "slots": sum(len(f["slots"]) for f in register),
        }
        for name, request in (("specialisms", specialisms), ("matches", matches)):
            print(f"  driving {name} ...", flush=True)
            results[name] = asyncio.run(
                drive(
                    service,
                    request,
                    concurrency=args.concurrency,
                    warmup_s=args.warmup,
                    duration_s=args.duration,
                    seed=args.seed,
                    admin_url=args.admin_url,
                )
            )
            if results[name]["requests"] == 0:
                raise catalogue.BenchError(
                    f"no successful request on {name}: {results[name]['errors']}\n{service.server.log_tail()}"
                )
        for connections in args.also_at:
            print(f"  driving matches at {connections} connection(s) ...", flush=True)
            results[f"matches_at_{connections}"] = asyncio.run(
                drive(
                    service,
                    matches,
                    concurrency=connections,
                    warmup_s=args.warmup,
                    duration_s=args.duration,
                    seed=args.seed,
                    admin_url=args.admin_url,
                )
            )
    m, floor = results["matches"], results["specialisms"]
    results["ratios"] = {
        "p50": catalogue._ratio(m["latency_ms"]["p50"], floor["latency_ms"]["p50"]),
        "p99": catalogue._ratio(m["latency_ms"]["p99"], floor["latency_ms"]["p99"]),
        "server_cpu_per_request": catalogue._ratio(m["server_cpu_us_per_request"], floor["server_cpu_us_per_request"]),
    }
    return results


def report(args: argparse.Namespace, results: dict[str, Any]) -> None:
    print()
    print(
        f"{results['facilitators']} facilitators in {results['regions']} region(s) x {args.slots} slots, "
        f"{args.concurrency} connections, {args.duration:g} s per target, one uvicorn worker, {os.cpu_count()} CPU(s)"
    )
    header = (
        f"{'target':<12} {'requests':>9} {'errors':>6} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'srv CPU us/req':>14} {'db CPU us/req':>13}"
    )
    print(header)
    print("-" * len(header))
    for name in ("specialisms", "matches"):
        r = results[name]
        print(
            f"{name:<12} {r['requests']:>9} {sum(r['errors'].values()):>6} {r['throughput_rps']:>7.0f} "
            f"{r['latency_ms']['p50']:>8.2f} {r['latency_ms']['p99']:>8.2f} "
            f"{catalogue._fmt(r['server_cpu_us_per_request'], '.0f'):>14} "
            f"{catalogue._fmt(r['db_cpu_us_per_request'], '.0f'):>13}"
        )
    for connections in args.also_at:
        r = results[f"matches_at_{connections}"]
        name = f"matches@{connections}"
        print(
            f"{name:<12} {r['requests']:>9} {sum(r['errors'].values()):>6} {r['throughput_rps']:>7.0f} "
            f"{r['latency_ms']['p50']:>8.2f} {r['latency_ms']['p99']:>8.2f} "
            f"{catalogue._fmt(r['server_cpu_us_per_request'], '.0f'):>14} "
            f"{catalogue._fmt(r['db_cpu_us_per_request'], '.0f'):>13}"
        )
    ratios, m = results["ratios"], results["matches"]
    print(
        f"matches/specialisms  p50 x{catalogue._fmt(ratios['p50'], '.1f')}"
        f"   p99 x{catalogue._fmt(ratios['p99'], '.1f')}"
        f"   server CPU/request x{catalogue._fmt(ratios['server_cpu_per_request'], '.1f')}"
    )
    print(
        f"a match returned {catalogue._fmt(m['mean_eligible'], '.1f')} eligible facilitators on average "
        f"({catalogue._fmt(m['mean_body_bytes'], '.0f')} bytes)"
    )
    goals.check(f"matching p99 at {results['facilitators']} facilitators x {args.slots} slots, "
                f"{args.concurrency} connections", m["latency_ms"]["p99"], at_most=50, unit="ms")  # fmt: skip


def run(args: argparse.Namespace) -> int:
    started_at = datetime.now(UTC)
    sizes = [int(n) for n in args.facilitators.split(",")]
    by_size = []
    for n in sizes:
        print(f"register of {n} facilitators", flush=True)
        by_size.append(measure(args, n))
    for results in by_size:
        report(args, results)
    growth: dict[str, Any] = {}
    if len(by_size) > 1:
        small, large = by_size[0]["matches"], by_size[-1]["matches"]

        def total(r: dict[str, Any]) -> float | None:
            if r["server_cpu_us_per_request"] is None or r["db_cpu_us_per_request"] is None:
                return None
            return float(r["server_cpu_us_per_request"] + r["db_cpu_us_per_request"])

        growth = {
            "register": by_size[-1]["facilitators"] / by_size[0]["facilitators"],
            "server_cpu_per_match": catalogue._ratio(
                large["server_cpu_us_per_request"], small["server_cpu_us_per_request"]
            ),
            "db_cpu_per_match": catalogue._ratio(large["db_cpu_us_per_request"], small["db_cpu_us_per_request"]),
            "cpu_per_match": catalogue._ratio(total(large), total(small)),
            "p50": catalogue._ratio(large["latency_ms"]["p50"], small["latency_ms"]["p50"]),
        }
        print()
        print(
            f"from {by_size[0]['facilitators']} to {by_size[-1]['facilitators']} facilitators "
            f"(register x{growth['register']:.0f}): "
            f"server CPU per match x{catalogue._fmt(growth['server_cpu_per_match'], '.2f')}, "
            f"database CPU x{catalogue._fmt(growth['db_cpu_per_match'], '.2f')}, "
            f"both x{catalogue._fmt(growth['cpu_per_match'], '.2f')}, p50 x{catalogue._fmt(growth['p50'], '.2f')}"
        )
    print(
        "note: latencies are closed-loop at fixed concurrency (mostly queueing: p50 ~ connections / throughput); "
        "the generator shares the machine's cores with the server and PostgreSQL."
    )

    catalogue.write_results(
        "facilitator-matching",
        started_at,
        {
            "config": vars(args) | {"admin_url": None, "amqp_url": None},
            "results": by_size,
            "growth": growth,
        },
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--facilitators", default="250,3000", help="register sizes, comma-separated, each measured in turn"
    )
    parser.add_argument("--per-region", type=int, default=250, help="facilitators per region, London first")
    parser.add_argument("--slots", type=int, default=20, help="slots per facilitator")
    parser.add_argument("--booked", type=float, default=0.1, help="share of slots booked before the run")
    parser.add_argument(
        "--history",
        type=int,
        default=0,
        help="past sessions, each booked and completed, per London facilitator (100: 25,000 in the region)",
    )
    parser.add_argument(
        "--also-at",
        type=lambda v: [int(n) for n in v.split(",") if n],
        default=[],
        help="further numbers of connections to drive matches at, comma-separated (e.g. 1)",
    )
    facilitator_setup.add_load_options(parser)
    args = parser.parse_args()

    return catalogue.run_benchmark(run, args)


if __name__ == "__main__":
    sys.exit(main())
