"""A request's JSON body validated from its bytes in one pass, for the hot paths that receive large bodies.

FastAPI (0.165) reads a body parameter by decoding the JSON into Python objects (``json.loads``) and then
validating those; for a rater's 5 KB response the decoding alone costs about as much as the validation
(0.28M instructions against 0.44M). Pydantic validates the bytes directly (``TypeAdapter.validate_json``),
0.42M for both. :class:`JsonBody` does that when the body is JSON and valid, and otherwise reads it as
FastAPI does, so every refusal (an empty or malformed body, another content type, each invalid field) is
the same 422 with the same errors, and the route documents the same request body.
"""

from __future__ import annotations

import email.message
import json
from typing import Any, Generic, TypeVar

from fastapi import HTTPException, Request
from fastapi._body_limit import get_body_limit_error  # FastAPI's own reading of a body, mirrored
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, TypeAdapter, ValidationError
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
