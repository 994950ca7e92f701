"""The framework document: the one format an academy imports, exports and the catalogue loader reads.

A document describes one version of one framework. It is validated whole before anything is stored, and
every problem is reported at once, with its location, so an author can fix a file in one pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, Literal, Self, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError
from pydantic_core.core_schema import ErrorType

from hlm_kit.edge import NulFreeStr, PositiveInt32

KEY_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,62}$"
Key = Annotated[str, StringConstraints(pattern=KEY_PATTERN)]
# A document may come as YAML, which the edge does not read for NUL characters: its texts refuse them.
Text = Annotated[NulFreeStr, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Name = Annotated[NulFreeStr, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class DocumentModel(BaseModel):
    # Unknown fields are an author's typo far more often than an intent: refuse them.
    model_config = ConfigDict(extra="forbid", frozen=True)


Loc = tuple[str | int, ...]
# A problem between parts of a document: where (the later of two clashing parts), error type, message.
ReferenceProblem = tuple[Loc, str, str]


def field_of(part: Any, name: str) -> Any:
    """``name`` of a raw mapping or of an already built model; None when absent."""
    return part.get(name) if isinstance(part, Mapping) else getattr(part, name, None)


def entries(part: Any, name: str) -> list[tuple[int, Any]]:
    """The (index, entry) pairs of the list ``name`` of ``part``; none when it is not a list."""
    value = field_of(part, name)
    return list(enumerate(value)) if isinstance(value, list | tuple) else []


def duplicates(
    what: str, keyed: Iterable[tuple[Loc, object]], message: str = "duplicate key {key} in {what}"
) -> list[ReferenceProblem]:
    """A problem at every repeat of a key already seen; keys of the wrong type are left to field checks."""
    seen: set[object] = set()
    problems: list[ReferenceProblem] = []
    for loc, key in keyed:
        if not isinstance(key, str | int) or isinstance(key, bool):
            continue
        if key in seen:
            problems.append((loc, "duplicate_key", message.format(key=repr(key), what=what)))
        seen.add(key)
    return problems


_BUILTIN_ERROR_TYPES = frozenset(get_args(ErrorType))


def _error_type(error: ErrorDetails) -> str | PydanticCustomError:
    # A custom error of a field type (hlm_kit's NUL-free text) is re-raised as itself; pydantic knows
    # only its own error types by name.
    if error["type"] in _BUILTIN_ERROR_TYPES:
        return error["type"]
    return PydanticCustomError(error["type"], error["msg"])


def validate_whole(
    model: type[BaseModel],
    data: Any,
    handler: ModelWrapValidatorHandler[Any],
    find_problems: Callable[[Any], list[ReferenceProblem]],
) -> Any:
    """Validate fields and cross-references together, so an author sees every problem in one pass."""
    try:
        document = handler(data)
    except ValidationError as exc:
        errors = [
            InitErrorDetails(type=_error_type(e), loc=e["loc"], input=e["input"], ctx=e.get("ctx", {}))
            for e in exc.errors()
        ]
        # Some fields are invalid: check the cross-references of the input as sent, passing over parts
        # that are missing or malformed (those are field errors, listed beside these).
        problems = find_problems(data)
    else:
        errors, problems = [], find_problems(document)
    for loc, type_, message in problems:
        errors.append(
            InitErrorDetails(type=PydanticCustomError(type_, "{message}", {"message": message}), loc=loc, input=data)
        )
    if errors:
        raise ValidationError.from_exception_data(model.__name__, errors)
    return document


class RatingLevelDoc(DocumentModel):
    value: int = Field(ge=1, le=10)
    key: Key
    name: Name
    description: Text


class StageDoc(DocumentModel):
    number: int = Field(ge=1, le=10)
    name: Name
    description: Text


class IndicatorDoc(DocumentModel):
    stage: int = Field(ge=1, le=10)
    text: Text


class ElementDoc(DocumentModel):
    key: Key
    name: Name
    descriptors: list[Text] = Field(min_length=1)
    indicators: list[IndicatorDoc] = Field(default_factory=list)


class DimensionDoc(DocumentModel):
    key: Key
    name: Name
    summary: Text
    why_it_matters: Text | None = None
    what_it_is_not: Text | None = None
    # Who the dimension is written for, where a framework draws that line (LF2011: core or senior).
    audience: Literal["all", "core", "senior"] = "all"
    reflective_questions: list[Text] = Field(default_factory=list)
    not_yet_behaviours: list[Text] = Field(default_factory=list)
    elements: list[ElementDoc] = Field(default_factory=list)


class FrameworkDocument(DocumentModel):
    kind: Literal["framework"] = "framework"
    key: Key
    version: PositiveInt32
    name: Name
    summary: Text
    # What the framework calls its top-level parts: HLM has dimensions, LF2011 has domains.
    dimension_label: Literal["dimension", "domain"] = "dimension"
    rating_levels: list[RatingLevelDoc] = Field(default_factory=list)
    stages: list[StageDoc] = Field(default_factory=list)
    dimensions: list[DimensionDoc] = Field(min_length=1)

    @model_validator(mode="wrap")
    @classmethod
    def _check_references(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        document: Self = validate_whole(cls, data, handler, framework_problems)
        return document


def framework_problems(document: Any) -> list[ReferenceProblem]:
    """Keys that must be unique and indicators that must name a stage of the document."""
    dimensions = entries(document, "dimensions")
    elements = [
        (("dimensions", d, "elements", e), element)
        for d, dimension in dimensions
        for e, element in entries(dimension, "elements")
    ]
    stages = entries(document, "stages")
    levels = entries(document, "rating_levels")
    problems = duplicates("dimensions", ((("dimensions", i, "key"), field_of(d, "key")) for i, d in dimensions))
    problems += duplicates("elements", (((*loc, "key"), field_of(e, "key")) for loc, e in elements))
    problems += duplicates("stages", ((("stages", i, "number"), field_of(s, "number")) for i, s in stages))
    problems += duplicates("rating_levels", ((("rating_levels", i, "value"), field_of(r, "value")) for i, r in levels))
    problems += duplicates("rating_levels", ((("rating_levels", i, "key"), field_of(r, "key")) for i, r in levels))
    stage_numbers = {n for _, s in stages if isinstance(n := field_of(s, "number"), int)}
    for loc, element in elements:
        where = f"element {field_of(element, 'key')!r}"
        seen: set[int] = set()
        for i, indicator in entries(element, "indicators"):
            stage, at = field_of(indicator, "stage"), (*loc, "indicators", i, "stage")
            if not isinstance(stage, int) or isinstance(stage, bool):
                continue
            if stage not in stage_numbers:
                problems.append((at, "unknown_reference", f"{where}: indicator names unknown stage {stage}"))
            if stage in seen:
                problems.append((at, "duplicate_key", f"{where}: more than one indicator for stage {stage}"))
            seen.add(stage)
    return problems
