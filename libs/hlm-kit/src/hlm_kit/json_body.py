"""A request's JSON body validated from its bytes in one pass, for the hot paths that receive large bodies.

FastAPI (0.165) reads a body parameter by decoding the JSON into Python objects (``json.loads``) and then
validating those; for a rater's 5 KB response the decoding alone costs about as much as the validation
(0.28M instructions against 0.44M). Pydantic validates the bytes directly (``TypeAdapter.validate_json``),
0.42M for both. :class:`JsonBody` does that when the body is JSON and valid, and otherwise reads it as
FastAPI does, so every refusal (an empty or malformed body, another content type, each invalid field) is
the same 422 with the same errors, and the route documents the same request body.

:class:`PlainJsonBody` validates by the same model's rules into plain dicts and lists, for a hot path that
only reads the body's values and passes them on: a rater's response of 45 answers is 63 model instances
otherwise, about 40 % of the validation's cost, and as many dicts built again from them to store.
"""

from __future__ import annotations

import email.message
import json
from collections.abc import Mapping
from typing import Any, Generic, TypeVar, cast

from fastapi import HTTPException, Request
from fastapi._body_limit import get_body_limit_error  # FastAPI's own reading of a body, mirrored
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import CoreSchema, SchemaValidator
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY

ModelT = TypeVar("ModelT", bound=BaseModel)

_BODY = ("body",)


class JsonBody(Generic[ModelT]):
    """FastAPI dependency: the request's body as ``model``, validated once from its bytes. Take it as
    ``Annotated[Model, Depends(JsonBody(Model))]`` and give the route ``openapi_extra=body.openapi``.

    For a model whose JSON and Python validation accept the same documents (no strict-mode fields that
    JSON mode would read from strings, such as dates or UUIDs), and documented as a request body by
    another route of the app too, so that its schema is in the components the document refers to.

    A hot path may instead await the instance itself with the request (``body = await WHOLE(request)``,
    ``WHOLE = JsonBody(Model)`` made once and the route taking ``request: Request``, with ``WHOLE.openapi`` as
    its ``openapi_extra``): the same body and refusals, without FastAPI solving one more dependency on each
    request (about 70,000 instructions, as much as validating a small body)."""

    def __init__(self, model: type[ModelT]) -> None:
        self.model = model
        self._adapter: TypeAdapter[ModelT] = TypeAdapter(model)
        # The request body FastAPI documents for a required body parameter of this model.
        self.openapi: dict[str, Any] = {
            "requestBody": {
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}},
                "required": True,
            }
        }

    async def __call__(self, request: Request) -> ModelT:
        body = await _read(request)
        if body and _is_plain_json(request):
            try:
                return self._adapter.validate_json(body)
            except ValidationError:
                pass  # refused below, with FastAPI's own errors
        return self._as_fastapi_reads(request, body)

    def _as_fastapi_reads(self, request: Request, body: bytes) -> ModelT:
        """``body`` read and validated as FastAPI reads a body parameter: decoded when its content type
        says JSON, each error located under ``body``."""
        if not body:
            raise RequestValidationError([{"type": "missing", "loc": _BODY, "msg": "Field required", "input": None}])
        value: Any = body
        content_type = request.headers.get("content-type")
        if content_type:
            message = email.message.Message()
            message["content-type"] = content_type
            subtype = message.get_content_subtype()
            if message.get_content_maintype() == "application" and (subtype == "json" or subtype.endswith("+json")):
                try:
                    value = json.loads(body)
                except json.JSONDecodeError as exc:
                    error = {
                        "type": "json_invalid",
                        "loc": (*_BODY, exc.pos),
                        "msg": "JSON decode error",
                        "input": {},
                        "ctx": {"error": exc.msg},
                    }
                    raise RequestValidationError([error], body=exc.doc) from exc
                except Exception as exc:  # not UTF-8, say: FastAPI answers as for a body it cannot read
                    raise HTTPException(status_code=400, detail="There was an error parsing the body") from exc
        try:
            return self._adapter.validate_python(value, from_attributes=True)
        except ValidationError as exc:
            errors = [{**error, "loc": (*_BODY, *error["loc"])} for error in exc.errors(include_url=False)]
            raise RequestValidationError(errors, body=value) from None


