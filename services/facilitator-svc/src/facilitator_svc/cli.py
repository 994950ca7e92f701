"""``facilitator-svc serve | migrate``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from facilitator_svc.config import Settings
from hlm_kit import migrations

# Inside the package, so an installed service finds its migrations wherever it is installed.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="facilitator-svc", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP API (and, unless turned off, the workers)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8004)
    commands.add_parser("migrate", help="bring the facilitator schema up to date")
    args = parser.parse_args(argv)

    settings = Settings()
    if args.command == "serve":
        import uvicorn

        from facilitator_svc.main import create_app

        uvicorn.run(create_app(settings), host=args.host, port=args.port, log_config=None, access_log=False)
    else:
        migrations.upgrade(MIGRATIONS, settings.database_url.get_secret_value())
