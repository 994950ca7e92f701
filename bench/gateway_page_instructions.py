"""The gateway's own work per rater page, counted with callgrind: instructions per page shown and per page sent.

    uv run --no-sync python bench/gateway_page_instructions.py [--requests 200] [--warmup 40] [--keep DIR]
        [--no-callgrind]
    uv run --no-sync python bench/gateway_page_instructions.py --home [--requests 100] [--warmup 20]
        [--process gateway framework survey report facilitator] [--keep DIR] [--no-callgrind]

A rater's every page makes one gateway call through the web front: the page shown (``RaterInvitation`` with
``withQuestionnaire: false`` and the page's ``itemKeys``/``dimensionKeys``) and the page sent
(``RaterSavePage``, ``saveInvitationPage`` with that page's answers). This counts what the gateway alone
executes for each, in one process and no network: the gateway app as ``hlm_gateway.main.create_app`` builds
it, called through ``httpx.ASGITransport``, its survey-svc answered by an ``httpx.MockTransport`` with canned
answers of the HLM 360's shape (read from framework-svc's catalogue files: the fifth dimension's part of a
whole draft for a page shown, 529 bytes as survey-svc sends it; the whole draft saved for a page sent), the
documents and variables those the web front sends (``hlm_web.answer.queries``, ``PageAnswers.as_input``).
The broker is not started (no subscription is involved); the heap is settled as the app's start-up does.

The process runs under ``valgrind --tool=callgrind --instr-atstart=no``: imports and the app's build are not
counted; for each operation ``--warmup`` calls are sent, then ``os.sched_yield()`` (callgrind dumps what it
counted and starts from zero), ``--requests`` calls, and ``os.sched_yield()`` again: the second count of each
pair, divided by ``--requests``, is the operation's instructions per call (the client's side of
``ASGITransport`` included, the same before and after any change of the gateway). Every answer is checked
to be the one expected. ``--keep DIR`` leaves callgrind's files there, for ``callgrind_annotate``.

``--home`` counts the app's home screen instead (``bench/gateway.py``'s ``HOME`` query), process by process:
it starts ``bench/gateway.py``'s platform and seeds it as that benchmark does (the participant's six 360s with
progress, three reports, two sessions; ``--background`` other participants, ``--facilitators``), reads the four
REST answers the gateway's loaders ask for (``rest_paths``) with the participant's token, then runs one
process under callgrind per ``--process``: ``gateway``, the home query with those four answers canned (as
above, so only the gateway's own work counts); ``framework``, ``survey``, ``report``, ``facilitator``: that
service's app (``create_app``, its lifespan, no workers) on the seeded database, sent its read of the screen
through ``httpx.ASGITransport`` with the participant's token. Each count is instructions per screen of that
process (its client's side included, the same before and after a change); their sum is the screen's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from request_instructions import callgrind_totals, keep_dumps, under_callgrind  # noqa: E402  (one way to run and read callgrind)

CATALOGUE = REPO / "services/framework-svc/src/framework_svc/catalogue/data"
CHILD_COMMAND = "_child"
HOME_CHILD_COMMAND = "_home_child"
HOME_PROCESSES = ("gateway", "framework", "survey", "report", "facilitator")
# What an upstream answer's bytes are served with again; the rest is the connection's.
_KEPT_HEADERS = {"content-type", "etag", "cache-control", "last-modified", "vary"}
PAGE = 4  # the fifth dimension, as bench/web.py
TOKEN = "bench-rater-token-0123456789abcdef"
OPERATIONS = ("shown", "sent")


def _hlm_360() -> tuple[list[str], dict[str, list[str]]]:
    """The dimensions' keys in order, and each dimension's statements' keys."""
    import yaml

    q = yaml.safe_load((CATALOGUE / "hlm-360.yaml").read_text())
    framework = yaml.safe_load((CATALOGUE / "hlm.yaml").read_text())
    dimensions = [d["key"] for d in framework["dimensions"]]
    items: dict[str, list[str]] = {d: [] for d in dimensions}
    for item in q["items"]:
        items[item["dimension"]].append(item["key"])
    return dimensions, items


