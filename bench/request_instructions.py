"""Instructions per request, counted with callgrind: a rater's submit, its parts, and bare FastAPI beside them.

    uv run python bench/request_instructions.py [--requests 100] [--warmup 30] [--scenario NAME ...]
                                                [--no-callgrind]

Wall-clock and CPU figures on a shared 2-core machine move by tens of per cent from one run to the next;
the number of instructions a request executes moves by well under one. This counts them with valgrind's
callgrind, in one process that serves every scenario through ``httpx.ASGITransport`` (no sockets, no
uvicorn: what a server adds is the same on both sides), against a real database:

1. creates a database ``hlm_bench_<random>`` with ``hlm-bootstrap``, runs ``survey-svc migrate``, keeps the
   shipped HLM 360 questionnaire and seeds invited raters (``bench/survey_submission.py``'s seeding), and
   creates the bare insert's table;
2. runs this file again, as ``_child``, under ``valgrind --tool=callgrind --dump-before=sched_yield``, once
   for the bare scenarios and once for the service's (each as its own server would run: what a garbage
   collection costs grows with all that a process holds): the child imports and builds its apps without
   instrumentation, then for each scenario starts its app, sends ``--warmup`` requests, calls
   ``os.sched_yield()`` (callgrind writes what it counted so far and starts again from zero), sends
   ``--requests`` requests, and calls it again: the second of each pair of counts is the scenario's own,
   garbage collections and background tasks (the outbox notifier) included;
3. prints instructions per request for each scenario, and the steps between them, and drops the database.

Scenarios (every one a ``POST`` of the same ~6 KB complete response, a fresh token each time):

- ``asgi``: a bare ASGI callable reading the body and answering 201: the client's own cost, the floor;
- ``fastapi``: bare FastAPI, a route reading the body and answering 201;
- ``baseline``: ``bench/submission_baseline_app.py``, bare FastAPI inserting the body with asyncpg (the load
  benchmark's baseline);
- ``kit-empty``: survey-svc's app (its middleware, tracing, error handlers, every route before the submit's),
  with a route added just before the submit's that reads the body and answers 201;
- ``kit-body``: the same route reading and validating the body as the submit's ``ResponseIn``;
- ``kit-session``: and taking the request's ``Session`` (no statement: BEGIN and COMMIT are not sent);
- ``kit-caller``: and the link's caller dependency, as the submit takes it;
- ``submit``: the real ``POST /v1/invitations/{token}/submit``.

And one read: ``open``, ``GET /v1/invitations/{token}?questionnaire=false``, a rater's link opened again
(each page of the questionnaire opens it) with its draft, by one token throughout (its first open, noted
once, falls in the warm-up); and one page sent: ``page``, ``PUT /v1/invitations/{token}/draft/{dimension_key}``
with the first dimension's answers, importance and comment (~1 KB), the same page saved again each time by one
token throughout.

``--no-callgrind`` runs the child without valgrind, for a quick check that every scenario answers.

Under valgrind a submit takes longer than the outbox's linger (``SURVEY_OUTBOX_LINGER_S``, 50 ms), so the
notifier sends a ``NOTIFY`` after each submit, where a server at one connection sends one per 50 ms of
submits; run with ``SURVEY_OUTBOX_LINGER_S=3600`` in the environment to count the submits without it (each
``NOTIFY`` costs about 0.15-0.19M instructions).
"""

# No ``from __future__ import annotations``: FastAPI reads the measuring routes' annotations at run time.

import argparse
import asyncio
import contextlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import catalogue as shared  # noqa: E402
import survey_submission  # noqa: E402

