"""The gateway as the web front calls it: GraphQL over HTTP, and its errors as exceptions a page can answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import structlog

from hlm_kit.http_client import http_client

log = structlog.get_logger(__name__)


class GatewayUnavailable(Exception):
    """The gateway, or the service behind it, did not answer: the rater is asked to try again later."""


class LinkNotValid(Exception):
    """The link opens nothing: unknown, used, declined, withdrawn or closed, deliberately not told apart."""


class RateLimited(Exception):
    """Too many failed attempts from this address; ``retry_after_s`` says when to try again, if known."""

    def __init__(self, retry_after_s: int | None) -> None:
        super().__init__("rate limited")
        self.retry_after_s = retry_after_s


class SignInNeeded(Exception):
    """The gateway does not accept the person's token (none, expired or revoked): they sign in again."""


class Forbidden(Exception):
    """The person is signed in but may not do this (a role they do not hold, a report not yet released)."""


class GatewayRefused(Exception):
    """Any other error the gateway gave: a fault of this web front, logged by its code alone."""

    def __init__(self, code: str | None, message: str | None = None) -> None:
        super().__init__(f"gateway error {code}")
        self.code = code
        # The gateway's own words, for a page that can show a BAD_USER_INPUT to the person who sent it.
        self.message = message


class RequestTooLarge(GatewayRefused):
    """The gateway read no further than its request size limit (413): what was sent must be smaller, such
    as a file split into parts. Any page that does not expect it answers it as any other refusal."""

    def __init__(self) -> None:
        super().__init__("BAD_USER_INPUT", "the request is larger than the gateway takes")


class GatewayClient:
    """One httpx client for the process: pooled connections to the gateway, with a timeout."""

    def __init__(self, base_url: str, *, timeout_s: float, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._http = http_client(base_url, timeout_s=timeout_s, transport=transport)
        # Made once: a relative path would be parsed and joined to the base URL again on every page.
        self._graphql_url = self._http.base_url.join("/graphql")

    async def aclose(self) -> None:
        await self._http.aclose()

    async def download(
        self, path: str, *, forwarded_for: str | None, bearer: str
    ) -> tuple[httpx.Response, AsyncIterator[bytes]]:
        """GET one of the gateway's plain routes (a report's PDF) with the person's token, streamed.

        Returns the open response (its headers read, its body not) and an iterator over the body that
        closes it once read: a report of many pages is passed on to the browser as it comes, never held
        whole. The gateway's refusals are raised as ``execute`` raises them."""
        headers = {"Authorization": f"Bearer {bearer}"}
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        try:
            response = await self._http.send(self._http.build_request("GET", path, headers=headers), stream=True)
        except httpx.HTTPError as exc:
            log.warning("gateway unreachable", error=type(exc).__name__)
            raise GatewayUnavailable from exc
        if response.status_code != 200:
            await response.aclose()
            if response.status_code >= 500:
                log.warning("gateway failed a download", status=response.status_code)
                raise GatewayUnavailable
            _raise_for({"code": _DOWNLOAD_REFUSALS.get(response.status_code)})

        async def body() -> AsyncIterator[bytes]:
            try:
                async for chunk in response.aiter_raw():
                    yield chunk
            finally:
                await response.aclose()

        return response, body()

    async def execute(
        self, document: str, variables: dict[str, Any], *, forwarded_for: str | None, bearer: str | None = None
    ) -> dict[str, Any]:
        """Run a query or mutation and return its ``data``.

        A rater has no account, so no Authorization goes along; a signed-in participant's token goes as
        Bearer. The person's address goes too, as X-Forwarded-For:
        the gateway passes it on to survey-svc, which slows down whoever guesses links, not every rater
        behind this web front at once. The token travels in the body only, never in a URL the gateway
        or anything between might log."""
        headers = {"Content-Type": "application/json"}
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        try:
            status, content = await self._http.post_whole(
                self._graphql_url, orjson.dumps({"query": document, "variables": variables}), headers
            )
        except httpx.HTTPError as exc:
            log.warning("gateway unreachable", error=type(exc).__name__)
            raise GatewayUnavailable from exc
        if status >= 500:
            log.warning("gateway failed", status=status)
            raise GatewayUnavailable
        if status == 413:
            raise RequestTooLarge
        try:
            body: dict[str, Any] = orjson.loads(content)
        except orjson.JSONDecodeError as exc:
            log.warning("gateway answered something other than JSON", status=status)
            raise GatewayUnavailable from exc
        for error in body.get("errors") or []:
            _raise_for(error.get("extensions") or {}, error.get("message"))
        data = body.get("data")
        if not isinstance(data, dict):
            raise GatewayRefused(None)
        return data


# The gateway's plain routes answer with HTTP statuses, GraphQL with codes: one meaning for a page.
_DOWNLOAD_REFUSALS = {401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND", 429: "RATE_LIMITED"}


def _raise_for(extensions: dict[str, Any], message: str | None = None) -> None:
    code = extensions.get("code")
    if code == "NOT_FOUND":
        raise LinkNotValid
    if code == "RATE_LIMITED":
        retry_after = extensions.get("retryAfter")
        raise RateLimited(retry_after if isinstance(retry_after, int) else None)
    if code == "UPSTREAM_UNAVAILABLE":
        raise GatewayUnavailable
    if code == "UNAUTHENTICATED":
        raise SignInNeeded
    if code == "FORBIDDEN":
        raise Forbidden
    log.error("gateway refused a request", code=code)
    raise GatewayRefused(code if isinstance(code, str) else None, message if isinstance(message, str) else None)
