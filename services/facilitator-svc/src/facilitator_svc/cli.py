"""``facilitator-svc serve | migrate``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from facilitator_svc.config import Settings
from hlm_kit.cli import run_service_cli

# Inside the package, so an installed service finds its migrations wherever it is installed.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _create_app(settings: Any) -> FastAPI:
    from facilitator_svc.main import create_app

    return create_app(settings)


def main(argv: Sequence[str] | None = None) -> None:
    run_service_cli(
        argv, prog="facilitator-svc", port=8004, settings=Settings, create_app=_create_app, migrations_dir=MIGRATIONS
    )
