"""The baseline of the gateway benchmark: a bare strawberry ``{ hello }`` endpoint on FastAPI.

No extensions, no context, no upstream call: a request costs what strawberry's parsing, validation and
execution of the smallest query cost on FastAPI and uvicorn. Served the way ``hlm-gateway serve`` is:
one uvicorn worker, default loop and HTTP parser, no access log.

    python bench/graphql_baseline_app.py --port 9005
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import strawberry
from baseline_app import answer_ready, serve
from fastapi import FastAPI
from strawberry.fastapi import GraphQLRouter


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "world"


def create_app() -> FastAPI:
    app = FastAPI(title="graphql-baseline", openapi_url=None, docs_url=None, redoc_url=None)
    app.include_router(GraphQLRouter(strawberry.Schema(query=Query), graphql_ide=None), prefix="/graphql")

    answer_ready(app)

    return app


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)

    serve(create_app, [], args.host, args.port)


if __name__ == "__main__":
    main()
