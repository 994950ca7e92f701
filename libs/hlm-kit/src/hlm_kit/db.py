"""Database plumbing: the async engine, sessions, and one naming convention for constraints."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import cache
from types import TracebackType
from typing import Annotated, Any, cast

import asyncpg
import orjson
from anyio import CancelScope
from fastapi import Depends, Request
from sqlalchemy import ClauseElement, CursorResult, Dialect, MetaData, TextClause, event, func, select
from sqlalchemy.engine import Connection, ExecutionContext, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ReleaseSavepointClause, RollbackToSavepointClause, SavepointClause
from sqlalchemy.util import greenlet_spawn

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


async def hold_lock(session: AsyncSession, name: str, *, shared: bool = False) -> None:
    """Hold the advisory lock called ``name`` until the session's transaction ends.

    For an order between transactions that no row stands for (imports of a region, publications, a
    record arriving before the rows that name it). ``shared`` holders do not wait for one another, only
    for an exclusive holder, and it for them. Each service's names are its own: the database is shared
    only through their hashes, so a name says which service and which rule it serves.
    """
    lock = func.pg_advisory_xact_lock_shared if shared else func.pg_advisory_xact_lock
    # Refused in a read request (which has no transaction: the lock would be let go as soon as taken).
    statement = select(lock(func.hashtextextended(name, 0))).execution_options(**{_HOLDS: True})
    await session.execute(statement)


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
        json_serializer=json_text,
    )


def json_text(value: Any) -> str:
    """A JSON or JSONB parameter as text. orjson writes a rater's 5 KB response in a fifteenth of the time
    ``json.dumps`` takes (3 against 50 microseconds), on every submit; what orjson refuses (an integer
    beyond 64 bits) ``json.dumps`` writes, as it always did. ``NaN`` and infinities, which PostgreSQL refuses
    as JSON, orjson writes as ``null``."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value)


_REQUIRED = object()  # a parameter with no value of its own: the caller gives one


