"""The baseline of the catalogue benchmark: a bare FastAPI app serving fixed JSON bytes.

It does nothing the framework service does (no auth, no database, no middleware, no ETag): it returns
the bytes read once at start, so a request costs only what FastAPI, Starlette and uvicorn cost. It is
served the same way as ``framework-svc serve``: as many uvicorn workers as it is told (one unless
``--workers``), default loop and HTTP parser, no access log.

    python bench/baseline_app.py --port 9001 --body-file /tmp/body.json [--workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import json
import os
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Response

# What each worker process of a baseline builds its app from: the module, the function and its arguments.
APP_VARIABLE = "HLM_BENCH_BASELINE_APP"


def create_app(body_file: str) -> FastAPI:
    body = Path(body_file).read_bytes()
    app = FastAPI(title="catalogue-baseline", openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/v1/frameworks/{key}")
    async def framework(key: str) -> Response:
        return Response(content=body, media_type="application/json")

    return app


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--body-file", type=Path, required=True)
    add_workers(parser)
    args = parser.parse_args(argv)

    serve(create_app, [str(args.body_file)], args.host, args.port, workers=args.workers)


def add_workers(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes, as <PREFIX>HTTP_WORKERS")


def serve(
    create_app: Callable[..., FastAPI], arguments: Sequence[Any], host: str, port: int, *, workers: int = 1
) -> None:
    """Serve a baseline as the services are served (``hlm_kit.cli.serve``): ``workers`` uvicorn worker
    processes, each building its app as ``create_app(*arguments)`` (JSON values), no access log."""
    import uvicorn

    # Worker processes inherit the environment; the module is found as its file's name on the path, since
    # a baseline runs as a script of bench/ (whose directory is first on the path of the workers too).
    os.environ[APP_VARIABLE] = json.dumps(
        {"module": Path(inspect.getfile(create_app)).stem, "function": create_app.__name__, "arguments": arguments}
    )
    uvicorn.run(
        "baseline_app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
        log_level="warning",
        timeout_worker_healthcheck=30,  # as hlm_kit.cli.serve: a worker slow to start is not replaced for ever
    )


def app_from_environment() -> FastAPI:
    """The app of one worker process, from what :func:`serve` put in the environment."""
    spec = json.loads(os.environ[APP_VARIABLE])
    create_app: Callable[..., FastAPI] = getattr(importlib.import_module(spec["module"]), spec["function"])
    return create_app(*spec["arguments"])


def answer_ready(app: FastAPI) -> None:
    """``/health/ready`` as the services answer it, for the benchmarks that wait on it before measuring."""

    @app.get("/health/ready")
    async def ready() -> dict[str, str]:
        return {"status": "ok"}


def serve_database_baseline(
    description: str,
    create_app: Callable[[str, int], FastAPI],
    argv: Sequence[str] | None = None,
    *,
    prepare: Callable[[str], Coroutine[Any, Any, None]] | None = None,
) -> None:
    """The command line of a baseline that talks to PostgreSQL: where to listen, the database, the pool (the
    same size as the service's default pool unless told) and the workers. ``prepare(database_url)`` runs
    once, before any worker starts."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument(
        "--pool-size", type=int, default=10, help="per worker process; the same as the service's default pool"
    )
    add_workers(parser)
    args = parser.parse_args(argv)
    if prepare is not None:
        asyncio.run(prepare(args.database_url))
    serve(create_app, [args.database_url, args.pool_size], args.host, args.port, workers=args.workers)


if __name__ == "__main__":
    main()
