"""Database plumbing: the async engine, sessions, and one naming convention for constraints."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import MetaData
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

# Constraint names are predictable, so migrations can name what they drop and errors can be matched.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def make_metadata(schema: str) -> MetaData:
    """Return the MetaData of a service whose tables all live in ``schema``."""
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


def create_engine(url: str, *, pool_size: int = 10, pool_timeout_s: float = 10.0) -> AsyncEngine:
    """Create the service's asyncpg engine; times are always exchanged in UTC."""
    return create_async_engine(
        to_async_url(url),
        pool_size=pool_size,
        pool_timeout=pool_timeout_s,
        # No pre-ping: it costs a round trip on every checkout. A connection the server dropped fails
        # its next statement and is discarded by the pool; recycling bounds how old any can get.
        pool_recycle=1800,
        connect_args={"server_settings": {"timezone": "UTC"}},
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit (responses are built after it)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def to_async_url(url: str) -> str:
    """Accept ``postgresql://`` or ``postgresql+asyncpg://`` and return the asyncpg form."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def to_plain_url(url: str) -> str:
    """The libpq form of a URL, as asyncpg.connect wants it."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: the request's unit of work. Services add and flush; when the endpoint returns,
    this commits, and when it raises (a refusal included), this rolls back, so a request never leaves
    half of a change behind and any number of service calls compose into one transaction.

    Scoped to the endpoint function, not to the response: the commit happens before the response is
    sent, so a commit that fails (a deferred constraint, the database gone) reaches the client as an
    error instead of following a 2xx.
    """
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with sessionmaker() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        await session.commit()


Session = Annotated[AsyncSession, Depends(get_session, scope="function")]


def get_sessionmaker(request: Request) -> async_sessionmaker[AsyncSession]:
    """FastAPI dependency: the service's sessionmaker, for the rare write that must outlive a refusal
    (the request's own transaction is rolled back when it raises), such as counting a failed attempt.
    Such a write opens a short transaction of its own and says why:

        async with sessionmaker() as session, session.begin():
            await count_failure(session, ...)
    """
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    return sessionmaker


Sessionmaker = Annotated[async_sessionmaker[AsyncSession], Depends(get_sessionmaker)]
