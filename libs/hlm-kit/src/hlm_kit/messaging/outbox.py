"""The transactional outbox: an event row written in the same transaction as the change it reports."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import SpanKind
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    event,
    func,
    insert,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from hlm_contracts import EventData
from hlm_kit.db import DriverUnit
from hlm_kit.messaging.envelope import CloudEvent

# Key in ``Session.info``: the outboxes that have rows in the session's open transaction.
_PENDING_KEY = "hlm_kit.outbox.pending"

_tracer = trace.get_tracer("hlm_kit.messaging")


def outbox_table(metadata: MetaData) -> Table:
    """The ``outbox_message`` table in the service's schema."""
    return Table(
        "outbox_message",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("event_id", Text, nullable=False, unique=True),
        Column("type", Text, nullable=False),
        Column("subject", Text),
        Column("envelope", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text),
        Column("sent_at", DateTime(timezone=True)),
        # The relay only ever looks at unsent rows; keep that scan small however many rows were sent.
        Index(None, "next_attempt_at", "id", postgresql_where=text("sent_at IS NULL")),
    )


class Outbox:
    """Writes events into a service's outbox and wakes this process's relay once the transaction commits.

    The wake-up is in-process (a hook on the session's commit), so committing costs the database nothing
    beyond the row itself. Rows committed elsewhere reach a relay through ``LISTEN`` (see
    ``OutboxNotifier``) or, whatever happens to their writer, through the relay's poll.
    """

    def __init__(self, metadata: MetaData) -> None:
        self.table = outbox_table(metadata)
        # The channel on which processes without a relay announce their commits to the relays of others.
        self.notify_channel = f"{metadata.schema or 'public'}_outbox"
        # Who to wake after a commit, with the loop each one waits on.
        self._wakers: dict[asyncio.Event, asyncio.AbstractEventLoop] = {}

    async def add(self, session: AsyncSession, data: EventData, *, subject: str | None = None) -> CloudEvent:
        """Record ``data`` as an event in the session's transaction; the caller commits.

        The event is created in a producer span, child of the current one (the request's, or the handled
        event's), and its envelope carries that span as ``traceparent``: its consumers continue the
        trace of whatever caused it, and an event written outside any trace starts one of its own."""
        values = self._envelope(data, subject)
        await session.execute(insert(self.table).values(**values))
        self._wake_after_commit(session.sync_session)
        return CloudEvent.model_validate(values["envelope"])

    def row(self, session: AsyncSession | DriverUnit, data: EventData, *, subject: str | None = None) -> dict[str, Any]:
        """``data`` as the values of one outbox row (``event_id``, ``type``, ``subject``, ``envelope``), for
        the caller to insert into :attr:`table` in the transaction of ``session`` (or of a request's unit of
        work on the driver's connection, :class:`hlm_kit.db.DriverUnit`) within a statement of its own, one
        that writes other rows too (a hot path saving a round trip); the envelope is made as in :meth:`add`,
        and this process's relay is woken once the transaction commits. Rows not written then are simply
        never sent."""
        values = self._envelope(data, subject)
        if isinstance(session, DriverUnit):
            session.after_commit(self._committed)
        else:
            self._wake_after_commit(session.sync_session)
        return values

    @staticmethod
    def _envelope(data: EventData, subject: str | None) -> dict[str, Any]:
        with _tracer.start_as_current_span(f"create {data.type}", kind=SpanKind.PRODUCER) as span:
            envelope = CloudEvent.document(data, subject=subject)
            span.set_attribute("messaging.message.id", envelope["id"])
        return {"event_id": envelope["id"], "type": data.type, "subject": subject, "envelope": envelope}

    @contextlib.contextmanager
    def waking(self, wake: asyncio.Event) -> Iterator[None]:
        """Set ``wake`` each time a transaction of this process that added events here commits, for as
        long as the block runs. Enter it on the event loop that waits on ``wake``."""
        self._wakers[wake] = asyncio.get_running_loop()
        try:
            yield
        finally:
            self._wakers.pop(wake, None)

    def _wake_after_commit(self, session: Session) -> None:
        info = session.info
        pending: set[Outbox] | None = info.get(_PENDING_KEY)
        if pending is None:
            pending = info[_PENDING_KEY] = set()
        pending.add(self)

    def _committed(self) -> None:
        """Wake everyone waiting on this outbox. Runs inside ``Session.commit``, so it never raises."""
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        for wake, loop in list(self._wakers.items()):
            if loop is running:
                wake.set()  # the usual case: the commit ran on the relay's own loop
            else:
                with contextlib.suppress(RuntimeError):  # that loop has closed: nobody is waiting
                    loop.call_soon_threadsafe(wake.set)


def _announce_commit(session: Session) -> None:
    # A released savepoint fires this too, but its rows become visible only when the transaction commits.
    if session.in_nested_transaction():
        return
    outboxes: set[Outbox] = session.info.pop(_PENDING_KEY, set())
    for outbox in outboxes:
        outbox._committed()


def _forget_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    # After a commit the set is already gone; after a rollback or a close its rows never existed.
    if transaction.parent is None:
        session.info.pop(_PENDING_KEY, None)


# The commit hooks, once for every session of the process: listening on each session that writes an
# event cost a request more than building the event. A session with no event pending announces nothing.
event.listen(Session, "after_commit", _announce_commit)
event.listen(Session, "after_transaction_end", _forget_uncommitted)
