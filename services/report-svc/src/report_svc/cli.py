"""``report-svc serve | migrate``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from hlm_kit.cli import run_service_cli
from report_svc.config import Settings

# Inside the package, so an installed service finds its migrations wherever it is installed.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def main(argv: Sequence[str] | None = None) -> None:
    run_service_cli(
        argv,
        prog="report-svc",
        port=8003,
        settings=Settings,
        app="report_svc.main:create_app",
        migrations_dir=MIGRATIONS,
    )
