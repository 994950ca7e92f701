"""The arguments of every query, mutation and subscription, checked before any resolver runs.

What an app sends ends up in a service's URL path, its query string or a header. A value that cannot be
one (an empty id, 70 KB of text, a NUL or an accented letter in a header) would otherwise fail inside
httpx, or reach a route it was never meant for, and come back as an unexpected error. Here it is refused
with ``BAD_USER_INPUT``, and no service is called.

- Every ``ID`` (alone, in a list, or in an input object) is a UUID, passed on in its canonical form;
  except the arguments marked :data:`SUBJECT`, which name a person by their token's ``sub``.
- A ``String`` argument is checked only where it is marked with a check (:func:`checked`): the ones
  bound for a URL or a header.
- An ``Int`` argument is checked where it is marked with its bounds (:func:`bounded`): a page's size
  (:data:`hlm_gateway.pagination.First`) and other counts a service caps.

:func:`check_arguments` puts the check on each root field of the schema once, so no resolver repeats it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.types.arguments import StrawberryArgumentAnnotation
from strawberry.types.base import StrawberryList, StrawberryOptional, has_object_definition
from strawberry.types.field import StrawberryField
from strawberry.utils.str_converters import to_camel_case

from hlm_gateway.errors import ErrorCode, GatewayError

CHECK = "hlm_gateway.check"


class InvalidValue(ValueError):
    """A value an argument cannot take; the message says what it should be."""


Check = Callable[[str], str]
"""Returns the value to pass on (possibly normalised), or raises :class:`InvalidValue`."""

# "urn:uuid:" and 36 characters: the longest form uuid.UUID reads.
_MAX_UUID_TEXT = 45


def uuid_id(value: str) -> str:
    if len(value) > _MAX_UUID_TEXT:
        raise InvalidValue("is not an id")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise InvalidValue("is not an id") from None


# survey-svc's bounds on a participant id (a token's ``sub``).
MAX_SUBJECT = 255


def subject(value: str) -> str:
    # "." and ".." would be read as path segments, not as an id; control characters are never part of a sub.
    if not 1 <= len(value) <= MAX_SUBJECT or value in {".", ".."} or not value.isprintable():
        raise InvalidValue(f"is not a participant id (1 to {MAX_SUBJECT} printable characters)")
    return value


# The services take an Idempotency-Key of up to 200 characters; a header value is ASCII, and spaces at
# either end would be trimmed on the way, so only visible ASCII characters make a key.
_IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,200}")


def idempotency_key(value: str) -> str:
    if not _IDEMPOTENCY_KEY.fullmatch(value):
        raise InvalidValue("must be 1 to 200 visible ASCII characters")
    return value


# framework-svc's keys of frameworks and dimensions.
_KEY = re.compile(r"[a-z0-9][a-z0-9_.-]{0,62}")


def key(value: str) -> str:
    if not _KEY.fullmatch(value):
        raise InvalidValue("is not a key (lower-case letters, digits, '_', '.', '-'; at most 63)")
    return value


# The services' cursors are ids, keys or short base64 text; far below this.
MAX_CURSOR = 512


def cursor(value: str) -> str:
    if len(value) > MAX_CURSOR or not value.isascii() or not value.isprintable():
        raise InvalidValue("is not a cursor of this list")
    return value


# Organisation codes, regions and team 360 ids: report-svc's group values are short.
MAX_NAME = 200


def name(value: str) -> str:
    if not 1 <= len(value) <= MAX_NAME or not value.isprintable():
        raise InvalidValue(f"must be 1 to {MAX_NAME} printable characters")
    return value


@dataclass(frozen=True)
class CheckMark:
    """The check an argument's or an input field's metadata carries: ``metadata={CHECK: CheckMark(subject)}``
    (strawberry keeps metadata untyped)."""

    check: Check


def checked(check: Check, description: str | None = None) -> StrawberryArgumentAnnotation:
    """``Annotated[str, checked(key)]``: the argument is refused unless ``check`` accepts it."""
    return strawberry.argument(description=description, metadata={CHECK: CheckMark(check)})


@dataclass(frozen=True)
class Bounds:
    """The range an ``Int`` argument must fall in."""

    low: int
    high: int

    def check(self, value: object, where: str) -> object:
        if isinstance(value, int) and not self.low <= value <= self.high:
            raise GatewayError(f"{where} must be between {self.low} and {self.high}", ErrorCode.BAD_USER_INPUT)
        return value


def bounded(low: int, high: int, description: str | None = None) -> StrawberryArgumentAnnotation:
    """``Annotated[int, bounded(1, 100)]``: the argument is refused outside ``low`` to ``high``."""
    return strawberry.argument(description=description, metadata={CHECK: Bounds(low, high)})


SUBJECT = checked(subject)
"""``Annotated[strawberry.ID, SUBJECT]``: an id that is a person's ``sub``, not a UUID."""

