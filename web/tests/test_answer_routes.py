"""A rater's dimension pages are routed first, and still never take a fixed page's URL."""

from __future__ import annotations

from starlette.routing import Match

from hlm_web.answer.router import FIXED_PAGES, router

TOKEN = "a-rater's-token"


def _handler(method: str, path: str) -> str:
    scope = {"type": "http", "method": method, "path": f"/answer/{TOKEN}{path}", "root_path": ""}
    for route in router.routes:
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
