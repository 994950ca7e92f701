"""HTTP clients of the services: the caller's token forwarded, timeouts, one retry for idempotent reads."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import httpx
from opentelemetry import propagate

from hlm_gateway.errors import ErrorCode, GatewayError

_STATUS_CODES = {
    401: ErrorCode.UNAUTHENTICATED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    400: ErrorCode.BAD_USER_INPUT,
    409: ErrorCode.BAD_USER_INPUT,
    410: ErrorCode.NOT_FOUND,
    422: ErrorCode.BAD_USER_INPUT,
    429: ErrorCode.RATE_LIMITED,
}

# A request that cannot be written at all is the caller's doing, never the service's: a URL past httpx's
# length limit, a header value that is not ASCII or holds a control character. Arguments are checked
# before a resolver runs (hlm_gateway.arguments); this is the net under anything those checks miss.
# LocalProtocolError is a TransportError, so it must be caught before those are.
_UNSENDABLE = (httpx.InvalidURL, httpx.LocalProtocolError, UnicodeEncodeError)


class Upstream:
    """One service's HTTP API as the gateway calls it for one request's caller."""

    def __init__(self, name: str, client: httpx.AsyncClient, authorization: str | None) -> None:
        self.name = name
        self._client = client
        # Only what the caller sent is forwarded; the gateway adds no identity of its own.
        self._headers = {"Authorization": authorization} if authorization else {}
        # Made within the caller's request: the services continue its trace (W3C traceparent).
        propagate.inject(self._headers)

    def without_identity(self, *, forwarded_for: str | None) -> Upstream:
        """The same service called with no Authorization at all: for a rater, whose only credential is the
        invitation token in the path (a signed-in app user's identity must never reach their answers).
        ``forwarded_for`` passes the caller's address on as ``X-Forwarded-For``, so the service counts
        guessed tokens per caller rather than treating every caller of the gateway as one."""
        anonymous = Upstream(self.name, self._client, None)
        if forwarded_for:
            anonymous._headers["X-Forwarded-For"] = forwarded_for
        return anonymous

    async def get(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """GET ``path``; a connection failure or timeout is retried once, since reads are idempotent."""
        for attempt in (1, 2):
            try:
                response = await self._client.get(path, params=params, headers=self._headers)
            except _UNSENDABLE as exc:
                raise self._unsendable() from exc
            except (httpx.TransportError, httpx.TimeoutException) as exc:
                if attempt == 2:
                    raise GatewayError(
                        f"{self.name} is unavailable", ErrorCode.UPSTREAM_UNAVAILABLE, service=self.name
                    ) from exc
                continue
            return self._result(response)
        raise AssertionError("unreachable")

    async def post(self, path: str, json: Any = None) -> Any:
        """POST once: a write is never retried here, since the service may have done it already."""
        return self._result(await self._post(path, json))

    async def post_outcome(
        self, path: str, json: Any = None, *, expected: Collection[int] = (409, 422)
    ) -> tuple[int, Any]:
        """POST once, for a mutation with typed results for expected failures: ``(status, body)``, where
        a refusal whose status is in ``expected`` comes back with its problem document instead of being
        raised. Any other failure raises the same GatewayError as :meth:`post`."""
        response = await self._post(path, json)
        if response.status_code in expected:
            return response.status_code, _problem(response)
        return response.status_code, self._result(response)

    async def send(self, method: str, path: str, json: Any = None, *, headers: Mapping[str, str] | None = None) -> Any:
        """Send a write (``PUT``, ``PATCH``, ``DELETE``, or a ``POST`` with extra headers such as
        ``Idempotency-Key``) once, never retried; failures raise as for :meth:`post`."""
        return self._result(await self._send(method, path, json, headers))

    async def send_outcome(
        self,
        method: str,
        path: str,
        json: Any = None,
        *,
        expected: Collection[int] = (409, 422),
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, Any]:
        """:meth:`post_outcome` for any write method: a refusal whose status is in ``expected`` comes back
        as ``(status, problem document)``."""
        response = await self._send(method, path, json, headers)
        if response.status_code in expected:
            return response.status_code, _problem(response)
        return response.status_code, self._result(response)

    async def _post(self, path: str, json: Any) -> httpx.Response:
        return await self._send("POST", path, json, None)

    async def _send(self, method: str, path: str, json: Any, headers: Mapping[str, str] | None) -> httpx.Response:
        try:
            return await self._client.request(method, path, json=json, headers={**self._headers, **(headers or {})})
        except _UNSENDABLE as exc:
            raise self._unsendable() from exc
        except (httpx.TransportError, httpx.TimeoutException) as exc:
            raise GatewayError(
                f"{self.name} is unavailable", ErrorCode.UPSTREAM_UNAVAILABLE, service=self.name
            ) from exc

    def _unsendable(self) -> GatewayError:
        return GatewayError(
            f"the request to {self.name} cannot be made from these arguments",
            ErrorCode.BAD_USER_INPUT,
            service=self.name,
        )

    def _result(self, response: httpx.Response) -> Any:
        if response.status_code < 400:
            return response.json() if response.content else None
        code = _STATUS_CODES.get(response.status_code)
        if code is None:
            raise GatewayError(f"{self.name} failed", ErrorCode.UPSTREAM_UNAVAILABLE, service=self.name)
        detail = _problem_detail(response) or response.reason_phrase
        retry_after = response.headers.get("Retry-After")
        raise GatewayError(
            detail,
            code,
            service=self.name,
            retry_after_s=int(retry_after) if retry_after and retry_after.isdigit() else None,
        )


def _problem(response: httpx.Response) -> dict[str, Any]:
    """The response's problem document; an empty one when the body is not a JSON object."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _problem_detail(response: httpx.Response) -> str | None:
    detail = _problem(response).get("detail")
    return detail if isinstance(detail, str) else None
