"""facilitator-svc's own work per match, counted with callgrind: instructions per ``POST /v1/matches``.

    uv run --no-sync python bench/matching_instructions.py [--facilitators 250,3000] [--matches 100]
        [--python OTHER_PYTHON ...] [--keep DIR] [--no-callgrind] [--profile FILE]

Wall-clock and CPU figures of ``bench/facilitator_matching.py`` on a shared 2-core machine move by a third from
run to run; the instructions a match executes move by well under one per cent. For each register size:

1. builds the matching benchmark's register as it does (``facilitator_setup.running_service``, the register of
   ``bench/facilitator_data.py`` through the API, 20 slots each, 10 % booked, tables analysed), on a clock fixed
   at the hour the run started;
2. runs this file again, as ``_child``, under ``valgrind --tool=callgrind --instr-atstart=no`` with each
   interpreter given (this checkout's, then each ``--python``: another checkout's ``.venv/bin/python`` counts
   that checkout's service on the same database): the child builds facilitator-svc's app (its lifespan, the
   broker and the database pool as a server has them, no workers), its "now" fixed at the register's clock,
   sends ``--matches`` of the benchmark's London matches once (every shape of request they come in built, the
   plans of each statement settled), turns callgrind's instrumentation on, and sends the same matches again
   between two ``os.sched_yield()`` (callgrind dumps what it counted at each): the second dump is the matches'
   own, warm, the client's side of ``httpx.ASGITransport`` included (the same for every version of the
   service);
3. prints instructions per match for each interpreter and a digest of every answer's bytes (status and body, in
   order): two versions of the service that answer alike print the same digest.

``--no-callgrind`` runs the children without valgrind, to check the answers; with ``--profile FILE`` as well, the
counted matches run under cProfile and its statistics are written to FILE (one per interpreter and size, the
size and the interpreter's position appended). ``--keep DIR`` leaves callgrind's files there, for
``callgrind_annotate``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import catalogue  # noqa: E402
import facilitator_data  # noqa: E402
import facilitator_setup  # noqa: E402
from request_instructions import callgrind_totals, keep_dumps, under_callgrind  # noqa: E402  (one way to run and read callgrind)

CHILD_COMMAND = "_child"
COHORT = 200  # the London participants the benchmark draws from (facilitator_matching.measure)


def _matches(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """The benchmark's matches, in a fixed order: (participant, organisation, body) each."""
    start = datetime.fromisoformat(spec["clock"])
    register = facilitator_data.register(
        spec["seed"], spec["facilitators"], spec["slots"], start, days=56, per_region=spec["per_region"]
    )
    cohort = facilitator_data.cohort(spec["seed"], 500, [f for f in register if f.region == "london"])[:COHORT]
    window = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(days=42)).isoformat()}
    rng = random.Random(spec["seed"])
    out = []
    for _ in range(spec["matches"]):
        participant = cohort[rng.randrange(len(cohort))]
        out.append((participant.id, participant.organisation, {**participant.preferences(), "window": window}))
    return out


async def _child(spec: dict[str, Any]) -> None:
    import cProfile

    import httpx
    from asgi_lifespan import LifespanManager

    from facilitator_svc import clock as service_clock
    from facilitator_svc.config import Settings
    from facilitator_svc.main import create_app
    from hlm_kit.tokens import mint_token

    settings = Settings(run_workers=False, log_level="WARNING")
    clock = datetime.fromisoformat(spec["clock"])
    # The service's clock itself, not a dependency override: with any override FastAPI works out the
    # dependencies of every request again, which a server never does.
    service_clock.utc_now = lambda: clock
    app = create_app(settings)
    requests = []
    for participant, organisation, body in _matches(spec):
        token = mint_token(
            settings.jwt_secret.get_secret_value(),
            sub=participant,
            roles=["participant"],
            org=organisation,
            region=facilitator_setup.REGION,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            ttl_s=6 * 3600,
        )
        requests.append(({"Authorization": f"Bearer {token}"}, json.dumps(body).encode()))
    # Hashed once the counting is over: hashing 28 KB per match is no part of the service's work.
    bodies: list[bytes] = []
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=transport, base_url="http://facilitator", timeout=60) as client,
    ):

        async def send(batch: Sequence[tuple[dict[str, str], bytes]]) -> None:
            for headers, content in batch:
                response = await client.post(
                    "/v1/matches", content=content, headers=headers | {"content-type": "application/json"}
                )
                if response.status_code != 200:
                    raise RuntimeError(f"{response.status_code} {response.text[:500]}")
                bodies.append(b"%d\n" % response.status_code + response.content + b"\n")

        await send(requests)
        if spec["callgrind"]:
            # Python's start, the imports, the app and the warm-up ran without instrumentation; from here
            # callgrind counts.
            subprocess.run(  # noqa: ASYNC221 (nothing else to run meanwhile)
                ["callgrind_control", "--instr=on", str(os.getpid())], check=True, capture_output=True
            )
        profile = cProfile.Profile() if spec["profile"] else None
        os.sched_yield()  # callgrind: everything before this, counted apart
        if profile is not None:
            profile.enable()
        await send(requests)
        if profile is not None:
            profile.disable()
        os.sched_yield()  # callgrind: the matches' count
        if profile is not None:
            profile.dump_stats(spec["profile"])
    print(json.dumps({"digest": hashlib.sha256(b"".join(bodies)).hexdigest()}))


