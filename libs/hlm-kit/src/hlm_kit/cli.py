"""The command line every service has: ``<service> serve | migrate`` and any commands of its own."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hlm_kit.settings import ServerSettings, ServiceSettings


@dataclass(frozen=True)
class Command:
    """A service's own command: its help, its arguments, and what it does with the settings."""

    help: str
    run: Callable[[Any, argparse.Namespace], None]
    add_arguments: Callable[[argparse.ArgumentParser], object] = lambda parser: None


SERVER_KEEP_ALIVE_S = 65
"""How long a server keeps an idle keep-alive connection open, in seconds: longer than its clients."""


def serve(app: str, settings: ServerSettings, *, host: str, port: int, **options: Any) -> None:
    """Serve the app ``app`` names (``"package.main:create_app"``, a function called without arguments that
    reads its settings from the environment) in ``settings.http_workers`` uvicorn worker processes.

    Each worker builds the app itself, from the name: that is how uvicorn starts more than one. Its lifespan
    then runs in every worker, background tasks included, as it runs in every replica (deploy/k8s/README.md,
    "Scaling"). ``options`` are further uvicorn settings.
    """
    import uvicorn

    # No access log: a rater's link carries its token in the path, and a token must never be logged.
    uvicorn.run(
        app,
        factory=True,
        host=host,
        port=port,
        workers=settings.http_workers,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        # With several workers, the supervisor replaces one that has not answered its ping for this long,
        # from the moment it is started. A worker answers once it has imported the command's module (this
        # one, its settings); uvicorn's 5 s is less than that takes on a node whose CPU is taken, and a
        # worker replaced while starting is replaced again, for ever.
        timeout_worker_healthcheck=30,
        # An idle connection stays open longer than any client keeps one pooled (httpx 5 s, aiohttp 15 s,
        # a cloud load balancer 60 s). With uvicorn's 5 s, the server closed a connection just as the web
        # front or the gateway sent the next request on it, and that request failed with a read error.
        timeout_keep_alive=SERVER_KEEP_ALIVE_S,
        **options,
    )


def run_service_cli(
    argv: Sequence[str] | None,
    *,
    prog: str,
    port: int,
    settings: Callable[[], ServiceSettings],
    app: str,
    migrations_dir: Path,
    commands: Mapping[str, Command] | None = None,
) -> None:
    """Parse ``argv`` and run ``serve`` (the app ``app`` names, see :func:`serve`), ``migrate`` or one of
    ``commands``.

    Settings are read only once a command is chosen, so ``--help`` works without any environment.
    """
    parser = argparse.ArgumentParser(prog=prog)
    subcommands = parser.add_subparsers(dest="command", required=True)
    serve_command = subcommands.add_parser("serve", help="run the HTTP API (and, unless turned off, the workers)")
    serve_command.add_argument("--host", default="127.0.0.1")
    serve_command.add_argument("--port", type=int, default=port)
    subcommands.add_parser("migrate", help="bring the service's schema up to date")
    for name, command in (commands or {}).items():
        command.add_arguments(subcommands.add_parser(name, help=command.help))
    args = parser.parse_args(argv)

    loaded = settings()
    if args.command == "serve":
        serve(app, loaded, host=args.host, port=args.port)
    elif args.command == "migrate":
        from hlm_kit import migrations

        migrations.upgrade(migrations_dir, loaded.database_url.get_secret_value())
    else:
        (commands or {})[args.command].run(loaded, args)
