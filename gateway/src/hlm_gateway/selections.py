"""What a query asks for below a field, so a resolver reads from a service only the data the query needs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from strawberry.types import Info
from strawberry.types.nodes import SelectedField, Selection

if TYPE_CHECKING:
    from hlm_gateway.context import Context


def selects(info: Info[Context, None], *path: str) -> bool:
    """Whether the query asks for the field at ``path`` below the field being resolved (GraphQL names,
    through fragments). ``selects(info, "edges", "node", "content")`` on a connection.

    A field under ``@skip``/``@include`` counts as asked for: reading it when it is skipped costs only
    time, never a wrong answer."""
    return any(_selects(field.selections, path) for field in info.selected_fields)


def _selects(selections: Iterable[Selection], path: tuple[str, ...]) -> bool:
    if not path:
        return True
    name, rest = path[0], path[1:]
    for selection in selections:
        if isinstance(selection, SelectedField):
            if selection.name == name and _selects(selection.selections, rest):
                return True
        elif _selects(selection.selections, path):  # a fragment spread or an inline fragment
            return True
    return False
