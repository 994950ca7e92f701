"""The web front's own work per rater page, alone: CPU time or callgrind instructions per page shown and sent.

    uv run --no-sync python bench/web_page_cpu.py [--pages 2000] [--connections 1] [--callgrind] [--varied]
        [--keep-dumps DIR]

``bench/web.py`` measures a page with the whole platform behind it; this measures only the web front's
process, which is what a page adds to its gateway call. Three processes on 127.0.0.1:

1. a canned gateway (a bare ASGI app under uvicorn) answering the two GraphQL calls a rater's dimension page
   makes, as the gateway would for the HLM 360 (read from framework-svc's catalogue files): the invitation
   with that dimension's part of a whole draft (every statement Strong, as ``bench/web.py``'s raters answer;
   with ``--varied``, each page read with answers of its own, as raters answer apart, so that no rendered
   page is seen twice), and ``saveInvitationPage``;
2. the web front as ``hlm-web serve`` runs it (``hlm_kit.cli.serve``, one uvicorn worker), under callgrind
   with ``--callgrind`` (``--instr-atstart=no``: its start is not counted);
3. this script, sending the fifth dimension's page (``GET``) and then its form (``POST``, every statement
   Strong), one keep-alive connection and one rater (token) per connection, the CSRF cookie kept as a
   browser keeps it, after a warm-up of 20 pages per connection.

It prints, for each, the web front's CPU time per page (user and system, from /proc: moves with the
machine's load) or, with ``--callgrind``, its instructions per page (callgrind's count between a reset
and a dump around the measured pages: does not). Nothing is written to any database.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import catalogue as shared

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = REPO / "services/framework-svc/src/framework_svc/catalogue/data"
FRONTEND = REPO / "web/node_modules/nhsuk-frontend/dist/nhsuk"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
PAGE = 4  # the fifth dimension, as bench/web.py
WARMUP_PAGES = 20


def questionnaire() -> dict[str, Any]:
    """The HLM 360 as the gateway's ``Questionnaire`` type gives it."""
    import yaml

    q = yaml.safe_load((CATALOGUE / "hlm-360.yaml").read_text())
    framework = yaml.safe_load((CATALOGUE / "hlm.yaml").read_text())
    return {
        "id": "d64d23aa-0e25-53c0-8b12-810a2047e60e",
        "instructions": q["instructions"],
        "notObservedLabel": q["performance_scale"]["not_observed_label"],
        "dimensions": [
            {"key": d["key"], "name": d["name"], "position": n} for n, d in enumerate(framework["dimensions"])
        ],
        "items": [
            {"key": i["key"], "dimensionKey": i["dimension"], "text": i["text"], "position": n}
            for n, i in enumerate(q["items"])
        ],
        "performanceScale": q["performance_scale"]["points"],
        "importanceScale": q["importance_scale"],
        "importanceQuestions": [{"dimensionKey": x["dimension"], "text": x["text"]} for x in q["importance_questions"]],
    }


def canned_gateway(*, varied: bool) -> Any:
    known = questionnaire()
    shown = itertools.count()
    items, dimensions = known["items"], [d["key"] for d in known["dimensions"]]
    saved = json.dumps(
        {
            "data": {
                "saveInvitationPage": {
                    "__typename": "InvitationPageSaved",
                    "draft": {
                        "answeredItemKeys": [i["key"] for i in items],
                        "importance": [{"dimensionKey": d} for d in dimensions],
                    },
                }
            }
        }
    ).encode()

    def invitation(variables: dict[str, Any]) -> bytes:
        item_keys, dimension_keys = variables.get("itemKeys"), variables.get("dimensionKeys")
        chosen = [d for d in dimensions if dimension_keys is None or d in dimension_keys]
        # Varied: each page read with answers of its own (four levels, four statements at least, and the
        # importance: 1,024 sets), as raters answer apart; otherwise every page with the same answers.
        n = next(shown) if varied else 0
        opened: dict[str, Any] = {
            "stage": "FEEDBACK",
            "participantName": "Alex Morgan",
            "raterGroup": "peer",
            "closesAt": "2026-12-21T17:00:00+00:00",
            "draftSavedAt": "2026-12-07T09:00:00+00:00",
            "questionnaireId": known["id"],
            "draft": {
                "answers": [
                    {"itemKey": i["key"], "level": (n >> (2 * k)) % 4 + 1 if varied else 3, "notObserved": False}
                    for k, i in enumerate(i for i in items if item_keys is None or i["key"] in item_keys)
                ],
                "importance": [{"dimensionKey": d, "rating": (n >> 8) % 4 + 1 if varied else 3} for d in chosen],
                "comments": [{"dimensionKey": d, "text": ""} for d in chosen],
            },
        }
        if variables.get("withQuestionnaire", True):
            opened["questionnaire"] = known
        return json.dumps({"data": {"invitation": opened}}).encode()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        if scope["method"] == "GET":  # the benchmark's readiness probe
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        request = json.loads(body)
        answer = saved if "saveInvitationPage" in request["query"] else invitation(request["variables"])
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": answer})

    return app


def _callgrind(pid: int, *command: str, out: Path | None = None) -> float:
    """Run ``callgrind_control`` on ``pid``; with ``out``, the instructions of the dump it has just written."""
    subprocess.run(["callgrind_control", *command, str(pid)], check=True, capture_output=True)
    if out is None:
        return 0.0
    dumps = sorted(out.glob("callgrind.*.*"), key=lambda p: int(p.name.rsplit(".", 1)[1]))
    summary = re.search(r"^summary: (\d+)", dumps[-1].read_text(), re.MULTILINE)
    return float(summary.group(1)) if summary else float("nan")


