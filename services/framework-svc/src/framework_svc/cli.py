"""``framework-svc serve | migrate | load-catalogue``."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from pathlib import Path

from framework_svc.config import Settings
from hlm_kit import migrations

# Inside the package, so an installed service finds its migrations wherever it is installed.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="framework-svc", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP API (and, unless turned off, the workers)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8001)
    commands.add_parser("migrate", help="bring the framework schema up to date")
    load = commands.add_parser("load-catalogue", help="load and publish the catalogue's documents (idempotent)")
    load.add_argument("--directory", type=Path, default=None)
    args = parser.parse_args(argv)

    settings = Settings()
    if args.command == "serve":
        import uvicorn

        from framework_svc.main import create_app

        uvicorn.run(create_app(settings), host=args.host, port=args.port, log_config=None, access_log=False)
    elif args.command == "migrate":
        migrations.upgrade(MIGRATIONS, settings.database_url.get_secret_value())
    else:
        from framework_svc.catalogue.loader import load_catalogue

        for line in asyncio.run(load_catalogue(settings.database_url.get_secret_value(), args.directory)):
            print(line)