class DriverStatement:
    """A statement of a hot path compiled once for the engine's dialect and sent as its SQL, with its
    parameters in order, on the session's connection (``exec_driver_sql``): in the session's transaction
    (SQLAlchemy sends BEGIN with it, if it is the first), its errors translated, its events and result as any
    statement's.

    SQLAlchemy finds a statement it has compiled by its cache key, which it builds again by walking the whole
    statement on every execution, and runs it through the ORM's execution when the session is asked; for a
    statement of several hundred elements on a route called thousands of times a minute that is a large
    share of the route's work. What it would do to the parameters (each type's bind processor: JSON encoded
    by the engine's serializer) is done here as it would be, with the statement's own values for the
    parameters not given. A statement with parameters expanded at execution (``IN`` of a list,
    ``literal_execute``) is refused when first compiled."""

    __slots__ = ("_compiled", "_statement")

    def __init__(self, statement: ClauseElement) -> None:
        self._statement = statement
        # Per engine's dialect: a process has one engine per database it serves (a benchmark may run a
        # service on two at once), and compiling again on each change of engine would be the cost avoided.
        self._compiled: dict[Dialect, tuple[str, tuple[tuple[str, Any, Any], ...]]] = {}

    def _compiled_for(self, dialect: Dialect) -> tuple[str, tuple[tuple[str, Any, Any], ...]]:
        """The SQL for ``dialect``, and each positional parameter's name, bind processor and own value."""
        compiled = self._compiled.get(dialect)
        if compiled is None:
            sql = cast(SQLCompiler, self._statement.compile(dialect=dialect))
            if not sql.positional or sql.positiontup is None:
                raise TypeError(f"{dialect.name}'s parameters are not positional")
            if sql.literal_execute_params or sql.post_compile_params:
                raise TypeError("a DriverStatement takes plain bound parameters only (no expanding IN)")
            binds = sql.binds
            order = tuple(
                (
                    name,
                    binds[name].type.dialect_impl(dialect).bind_processor(dialect),
                    _REQUIRED if binds[name].required else binds[name].effective_value,
                )
                for name in sql.positiontup
            )
            compiled = self._compiled[dialect] = (sql.string, order)
        return compiled

    def _arguments(self, dialect: Dialect, values: Mapping[str, Any]) -> tuple[str, list[Any]]:
        """The SQL for ``dialect`` and its positional arguments for ``values`` (by the parameters' names)."""
        sql, order = self._compiled_for(dialect)
        arguments = []
        for name, process, default in order:
            value = values.get(name, default)
            if value is _REQUIRED:
                raise KeyError(f"a value is required for the parameter {name!r}")
            arguments.append(value if process is None else process(value))
        return sql, arguments

    async def execute(self, session: AsyncSession, values: Mapping[str, Any]) -> CursorResult[Any]:
        """Run the statement in ``session``'s transaction with ``values`` for its parameters."""
        connection = await session.connection()
        sql, arguments = self._arguments(connection.dialect, values)
        return await connection.exec_driver_sql(sql, tuple(arguments))

    async def fetchrow(self, unit: DriverUnit, values: Mapping[str, Any]) -> asyncpg.Record | None:
        """Run the statement as ``unit``'s one statement (:class:`RequestDriverUnit`) with ``values`` for its
        parameters; its first row, or None."""
        sql, arguments = self._arguments(unit.dialect, values)
        return await unit.fetchrow(sql, arguments)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit (responses are built after it)."""
    return async_sessionmaker(engine, expire_on_commit=False)


# Execution options: of a connection serving a read request (its statements must only read), and of a
# statement holding a lock until its transaction ends.
_READING = "hlm_kit_reading"
_HOLDS = "hlm_kit_holds_lock"
# The connection a read session last guarded (:class:`ReadSession`), in its ``info``.
_GUARDED = "hlm_kit.guarded_connection"
# A test's requests share one transaction, each request a savepoint of it: these write nothing.
_SAVEPOINTS = (SavepointClause, ReleaseSavepointClause, RollbackToSavepointClause)


class WriteInRead(RuntimeError):
    """A read request's session was asked to write. It has no transaction (each statement commits on its
    own), so a write would stand whatever became of the request: refused before it reaches the database."""


def _refusal(clause: object, sql: str, options: Any) -> WriteInRead | None:
    """What refuses ``clause`` (its SQL ``sql``) in a read, or None for a statement that only reads."""
    if options.get(_HOLDS):
        what = "a lock, which lasts as long as its transaction"
    elif getattr(clause, "is_select", False) or isinstance(clause, _SAVEPOINTS):
        return None
    elif (clause is None or isinstance(clause, TextClause)) and sql.lstrip()[:6].upper() == "SELECT":
        # Textual SQL, or a compiled select sent as the driver's (DriverStatement), that says it selects
        # (a WITH may hold a write: refused).
        return None
    else:
        what = " ".join(sql.split(None, 3)[:3]) or "an empty statement"  # e.g. UPDATE schema.table SET
    return _write_in_read(what)


def _write_in_read(what: str) -> WriteInRead:
    return WriteInRead(
        "a GET or HEAD request reads (as does one taking hlm_kit.db.ReadOnlySession), without a transaction, "
        f"and was asked for {what}: take hlm_kit.db.WriteSession for a read that writes, or hand a write that "
        "must stand to hlm_kit.db.keep"
    )


def _refuse_writes(
    conn: Connection, cursor: Any, statement: str, parameters: Any, context: ExecutionContext, executemany: bool
) -> None:
    options = context.execution_options
    if not options.get(_READING):
        return
    refused = _refusal(context.compiled.statement if context.compiled is not None else None, statement, options)
    if refused is not None:
        raise refused


def refuse_writes_while_reading(connection: AsyncConnection) -> None:
    """Have ``connection`` refuse any statement but a ``select()`` (or textual SQL beginning with SELECT)
    while it is marked as reading. An ORM flush, a Core insert, update or delete, DDL and any other textual
    SQL are refused alike, whichever way they reach the connection (the session or
    ``session.connection()``). The listener is the connection's own (SQLAlchemy's events on one
    ``Connection``): the engine has none, so no other connection of the pool pays for it, and it goes with
    the connection when it is closed, not with the pooled connection beneath it."""
    sync = connection.sync_connection
    if not event.contains(sync, "before_cursor_execute", _refuse_writes):
        event.listen(sync, "before_cursor_execute", _refuse_writes)


async def mark_reading(connection: AsyncConnection, reading: bool = True) -> None:
    """Mark ``connection`` as serving a read request, or no longer, for :func:`refuse_writes_while_reading`:
    a test's connection, which all its requests share, is marked for each GET."""
    await connection.execution_options(**{_READING: reading})


