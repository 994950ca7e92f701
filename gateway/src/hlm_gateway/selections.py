"""What a query asks for below a field, so a resolver reads from a service only the data the query needs."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionNode,
    SelectionSetNode,
)
from strawberry.types import Info
from strawberry.types.nodes import (
    Arguments,
    Directives,
    InlineFragment,
    SelectedField,
    Selection,
    convert_arguments,
    convert_directives,
)

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
    return selects_among(selected_fields(info), *path)


def selects_among(fields: Iterable[SelectedField], *path: str) -> bool:
    """:func:`selects` over fields already made by :func:`selected_fields`: a resolver that reads more than one
    thing of its selection makes the fields once, and each level below them once, for all of them."""
    return any(_selects(field.selections, path) for field in fields)


def selected_fields(info: Info[Context, None]) -> list[SelectedField]:
    """The field being resolved as strawberry's ``info.selected_fields`` shows it, each level below it made
    when it is first read: strawberry makes the whole tree below the field at once, and a rater's page (whose
    resolver asks about two of its fields) paid for every field of the questionnaire it had left out."""
    return [_LazyField(info, node) for node in info._raw_info.field_nodes]


def _lazy(info: Info[Context, None], nodes: Iterable[SelectionNode]) -> list[Selection]:
    made: list[Selection] = []
    for node in nodes:
        if isinstance(node, FieldNode):
            made.append(_LazyField(info, node))
        elif isinstance(node, InlineFragmentNode):
            made.append(_LazyFragment(info, node, node.selection_set))
        elif isinstance(node, FragmentSpreadNode):
            made.append(_LazyFragment(info, node, info._raw_info.fragments[node.name.value].selection_set))
        else:
            raise TypeError(f"Unknown node type: {node}")
    return made


class _LazyField(SelectedField):
    """strawberry's SelectedField (its name, alias, arguments and directives made as strawberry makes them),
    with the selections below it made when first read."""

    def __init__(self, info: Info[Context, None], node: FieldNode) -> None:
        self._info, self._node = info, node
        self.name = node.name.value
        self.alias = node.alias.value if node.alias else None

    @functools.cached_property
    def directives(self) -> Directives:  # type: ignore[override]
        return convert_directives(self._info._raw_info, self._node.directives)

    @functools.cached_property
    def arguments(self) -> Arguments:  # type: ignore[override]
        return convert_arguments(self._info._raw_info, self._node.arguments)

    @functools.cached_property
    def selections(self) -> list[Selection]:  # type: ignore[override]
        selection_set = self._node.selection_set
        return _lazy(self._info, selection_set.selections if selection_set else ())


class _LazyFragment(InlineFragment):
    """A fragment spread or an inline fragment, as strawberry's InlineFragment shows one (what :func:`selected`
    reads of either), with the selections below it made when first read."""

    def __init__(
        self,
        info: Info[Context, None],
        node: InlineFragmentNode | FragmentSpreadNode,
        selection_set: SelectionSetNode | None,
    ) -> None:
        self._info, self._node, self._selection_set = info, node, selection_set
        self.type_condition = None

    @functools.cached_property
    def directives(self) -> Directives:  # type: ignore[override]
        return convert_directives(self._info._raw_info, self._node.directives)

    @functools.cached_property
    def selections(self) -> list[Selection]:  # type: ignore[override]
        return _lazy(self._info, self._selection_set.selections if self._selection_set else ())


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
