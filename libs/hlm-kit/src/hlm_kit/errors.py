"""Every failure as RFC 9457 problem details (``application/problem+json``).

Services raise the exceptions below; the handlers installed by :func:`install_problem_handlers` turn
them, FastAPI's validation errors and Starlette's HTTP errors into problem documents. Two kinds of
database failure are answered without any code of the service knowing about them: the database being
unreachable is a 503 with ``Retry-After`` (the client may try again), and a value the database refuses
(SQLSTATE class 22, "data exception") is the client's 422. Anything else is logged with its correlation
id and a traceback, and answered with a 500 that reveals nothing of the internals.

Expected failures are logged as one line without a traceback; the path in every log line and in the
problem's ``instance`` is :func:`hlm_kit.observability.redacted_path`, never the raw path, which may
carry a rater's token.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any, Literal

import asyncpg
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from hlm_kit.observability import current_correlation_id, redacted_path, route_template

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
        instance=redacted_path(request.scope),
        errors=errors,
        correlation_id=current_correlation_id(),
    )
    return JSONResponse(
        problem.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


def _where(request: Request) -> dict[str, Any]:
    # What a log line says about the request: never the raw path (it may carry a rater's token).
    return {"method": request.method, "route": route_template(request.scope), "path": redacted_path(request.scope)}


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    log.log(
        logging.WARNING if exc.status >= 500 else logging.INFO,
        "request refused",
        status=exc.status,
        code=exc.code,
        **_where(request),
    )
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return problem_response(request, exc.status, code=exc.code, detail=exc.detail, errors=exc.errors, headers=headers)


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = field_errors_from(exc)
    # Where the request was wrong, never what it sent: inputs may hold personal data.
    log.info("request invalid", status=422, fields=[e.loc for e in errors], **_where(request))
    return problem_response(
        request, 422, code="validation-error", detail=f"{len(errors)} invalid field(s)", errors=errors
    )


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    log.info("request refused", status=exc.status_code, **_where(request))
    headers: dict[str, Any] | None = getattr(exc, "headers", None)
    detail = exc.detail if isinstance(exc.detail, str) else None
    return problem_response(request, exc.status_code, detail=detail, headers=headers)


# How long a client waits before trying again while the database is unreachable: long enough for a
# restart or a failover to finish, short enough that a person retrying by hand is not kept waiting.
DATABASE_RETRY_AFTER_S = 5

# SQLSTATEs that mean the server cannot be reached or will not take work now: class 08 (connection
# exception), admin or crash shutdown, "cannot connect now" (starting up, recovering), too many connections.
_UNAVAILABLE_STATES = ("08", "57P01", "57P02", "57P03", "53300")
_UNREACHABLE_ERRNOS = {
    errno.ECONNREFUSED,
    errno.ECONNRESET,
    errno.ECONNABORTED,
    errno.EHOSTUNREACH,
    errno.ENETUNREACH,
    errno.ETIMEDOUT,
    errno.EPIPE,
}

DatabaseFailure = Literal["unavailable", "data"]


def _sqlstate(exc: BaseException | None) -> str | None:
    # asyncpg errors carry it as ``sqlstate``; SQLAlchemy's wrapper of them as ``orig.sqlstate``.
    while exc is not None:
        state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
        if isinstance(state, str):
            return state
        exc = getattr(exc, "orig", None) or exc.__cause__
    return None


def classify_database_failure(exc: BaseException) -> DatabaseFailure | None:
    """``"unavailable"`` when ``exc`` says the database cannot be reached (refused or dropped
    connection, a pool that gave no connection in time, a server shutting down or starting up),
    ``"data"`` for a value the database refuses (SQLSTATE class 22), else ``None``."""
    if isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        return classify_database_failure(exc.exceptions[0])
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return "unavailable"
    state = _sqlstate(exc)
    if state is not None:
        if state.startswith("22"):
            return "data"
        if state.startswith(_UNAVAILABLE_STATES):
            return "unavailable"
        return None
    if isinstance(exc, sa_exc.TimeoutError | sa_exc.InterfaceError | sa_exc.OperationalError):
        return "unavailable"
    # asyncpg's own misuse errors (an operation already in progress) are bugs; a closed connection is not.
    if isinstance(exc, asyncpg.InterfaceError) and "closed" in str(exc):
        return "unavailable"
    cause = exc.orig if isinstance(exc, sa_exc.DBAPIError) else None
    if isinstance(cause, BaseException) and cause is not exc:
        return classify_database_failure(cause)
    if isinstance(exc, ConnectionError | TimeoutError) or (
        isinstance(exc, OSError) and exc.errno in _UNREACHABLE_ERRNOS
    ):
        return "unavailable"
    return None


async def _on_error(request: Request, exc: Exception) -> JSONResponse:
    failure = classify_database_failure(exc)
    if failure == "unavailable":
        # Expected while the database restarts or fails over: one line, no traceback, no SQL.
        log.warning("database unavailable", error=type(exc).__name__, **_where(request))
        return problem_response(
            request,
            503,
            code="service-unavailable",
            detail="The service cannot reach its database; try again shortly.",
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_S)},
        )
    if failure == "data":
        # A value the edge should have refused (its type lacks a bound): the client's mistake, but
        # worth a warning, so the missing bound gets added. The message is left out: it holds the values.
        log.warning("value refused by the database", sqlstate=_sqlstate(exc), **_where(request))
        return problem_response(
            request,
            422,
            code="validation-error",
            detail="A value is out of the range or character set the service stores.",
        )
    log.error("unhandled error", error=type(exc).__name__, exc_info=exc, **_where(request))
    return problem_response(request, 500, code="internal-error", detail="An unexpected error occurred.")


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every failure of ``app`` with problem+json."""
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    # Database failures are answered where the request is still being handled (a handler keyed by the
    # exception's class), so they are neither re-raised to the server nor logged with a traceback.
    for database_error in (sa_exc.SQLAlchemyError, asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
        app.add_exception_handler(database_error, _on_error)
    app.add_exception_handler(Exception, _on_error)