class PlainJsonBody(Generic[ModelT]):
    """The request's body validated by ``model``'s own rules (its core schema, each model of it read as a
    dict of its fields: the same types, constraints, defaults and refusal of extra fields) into plain dicts
    and lists, from its bytes. Awaited by a hot path as :class:`JsonBody` is
    (``body = await WHOLE(request)``, ``WHOLE = PlainJsonBody(Model)`` made once, ``WHOLE.openapi`` as the
    route's ``openapi_extra``): the same documented body, and a body ``model`` refuses is refused with the
    same 422, found by :class:`JsonBody` (the body is read again as FastAPI reads it).

    For a model whose rules are its fields' alone: a model with validators, a custom ``__init__`` or
    computed fields (whose dict would not be what the model makes of the body) is refused when this is made.
    """

    def __init__(self, model: type[ModelT]) -> None:
        self._body = JsonBody(model)
        self.openapi = self._body.openapi
        self._validator = SchemaValidator(cast(CoreSchema, _as_dicts(TypeAdapter(model).core_schema)))

    async def __call__(self, request: Request) -> dict[str, Any]:
        body = await _read(request)
        if body and _is_plain_json(request):
            try:
                plain: dict[str, Any] = self._validator.validate_json(body)
                return plain
            except ValidationError:
                pass  # refused below, with FastAPI's own errors
        # Refused there, or a JSON body of another content type, which FastAPI decodes and validates.
        return self._body._as_fastapi_reads(request, body).model_dump()


# The keys a model's field may have in its core schema that a dict's field keeps, or may leave.
_FIELD_KEYS = {"type", "schema", "validation_alias", "serialization_alias", "serialization_exclude", "metadata"}
_FIELD_KEPT = ("validation_alias",)


def _as_dicts(schema: Any) -> Any:
    """``schema`` (a pydantic core schema) with each model's schema replaced by a typed dict's of the same
    fields, config and reference."""
    if isinstance(schema, list):
        return [_as_dicts(part) for part in schema]
    if not isinstance(schema, Mapping):
        return schema
    if schema.get("type") != "model":
        if schema.get("type", "").startswith("function-") or schema.get("type") == "model-fields":
            raise TypeError("a PlainJsonBody's model is its fields alone: no validators")
        return {key: _as_dicts(value) for key, value in schema.items()}
    fields_schema = schema["schema"]
    if schema.get("custom_init") or schema.get("post_init") or schema.get("root_model"):
        raise TypeError(f"{schema.get('cls')}: a PlainJsonBody's model is its fields alone")
    if fields_schema.get("type") != "model-fields" or fields_schema.get("computed_fields"):
        raise TypeError(f"{schema.get('cls')}: a PlainJsonBody's model is its fields alone, no validators")
    fields = {}
    for name, field in fields_schema["fields"].items():
        if not set(field) <= _FIELD_KEYS:
            raise TypeError(f"{schema.get('cls')}.{name}: {sorted(set(field) - _FIELD_KEYS)} not kept in a dict")
        inner = _as_dicts(field["schema"])
        fields[name] = {
            "type": "typed-dict-field",
            "schema": inner,
            # A field with a default may be left out, and is then given it, as the model gives it.
            "required": inner.get("type") != "default",
            **{key: field[key] for key in _FIELD_KEPT if key in field},
        }
    config = dict(schema.get("config") or {})
    plain: dict[str, Any] = {"type": "typed-dict", "fields": fields, "config": config}
    extra = fields_schema.get("extra_behavior") or config.get("extra_fields_behavior")
    if extra is not None:
        plain["extra_behavior"] = extra
    if "ref" in schema:
        plain["ref"] = schema["ref"]
    return plain


def _is_plain_json(request: Request) -> bool:
    headers: list[tuple[bytes, bytes]] = request.scope["headers"]
    for name, value in headers:
        if name == b"content-type":
            return value.split(b";", 1)[0].strip().lower() == b"application/json"
    return False


async def _read(request: Request) -> bytes:
    try:
        return await request.body()
    except HTTPException:
        raise
    except Exception as exc:
        # As FastAPI reads a body: its body-size limit's own errors go on to its middleware, which answers
        # them; a body that could not be read otherwise is a 400.
        if MAX_BODY_SIZE_SCOPE_KEY in request.scope and (error := get_body_limit_error(exc)):
            raise error from exc
        raise HTTPException(status_code=400, detail="There was an error parsing the body") from exc