def _count(
    python: str, spec: dict[str, Any], env: dict[str, str], args: argparse.Namespace, directory: Path
) -> tuple[float | None, str]:
    """One interpreter's child over the matches: instructions per match (None without callgrind), and the
    digest of its answers."""
    directory.mkdir()
    (directory / "spec.json").write_text(json.dumps(spec))
    out = directory / "callgrind"
    out.mkdir()
    command = [python, str(Path(__file__).resolve()), CHILD_COMMAND, str(directory / "spec.json")]
    if spec["callgrind"]:
        command = under_callgrind(command, out)
    done = subprocess.run(command, env=env, cwd=BENCH_DIR.parent, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise catalogue.BenchError(f"the child failed ({done.returncode}):\n{done.stderr[-5000:]}")
    digest = json.loads(done.stdout.strip().splitlines()[-1])["digest"]
    if not spec["callgrind"]:
        return None, digest
    keep_dumps(out, args.keep, directory.name)
    counts = callgrind_totals(out)
    return counts[1] / args.matches, digest


def measure(args: argparse.Namespace, facilitators: int, pythons: list[str]) -> list[tuple[str, float | None, str]]:
    from facilitator_matching import analyse, book_some

    clock = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    register_specs = facilitator_data.register(
        args.seed, facilitators, args.slots, clock, days=56, per_region=args.per_region
    )
    rows = []
    with (
        tempfile.TemporaryDirectory(prefix="hlm-bench-") as tmp,
        facilitator_setup.running_service(args.admin_url, args.amqp_url, Path(tmp), run_workers=False) as service,
    ):
        register = asyncio.run(facilitator_setup.load_register(service, register_specs))
        asyncio.run(book_some(service, register, args.booked, args.seed))
        asyncio.run(analyse(args.admin_url, service.database))
        # The children serve the database themselves; the server that loaded it stays idle meanwhile.
        env = {**service.env, "FACILITATOR_DB_POOL_SIZE": "2"}
        for n, python in enumerate(pythons):
            spec = {
                "clock": clock.isoformat(),
                "seed": args.seed,
                "facilitators": facilitators,
                "per_region": args.per_region,
                "slots": args.slots,
                "matches": args.matches,
                "callgrind": not args.no_callgrind,
                "profile": f"{args.profile}.{facilitators}.{n}" if args.profile and args.no_callgrind else None,
            }
            load = os.getloadavg()[0]
            print(f"  counting {python} (load average {load:.1f}) ...", flush=True)
            per_match, digest = _count(python, spec, env, args, Path(tmp) / f"child-{n}")
            rows.append((python, per_match, digest))
    return rows


def run(args: argparse.Namespace) -> int:
    if not args.no_callgrind and shutil.which("valgrind") is None:
        print(
            "error: valgrind not found: install it (apt-get install valgrind) or pass --no-callgrind", file=sys.stderr
        )
        return 1
    pythons = [sys.executable, *args.python]
    results = {}
    for facilitators in (int(n) for n in args.facilitators.split(",")):
        print(f"register of {facilitators} facilitators", flush=True)
        results[facilitators] = measure(args, facilitators, pythons)
    print()
    print(f"instructions per match ({args.matches} matches, each sent once before):")
    for facilitators, rows in results.items():
        for python, per_match, digest in rows:
            count = f"{per_match / 1e6:8.2f} M" if per_match is not None else "       -  "
            print(f"  {facilitators:>5} facilitators  {count}  answers {digest[:16]}  {python}")
        if len({digest for _, _, digest in rows}) > 1:
            print(f"  the answers at {facilitators} differ from one interpreter to another")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [CHILD_COMMAND]:
        asyncio.run(_child(json.loads(Path(argv[1]).read_text())))
        return 0
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--facilitators", default="250,3000", help="register sizes, comma-separated")
    parser.add_argument("--per-region", type=int, default=250, help="facilitators per region, London first")
    parser.add_argument("--slots", type=int, default=20, help="slots per facilitator")
    parser.add_argument("--booked", type=float, default=0.1, help="share of slots booked before counting")
    parser.add_argument("--matches", type=int, default=100, help="matches counted")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--python", action="append", default=[], help="another interpreter to count with (another checkout's)"
    )
    parser.add_argument("--no-callgrind", action="store_true", help="run without valgrind, to check the answers")
    parser.add_argument("--profile", help="with --no-callgrind: write cProfile statistics of the counted matches")
    parser.add_argument("--keep", help="a directory to copy callgrind's files into, for callgrind_annotate")
    catalogue.add_platform_urls(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
