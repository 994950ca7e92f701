"""The gateway's own work per rater page, counted with callgrind: instructions per page shown and per page sent.

    uv run --no-sync python bench/gateway_page_instructions.py [--requests 200] [--warmup 40] [--keep DIR]
        [--no-callgrind]

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
"""

from __future__ import annotations

import argparse
import asyncio
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
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="calls counted per operation")
    parser.add_argument("--warmup", type=int, default=40, help="calls sent first, not counted")
    parser.add_argument("--no-callgrind", action="store_true", help="run without valgrind, to check the answers")
    parser.add_argument("--keep", help="a directory to copy callgrind's files into, for callgrind_annotate")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
