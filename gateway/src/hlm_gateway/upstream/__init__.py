"""HTTP clients of the services: the caller's token forwarded, timeouts, one retry for idempotent reads.

Every answer is validated into the model of it generated from the service's OpenAPI document (the modules
beside this one, ``make gateway-models``): a field a service renamed or dropped fails here, as that
service failing, rather than as a missing key deep inside a resolver."""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TypeVar, cast, overload
from urllib.parse import urlencode

import httpx
import structlog
from opentelemetry import propagate
from pydantic import BaseModel, ValidationError

from hlm_gateway.errors import ErrorCode, GatewayError
from hlm_kit.errors import Problem

Answer = TypeVar("Answer", bound=BaseModel)

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


@dataclass(frozen=True)
class Refusal:
    """An expected refusal of a write: its status and the service's problem document."""

    status: int
    problem: Problem


class Upstream:
    """One service's HTTP API as the gateway calls it for one request's caller."""

    def __init__(
        self,
        name: str,
        client: httpx.AsyncClient,
        authorization: str | None,
        trace_context: Mapping[str, str] | None = None,
    ) -> None:
        self.name = name
        self._client = client
        # The services continue the caller's trace (W3C traceparent): ``trace_context`` is the request's,
        # written once for every service the request calls (``current_trace_context``); without it, written
        # here, within the caller's request.
        self._trace_context = trace_context if trace_context is not None else current_trace_context()
        # Only what the caller sent is forwarded; the gateway adds no identity of its own.
        self._headers = {"Authorization": authorization} if authorization else {}
        self._headers.update(self._trace_context)
        # Whether this caller's paths carry their credential (a rater's invitation token): such a URL is
        # built for its request and let go with it, never kept in the cache of parsed URLs.
        self._paths_hold_credential = False

    def without_identity(self, *, forwarded_for: str | None) -> Upstream:
        """The same service called with no Authorization at all: for a rater, whose only credential is the
        invitation token in the path (a signed-in app user's identity must never reach their answers).
        ``forwarded_for`` passes the caller's address on as ``X-Forwarded-For``, so the service counts
        guessed tokens per caller rather than treating every caller of the gateway as one."""
        anonymous = Upstream(self.name, self._client, None, self._trace_context)
        anonymous._paths_hold_credential = True
        if forwarded_for:
            anonymous._headers["X-Forwarded-For"] = forwarded_for
        return anonymous

    async def get(
        self, path: str, answer: type[Answer], params: Mapping[str, str] | None = None, *, shared: bool = False
    ) -> Answer:
        """GET ``path``, read as ``answer``; a connection failure or timeout is retried once, since reads are
        idempotent. ``shared``: the answer is one that every caller reads alike (the catalogue), read again
        from the model of the same bytes read before rather than validated anew; never change it."""
        for attempt in (1, 2):
            try:
                query = tuple(params.items()) if params else ()
                url = (
                    _fresh_url(self._client, path, query)
                    if self._paths_hold_credential
                    else _url(self._client, path, query)
                )
                response = await self._client.get(url, headers=self._headers)
            except _UNSENDABLE as exc:
                raise self._unsendable() from exc
            except (httpx.TransportError, httpx.TimeoutException) as exc:
                if attempt == 2:
                    raise GatewayError(
                        f"{self.name} is unavailable", ErrorCode.UPSTREAM_UNAVAILABLE, service=self.name
                    ) from exc
                continue
            checked = self._checked(response)
            if shared:
                return _shared_answer(self, checked.content, answer)
            return self._answer(checked, answer)
        raise AssertionError("unreachable")

    async def post(self, path: str, answer: type[Answer], json: object = None) -> Answer:
        """POST once, read as ``answer``: a write is never retried here, since the service may have done it
        already."""
        return self._answer(self._checked(await self._send("POST", path, json, None)), answer)

    @overload
    async def send(
        self,
        method: str,
        path: str,
        answer: type[Answer],
        json: object = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> Answer: ...

    @overload
    async def send(
        self,
        method: str,
        path: str,
        answer: None = None,
        json: object = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None: ...

    async def send(
        self,
        method: str,
        path: str,
        answer: type[Answer] | None = None,
        json: object = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> Answer | None:
        """Send a write (``PUT``, ``PATCH``, ``DELETE``, or a ``POST`` with extra headers such as
        ``Idempotency-Key``) once, never retried, read as ``answer`` (None: an answer without a body, such as
        a 204); failures raise as for :meth:`post`."""
        response = self._checked(await self._send(method, path, json, headers))
        return None if answer is None else self._answer(response, answer)

    async def post_outcome(
        self, path: str, answer: type[Answer], json: object = None, *, expected: Collection[int] = (409, 422)
    ) -> Answer | Refusal:
        """POST once, for a mutation with typed results for expected failures: a refusal whose status is in
        ``expected`` comes back as a :class:`Refusal` instead of being raised. Any other failure raises the
        same GatewayError as :meth:`post`."""
        return await self.send_outcome("POST", path, answer, json, expected=expected)

    async def send_outcome(
        self,
        method: str,
        path: str,
        answer: type[Answer],
        json: object = None,
        *,
        expected: Collection[int] = (409, 422),
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
    ) -> Answer | Refusal:
        """:meth:`post_outcome` for any write method; ``content`` (with its Content-Type in ``headers``) is
        a body other than JSON, such as a CSV file, sent instead of ``json``."""
        response = await self._send(method, path, json, headers, content)
        if response.status_code in expected:
            return Refusal(response.status_code, _problem(response))
        return self._answer(self._checked(response), answer)

    async def send_outcome_without_answer(
        self, method: str, path: str, json: object = None, *, expected: Collection[int] = (409, 422)
    ) -> Refusal | None:
        """:meth:`send_outcome` for a write whose success has no body (204): None when it was done."""
        response = await self._send(method, path, json, None)
        if response.status_code in expected:
            return Refusal(response.status_code, _problem(response))
        self._checked(response)
        return None

    async def _send(
        self,
        method: str,
        path: str,
        json: object,
        headers: Mapping[str, str] | None,
        content: bytes | None = None,
    ) -> httpx.Response:
        try:
            # A rater's path holds their token: joined as their reads are (one parse, nothing kept).
            url = _fresh_url(self._client, path, ()) if self._paths_hold_credential else path
            return await self._client.request(
                method, url, json=json, content=content, headers={**self._headers, **(headers or {})}
            )
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

    def _answer(self, response: httpx.Response, answer: type[Answer]) -> Answer:
        return self._validated(response.content, answer)

    def _validated(self, content: bytes, answer: type[Answer]) -> Answer:
        try:
            return answer.model_validate_json(content)
        except ValidationError as exc:
            # The service's API changed without the gateway's models being generated again (or the two were
            # deployed apart): the field fails as the service would, and the log says what did not fit.
            structlog.get_logger("hlm_gateway.upstream").error(
                "answer does not match the service's model",
                service=self.name,
                model=answer.__name__,
                errors=exc.errors(include_url=False, include_input=False),
            )
            raise GatewayError(
                f"{self.name} answered in a form the gateway does not read",
                ErrorCode.UPSTREAM_UNAVAILABLE,
                service=self.name,
            ) from exc

    def _checked(self, response: httpx.Response) -> httpx.Response:
        """``response`` when it is a success; otherwise the GatewayError its status stands for."""
        if response.status_code < 400:
            return response
        code = _STATUS_CODES.get(response.status_code)
        if code is None:
            raise GatewayError(f"{self.name} failed", ErrorCode.UPSTREAM_UNAVAILABLE, service=self.name)
        detail = _problem(response).detail or response.reason_phrase
        retry_after = response.headers.get("Retry-After")
        raise GatewayError(
            detail,
            code,
            service=self.name,
            retry_after_s=int(retry_after) if retry_after and retry_after.isdigit() else None,
        )


def current_trace_context() -> dict[str, str]:
    """The headers that carry the current span's trace context (``traceparent``, ``tracestate`` and
    ``baggage``, as the process's propagator writes them) to a service: written once per request and sent
    to every service it calls, the same for each, as they were when each service's client wrote them."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


@functools.lru_cache(maxsize=1024)
def _url(client: httpx.AsyncClient, path: str, params: tuple[tuple[str, str], ...]) -> httpx.URL:
    """The URL of ``path`` with ``params`` on ``client``'s service. httpx parses and joins a path and its
    parameters, in Python, on every request: a fifth of the gateway's cost of calling a service. Most reads
    repeat (the home screen's are the same for every caller but one), so each is parsed once. A rater's
    reads are not cached here (``Upstream.without_identity``): their path holds the invitation's token, which
    must not outlive the request in the gateway's memory."""
    return client.build_request("GET", path, params=params or None).url


@functools.lru_cache(maxsize=16)
def _base_url(client: httpx.AsyncClient) -> str:
    """The URL of ``client``'s service, parsed once, as text ending in ``/``."""
    return str(client.build_request("GET", "/").url)


def _fresh_url(client: httpx.AsyncClient, path: str, params: tuple[tuple[str, str], ...]) -> httpx.URL:
    """The URL of ``path`` with ``params``, as :func:`_url` makes it, for a path not to be kept (it holds a
    credential): written out whole on the service's URL, which is kept, and parsed once. Building a request
    for it parsed it three times (``path``, the join, the parameters), and joining it to a parsed URL checks
    each part of it again one character at a time; the parameters are encoded as httpx's QueryParams
    encodes them (``urlencode``), without the object around them."""
    url = _base_url(client) + path.lstrip("/")
    if params:
        url += "?" + urlencode(params)
    return httpx.URL(url)


# The models of answers every caller reads alike, by the bytes they were read from: the catalogue's tree,
# some 14 kB that the home screen reads on every request, took longer to validate than all else it reads.
_SHARED_ANSWERS: OrderedDict[tuple[type[BaseModel], bytes], BaseModel] = OrderedDict()
_SHARED_ANSWERS_KEPT = 32


def _shared_answer(upstream: Upstream, content: bytes, answer: type[Answer]) -> Answer:
    key = (answer, content)
    known = _SHARED_ANSWERS.get(key)
    if known is not None:
        _SHARED_ANSWERS.move_to_end(key)
        return cast(Answer, known)
    model = upstream._validated(content, answer)
    _SHARED_ANSWERS[key] = model
    if len(_SHARED_ANSWERS) > _SHARED_ANSWERS_KEPT:
        _SHARED_ANSWERS.popitem(last=False)
    return model


def _problem(response: httpx.Response) -> Problem:
    """The response's problem document; one of its status alone when the body is not one."""
    try:
        return Problem.model_validate_json(response.content)
    except ValidationError:
        return Problem(title="", status=response.status_code)
