"""Every failure as RFC 9457 problem details (``application/problem+json``).

Services raise the exceptions below; the handlers installed by :func:`install_problem_handlers` turn
them, FastAPI's validation errors and Starlette's HTTP errors into problem documents. Anything else is
logged with its correlation id and answered with a 500 that reveals nothing of the internals.
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from hlm_kit.observability import current_correlation_id

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "https://hlm.example.org/problems/"

log = structlog.get_logger(__name__)


class FieldError(BaseModel):
    """One bad field: where it is (``loc``), what is wrong (``msg``) and a machine code (``type``)."""

    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """The body of a problem+json response, with the extension members this platform uses."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] | None = None
    correlation_id: str | None = None


class ProblemError(Exception):
    """Base of the errors a service raises on purpose; ``code`` becomes the problem type's last part."""

    status: int = 500
    code: str = "internal-error"

    def __init__(self, detail: str | None = None, *, errors: Sequence[FieldError] | None = None) -> None:
        super().__init__(detail or self.code)
        self.detail = detail
        self.errors = list(errors) if errors else None

    @property
    def title(self) -> str:
        return HTTPStatus(self.status).phrase


class BadRequest(ProblemError):
    status, code = 400, "bad-request"


class Unauthenticated(ProblemError):
    status, code = 401, "unauthenticated"


class Forbidden(ProblemError):
    status, code = 403, "forbidden"


class NotFound(ProblemError):
    status, code = 404, "not-found"


class Conflict(ProblemError):
    status, code = 409, "conflict"


class UnprocessableContent(ProblemError):
    """The request was well-formed but its content breaks a rule; ``errors`` lists every problem."""

    status, code = 422, "validation-error"


def field_errors_from(
    exc: ValidationError | RequestValidationError, *, prefix: Sequence[str | int] = ()
) -> list[FieldError]:
    """Every error pydantic found, each with its location, none dropped."""
    return [
        FieldError(loc=[*prefix, *err.get("loc", ())], msg=str(err.get("msg", "")), type=str(err.get("type", "")))
        for err in exc.errors()
    ]


def problem_response(
    request: Request,
    status: int,
    *,
    code: str | None = None,
    detail: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Build a problem+json response for ``request``."""
    problem = Problem(
        type=PROBLEM_TYPE_BASE + code if code else "about:blank",
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=request.url.path,
        errors=errors,
        correlation_id=current_correlation_id(),
    )
    return JSONResponse(
        problem.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return problem_response(request, exc.status, code=exc.code, detail=exc.detail, errors=exc.errors, headers=headers)


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = field_errors_from(exc)
    return problem_response(
        request, 422, code="validation-error", detail=f"{len(errors)} invalid field(s)", errors=errors
    )


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers: dict[str, Any] | None = getattr(exc, "headers", None)
    detail = exc.detail if isinstance(exc.detail, str) else None
    return problem_response(request, exc.status_code, detail=detail, headers=headers)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", path=request.url.path, exc_info=exc)
    return problem_response(request, 500, code="internal-error", detail="An unexpected error occurred.")


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every failure of ``app`` with problem+json."""
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_unexpected)
