"""Turning an uploaded document (JSON or YAML) into a validated model, with every error listed."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from framework_svc.document_format import dump_document, format_of, parse_document
from hlm_kit.errors import FieldError, UnprocessableContent, field_errors_from

DocumentT = TypeVar("DocumentT", bound=BaseModel)


async def read_document(request: Request, model: type[DocumentT]) -> DocumentT:
    """Parse and validate the request body as ``model``; 400 for bad syntax, 422 listing every error."""
    raw = parse_document(await request.body(), format_of(request.headers.get("content-type")))
    return validate_document(raw, model)


def validate_document(raw: Any, model: type[DocumentT], *, context: dict[str, Any] | None = None) -> DocumentT:
    """Validate ``raw`` as ``model``; ``context`` carries what cross-checks need (the published catalogue)."""
    try:
        return model.model_validate(raw, context=context)
    except ValidationError as exc:
        errors = field_errors_from(exc, prefix=["body"])
        raise UnprocessableContent(f"the document has {len(errors)} error(s)", errors=errors) from exc


def document_openapi(model: type[BaseModel]) -> dict[str, Any]:
    """OpenAPI for an endpoint that takes the document as JSON or YAML."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}},
                "application/yaml": {"schema": {"type": "string"}},
            },
        },
        "x-document-schema": schema,
    }


def export_body(document: BaseModel, fmt: str) -> tuple[str, str]:
    """The exported document and its media type."""
    if fmt == "yaml":
        return dump_document(document, "yaml"), "application/yaml"
    return dump_document(document, "json"), "application/json"


def reference_errors(problems: list[tuple[list[str | int], str]]) -> None:
    """Raise 422 with ``problems`` (location, message) found by checks that need the database."""
    if problems:
        raise UnprocessableContent(
            f"the document has {len(problems)} error(s)",
            errors=[FieldError(loc=["body", *loc], msg=msg, type="reference_error") for loc, msg in problems],
        )
