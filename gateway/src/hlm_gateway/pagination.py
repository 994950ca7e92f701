"""Relay-style cursor pagination shared by every list of the schema."""

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
