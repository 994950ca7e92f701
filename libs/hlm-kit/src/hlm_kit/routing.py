"""A hot path's route: FastAPI's in what it documents and how it is found, Starlette's in how it is called."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.routing import request_response


class DirectRoute(APIRoute):
    """A route whose endpoint takes the Starlette ``Request`` (first) and the path's parameters, plain
    ``str`` each, and answers a ``Response`` itself; it reads its body, opens its unit of work and makes any
    further check itself.

    FastAPI's request handling around an endpoint (two exit stacks, the declared parameters and dependencies
    solved, the endpoint run through its machinery, its answer validated and encoded) cost a rater's submit
    or page some 0.2 M instructions. This route is still FastAPI's: the OpenAPI document is built from it as
    from any (path parameters from the endpoint's signature, the body via ``openapi_extra``, responses,
    ``response_model``), routing records it in ``scope["route"]`` (the request context's metrics and redacted
    path read its template there), and it is added as ``route_class_override``. Only its ASGI app differs:
    Starlette's ``request_response`` calls the endpoint with the request and ``request.path_params``, and
    raises what the endpoint raises into the app's exception handlers, as FastAPI's does.

    What FastAPI would have done besides is refused here when the route is built: no dependencies, no query,
    header, cookie or body parameters, path parameters of type ``str`` without constraints (Starlette's match
    already makes them present and non-empty, all FastAPI would have checked), no body size limit."""

    def __init__(self, path: str, endpoint: Callable[..., Awaitable[Response]], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        _check_direct(self)
        self.app = request_response(_direct_call(endpoint))


def _direct_call(endpoint: Callable[..., Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    async def call(request: Request) -> Response:
        return await endpoint(request, **request.path_params)

    return call


def _check_direct(route: DirectRoute) -> None:
    dependant = route.dependant
    where = f"{route.path}: a DirectRoute"
    if not inspect.iscoroutinefunction(route.endpoint):
        raise TypeError(f"{where} takes a coroutine function")
    first = next(iter(inspect.signature(route.endpoint).parameters), None)
    if dependant.request_param_name is None or first != dependant.request_param_name:
        raise TypeError(f"{where}'s endpoint takes the Request first")
    if (
        dependant.dependencies
        or dependant.query_params
        or dependant.header_params
        or dependant.cookie_params
        or dependant.body_params
        or dependant.response_param_name
        or dependant.background_tasks_param_name
        or dependant.security_scopes_param_name
        or dependant.websocket_param_name
        or route.max_body_size is not None
    ):
        raise TypeError(f"{where} has nothing for FastAPI to solve: the request and plain path parameters only")
    for field in dependant.path_params:
        if field.field_info.annotation is not str or field.field_info.metadata:
            raise TypeError(f"{where}'s path parameter {field.name!r} is a plain str, checked by the endpoint")