def _survey_svc(dimensions: list[str], items: dict[str, list[str]]) -> Any:
    """survey-svc's two answers, canned: the invitation with the page's part of the draft, and the page saved."""
    import httpx

    def draft(only: str | None) -> dict[str, Any]:
        chosen = [d for d in dimensions if only is None or d == only]
        return {
            "answers": [{"item_key": key, "level": 3} for d in chosen for key in items[d]],
            "importance": [{"dimension_key": d, "rating": 3} for d in chosen],
            "comments": [{"dimension_key": d, "text": "Listens first, then decides."} for d in chosen if d == only],
        }

    page = dimensions[PAGE]
    opened = json.dumps(
        {
            "stage": "feedback",
            "participant_name": "Alex Morgan",
            "rater_group": "peer",
            "closes_at": "2026-12-21T17:00:00Z",
            "draft_saved_at": "2026-12-07T09:00:00Z",
            "questionnaire_id": "d64d23aa-0e25-53c0-8b12-810a2047e60e",
            "questionnaire": None,
            "draft": draft(page),
        }
    ).encode()
    saved = json.dumps({"saved_at": "2026-12-07T09:00:00Z", "draft": draft(None)}).encode()
    opened_path = f"/v1/invitations/{TOKEN}"
    saved_path = f"/v1/invitations/{TOKEN}/draft/{page}"
    headers = {"content-type": "application/json"}

    def handle(request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path == opened_path:
            return httpx.Response(200, content=opened, headers=headers)
        if request.method == "PUT" and request.url.path == saved_path:
            return httpx.Response(200, content=saved, headers=headers)
        return httpx.Response(404, json={"title": "Not Found", "status": 404, "detail": "not here"})

    return httpx.MockTransport(handle)


def _requests(dimensions: list[str], items: dict[str, list[str]]) -> dict[str, bytes]:
    """The two GraphQL requests as the web front sends them for the fifth dimension's page."""
    from hlm_web.answer import queries

    page = dimensions[PAGE]
    shown = {
        "query": queries.INVITATION,
        "operationName": "RaterInvitation",
        "variables": {
            "token": TOKEN,
            "withQuestionnaire": False,
            "itemKeys": items[page],
            "dimensionKeys": [page],
        },
    }
    sent = {
        "query": queries.SAVE_PAGE,
        "operationName": "RaterSavePage",
        "variables": {
            "token": TOKEN,
            "dimensionKey": page,
            "response": {
                "answers": [{"itemKey": key, "level": 3, "notObserved": False} for key in items[page]],
                "importance": [{"dimensionKey": page, "rating": 3}],
                "comments": [{"dimensionKey": page, "text": "Listens first, then decides."}],
            },
        },
    }
    return {"shown": json.dumps(shown).encode(), "sent": json.dumps(sent).encode()}


def _app(transport: Any) -> Any:
    from hlm_gateway.config import Settings
    from hlm_gateway.context import UpstreamClients
    from hlm_gateway.main import create_app
    from hlm_kit.http_client import http_client

    settings = Settings.model_validate(
        {
            "environment": "test",
            "amqp_url": "amqp://guest:guest@127.0.0.1:9/",
            "jwt_secret": "bench-secret-bench-secret-bench-secret",
            "jwt_issuer": "bench",
            "jwt_audience": "bench",
            "log_json": False,
            "log_level": "WARNING",
        }
    )
    app = create_app(settings, transport_for=lambda service: transport)

    def client(url: str) -> Any:
        return http_client(
            url,
            timeout_s=settings.upstream_timeout_s,
            max_connections=settings.upstream_max_connections,
            transport=transport,
        )

    # What the lifespan sets, without starting the broker (no operation here needs it).
    app.state.clients = UpstreamClients(
        framework=client(settings.framework_url),
        survey=client(settings.survey_url),
        report=client(settings.report_url),
        facilitator=client(settings.facilitator_url),
    )
    return app


def _expected(answer: dict[str, Any], operation: str, items: list[str]) -> None:
    if "errors" in answer:
        raise RuntimeError(f"{operation}: {answer['errors']}")
    if operation == "shown":
        answers = answer["data"]["invitation"]["draft"]["answers"]
        if [a["itemKey"] for a in answers] != items:
            raise RuntimeError(f"shown: {answer}")
    elif answer["data"]["saveInvitationPage"]["__typename"] != "InvitationPageSaved":
        raise RuntimeError(f"sent: {answer}")


async def _child(spec: dict[str, Any]) -> None:
    import httpx

    from hlm_kit import heap

    dimensions, items = _hlm_360()
    app = _app(_survey_svc(dimensions, items))
    bodies = _requests(dimensions, items)
    heap.settle()
    if spec["callgrind"]:
        # Python's start, the imports and the app ran without instrumentation; from here callgrind counts.
        subprocess.run(  # noqa: ASYNC221 (nothing else runs yet)
            ["callgrind_control", "--instr=on", str(os.getpid())], check=True, capture_output=True
        )
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    headers = {"content-type": "application/json"}
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        for operation in spec["operations"]:
            body = bodies[operation]

            async def send(count: int, body: bytes = body, operation: str = operation) -> None:
                for _ in range(count):
                    response = await client.post("/graphql", content=body, headers=headers)
                    if response.status_code != 200:
                        raise RuntimeError(f"{operation}: {response.status_code} {response.text[:500]}")
                    _expected(response.json(), operation, items[dimensions[PAGE]])

            await send(spec["warmup"])
            os.sched_yield()  # callgrind: everything before this, counted apart
            await send(spec["requests"])
            os.sched_yield()  # callgrind: the calls' count


# ----------------------------------------------------------------------------------------------------
# The home screen, process by process (--home)
# ----------------------------------------------------------------------------------------------------


def _canned(answers: dict[str, Any]) -> Any:
    """The four services' answers of the seeded home screen, served by path (the query string ignored)."""
    import httpx

    by_path = {
        path.split("?", 1)[0]: (answer["status"], answer["headers"], answer["body"].encode())
        for path, answer in answers.items()
    }

    def handle(request: httpx.Request) -> httpx.Response:
        found = by_path.get(request.url.path)
        if found is None:
            return httpx.Response(404, json={"title": "Not Found", "status": 404, "detail": "not here"})
        status, headers, content = found
        return httpx.Response(status, content=content, headers=headers)

    return httpx.MockTransport(handle)


def _home_app(spec: dict[str, Any]) -> tuple[Any, str, dict[str, str], bytes | None]:
    """The app of ``spec``'s process, the path it is sent, its headers, and its body (``None``: a GET)."""
    import importlib

    if spec["process"] == "gateway":
        from hlm_kit.tokens import mint_token

        app = _app(_canned(spec["answers"]))
        token = mint_token(
            "bench-secret-bench-secret-bench-secret",
            sub=spec["participant"],
            roles=["participant"],
            org="RX1",
            region=spec["region"],
            issuer="bench",
            audience="bench",
            ttl_s=6 * 3600,
        )
        headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
        return app, "/graphql", headers, json.dumps({"query": spec["query"]}).encode()
    main = importlib.import_module(f"{spec['process']}_svc.main")
    return main.create_app(), spec["path"], spec["headers"], None


async def _home_child(spec: dict[str, Any]) -> None:
    import httpx
    from asgi_lifespan import LifespanManager

    from hlm_kit import heap

    app, path, headers, body = _home_app(spec)
    async with contextlib.AsyncExitStack() as stack:
        if spec["process"] != "gateway":  # the gateway's clients are set without its lifespan (no broker)
            await stack.enter_async_context(LifespanManager(app, startup_timeout=120, shutdown_timeout=60))
        heap.settle()
        if spec["callgrind"]:
            subprocess.run(  # noqa: ASYNC221 (nothing else runs yet)
                ["callgrind_control", "--instr=on", str(os.getpid())], check=True, capture_output=True
            )
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
        client = await stack.enter_async_context(httpx.AsyncClient(transport=transport, base_url="http://bench"))
        expected: bytes | None = None

        async def send(count: int) -> None:
            nonlocal expected
            for _ in range(count):
                if body is None:
                    response = await client.get(path, headers=headers)
                else:
                    response = await client.post(path, content=body, headers=headers)
                if response.status_code != 200 or b'"errors":' in response.content:
                    raise RuntimeError(f"{spec['process']}: {response.status_code} {response.text[:1000]}")
                # The same answer every time (the first one checked against the seed by the orchestrator).
                expected = expected or response.content
                if response.content != expected:
                    raise RuntimeError(f"{spec['process']}: the answer changed: {response.text[:1000]}")
            for _ in range(20):  # what a request leaves behind, inside the count
                await asyncio.sleep(0)

        await send(spec["warmup"])
        os.sched_yield()  # callgrind: everything before this, counted apart
        await send(spec["requests"])
        os.sched_yield()  # callgrind: the screens' count
        if spec["process"] == "gateway" and json.loads(expected or b"{}") != spec["check"]:
            raise RuntimeError("gateway: the home query answers otherwise with canned answers than live")


def run_home(args: argparse.Namespace) -> int:
    """Seed ``bench/gateway.py``'s platform, then count each process's instructions per home screen."""
    import httpx

    import gateway as home  # bench/gateway.py

    if not args.no_callgrind and shutil.which("valgrind") is None:
        raise home.shared.BenchError("valgrind not found: install it (apt-get install valgrind) or pass --no-callgrind")
    per_screen: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="gateway-home-") as tmp, home.running_platform(args, Path(tmp)) as live:
        seeded = asyncio.run(home.seed(live, args))
        _, listed = home._check_home(live, seeded)
        paths = home.rest_paths(listed)
        headers = live.headers("participant", home.PARTICIPANT)
        answers: dict[str, dict[str, Any]] = {}
        for service, path in paths.items():
            response = httpx.get(live.url(service) + path, headers=headers, timeout=30, trust_env=False)
            if response.status_code != 200:
                raise home.shared.BenchError(f"{service} {path}: {response.status_code} {response.text[:500]}")
            kept = {k: v for k, v in response.headers.items() if k.lower() in _KEPT_HEADERS}
            answers[path] = {"status": response.status_code, "headers": kept, "body": response.text}
        live_home = httpx.post(
            live.url("gateway") + "/graphql",
            json={"query": home.HOME},
            headers=headers,
            timeout=30,
            trust_env=False,
        ).json()
        print(f"  seeded; counting {', '.join(args.process)}", flush=True)
        for process in args.process:
            spec = {
                "process": process,
                "warmup": args.warmup,
                "requests": args.requests,
                "callgrind": not args.no_callgrind,
                "answers": answers,
                "query": home.HOME,
                "participant": home.PARTICIPANT,
                "region": home.REGION,
                "check": live_home,
                "path": paths.get(process),
                "headers": headers,
            }
            directory = Path(tmp) / f"home-{process}"
            directory.mkdir()
            (directory / "spec.json").write_text(json.dumps(spec))
            out = directory / "callgrind"
            out.mkdir()
            command = [sys.executable, str(Path(__file__).resolve()), HOME_CHILD_COMMAND, str(directory / "spec.json")]
            if not args.no_callgrind:
                command = under_callgrind(command, out)
            env = dict(live.env) | {f"{process.upper()}_RUN_WORKERS": "false"}
            load = os.getloadavg()[0]
            done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise home.shared.BenchError(f"{process}'s process failed ({done.returncode}):\n{done.stderr[-5000:]}")
            if args.no_callgrind:
                print(f"  {process}: every answer as expected", flush=True)
                continue
            keep_dumps(out, args.keep, process)
            per_screen[process] = callgrind_totals(out)[1] / args.requests
            count = per_screen[process] / 1e6
            print(f"  {process:<12} {count:>7.3f} M  (load average {load:.1f} at the start)", flush=True)
    if per_screen:
        print()
        counted = f"{args.requests} screens after {args.warmup} of warm-up, clients included"
        print(f"instructions per home screen ({counted}):")
        for process, count in per_screen.items():
            print(f"  {process:<12} {count / 1e6:>7.3f} M")
        print(f"  {'all':<12} {sum(per_screen.values()) / 1e6:>7.3f} M")
    return 0


