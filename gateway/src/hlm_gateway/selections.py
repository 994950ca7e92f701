"""What a query asks for below a field, so a resolver reads from a service only the data the query needs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from strawberry.types import Info
from strawberry.types.nodes import SelectedField, Selection

if TYPE_CHECKING:
    from hlm_gateway.context import Context


def selects(info: Info[Context, None], *path: str) -> bool:
    """Whether the query asks for the field at ``path`` below the field being resolved (GraphQL names,
    through fragments). ``selects(info, "edges", "node", "content")`` on a connection.

    A field (or fragment) left out by ``@skip``/``@include`` is not asked for, so a client that already
    holds some data (a questionnaire it has read before) saves the service the read as well.

    Answered once per operation for each place in the query: a list's items (each cycle of a page asking
    whether its report's content is read) share the answer, since strawberry builds ``selected_fields``,
    the whole selection below the field, anew on every call."""
    known: dict[tuple[object, ...], bool] | None = getattr(info.context, "selections", None)
    if known is None:  # a schema of another context than the gateway's
        return _asks(info, path)
    place = (*map(id, info._raw_info.field_nodes), *path)
    answer = known.get(place)
    if answer is None:
        answer = known[place] = _asks(info, path)
    return answer


def _asks(info: Info[Context, None], path: tuple[str, ...]) -> bool:
    return any(_selects(field.selections, path) for field in info.selected_fields)


def selected(selections: Iterable[Selection], name: str) -> Iterator[SelectedField]:
    """Each field ``name`` among ``selections`` (through fragments; left out by ``@skip``/``@include``, not
    there): every one a query asks for, aliases and arguments of its own included."""
    for selection in selections:
        if not _included(selection):
            continue
        if isinstance(selection, SelectedField):
            if selection.name == name:
                yield selection
        else:  # a fragment spread or an inline fragment
            yield from selected(selection.selections, name)


def _selects(selections: Iterable[Selection], path: tuple[str, ...]) -> bool:
    if not path:
        return True
    name, rest = path[0], path[1:]
    for selection in selections:
        if not _included(selection):
            continue
        if isinstance(selection, SelectedField):
            if selection.name == name and _selects(selection.selections, rest):
                return True
        elif _selects(selection.selections, path):  # a fragment spread or an inline fragment
            return True
    return False


def _included(selection: Selection) -> bool:
    """Whether ``@skip``/``@include`` (their arguments as the request's variables made them) keep it."""
    directives = selection.directives
    return not (directives.get("skip", {}).get("if") is True or directives.get("include", {}).get("if") is False)
