"""``framework-svc serve | migrate | load-catalogue``."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from pathlib import Path

from framework_svc.config import Settings
from hlm_kit.cli import Command, run_service_cli

# Inside the package, so an installed service finds its migrations wherever it is installed.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _load_catalogue(settings: Settings, args: argparse.Namespace) -> None:
    from framework_svc.catalogue.loader import load_catalogue

    for line in asyncio.run(load_catalogue(settings.database_url.get_secret_value(), args.directory)):
        print(line)


LOAD_CATALOGUE = Command(
    help="load and publish the catalogue's documents (idempotent)",
    run=_load_catalogue,
    add_arguments=lambda parser: parser.add_argument("--directory", type=Path, default=None),
)


def main(argv: Sequence[str] | None = None) -> None:
    run_service_cli(
        argv,
        prog="framework-svc",
        port=8001,
        settings=Settings,
        app="framework_svc.main:create_app",
        migrations_dir=MIGRATIONS,
        commands={"load-catalogue": LOAD_CATALOGUE},
    )
