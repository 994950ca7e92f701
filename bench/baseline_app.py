"""The baseline of the catalogue benchmark: a bare FastAPI app serving fixed JSON bytes.

It does nothing the framework service does (no auth, no database, no middleware, no ETag): it returns
the bytes read once at start, so a request costs only what FastAPI, Starlette and uvicorn cost. It is
served the same way as ``framework-svc serve``: one uvicorn worker, default loop and HTTP parser, no
access log.

    python bench/baseline_app.py --port 9001 --body-file /tmp/body.json
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI, Response


def create_app(body: bytes) -> FastAPI:
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
    args = parser.parse_args(argv)

    import uvicorn

    app = create_app(args.body_file.read_bytes())
    uvicorn.run(app, host=args.host, port=args.port, log_config=None, access_log=False, log_level="warning")


if __name__ == "__main__":
    main()
