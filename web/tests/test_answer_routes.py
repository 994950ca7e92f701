"""A rater's dimension pages are routed first, and still never take a fixed page's URL."""

from __future__ import annotations

import httpx
from starlette.routing import Match
from starlette.types import Receive, Scope, Send

from hlm_kit.observability import redacted_path, route_template
from hlm_web.answer.router import FIXED_PAGES, PAGE_ROUTES, router
from hlm_web.main import create_app

from .conftest import Platform

TOKEN = "a-rater's-token"


def _handler(method: str, path: str) -> str:
    scope = {"type": "http", "method": method, "path": f"/answer/{TOKEN}{path}", "root_path": ""}
    # In the application's order: a dimension's pages first, then the link's other pages.
    for route in (*PAGE_ROUTES, *router.routes):
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return str(route.name)
    return "none"


def test_each_fixed_page_of_a_link_is_routed_to_its_own_page_not_a_dimensions() -> None:
    paths = [getattr(route, "path", "")[len(router.prefix) :].strip("/") for route in router.routes]
    assert {path for path in paths if path and "{" not in path} == set(FIXED_PAGES)
    assert _handler("GET", "/check") == "check"
    assert _handler("POST", "/check") == "send"
    assert _handler("GET", "/questions") == "questions"
    assert _handler("GET", "/done") == "done"
    assert _handler("GET", "/declined") == "declined"
    assert _handler("POST", "/decline") == "decline"


def test_a_dimensions_page_is_routed_to_it_whatever_its_slug_starts_with() -> None:
    assert _handler("GET", "/leading-with-care") == "dimension_page"
    assert _handler("POST", "/leading-with-care") == "save_dimension"
    assert _handler("GET", "/checklist") == "dimension_page"
    assert _handler("GET", "/done-well") == "dimension_page"
    assert _handler("GET", "/leading-with-care/change") == "change_dimension_page"


async def test_a_dimensions_page_is_counted_under_its_route_and_never_names_its_token(platform: Platform) -> None:
    # A gateway that opens no link: the page is the plain one, routed all the same.
    def gateway(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"errors": [{"message": "no", "extensions": {"code": "NOT_FOUND"}}]})

    # The shared web front's own settings: fastapi-csrf-protect keeps one configuration per process, and an
    # app made with others (Secure cookies, another secret) would refuse the forms of every test after this.
    app = create_app(platform.web_app.state.settings, gateway_transport=httpx.MockTransport(gateway))
    seen: list[tuple[str | None, str]] = []

    async def recorded(scope: Scope, receive: Receive, send: Send) -> None:
        await app(scope, receive, send)
        seen.append((redacted_path(scope), route_template(scope)))

    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=recorded), base_url="http://web") as browser,
    ):
        shown = await browser.get(f"/answer/{TOKEN}/leading-with-care")
        sent = await browser.post(f"/answer/{TOKEN}/leading-with-care/change", data={"action": "continue"})
        other = await browser.put(f"/answer/{TOKEN}/leading-with-care")

    assert [shown.status_code, sent.status_code, other.status_code] == [404, 403, 405]
    assert seen == [
        ("/answer/~token~/leading-with-care", "/answer/{token}/{dimension:dimension_slug}"),
        ("/answer/~token~/leading-with-care/change", "/answer/{token}/{dimension}/change"),
        ("/answer/~token~/leading-with-care", "/answer/{token}/{dimension:dimension_slug}"),
    ]
