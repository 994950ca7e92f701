"""Limits on what one request may ask of the gateway, before strawberry parses or runs it: its size in
bytes (HTTP body, query string, websocket message), and how deep its selections nest."""

from __future__ import annotations

import json
from collections.abc import Mapping

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hlm_gateway.errors import ErrorCode

# ---- depth ---------------------------------------------------------------------------------------------


def depth_limit_rule(max_depth: int, max_introspection_depth: int) -> type[ValidationRule]:
    """A validation rule refusing an operation whose fields nest deeper than ``max_depth``, counting every
    field that has a selection, introspection fields (``__type``, ``ofType``, ...) included.

    strawberry's QueryDepthLimiter always skips fields whose name starts with ``__``, whatever its
    ``should_ignore`` says, so ``__type { ofType { ofType ... } }`` could nest without bound. Under
    ``__schema`` and ``__type`` the limit is ``max_introspection_depth``: the introspection query that
    GraphiQL and client code generators send nests ``ofType`` nine deep."""

    class DepthLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            definitions = context.document.definitions
            depth = _Depth({d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)})
            for operation in definitions:
                if not isinstance(operation, OperationDefinitionNode):
                    continue
                for root in depth.fields(operation.selection_set, frozenset()):
                    limit = max_introspection_depth if root.name.value.startswith("__") else max_depth
                    if depth.of_field(root, limit + 1, frozenset()) > limit:
                        name = operation.name.value if operation.name else "anonymous"
                        context.report_error(
                            GraphQLError(f"'{name}' exceeds maximum operation depth of {limit}", [root])
                        )
                        break

    return DepthLimit


class _Depth:
    """How deeply fields with a selection nest, counted only up to a cap (a query far too deep costs no more
    than one at the limit, and recursion stays shallow), and once per fragment and cap (fragments spread
    within fragments cannot multiply the work)."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.known: dict[tuple[str, int], int] = {}

    def fields(self, selection_set: SelectionSetNode, seen: frozenset[str]) -> list[FieldNode]:
        """The fields of a selection set, through fragments (a cycle of fragments is another rule's error)."""
        found: list[FieldNode] = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                found.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                found.extend(self.fields(selection.selection_set, seen))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in seen and name in self.fragments:
                    found.extend(self.fields(self.fragments[name].selection_set, seen | {name}))
        return found

    def of_field(self, field: FieldNode, cap: int, seen: frozenset[str]) -> int:
        """min(the depth of ``field``, ``cap``): 0 for a leaf, else 1 + the depth of its deepest child."""
        if field.selection_set is None or cap <= 0:
            return 0
        return min(cap, 1 + self.of_set(field.selection_set, cap - 1, seen))

    def of_set(self, selection_set: SelectionSetNode, cap: int, seen: frozenset[str]) -> int:
        deepest = 0
        for selection in selection_set.selections:
            if deepest >= cap:
                break
            if isinstance(selection, FieldNode):
                deepest = max(deepest, self.of_field(selection, cap, seen))
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self.of_set(selection.selection_set, cap, seen))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in seen or name not in self.fragments:
                    continue
                if (name, cap) not in self.known:
                    self.known[name, cap] = self.of_set(self.fragments[name].selection_set, cap, seen | {name})
                deepest = max(deepest, self.known[name, cap])
        return deepest


# ---- size ----------------------------------------------------------------------------------------------


class _TooLarge(Exception):
    pass


class RequestSizeLimit:
    """ASGI middleware: an HTTP request whose body or query string is larger than allowed is answered 413
    with a GraphQL error (``extensions.code`` BAD_USER_INPUT) before anything reads it whole; a websocket
    message larger than allowed closes the socket with 1009 (message too big), as RFC 6455 names it.

    strawberry reads the whole body, and parses all of it, before any of the GraphQL limits apply."""

    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int, max_query_string_bytes: int, max_ws_message_bytes: int
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_query_string_bytes = max_query_string_bytes
        self.max_ws_message_bytes = max_ws_message_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        if len(scope.get("query_string", b"")) > self.max_query_string_bytes:
            await _refuse(send, f"the query string is longer than {self.max_query_string_bytes} bytes")
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await _refuse(send, self._body_message())
            return

        # A body sent in chunks says no length up front: count it as it is read.
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise _TooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _TooLarge:
            if started:
                raise
            await _refuse(send, self._body_message())

    def _body_message(self) -> str:
        return f"the request body is larger than {self.max_body_bytes} bytes"

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        closed = False

        async def limited_receive() -> Message:
            nonlocal closed
            message = await receive()
            if message["type"] == "websocket.receive":
                size = len(message.get("bytes") or b"") + len((message.get("text") or "").encode())
                if size > self.max_ws_message_bytes:
                    closed = True
                    reason = f"message larger than {self.max_ws_message_bytes} bytes"
                    await send({"type": "websocket.close", "code": 1009, "reason": reason})
                    return {"type": "websocket.disconnect", "code": 1009}
            return message

        async def guarded_send(message: Message) -> None:
            # Once closed here, nothing more may be sent on the socket (the server would refuse it).
            if not closed:
                await send(message)

        await self.app(scope, limited_receive, guarded_send)


async def _refuse(send: Send, message: str) -> None:
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": ErrorCode.BAD_USER_INPUT.value}}]})
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        # The rest of the body is not read: the connection cannot carry another request after it.
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body.encode()})