class _ReadingSession(OrmSession):
    """The ORM session beneath a read request's :class:`ReadSession`: its statements are checked as they
    are asked for (``do_orm_execute``, ``before_flush``), before any connection sees them."""


@event.listens_for(_ReadingSession, "do_orm_execute")
def _refuse_executed_writes(state: ORMExecuteState) -> None:
    if not state.session.info.get(_READING):
        return
    clause = state.statement
    sql = clause.text if isinstance(clause, TextClause) else ""
    if not getattr(clause, "is_select", False) and not sql:
        sql = str(clause)  # only for the message of a refusal
    refused = _refusal(clause, sql, state.execution_options)
    if refused is not None:
        raise refused


@event.listens_for(_ReadingSession, "before_flush")
def _refuse_flushes(session: OrmSession, flush_context: object, instances: object) -> None:
    if session.info.get(_READING):
        raise _write_in_read("a flush of ORM changes")


class ReadSession(AsyncSession):
    """A GET or HEAD request's session (:func:`create_read_sessionmaker`). What it asks of the ORM is
    checked by its session's events; a connection taken from it (``session.connection()``, for Core
    statements without the ORM's handling of results) gets the guard as its own listener, so only the reads
    that take one pay for SQLAlchemy's event dispatch on their statements."""

    sync_session_class = _ReadingSession

    async def connection(
        self,
        bind_arguments: Any = None,
        execution_options: Any = None,
        **kw: Any,
    ) -> AsyncConnection:
        connection = await super().connection(bind_arguments=bind_arguments, execution_options=execution_options, **kw)
        # The connection is the session's until its transaction ends: guarded once, the first time asked for.
        if self.info.get(_READING) and self.info.get(_GUARDED) is not connection.sync_connection:
            refuse_writes_while_reading(connection)
            self.info[_GUARDED] = connection.sync_connection
        return connection


