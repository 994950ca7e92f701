"""The HTTP baseline of the register benchmark: a bare FastAPI endpoint running the register's statement
with asyncpg and answering the entries as JSON.

No auth, no token check, no validation of the parameters beyond FastAPI's query strings, no transaction,
no middleware: it reads the search, runs the statement ``register_search.search_sql`` writes (the one
facilitator-svc builds), keeps each entry's published fields and answers them with ``json.dumps``, so a
search costs what FastAPI, uvicorn, asyncpg and the query cost. Served like ``facilitator-svc serve``: one
uvicorn worker, no access log.

    python bench/register_baseline_app.py --port 9006 --database-url postgresql://postgres@127.0.0.1/db
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any

import asyncpg
from baseline_app import answer_ready, serve_database_baseline
from fastapi import FastAPI, Request, Response
from register_search import PUBLISHABLE, search_sql


def create_app(database_url: str, pool_size: int) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = await asyncpg.create_pool(database_url, min_size=pool_size, max_size=pool_size)
        yield
        await app.state.pool.close()

    app = FastAPI(title="register-baseline", openapi_url=None, docs_url=None, redoc_url=None, lifespan=lifespan)

    @app.get("/v1/register")
    async def register(
        request: Request,
        limit: int = 20,
        region: str | None = None,
        mode: str | None = None,
        language: str | None = None,
        specialism: str | None = None,
        session_kind: str | None = None,
    ) -> Response:
        asked = {"region": region, "mode": mode, "language": language, "specialism": specialism}
        search: dict[str, Any] = {k: v for k, v in asked.items() if v is not None} | {"limit": limit}
        if session_kind is not None:
            search["session_kind"] = session_kind
        sql, args = search_sql(search, datetime.now(UTC).date())
        async with request.app.state.pool.acquire() as connection:
            rows = await connection.fetch(sql, *args)
        items = []
        for row in rows[:limit]:
            published = set(row["published_fields"])
            items.append({"id": str(row["id"])} | {f: row[f] for f in PUBLISHABLE if f in published})
        next_cursor = str(rows[limit - 1]["id"]) if len(rows) > limit else None
        return Response(json.dumps({"items": items, "next_cursor": next_cursor}), media_type="application/json")

    answer_ready(app)

    return app


def main(argv: Sequence[str] | None = None) -> None:
    serve_database_baseline(__doc__.splitlines()[0], create_app, argv)


if __name__ == "__main__":
    main()
