"""The baseline of the submission benchmark: a bare FastAPI endpoint inserting the posted JSON with asyncpg.

No auth, no token look-up, no validation against a questionnaire, no outbox, no middleware: it reads the
body, inserts it as one ``jsonb`` row and answers 201, so a request costs what FastAPI, uvicorn, asyncpg
and one INSERT cost. Served like ``survey-svc serve``: one uvicorn worker unless ``--workers``, no access log.

    python bench/submission_baseline_app.py --port 9002 --database-url postgresql://postgres@127.0.0.1/db
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence

import asyncpg
from baseline_app import answer_ready, serve_database_baseline
from fastapi import FastAPI, Request, Response

TABLE = "baseline_response"


def create_app(database_url: str, pool_size: int) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Opened as needed, like the service's: the warm-up opens what the run uses, and a worker that the
        # kernel hands few connections holds few.
        pool = await asyncpg.create_pool(database_url, min_size=1, max_size=pool_size)
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

    answer_ready(app)

    return app


async def create_table(database_url: str) -> None:
    """Once, before any worker starts: two workers creating the table at once could collide."""
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, token text NOT NULL, body jsonb NOT NULL)"
        )
    finally:
        await connection.close()


def main(argv: Sequence[str] | None = None) -> None:
    serve_database_baseline(__doc__.splitlines()[0], create_app, argv, prepare=create_table)


if __name__ == "__main__":
    main()