def create_read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for GET and HEAD requests, from the same pool as ``engine``'s other sessions: no transaction,
    so none of the BEGIN and COMMIT round trips a transaction costs, and no writes (:class:`WriteInRead`).

    Autocommit is the session's execution option, which SQLAlchemy sets on each connection as the session
    takes it (asyncpg sends no BEGIN in autocommit, a flag of the client: no statement either), and the
    pool puts the connection back to the engine's isolation level as it returns, without a statement.
    Neither that option nor the write guard is the engine's: an engine with an isolation level option, or
    any listener, sends every statement of every connection through SQLAlchemy's event dispatch, write
    requests' too.

    Each statement sees the rows committed when it starts, as under READ COMMITTED, PostgreSQL's default,
    which the requests' transactions use: a read of several statements was never one snapshot, and is not
    now. What must be read as one snapshot reads it in one statement."""
    return async_sessionmaker(
        engine,
        class_=ReadSession,
        expire_on_commit=False,
        execution_options={"isolation_level": "AUTOCOMMIT", _READING: True},
        info={_READING: True},
    )


def to_async_url(url: str) -> str:
    """Accept ``postgresql://`` or ``postgresql+asyncpg://`` and return the asyncpg form."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def to_plain_url(url: str) -> str:
    """The libpq form of a URL, as asyncpg.connect wants it."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


KeptWrite = Callable[[AsyncSession], Awaitable[object]]
"""A write that stands whatever becomes of the request: given a session, it writes and flushes."""

_KEPT = "hlm_kit.kept_writes"


def keep(session: AsyncSession, write: KeptWrite) -> None:
    """Have ``write`` stand whatever becomes of the request whose session this is, a refusal included.

    The request's transaction is rolled back when the request raises, and everything the services
    wrote goes with it, as it should; a write that must outlive that (a rate limiter counting a failed
    guess, a hold recorded as run out when it is refused) is handed to this instead. It runs once the
    request's transaction has ended, committed or rolled back, in a short transaction of its own on the
    same session (a read request's too: it has read without a transaction, and writes this in one). It is
    given that session, so it works from ids and values, never from objects loaded in the request's
    transaction (those are gone with a rollback).

    Only the request's session keeps writes: a worker or consumer owns its unit of work, and this raises
    there rather than let the write be lost.
    """
    kept: list[KeptWrite] | None = session.info.get(_KEPT)
    if kept is None:
        raise RuntimeError("only a request's session (hlm_kit.db.Session) keeps a write past its transaction")
    kept.append(write)


Writable = Callable[[AsyncSession], Awaitable[object]]
"""Makes a read request's session write, for what the request kept (:func:`keep`)."""


@asynccontextmanager
async def request_transaction(
    session: AsyncSession, *, writable: Writable | None = None
) -> AsyncIterator[AsyncSession]:
    """The request's unit of work on ``session``: commit when the body returns, roll back when it raises,
    then write what was kept (:func:`keep`) in a transaction of its own. A read request's session (one
    that refuses writes) gives ``writable``, which lets that session write what was kept.
    :func:`get_session` and the tests' shared session both run a request through this, so tests see what
    production does."""
    kept: list[KeptWrite] = []
    session.info[_KEPT] = kept
    try:
        try:
            yield session
            if _holds_work(session):
                await session.commit()
        except Exception:
            await _roll_back(session)
            await _write_kept(session, kept, writable)
            raise
        except BaseException:  # cancelled: no more work than the rollback
            await _roll_back(session)
            raise
        await _write_kept(session, kept, writable)
    finally:
        session.info.pop(_KEPT, None)


def _holds_work(session: AsyncSession) -> bool:
    """Whether committing ``session`` would do anything: a transaction begun (a statement sent, a
    connection held) or ORM changes not yet flushed. SQLAlchemy begins a transaction at the first
    statement, and its commit of one never begun begins one and commits it, events included, through a
    greenlet: a request that sent nothing has nothing to commit."""
    return session.in_transaction() or bool(session.new or session.deleted or session.dirty)


async def _roll_back(session: AsyncSession) -> None:
    # Without a transaction SQLAlchemy's rollback does nothing (pending objects stay until close).
    if session.in_transaction():
        await session.rollback()


async def _close(session: AsyncSession) -> None:
    """Close ``session`` as ``async with`` would, without a task and a greenlet when it holds no
    connection (its transaction committed or rolled back, or never begun): closing it then only lets go of
    its objects, which involves no database. One that still holds a connection (a request cancelled
    mid-commit) is closed in a task of its own, which a cancellation cannot cut short."""
    if session.in_transaction():
        async with session:  # SQLAlchemy's own close on exit, run to completion in a task
            pass
    else:
        session.sync_session.close()


async def _write_kept(session: AsyncSession, kept: list[KeptWrite], writable: Writable | None) -> None:
    if not kept:
        return
    try:
        if writable is not None:
            await writable(session)
        for write in kept:
            await write(session)
        await session.commit()
    except BaseException:
        await session.rollback()
        raise


async def _write_after_reading(session: AsyncSession) -> None:
    # The session's next transaction takes its connection as a write request's is: with BEGIN at the
    # engine's own isolation level, and writes allowed. The pool puts both back when it is returned.
    session.info[_READING] = False
    isolation = session.get_bind().dialect.default_isolation_level
    await session.connection(execution_options={"isolation_level": isolation, _READING: False})


READ_METHODS = frozenset({"GET", "HEAD"})
"""The methods whose requests read: their :data:`Session` refuses writes and costs no transaction."""


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: the request's unit of work. Services add and flush; when the endpoint returns,
    this commits, and when it raises (a refusal included), this rolls back, so a request never leaves
    half of a change behind and any number of service calls compose into one transaction. A write that
    must stand even so is handed to :func:`keep`.

    A GET or HEAD request reads without a transaction, on a connection of the same pool
    (:func:`create_read_sessionmaker`): no BEGIN and no COMMIT, and any write refused (:class:`WriteInRead`),
    except what it keeps, written once it has read. A read that writes takes :data:`WriteSession`; a request
    of another method that only reads takes :data:`ReadOnlySession`.

    Scoped to the endpoint function, not to the response: the commit happens before the response is
    sent, so a commit that fails (a deferred constraint, the database gone) reaches the client as an
    error instead of following a 2xx.
    """
    state = request.app.state
    if request.method in READ_METHODS:
        session: AsyncSession = state.read_sessionmaker()
        writable: Writable | None = _write_after_reading
    else:
        session = state.sessionmaker()
        writable = None
    try:
        async with request_transaction(session, writable=writable):
            yield session
    finally:
        await _close(session)


class _EnteredUnit:
    """A request's unit of work entered by the route itself, by default as ``dependency`` (or the app's
    override of it) gives it; its end shielded from cancellation as FastAPI shields a dependency's."""

    __slots__ = ("_context",)

    def __init__(self, request: Request, dependency: Callable[[Request], AsyncIterator[Any]]) -> None:
        dependency = request.app.dependency_overrides.get(dependency, dependency)
        self._context: AbstractAsyncContextManager[Any] = _as_context(dependency)(request)

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> bool | None:
        with CancelScope(shield=True):
            suppressed = await self._context.__aexit__(kind, error, trace)
        return suppressed