CHILD_COMMAND = "_child"
SCENARIOS = (
    "asgi",
    "fastapi",
    "baseline",
    "kit-empty",
    "kit-body",
    "kit-session",
    "kit-caller",
    "submit",
    "open",
    "page",
)
STEPS = (
    ("asgi", "fastapi", "FastAPI's routing, request and response"),
    ("fastapi", "baseline", "one asyncpg INSERT (pool checkout included)"),
    ("fastapi", "kit-empty", "the kit's middleware, tracing and survey-svc's routes"),
    ("kit-empty", "kit-body", "validating the body as ResponseIn"),
    ("kit-body", "kit-session", "the request's Session (no statement)"),
    ("kit-session", "kit-caller", "the link's caller dependency"),
    ("kit-caller", "submit", "the submit's own work: one statement in a transaction, checks, the event"),
)
BARE = ("asgi", "fastapi", "baseline")
SUBMIT_PATH = "/v1/invitations/{token}/submit"
OPEN_PATH = "/v1/invitations/{token}?questionnaire=false"
PAGE_PATH = "/v1/invitations/{token}/draft/{dimension_key}"
EMPTY_PATHS = {
    "kit-empty": "/v1/invitations/{token}/bench-empty",
    "kit-body": "/v1/invitations/{token}/bench-body",
    "kit-session": "/v1/invitations/{token}/bench-session",
    "kit-caller": "/v1/invitations/{token}/bench-caller",
}


# ----------------------------------------------------------------------------------------------------
# The child: every scenario in one process
# ----------------------------------------------------------------------------------------------------


def _raw_asgi() -> Any:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        more = True
        while more:
            message = await receive()
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 201, "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    return app


def _bare_fastapi() -> Any:
    from fastapi import FastAPI, Request, Response

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.post(SUBMIT_PATH)
    async def submit(token: str, request: Request) -> Response:
        await request.body()
        return Response(status_code=201)

    return app


def _survey_app() -> Any:
    """survey-svc's app with the measuring routes placed just before the submit's, in its router, so routing
    tries the same routes before reaching them."""
    from fastapi import Request, Response

    from hlm_kit.db import Session
    from survey_svc.invitations.router import InvitationCaller, router
    from survey_svc.main import create_app
    from survey_svc.responses.schemas import ResponseIn

    kept = len(router.routes)

    @router.post("/{token}/bench-empty", status_code=201)
    async def empty(token: str, request: Request) -> Response:
        await request.body()
        return Response(status_code=201)

    @router.post("/{token}/bench-body", status_code=201)
    async def body(token: str, body: ResponseIn) -> Response:
        return Response(status_code=201)

    @router.post("/{token}/bench-session", status_code=201)
    async def session(token: str, session: Session, body: ResponseIn) -> Response:
        return Response(status_code=201)

    @router.post("/{token}/bench-caller", status_code=201)
    async def caller(session: Session, caller: InvitationCaller, body: ResponseIn) -> Response:
        return Response(status_code=201)

    routes = router.routes
    added = routes[kept:]
    del routes[kept:]
    at = next(i for i, route in enumerate(routes) if getattr(route, "path", None) == SUBMIT_PATH)
    routes[at:at] = added
    return create_app()


def _apps(spec: dict[str, Any]) -> dict[str, Any]:
    """The app of each scenario (the service's scenarios share one)."""
    sys.path.insert(0, str(BENCH_DIR))
    import submission_baseline_app

    survey = None

    def app_of(scenario: str) -> Any:
        nonlocal survey
        if scenario == "asgi":
            return _raw_asgi()
        if scenario == "fastapi":
            return _bare_fastapi()
        if scenario == "baseline":
            return submission_baseline_app.create_app(spec["baseline_url"], 4)
        survey = survey or _survey_app()
        return survey

    return {scenario: app_of(scenario) for scenario in spec["scenarios"]}