def run(args: argparse.Namespace) -> int:
    if not args.no_callgrind and shutil.which("valgrind") is None:
        print(
            "error: valgrind not found: install it (apt-get install valgrind) or pass --no-callgrind", file=sys.stderr
        )
        return 1
    spec = {
        "operations": list(OPERATIONS),
        "warmup": args.warmup,
        "requests": args.requests,
        "callgrind": not args.no_callgrind,
    }
    with tempfile.TemporaryDirectory(prefix="gateway-page-") as tmp:
        directory = Path(tmp)
        (directory / "spec.json").write_text(json.dumps(spec))
        out = directory / "callgrind"
        out.mkdir()
        command = [sys.executable, str(Path(__file__).resolve()), CHILD_COMMAND, str(directory / "spec.json")]
        if not args.no_callgrind:
            command = under_callgrind(command, out)
        load = os.getloadavg()[0]
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"error: the gateway's process failed ({done.returncode}):\n{done.stderr[-5000:]}", file=sys.stderr)
            return 1
        if args.no_callgrind:
            print("every answer as expected")
            return 0
        keep_dumps(out, args.keep)
        counts = callgrind_totals(out)
    print(f"gateway instructions per call ({args.requests} calls each, load average {load:.1f} at the start):")
    for n, operation in enumerate(OPERATIONS):
        name = "page shown (RaterInvitation)" if operation == "shown" else "page sent (RaterSavePage)"
        print(f"  {name:<30} {counts[2 * n + 1] / args.requests / 1e6:>7.3f} M")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [CHILD_COMMAND]:
        asyncio.run(_child(json.loads(Path(argv[1]).read_text())))
        return 0
    if argv[:1] == [HOME_CHILD_COMMAND]:
        asyncio.run(_home_child(json.loads(Path(argv[1]).read_text())))
        return 0
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="calls counted per operation")
    parser.add_argument("--warmup", type=int, default=40, help="calls sent first, not counted")
    parser.add_argument("--no-callgrind", action="store_true", help="run without valgrind, to check the answers")
    parser.add_argument("--keep", help="a directory to copy callgrind's files into, for callgrind_annotate")
    parser.add_argument("--home", action="store_true", help="the home screen, process by process, on a seeded platform")
    parser.add_argument("--process", nargs="+", choices=HOME_PROCESSES, default=list(HOME_PROCESSES))
    parser.add_argument("--background", type=int, default=200, help="--home: other participants, a draft 360 each")
    parser.add_argument("--facilitators", type=int, default=50, help="--home: facilitators in the register")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ready-timeout", type=float, default=180.0, help="--home: seconds each server may take")
    from catalogue import add_platform_urls, run_benchmark  # bench/catalogue.py

    add_platform_urls(parser)
    args = parser.parse_args(argv)
    if args.home:
        return run_benchmark(run_home, args, interrupted_code=130)
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