class RequestSession(_EnteredUnit):
    """The request's unit of work as :data:`Session` gives it, for a hot route to enter itself
    (``async with RequestSession(request) as session:``) rather than name :data:`Session`: FastAPI solves a
    generator dependency on every request with two context managers and a cancel scope around it, about
    0.18M instructions, as much as the session's own work. The same :func:`get_session` (or the app's
    override of it, as tests share one session), committed when the block ends and rolled back when it
    raises, the end shielded from cancellation as FastAPI shields it. The route's OpenAPI document is the
    same: the session depends on the request alone."""

    __slots__ = ()

    def __init__(self, request: Request) -> None:
        super().__init__(request, get_session)

    async def __aenter__(self) -> AsyncSession:
        session: AsyncSession = await self._context.__aenter__()
        return session


_as_context = cache(asynccontextmanager)


class DriverUnit:
    """A request's unit of work of one statement on the driver's own connection (asyncpg's, beneath the
    pool's): see :class:`RequestDriverUnit`. Its statement (a :class:`DriverStatement`'s ``fetchrow``) is
    compiled for ``dialect``, the engine's; what is handed to :meth:`after_commit` runs once it has
    committed."""

    __slots__ = ("_committed", "_connection", "_ran", "_savepoint", "dialect")

    def __init__(self, connection: asyncpg.Connection, dialect: Dialect, *, savepoint: bool = False) -> None:
        self._connection = connection
        self.dialect = dialect
        # In a test's transaction, the statement is a savepoint of it: one that fails leaves the test's
        # transaction usable, as a failed statement leaves nothing in production.
        self._savepoint = savepoint
        self._ran = False
        self._committed: list[Callable[[], object]] = []

    def after_commit(self, callback: Callable[[], object]) -> None:
        """Have ``callback`` run once this unit's statement has committed (an outbox waking its relay);
        never when it fails."""
        self._committed.append(callback)

    async def fetchrow(self, sql: str, arguments: list[Any]) -> asyncpg.Record | None:
        """Run ``sql`` with ``arguments``, the unit's one statement, committed as it ends: its first row."""
        if self._ran:
            raise RuntimeError("a request's unit on the driver's connection runs one statement, atomic alone")
        self._ran = True
        if self._savepoint:
            async with self._connection.transaction():
                row = await self._connection.fetchrow(sql, *arguments)
        else:
            row = await self._connection.fetchrow(sql, *arguments)
        for callback in self._committed:
            callback()
        return row


class _PooledDriverUnit:
    """A :class:`DriverUnit` on a connection of the engine's pool, out of any transaction, returned when the
    block ends. A connection the database dropped on the way is invalidated, so that the pool opens a new
    one rather than hand it to the next request; asyncpg's errors reach the app's handlers as they are,
    which answer an unreachable database with the 503 a session's error gets."""

    __slots__ = ("_driver", "_engine", "_pooled")

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def __aenter__(self) -> DriverUnit:
        self._pooled = await self._engine.raw_connection()  # the pool's checkout, as a session's makes it
        self._driver = cast(asyncpg.Connection, self._pooled.driver_connection)  # None only once invalidated
        return DriverUnit(self._driver, self._engine.dialect)

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: object) -> None:
        if error is not None and self._driver.is_closed():
            self._pooled.invalidate()
        # Back to the pool (in a greenlet, as the pool may close a connection it does not keep).
        await greenlet_spawn(self._pooled.close)


