"""Framework versions served from memory: the JSON bytes and ETag of each, encoded once per process.

A published version never changes, but two things about what ``GET /v1/frameworks/{key}`` serves do:
which version is a framework's latest published one (a publish, a retirement), and a retired version's
own representation (its status). Every write to ``framework.framework_version``, whoever makes it (the
API, the catalogue loader, an operator), notifies :data:`CHANNEL` in its transaction (a trigger), so the
notification is delivered when the change commits and never for a change rolled back.

Each process holds one :class:`PublishedFrameworks`. It serves from memory only while its ``LISTEN``
connection is up, and forgets everything when a notification arrives, when the connection comes up (what
was committed meanwhile is unknown) and when it is lost; while it is down every read goes to the
database, as without the cache. A connection that dies without a word (a network partition) is found by
a ping every ``ping_interval_s``, which bounds how long a stale answer can be given in that case. A read
that started before an invalidation never stores its result afterwards (the generation it started in is
gone), so an answer read from the database before a publish cannot outlive the publish's notification.

Drafts are never kept (an admin may re-import one at any time), nor any refusal.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Annotated, Any

import asyncpg
import structlog
from cachetools import LRUCache
from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.http_cache import Representation

log = structlog.get_logger(__name__)

CHANNEL = "framework_catalogue_changed"
"""The channel the trigger on ``framework.framework_version`` notifies, once per changing statement."""

APPLICATION_NAME = "framework-svc catalogue listener"

Rendered = Representation
"""A version's JSON bytes, their ETag and the headers of its responses."""


class PublishedFrameworks:
    """The rendered published and retired versions this process serves, by (key, number); ``None`` as
    the number is the framework's latest published version."""

    def __init__(self, *, maxsize: int = 256) -> None:
        self._entries: LRUCache[tuple[str, int | None], Rendered] = LRUCache(maxsize=maxsize)
        self._generation = 0
        self._listening = False

    @property
    def listening(self) -> bool:
        """Whether changes committed anywhere reach this process now; only then is anything served from memory."""
        return self._listening

    @property
    def generation(self) -> int:
        """Taken before reading from the database, handed back to :meth:`put`."""
        return self._generation

    def get(self, key: str, number: int | None) -> Rendered | None:
        if not self._listening:
            return None
        return self._entries.get((key, number))

    def put(self, generation: int, key: str, number: int | None, rendered: Rendered) -> None:
        """Keep ``rendered``, read from the database in ``generation``, unless something changed since."""
        if self._listening and generation == self._generation:
            self._entries[(key, number)] = rendered

    def invalidate(self) -> None:
        self._generation += 1
        self._entries.clear()

    def invalidate_on_commit(self, session: AsyncSession) -> None:
        """For a change this process makes: forget now, and again when ``session`` commits, so that the
        writer's next read sees its change even before the notification comes back to this process."""
        self.invalidate()
        event.listen(session.sync_session, "after_commit", lambda _session: self.invalidate(), once=True)

    async def listen(self, database_url: str, *, ping_interval_s: float = 5.0, retry_interval_s: float = 1.0) -> None:
        """Hold the ``LISTEN`` connection until cancelled, reconnecting when it is lost."""
        while True:
            connection: asyncpg.Connection | None = None
            try:
                connection = await asyncpg.connect(
                    database_url, timeout=10, server_settings={"application_name": APPLICATION_NAME}
                )
                closed = asyncio.Event()
                connection.add_termination_listener(lambda _connection, closed=closed: closed.set())
                await connection.add_listener(CHANNEL, self._notified)
                # From here on every change is heard; what was committed before is not known, so nothing
                # read earlier is kept.
                self.invalidate()
                self._listening = True
                while not closed.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(closed.wait(), timeout=ping_interval_s)
                    if not closed.is_set():
                        await connection.fetchval("SELECT 1", timeout=ping_interval_s)
                log.warning("catalogue LISTEN connection closed; reading from the database until it is back")
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # asyncpg's client-side errors too: the listener must not end
                log.warning(
                    "catalogue LISTEN connection lost; reading from the database until it is back", error=str(exc)
                )
            finally:
                self._listening = False
                self.invalidate()
                if connection is not None and not connection.is_closed():
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(connection.close(), timeout=5)
            await asyncio.sleep(retry_interval_s)

    def _notified(self, *_: Any) -> None:
        self.invalidate()


async def published_frameworks(request: Request) -> PublishedFrameworks:
    cache: PublishedFrameworks = request.app.state.published_frameworks
    return cache


Published = Annotated[PublishedFrameworks, Depends(published_frameworks)]
