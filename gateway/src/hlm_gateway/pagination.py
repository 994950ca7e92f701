"""Relay-style cursor pagination shared by every list of the schema.

Written here rather than taken from ``strawberry.relay``, because relay's types cannot give the SDL that
``schema.graphql`` promises clients (checked against strawberry 0.341):

- ``relay.PageInfo`` has four fields, ``hasNextPage: Boolean!``, ``hasPreviousPage: Boolean!``,
  ``startCursor: String``, ``endCursor: String``; ours has the first and the last. (A subclass of
  ``relay.Connection`` can re-declare ``page_info`` with this ``PageInfo``, but then nothing of relay's is
  left but its descriptions.)
- ``relay.connection()`` adds ``before: String = null, after: String = null, first: Int = null,
  last: Int = null`` to every field, where ours take ``first: Int! = 20`` (1 to 100) and ``after``: every
  list's arguments would change, and ``before``/``last`` would be offered though the services page forwards
  only, by keyset.
- Its resolver must return the nodes as an iterable, which ``resolve_connection`` then slices by offset
  (cursors ``arrayconnection:<n>``); ours asks a service for one page with ``first`` and ``after`` and
  hands on the service's keyset ``next_cursor``, so the resolver needs the arguments relay keeps from it.
- Its ``Connection``, ``Edge`` and ``PageInfo`` carry descriptions ours do not, and list ``pageInfo``
  before ``edges`` (no client notices either, but the schema file changes).

The one argument check relay would give is :data:`First`, shared by every list.
"""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

import strawberry

from hlm_gateway.arguments import bounded

NodeT = TypeVar("NodeT")

# The most items a page holds: the services' own cap on a page.
MAX_PAGE = 100

First = Annotated[int, bounded(1, MAX_PAGE)]
"""A list's ``first`` argument, ``first: First = 20``: refused outside 1 to :data:`MAX_PAGE` before the resolver
runs, so no service is asked for a page it would refuse."""


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