async def get_driver_unit(request: Request) -> AsyncIterator[DriverUnit]:
    """The request's unit of work on the driver's connection (:class:`RequestDriverUnit`): a connection of
    the engine's pool, out of any transaction, returned once the block ends. Tests override it
    (``share_session``)."""
    async with _PooledDriverUnit(request.app.state.engine) as unit:
        yield unit


class RequestDriverUnit(_EnteredUnit):
    """The request's unit of work for a hot route whose writes are one statement, run on the driver's own
    connection beneath SQLAlchemy's pool: ``async with RequestDriverUnit(request) as unit:`` then
    ``await statement.fetchrow(unit, values)`` (:class:`DriverStatement`). A statement is atomic alone, so
    the unit sends neither BEGIN nor COMMIT: the statement commits as it ends, and a second one is refused.
    It costs about a quarter of a session's transaction with one statement (about 0.2M instructions
    against 0.90M): no session, no Core connection, execution context or result, no greenlet but the
    pool's, and one round trip instead of three. Its end (the connection's return) is shielded from
    cancellation, as :class:`RequestSession`'s.

    So the route refuses what it refuses before the statement, or has the statement store nothing (its
    conditions in its ``WHERE``): nothing can roll the statement back once it has run. What the unit does
    not do (telling a refusal apart, a write kept past a refusal, ORM objects) is the route's
    :class:`RequestSession` after it, the unit having written nothing. A test sharing one session
    (``share_session``) overrides :func:`get_driver_unit` with a unit on that session's connection, its
    statement a savepoint of the test's transaction, so the route sees the test's rows and the test sees
    its writes."""

    __slots__ = ()

    def __init__(self, request: Request) -> None:
        override = request.app.dependency_overrides.get(get_driver_unit)
        # Entered directly, without the dependency's generator around it, unless a test overrides it.
        self._context: AbstractAsyncContextManager[DriverUnit] = (
            _PooledDriverUnit(request.app.state.engine) if override is None else _as_context(override)(request)
        )

    async def __aenter__(self) -> DriverUnit:
        unit: DriverUnit = await self._context.__aenter__()
        return unit


async def get_read_only_session(request: Request) -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: the session of a request that only reads, whatever its method, as a GET's is
    (see :func:`get_session`): no transaction, so no BEGIN and no COMMIT, and any write refused, except what
    it keeps. For a POST that asks a question whose body is too rich for a query string (a match), and
    writes nothing."""
    session: AsyncSession = request.app.state.read_sessionmaker()
    try:
        async with request_transaction(session, writable=_write_after_reading):
            yield session
    finally:
        await _close(session)


async def get_write_session(request: Request) -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: the request's unit of work in a transaction, whatever its method (see
    :func:`get_session`). For the few GET requests that write: a document stored the first time it is
    asked for, a read that must lock what it reads."""
    session: AsyncSession = request.app.state.sessionmaker()
    try:
        async with request_transaction(session):
            yield session
    finally:
        await _close(session)


Session = Annotated[AsyncSession, Depends(get_session, scope="function")]
ReadOnlySession = Annotated[AsyncSession, Depends(get_read_only_session, scope="function")]
WriteSession = Annotated[AsyncSession, Depends(get_write_session, scope="function")]


async def get_sessionmaker(request: Request) -> async_sessionmaker[AsyncSession]:
    """FastAPI dependency (async, so FastAPI calls it in the event loop rather than a worker thread): the
    service's sessionmaker, for an endpoint that must hold no pooled connection through a slow step (a PDF
    render): it opens one short unit of work before the step and another after, instead of taking
    :data:`Session`. (A write that must outlive a refusal is :func:`keep`, not a transaction of its own.)"""
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    return sessionmaker


Sessionmaker = Annotated[async_sessionmaker[AsyncSession], Depends(get_sessionmaker)]
