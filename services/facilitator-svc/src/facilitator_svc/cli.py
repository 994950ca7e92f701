"""``facilitator-svc serve | migrate``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from facilitator_svc.config import Settings
from hlm_kit.cli import run_service_cli

# Inside the package, so an installed service finds its migrations wherever it is installed.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def main(argv: Sequence[str] | None = None) -> None:
    run_service_cli(
        argv,
        prog="facilitator-svc",
        port=8004,
        settings=Settings,
        app="facilitator_svc.main:create_app",
        migrations_dir=MIGRATIONS,
    )
