"""Benchmark: POST /v1/matches against a register of 250 facilitators with 20 slots each.

    uv run python bench/facilitator_matching.py [--facilitators 250] [--slots 20] [--duration 10]
                                                [--concurrency 8] [--warmup 2] [--booked 0.1]

What it does, all on 127.0.0.1 and cleaned up at the end (also on failure or Ctrl-C):

1. creates a database ``hlm_bench_<random>``, runs ``facilitator-svc migrate``, starts
   ``facilitator-svc serve`` (one uvicorn worker, workers off) and waits for ``/health/ready``;
2. registers the synthetic register of ``bench/facilitator_data.py`` through the API (facilitators
   around London, 30 trusts, mixed modes, languages and specialisms, a few accreditations running
   out during the window) and books a share of the slots, so load and capacity weigh in the ranking;
3. drives two targets with the same closed-loop generator (``--concurrency`` connections, one
   httpx client each): ``specialisms`` (GET /v1/specialisms: the service's floor, token check and a
   small JSON body, no database) and ``matches`` (POST /v1/matches for participants of random trusts
   with random preferences: mode, languages, specialisms, place; a six-week window);
4. prints latency percentiles, throughput and the server's CPU time per request, with the ratio of
   matching to the floor, and writes ``bench/results/facilitator-matching-<timestamp>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import signal
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

RESULTS_DIR = catalogue.RESULTS_DIR


async def book_some(service: facilitator_setup.Service, register: list[dict[str, Any]], share: float, seed: int) -> int:
    """Confirm a share of the slots for participants from other trusts, as an administrator."""
    import httpx

    rng = random.Random(seed)
    admin = service.token("academy_admin", "bench-admin")
    picks = [(f, s) for f in register for s in f["slots"] if rng.random() < share]
    booked = 0
    async with httpx.AsyncClient(base_url=service.base_url, timeout=60, trust_env=False) as client:
        for i, (_facilitator, slot) in enumerate(picks):
            body = {
                "slot_id": slot["id"],
                "mode": slot["modes"][0],
                "confirm": True,
                "participant": {"id": f"bench-booked-{i}", "organisation": rng.choice(facilitator_data.TRUSTS)},
            }
            response = await client.post("/v1/bookings", json=body, headers=admin)
            booked += response.status_code == 201  # capacity and conflicts refuse some, as they should
    print(f"  booked {booked} of {len(picks)} slots picked", flush=True)
    return booked


async def drive(
    service: facilitator_setup.Service,
    request: Callable[[Any, random.Random], Any],
    *,
    concurrency: int,
    warmup_s: float,
    duration_s: float,
    seed: int,
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
        cpu_before = catalogue._process_cpu_s(service.server.process.pid)
        started = time.perf_counter()
        deadline = started + duration_s
        await asyncio.gather(*(worker(c, r) for c, r in zip(clients, rngs, strict=True)))
        wall_s = time.perf_counter() - started
        cpu_after = catalogue._process_cpu_s(service.server.process.pid)
    latencies_us.sort()
    n = len(latencies_us)
    server_cpu_s = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
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
        "mean_body_bytes": sum(sizes) / len(sizes) if sizes else None,
        "mean_eligible": sum(eligible) / len(eligible) if eligible else None,
    }


def run(args: argparse.Namespace) -> int:
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    register_specs = facilitator_data.register(args.seed, args.facilitators, args.slots, start, days=56)
    cohort = facilitator_data.cohort(args.seed, 500, register_specs)
    started_at = datetime.now(UTC)
    with (
        tempfile.TemporaryDirectory(prefix="hlm-bench-") as tmp,
        facilitator_setup.running_service(args.admin_url, args.amqp_url, Path(tmp), run_workers=False) as service,
    ):
        register = asyncio.run(facilitator_setup.load_register(service, register_specs))
        asyncio.run(book_some(service, register, args.booked, args.seed))
        tokens = [service.token("participant", p.id, org=p.organisation) for p in cohort[:200]]
        window = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(days=42)).isoformat()}

        def specialisms(client: Any, rng: random.Random) -> Any:
            return client.get("/v1/specialisms", headers=rng.choice(tokens))

        def matches(client: Any, rng: random.Random) -> Any:
            i = rng.randrange(len(tokens))
            body = {**cohort[i].preferences(), "window": window}
            return client.post("/v1/matches", json=body, headers=tokens[i])

        results = {}
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
                )
            )
            if results[name]["requests"] == 0:
                raise catalogue.BenchError(
                    f"no successful request on {name}: {results[name]['errors']}\n{service.server.log_tail()}"
                )

    print()
    print(
        f"{args.facilitators} facilitators x {args.slots} slots, {args.concurrency} connections, "
        f"{args.duration:g} s per target, one uvicorn worker, {os.cpu_count()} CPU(s)"
    )
    header = (
        f"{'target':<12} {'requests':>9} {'errors':>6} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'srv CPU us/req':>14}"
    )
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        print(
            f"{name:<12} {r['requests']:>9} {sum(r['errors'].values()):>6} {r['throughput_rps']:>7.0f} "
            f"{r['latency_ms']['p50']:>8.2f} {r['latency_ms']['p99']:>8.2f} "
            f"{catalogue._fmt(r['server_cpu_us_per_request'], '.0f'):>14}"
        )
    m, floor = results["matches"], results["specialisms"]
    ratios = {
        "p50": catalogue._ratio(m["latency_ms"]["p50"], floor["latency_ms"]["p50"]),
        "p99": catalogue._ratio(m["latency_ms"]["p99"], floor["latency_ms"]["p99"]),
        "server_cpu_per_request": catalogue._ratio(m["server_cpu_us_per_request"], floor["server_cpu_us_per_request"]),
    }
    print()
    print(
        f"matches/specialisms  p50 x{catalogue._fmt(ratios['p50'], '.1f')}"
        f"   p99 x{catalogue._fmt(ratios['p99'], '.1f')}"
        f"   server CPU/request x{catalogue._fmt(ratios['server_cpu_per_request'], '.1f')}"
    )
    print(
        f"a match returned {catalogue._fmt(m['mean_eligible'], '.1f')} eligible facilitators on average "
        f"({catalogue._fmt(m['mean_body_bytes'], '.0f')} bytes)"
    )
    print(
        "note: latencies are closed-loop at fixed concurrency (mostly queueing: p50 ~ connections / throughput); "
        "the generator shares the machine's cores with the server and PostgreSQL."
    )

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"facilitator-matching-{started_at.strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(
        json.dumps(
            {
                "benchmark": "facilitator-matching",
                "started_at": started_at.isoformat(),
                "git": {
                    "commit": catalogue._git("rev-parse", "HEAD"),
                    "dirty": bool(catalogue._git("status", "--porcelain")),
                },
                "machine": {
                    "cpus": os.cpu_count(),
                    "platform": platform.platform(),
                    "python": platform.python_version(),
                },
                "config": vars(args) | {"admin_url": None, "amqp_url": None},
                "results": results,
                "ratios": ratios,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nresults written to {out.relative_to(catalogue.REPO_ROOT)}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facilitators", type=int, default=250)
    parser.add_argument("--slots", type=int, default=20, help="slots per facilitator")
    parser.add_argument("--booked", type=float, default=0.1, help="share of slots booked before the run")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per target")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--admin-url", default=os.environ.get("HLM_ADMIN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--amqp-url", default=os.environ.get("HLM_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"))
    args = parser.parse_args()

    def terminate(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    try:
        return run(args)
    except catalogue.BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
