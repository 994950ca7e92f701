"""What every resolver of one request shares: the caller's upstream clients and the DataLoaders."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import httpx
from strawberry.fastapi import BaseContext

from hlm_gateway.errors import ErrorCode, GatewayError
from hlm_gateway.live.hub import EventHub
from hlm_gateway.loaders import Loaders
from hlm_gateway.upstream import Upstream, current_trace_context
from hlm_kit.auth import Principal, TokenVerifier
from hlm_kit.errors import Unauthenticated


@dataclass
class UpstreamClients:
    """One long-lived httpx client per service (connection pools are shared across requests)."""

    framework: httpx.AsyncClient
    survey: httpx.AsyncClient
    report: httpx.AsyncClient
    facilitator: httpx.AsyncClient

    async def aclose(self) -> None:
        for client in (self.framework, self.survey, self.report, self.facilitator):
            await client.aclose()


@dataclass
class Context(BaseContext):
    """Per request: the services as the caller sees them, and DataLoaders that batch and deduplicate
    every upstream read of the request (one call per service and kind, never one per item)."""

    hub: EventHub
    token_verifier: TokenVerifier
    # The caller's Authorization, forwarded as it came: the request's header, or on a websocket what the
    # connection_init payload carried. The app sets it with the upstreams and loaders below, together
    # (hlm_gateway.main), so that every service is called as the same caller.
    authorization: str | None = None
    framework: Upstream = field(init=False)
    survey: Upstream = field(init=False)
    report: Upstream = field(init=False)
    facilitator: Upstream = field(init=False)
    loaders: Loaders = field(init=False)
    # The verified caller, once an operation has asked for it (see ``caller``).
    _principal: Principal | None = field(default=None, init=False, repr=False)
    # What the operation asks for below a field, by the field's place in the query (hlm_gateway.selections).
    selections: dict[tuple[object, ...], bool] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__init__()

    def identify(self, authorization: str | None, clients: UpstreamClients) -> None:
        """Call the services as ``authorization``, with DataLoaders over them: for each request, and again
        for a websocket whose connection_init names the caller (for every operation on it)."""
        self.authorization = authorization
        # Within the request's span: the services continue its trace, all four from the same span.
        trace = current_trace_context()
        self.framework = Upstream("framework-svc", clients.framework, authorization, trace)
        self.survey = Upstream("survey-svc", clients.survey, authorization, trace)
        self.report = Upstream("report-svc", clients.report, authorization, trace)
        self.facilitator = Upstream("facilitator-svc", clients.facilitator, authorization, trace)
        self.loaders = self._new_loaders()
        self._principal = None
        self.selections = {}

    async def caller(self) -> Principal:
        """Who is asking, from their verified bearer token, for a field that acts on the caller itself;
        ``UNAUTHENTICATED`` without a token or when it does not verify. Verified once per operation: a
        websocket's later operations check the token again, so one that has expired since is refused."""
        if self._principal is None:
            scheme, _, token = (self.authorization or "").partition(" ")
            if scheme.lower() != "bearer" or not token:
                raise GatewayError("a bearer token is required", ErrorCode.UNAUTHENTICATED)
            try:
                self._principal = await self.token_verifier.verify(token)
            except Unauthenticated as exc:
                raise GatewayError("invalid token", ErrorCode.UNAUTHENTICATED) from exc
        return self._principal

    def _new_loaders(self) -> Loaders:
        return Loaders(framework=self.framework, survey=self.survey, report=self.report, facilitator=self.facilitator)

    def for_operation(self) -> Context:
        """This context for one more operation, with DataLoaders of its own. A websocket's context lives as
        long as the socket: shared, a query asked again an hour later would be answered from the first
        one's cache."""
        operation = copy.copy(self)
        operation.loaders = self._new_loaders()
        operation._principal = None
        operation.selections = {}
        return operation
