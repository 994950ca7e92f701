"""``survey-svc serve | migrate``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from hlm_kit import migrations
from survey_svc.config import Settings

# Inside the package, so an installed service finds its migrations wherever it is installed.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="survey-svc", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP API (and, unless turned off, the workers)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8002)
    commands.add_parser("migrate", help="bring the survey schema up to date")
    args = parser.parse_args(argv)

    settings = Settings()
    if args.command == "serve":
        import uvicorn

        from survey_svc.main import create_app

        # No access log: rater links carry their token in the path, and a token must never be logged.
        uvicorn.run(create_app(settings), host=args.host, port=args.port, log_config=None, access_log=False)
    else:
        migrations.upgrade(MIGRATIONS, settings.database_url.get_secret_value())
