"""Alembic helpers: each service migrates its own schema, with its version table inside it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import Connection, MetaData
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from hlm_kit.db import to_async_url


def run_env(target_metadata: MetaData) -> None:
    """The body of a service's ``migrations/env.py``: migrate ``target_metadata.schema`` online."""
    schema = target_metadata.schema
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL: pass it through the service's migrate command")

    def do_run(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            version_table_schema=schema,
            include_schemas=False,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        engine = create_async_engine(to_async_url(url), poolclass=NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(do_run)
            await connection.commit()
        await engine.dispose()

    asyncio.run(run_async())


def upgrade(script_location: Path, database_url: str, revision: str = "head") -> None:
    """Run a service's migrations up to ``revision``. Blocking: call it off the event loop.

    ``script_location`` is the migrations directory inside the service's package, so an installed
    (non-editable) service migrates exactly as a checkout does.
    """
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    command.upgrade(config, revision)
