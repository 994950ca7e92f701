"""The baseline of the submission benchmark: a bare FastAPI endpoint inserting the posted JSON with asyncpg.

No auth, no token look-up, no validation against a questionnaire, no outbox, no middleware: it reads the
body, inserts it as one ``jsonb`` row and answers 201, so a request costs what FastAPI, uvicorn, asyncpg
and one INSERT cost. Served like ``survey-svc serve``: one uvicorn worker, no access log.

    python bench/submission_baseline_app.py --port 9002 --database-url postgresql://postgres@127.0.0.1/db
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import AsyncIterator, Sequence

import asyncpg
from fastapi import FastAPI, Request, Response

TABLE = "baseline_response"


def create_app(database_url: str, pool_size: int) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await asyncpg.create_pool(database_url, min_size=pool_size, max_size=pool_size)
        async with pool.acquire() as connection:
            await connection.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE}"
                " (id bigserial PRIMARY KEY, token text NOT NULL, body jsonb NOT NULL)"
            )
        app.state.pool = pool
        yield
        await pool.close()

    app = FastAPI(title="submission-baseline", openapi_url=None, docs_url=None, redoc_url=None, lifespan=lifespan)

    @app.post("/v1/invitations/{token}/submit")
    async def submit(token: str, request: Request) -> Response:
        body = (await request.body()).decode()
        async with request.app.state.pool.acquire() as connection:
            await connection.execute(f"INSERT INTO {TABLE} (token, body) VALUES ($1, $2::jsonb)", token, body)
        return Response(status_code=201)

    @app.get("/health/ready")
    async def ready() -> dict[str, str]:
        return {"status": "ok"}

    return app


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--pool-size", type=int, default=10, help="the same as the service's default pool")
    args = parser.parse_args(argv)

    import uvicorn

    app = create_app(args.database_url, args.pool_size)
    uvicorn.run(app, host=args.host, port=args.port, log_config=None, access_log=False, log_level="warning")


if __name__ == "__main__":
    main()
