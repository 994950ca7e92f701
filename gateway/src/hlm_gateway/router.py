"""The GraphQL endpoint: strawberry's FastAPI router, with what graphql-transport-ws clients expect of a
socket. The credential a client sends in ``connection_init`` (where Apollo Client and gql put it) is the
caller's for every operation on that socket, queries and mutations as much as subscriptions; and an
operation that does not parse is answered with an ``error`` message, leaving the socket and its other
operations running."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence

import orjson
from graphql import GraphQLError, GraphQLSyntaxError
from starlette.requests import HTTPConnection
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.http.ides import GraphQL_IDE
from strawberry.schema import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler

from hlm_gateway.context import Context

# What may be forwarded as an Authorization header: visible ASCII and spaces, of a size any JWT fits.
_SENDABLE = re.compile(r"[\x20-\x7e]{1,8192}")


def connection_authorization(params: object) -> str | None:
    """The Authorization a client put in its ``connection_init`` payload, in any of the forms clients use:
    ``{"Authorization": "Bearer …"}``, ``{"authorization": …}``, ``{"headers": {"Authorization": …}}``,
    or the bare token as ``{"token": "…"}``. None when there is none; ValueError when what is there cannot
    be a credential."""
    if not isinstance(params, Mapping):
        return None
    headers = params.get("headers")
    candidates: list[object] = [params.get("Authorization"), params.get("authorization")]
    if isinstance(headers, Mapping):
        candidates += [headers.get("Authorization"), headers.get("authorization")]
    value = next((c for c in candidates if c), None)
    token = params.get("token")
    if value is None and token:
        value = token if isinstance(token, str) and " " in token.strip() else f"Bearer {token}"
    if value is None:
        return None
    if not isinstance(value, str) or not _SENDABLE.fullmatch(value):
        raise ValueError("not a credential")
    return value


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    @staticmethod
    def _get_pre_execution_close_reason(error: GraphQLError) -> str | None:
        # strawberry closes the whole socket (4400) on a syntax error; one bad operation is that
        # operation's error, as for a validation error, and the socket's other operations carry on.
        if isinstance(error, GraphQLSyntaxError):
            return None
        return BaseGraphQLTransportWSHandler._get_pre_execution_close_reason(error)


class GatewayRouter(GraphQLRouter[Context, None]):
    """``identify(context, authorization)`` makes ``context`` call the services as ``authorization``."""

    graphql_transport_ws_handler_class = TransportWSHandler

    def __init__(
        self,
        schema: BaseSchema,
        *,
        context_getter: Callable[[HTTPConnection], Awaitable[Context]],
        identify: Callable[[Context, str], object],
        graphql_ide: GraphQL_IDE | None = None,
        subscription_protocols: Sequence[str] = (GRAPHQL_TRANSPORT_WS_PROTOCOL,),
    ) -> None:
        super().__init__(
            schema,
            context_getter=context_getter,
            graphql_ide=graphql_ide,
            subscription_protocols=subscription_protocols,
        )
        self._identify = identify

    def encode_json(self, data: object) -> str:
        # The same JSON as strawberry's json.dumps, written in a fraction of its time: a rater's page
        # answers with the whole draft, some 170 fields, on every request. As text, not bytes: strawberry
        # sends bytes on a websocket as a binary frame, which graphql-transport-ws clients do not read.
        try:
            return orjson.dumps(data).decode()
        except orjson.JSONEncodeError:
            # orjson refuses integers beyond 64 bits, which a JSON scalar (a report's content) could hold.
            return json.dumps(data, separators=(",", ":"))

    async def on_ws_connect(self, context: Context) -> None:
        try:
            authorization = connection_authorization(context.connection_params)
        except ValueError:
            raise ConnectionRejectionError({"message": "the connection_init credential is not one"}) from None
        if authorization is not None:
            # Over the handshake's Authorization header, as a client that sends both means this one.
            self._identify(context, authorization)