async def _child(spec: dict[str, Any], apps: dict[str, Any]) -> None:
    import httpx
    from asgi_lifespan import LifespanManager

    body = json.dumps(spec["body"]).encode()
    tokens = iter(spec["tokens"])
    headers = {"Content-Type": "application/json"}
    started: set[int] = set()

    async def serve(scenario: str, app: Any) -> None:
        path = EMPTY_PATHS.get(scenario, SUBMIT_PATH)
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
        opened = next(tokens) if scenario in ("open", "page") else None
        page = json.dumps(spec["page"]["body"]).encode()
        page_path = PAGE_PATH.format(token=opened, dimension_key=spec["page"]["dimension_key"])
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:

            async def send(count: int) -> None:
                for _ in range(count):
                    if scenario == "page":
                        response = await client.put(page_path, content=page, headers=headers)
                        if response.status_code != 200:
                            raise RuntimeError(f"{scenario}: {response.status_code} {response.text[:500]}")
                        continue
                    if opened is not None:
                        response = await client.get(OPEN_PATH.format(token=opened))
                        if response.status_code != 200:
                            raise RuntimeError(f"{scenario}: {response.status_code} {response.text[:500]}")
                        continue
                    response = await client.post(path.format(token=next(tokens)), content=body, headers=headers)
                    if response.status_code != 201:
                        raise RuntimeError(f"{scenario}: {response.status_code} {response.text[:500]}")
                # Let what a request leaves behind (the outbox's wake-up after commit) run inside the count.
                for _ in range(20):
                    await asyncio.sleep(0)

            await send(spec["warmup"])
            os.sched_yield()  # callgrind: everything before this, counted apart
            await send(spec["requests"])
            os.sched_yield()  # callgrind: the requests' count

    async with contextlib.AsyncExitStack() as stack:
        for scenario in spec["scenarios"]:
            app = apps[scenario]
            if scenario == "asgi":
                await serve(scenario, app)
                continue
            if id(app) not in started:  # started once, for every scenario it serves
                await stack.enter_async_context(LifespanManager(app, startup_timeout=120, shutdown_timeout=60))
                started.add(id(app))
            await serve(scenario, app)
            print(f"{scenario}: done", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------------------------
# The orchestrator
# ----------------------------------------------------------------------------------------------------


def under_callgrind(command: list[str], out: Path) -> list[str]:
    """``command`` run under callgrind, counting nothing until the process turns instrumentation on
    (``callgrind_control --instr=on``), and writing a dump into ``out`` before each ``os.sched_yield()``."""
    return [
        "valgrind",
        "--tool=callgrind",
        "--dump-before=sched_yield",
        "--instr-atstart=no",
        "--dump-instr=no",
        "--compress-strings=no",
        f"--callgrind-out-file={out}/callgrind.out",
        *command,
    ]


def keep_dumps(out: Path, keep: str | None, name: str = "") -> None:
    """Copy callgrind's files from ``out`` into ``keep`` (under ``name``, when given), for
    ``callgrind_annotate``; nothing when ``keep`` is None."""
    if keep is None:
        return
    kept = Path(keep) / name
    kept.mkdir(parents=True, exist_ok=True)
    for path in out.iterdir():
        shutil.copy(path, kept / path.name)


def callgrind_totals(directory: Path) -> list[int]:
    """The count of each of callgrind's dumps, in the order it wrote them."""

    def order(path: Path) -> int:
        suffix = path.name.rsplit(".", 1)[-1]
        return int(suffix) if suffix.isdigit() else 10**9

    counts = []
    for path in sorted(directory.glob("callgrind.out.*"), key=order):
        text = path.read_text(errors="replace")
        match = re.search(r"^(?:summary|totals):\s+(\d+)", text, re.MULTILINE)
        counts.append(int(match.group(1)) if match else 0)
    return counts


def _run_child(
    spec: dict[str, Any], directory: Path, args: argparse.Namespace, env: dict[str, str]
) -> dict[str, float]:
    """Run ``spec``'s scenarios in one process (under callgrind unless ``--no-callgrind``); their instructions
    per request."""
    directory.mkdir()
    spec_file = directory / "spec.json"
    spec_file.write_text(json.dumps(spec))
    out = directory / "callgrind"
    out.mkdir()
    command = [sys.executable, str(Path(__file__).resolve()), CHILD_COMMAND, str(spec_file)]
    if not args.no_callgrind:
        command = under_callgrind(command, out)
    load_before = os.getloadavg()
    started = time.perf_counter()
    print(f"  running {', '.join(spec['scenarios'])}{'' if args.no_callgrind else ' under callgrind'} ...", flush=True)
    completed = subprocess.run(command, env=env, cwd=shared.REPO_ROOT, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise shared.BenchError(f"the child failed ({completed.returncode}):\n{completed.stderr[-5000:]}")
    load = ", ".join(f"{v:.1f}" for v in (*load_before, *os.getloadavg()))
    print(f"  {time.perf_counter() - started:.0f} s (load average before and after: {load})", flush=True)
    if args.no_callgrind:
        print(completed.stderr)
        return {}
    keep_dumps(out, args.keep, directory.name)
    counts = callgrind_totals(out)
    # Two dumps per scenario (set-up and warm-up, then the requests), then the process's end.
    return {scenario: counts[2 * n + 1] / spec["requests"] for n, scenario in enumerate(spec["scenarios"])}


def run(args: argparse.Namespace) -> int:
    from hlm_kit.bootstrap import service_url

    if not args.no_callgrind and shutil.which("valgrind") is None:
        raise shared.BenchError("valgrind not found: install it (apt-get install valgrind) or pass --no-callgrind")
    database = f"hlm_bench_{secrets.token_hex(4)}"
    survey_url = service_url(args.admin_url, database, "survey_svc")
    env = survey_submission.service_env(survey_url, args.amqp_url, DB_POOL_SIZE="4")
    q = survey_submission.questionnaire()
    body = survey_submission.complete_response(q)
    dimension_key = q.dimensions[0].key
    items = {item.key for item in q.items if item.dimension_key == dimension_key}
    page = {
        "dimension_key": dimension_key,
        "body": {
            "answers": [answer for answer in body["answers"] if answer["item_key"] in items],
            "importance": [rating for rating in body["importance"] if rating["dimension_key"] == dimension_key],
            "comments": [comment for comment in body["comments"] if comment["dimension_key"] == dimension_key],
        },
    }
    per_scenario = args.warmup + args.requests
    print(f"setting up database {database}", flush=True)
    with (
        tempfile.TemporaryDirectory(prefix="hlm-bench-") as tmp,
        shared._bench_database(args.admin_url, env, database),
    ):
        shared._run([shared._tool("survey-svc"), "migrate"], env, "survey-svc migrate")
        tokens = asyncio.run(survey_submission.seed(survey_url, q, 2 * per_scenario * len(SCENARIOS)))
        admin_db_url = service_url(args.admin_url, database, survey_submission._admin_user(args.admin_url)).replace(
            "postgresql+asyncpg://", "postgresql://"
        )
        import submission_baseline_app

        asyncio.run(submission_baseline_app.create_table(admin_db_url))
        per_request: dict[str, float] = {}
        # Bare FastAPI in a process of its own, as its server runs: what a garbage collection costs grows
        # with everything a process holds, and the service's process holds far more.
        groups = [[s for s in args.scenario if s in BARE], [s for s in args.scenario if s not in BARE]]
        for number, group in enumerate(g for g in groups if g):
            spec = {
                "scenarios": group,
                "warmup": args.warmup,
                "requests": args.requests,
                "tokens": tokens[number * per_scenario * len(SCENARIOS) :],
                "body": body,
                "page": page,
                "baseline_url": admin_db_url,
                "instrument_after_start": not args.no_callgrind,
            }
            per_request.update(_run_child(spec, Path(tmp) / f"group-{number}", args, env))
        if args.no_callgrind:
            return 0
    print()
    print(f"instructions per request ({args.requests} requests after {args.warmup} of warm-up, client included)")
    for scenario, count in per_request.items():
        print(f"  {scenario:<12} {count / 1e6:>7.3f} M")
    print()
    for before, after, what in STEPS:
        if before in per_request and after in per_request:
            print(f"  {after:<12} - {before:<12} {(per_request[after] - per_request[before]) / 1e6:>+7.3f} M  {what}")
    if "asgi" in per_request:
        print()
        floor = per_request["asgi"]
        print(f"  without the client's own {floor / 1e6:.3f} M:")
        for scenario, count in per_request.items():
            if scenario != "asgi":
                print(f"  {scenario:<12} {(count - floor) / 1e6:>7.3f} M")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [CHILD_COMMAND]:
        spec = json.loads(Path(argv[1]).read_text())
        apps = _apps(spec)
        if spec["instrument_after_start"]:
            # Python's start, the imports and the apps ran without instrumentation (ten times faster under
            # valgrind); from here callgrind counts.
            subprocess.run(["callgrind_control", "--instr=on", str(os.getpid())], check=True, capture_output=True)
        asyncio.run(_child(spec, apps))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="requests counted per scenario")
    parser.add_argument("--warmup", type=int, default=30, help="requests sent first, not counted")
    parser.add_argument("--scenario", nargs="+", choices=SCENARIOS, default=list(SCENARIOS))
    parser.add_argument("--no-callgrind", action="store_true", help="run the scenarios without valgrind")
    parser.add_argument("--keep", help="a directory to copy callgrind's files into, for callgrind_annotate")
    shared.add_platform_urls(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except shared.BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
