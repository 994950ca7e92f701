"""The command line every service has: ``<service> serve | migrate`` and any commands of its own."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from hlm_kit import migrations
from hlm_kit.settings import ServiceSettings


@dataclass(frozen=True)
class Command:
    """A service's own command: its help, its arguments, and what it does with the settings."""

    help: str
    run: Callable[[Any, argparse.Namespace], None]
    add_arguments: Callable[[argparse.ArgumentParser], object] = lambda parser: None


def run_service_cli(
    argv: Sequence[str] | None,
    *,
    prog: str,
    port: int,
    settings: Callable[[], ServiceSettings],
    create_app: Callable[[Any], FastAPI],
    migrations_dir: Path,
    commands: Mapping[str, Command] | None = None,
) -> None:
    """Parse ``argv`` and run ``serve``, ``migrate`` or one of ``commands``.

    Settings are read only once a command is chosen, so ``--help`` works without any environment.
    """
    parser = argparse.ArgumentParser(prog=prog)
    subcommands = parser.add_subparsers(dest="command", required=True)
    serve = subcommands.add_parser("serve", help="run the HTTP API (and, unless turned off, the workers)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=port)
    subcommands.add_parser("migrate", help="bring the service's schema up to date")
    for name, command in (commands or {}).items():
        command.add_arguments(subcommands.add_parser(name, help=command.help))
    args = parser.parse_args(argv)

    loaded = settings()
    if args.command == "serve":
        import uvicorn

        # No access log: a rater's link carries its token in the path, and a token must never be logged.
        uvicorn.run(
            create_app(loaded),
            host=args.host,
            port=args.port,
            log_config=None,
            access_log=False,
            proxy_headers=True,
            forwarded_allow_ips=loaded.forwarded_allow_ips,
        )
    elif args.command == "migrate":
        migrations.upgrade(migrations_dir, loaded.database_url.get_secret_value())
    else:
        (commands or {})[args.command].run(loaded, args)
