"""GraphQL errors the app can act on: every one carries ``extensions.code``."""

from __future__ import annotations

from enum import StrEnum

from graphql import GraphQLError


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    UPSTREAM_UNAVAILABLE = "UPSTREAM_UNAVAILABLE"
    # Too many attempts from this caller (e.g. guessing invitation links); ``retryAfter`` says when to
    # try again, in seconds, when the service said.
    RATE_LIMITED = "RATE_LIMITED"


class GatewayError(GraphQLError):
    """An expected failure, shown to the client as it is (never masked)."""

    def __init__(
        self, message: str, code: ErrorCode, *, service: str | None = None, retry_after_s: int | None = None
    ) -> None:
        extensions: dict[str, object] = {"code": code.value}
        if service:
            extensions["service"] = service
        if retry_after_s is not None:
            extensions["retryAfter"] = retry_after_s
        super().__init__(message, extensions=extensions)
        self.code = code