async def _drive(port: int, pid: int, pages: int, connections: int, callgrind: Path | None) -> dict[str, float]:
    import httpx

    known = questionnaire()
    dimension = known["dimensions"][PAGE]
    slug = dimension["key"].replace("_", "-")
    fields = {f"item-{i['key']}": "3" for i in known["items"] if i["dimensionKey"] == dimension["key"]}
    clients = [
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=httpx.Limits(max_connections=1), timeout=300)
        for _ in range(connections)
    ]
    tokens = [f"bench-rater-{n:04d}-{'x' * 24}" for n in range(connections)]
    forms = []
    for client, token in zip(clients, tokens, strict=True):
        await client.get(f"/answer/{token}")  # the link opened first: its questionnaire is then known
        page = await client.get(f"/answer/{token}/{slug}")
        found = CSRF_FIELD.search(page.text)
        if page.status_code != 200 or found is None:
            raise SystemExit(f"the page did not open: {page.status_code} {page.text[:300]}")
        forms.append({**fields, "importance": "3", "comment": "", "action": "continue", "csrf_token": found.group(1)})

    async def send(client: httpx.AsyncClient, token: str, form: dict[str, str], method: str, count: int) -> None:
        for _ in range(count):
            if method == "GET":
                response = await client.get(f"/answer/{token}/{slug}")
                expected = 200
            else:
                response = await client.post(f"/answer/{token}/{slug}", data=form)
                expected = 303
            if response.status_code != expected:
                raise SystemExit(f"{method}: {response.status_code} {response.text[:300]}")

    results = {}
    per_connection = max(1, pages // connections)
    raters = list(zip(clients, tokens, forms, strict=True))
    for method in ("GET", "POST"):
        await asyncio.gather(*(send(c, t, f, method, WARMUP_PAGES) for c, t, f in raters))
        if callgrind is not None:
            await asyncio.to_thread(_callgrind, pid, "-z")
        before = shared._process_cpu_s(pid) or 0.0
        await asyncio.gather(*(send(c, t, f, method, per_connection) for c, t, f in raters))
        spent, sent = (shared._process_cpu_s(pid) or 0.0) - before, per_connection * connections
        if callgrind is not None:
            results[method] = await asyncio.to_thread(_callgrind, pid, "-d", method, out=callgrind) / sent
        else:
            results[method] = spent / sent
    for client in clients:
        await client.aclose()
    return results


def run(args: argparse.Namespace) -> int:
    gateway_port, web_port = shared._free_port(), shared._free_port()
    env = {
        **os.environ,
        "WEB_SECRET_KEY": "bench-" + "x" * 40,
        "WEB_SECURE_COOKIES": "false",
        "WEB_GATEWAY_URL": f"http://127.0.0.1:{gateway_port}",
        "WEB_NHSUK_FRONTEND_DIR": str(FRONTEND),
        "WEB_LOG_LEVEL": "WARNING",
    }
    web = [sys.executable, __file__, "_web", str(web_port)]
    gateway = [sys.executable, __file__, "_gateway", str(gateway_port), "varied" if args.varied else "same"]
    with tempfile.TemporaryDirectory() as temporary:
        out = args.keep_dumps or temporary
        Path(out).mkdir(parents=True, exist_ok=True)
        callgrind = Path(out) if args.callgrind else None
        if callgrind is not None:
            web = [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={out}/callgrind.%p",
                *web,
            ]
        with (
            shared._server("gateway", gateway, env, gateway_port, Path(out)) as canned,
            shared._server("web", web, env, web_port, Path(out)) as server,
        ):
            shared._wait_until(canned, "/", timeout_s=300)
            shared._wait_until(server, "/health/live", timeout_s=300)
            if callgrind is not None:
                _callgrind(server.process.pid, "-i", "on")
            per_page = asyncio.run(_drive(web_port, server.process.pid, args.pages, args.connections, callgrind))
    unit = "M instructions" if args.callgrind else "ms of CPU"
    scale = 1e-6 if args.callgrind else 1e3
    answers = "each page shown with answers of its own" if args.varied else "every page shown with the same answers"
    print(f"the web front alone, {args.connections} connection(s), {args.pages} pages each way, {answers}:")
    for method, value in per_page.items():
        page = "shown (GET)" if method == "GET" else "sent (POST)"
        print(f"  dimension page {page:12} {value * scale:7.3f} {unit} per page")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_gateway"]:
        import uvicorn

        app = canned_gateway(varied=argv[2:3] == ["varied"])
        uvicorn.run(app, host="127.0.0.1", port=int(argv[1]), log_config=None, access_log=False)
        return 0
    if argv[:1] == ["_web"]:
        from hlm_web.cli import main as web

        web(["serve", "--port", argv[1]])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000, help="pages measured each way (GET, then POST)")
    parser.add_argument("--connections", type=int, default=1)
    parser.add_argument("--callgrind", action="store_true", help="count instructions instead of CPU time")
    parser.add_argument(
        "--keep-dumps", metavar="DIR", help="with --callgrind, leave callgrind's dumps in DIR (callgrind_annotate)"
    )
    parser.add_argument(
        "--varied", action="store_true", help="each page shown with answers of its own, as raters answer apart"
    )
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