Cursor = Annotated[str | None, checked(cursor)]
IdempotencyKey = Annotated[str | None, checked(idempotency_key)]
Key = Annotated[str, checked(key)]


ValueCheck = Callable[[object, str], object]
"""``(value, where) -> value``: the value to pass on, or GatewayError naming ``where``."""


@dataclass(frozen=True)
class _Checked:
    """How to check one argument or input field: by its GraphQL name, for the error message."""

    graphql_name: str
    python_name: str
    check: ValueCheck


def _checker(type_: object, metadata: Mapping[object, object], seen: frozenset[type]) -> ValueCheck | None:
    """A function ``(value, where) -> value`` for a value of ``type_``, or None when nothing is checked."""
    if isinstance(type_, StrawberryOptional):
        inner = _checker(type_.of_type, metadata, seen)
        if inner is None:
            return None
        optional = inner
        return lambda value, where: None if value is None else optional(value, where)
    if isinstance(type_, StrawberryList):
        item = _checker(type_.of_type, metadata, seen)
        if item is None:
            return None
        each = item

        def check_list(values: object, where: str) -> object:
            if not isinstance(values, list):
                return values
            return [each(v, f"{where}[{i}]") for i, v in enumerate(values)]

        return check_list
    marked = metadata.get(CHECK)
    if isinstance(marked, Bounds):
        return marked.check
    check = marked.check if isinstance(marked, CheckMark) else None
    if check is None and type_ is strawberry.ID:
        check = uuid_id
    if check is not None:
        scalar = check

        def check_scalar(value: object, where: str) -> object:
            try:
                return scalar(str(value))
            except InvalidValue as exc:
                raise GatewayError(f"{where} {exc}", ErrorCode.BAD_USER_INPUT) from None

        return check_scalar
    if has_object_definition(type_) and type_.__strawberry_definition__.is_input and type_ not in seen:
        fields = _checked_fields(type_.__strawberry_definition__.fields, seen | {type_})
        if not fields:
            return None

        def check_input(value: object, where: str) -> object:
            for field in fields:
                current = getattr(value, field.python_name, None)
                if current is not None and current is not strawberry.UNSET:
                    setattr(value, field.python_name, field.check(current, f"{where}.{field.graphql_name}"))
            return value

        return check_input
    return None


def _checked_fields(fields: list[StrawberryField], seen: frozenset[type]) -> list[_Checked]:
    checked_fields = []
    for field in fields:
        check = _checker(field.type, field.metadata or {}, seen)
        if check is not None:
            graphql_name = field.graphql_name or to_camel_case(field.python_name)
            checked_fields.append(_Checked(graphql_name, field.python_name, check))
    return checked_fields


class CheckedArguments(FieldExtension):
    """Checks a field's arguments once strawberry has converted them, before the resolver (or any other
    extension) sees them; a value refused raises BAD_USER_INPUT for that field alone."""

    def __init__(self) -> None:
        self._arguments: list[_Checked] = []

    def apply(self, field: StrawberryField) -> None:
        self._arguments = []
        for argument in field.arguments:
            check = _checker(argument.type, argument.metadata, frozenset())
            if check is not None:
                graphql_name = argument.graphql_name or to_camel_case(argument.python_name)
                self._arguments.append(_Checked(graphql_name, argument.python_name, check))

    def map_arguments(self, kwargs: dict[str, object]) -> dict[str, object]:
        for argument in self._arguments:
            value = kwargs.get(argument.python_name)
            if value is not None and value is not strawberry.UNSET:
                kwargs[argument.python_name] = argument.check(value, argument.graphql_name)
        return kwargs


def check_arguments(*root_types: type) -> None:
    """Put :class:`CheckedArguments` on every field of ``root_types`` that takes arguments (once, however
    often the schema is built)."""
    for root_type in root_types:
        for field in root_type.__strawberry_definition__.fields:  # type: ignore[attr-defined]
            if field.arguments and not any(isinstance(e, CheckedArguments) for e in field.extensions):
                field.extensions.append(CheckedArguments())
