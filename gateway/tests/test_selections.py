"""A resolver reads from a service only what the query asks for: a field the query leaves out, or skips
with ``@skip``/``@include``, is not asked for (so the gateway does not read, e.g., a rater's questionnaire
from survey-svc when the web front already holds it)."""

from __future__ import annotations

import pytest
import strawberry
from strawberry.types import Info

from hlm_gateway.selections import selects


@strawberry.type
class Inner:
    a: int = 1
    b: int = 2


@strawberry.type
class Outer:
    inner: Inner
    asked: bool


@strawberry.type
class Query:
    @strawberry.field
    def outer(self, info: Info) -> Outer:  # type: ignore[type-arg]
        return Outer(inner=Inner(), asked=selects(info, "inner", "b"))


SCHEMA = strawberry.Schema(query=Query)


@pytest.mark.parametrize(
    ("document", "variables", "asked"),
    [
        ("{ outer { asked inner { a b } } }", None, True),
        ("{ outer { asked inner { a } } }", None, False),
        ("query($w: Boolean!) { outer { asked inner { a b @include(if: $w) } } }", {"w": True}, True),
        ("query($w: Boolean!) { outer { asked inner { a b @include(if: $w) } } }", {"w": False}, False),
        ("query($w: Boolean! = false) { outer { asked inner @include(if: $w) { b } } }", None, False),
        ("query($s: Boolean!) { outer { asked inner @skip(if: $s) { b } } }", {"s": True}, False),
        ("query($s: Boolean!) { outer { asked inner @skip(if: $s) { b } } }", {"s": False}, True),
        ("{ outer { asked ... on Outer @skip(if: true) { inner { b } } } }", None, False),
        ("{ outer { asked ... on Outer { inner { b } } } }", None, True),
    ],
)
def test_a_field_skipped_or_left_out_is_not_asked_for(
    document: str, variables: dict[str, bool] | None, asked: bool
) -> None:
    result = SCHEMA.execute_sync(document, variable_values=variables)

    assert result.errors is None, result.errors
    assert result.data is not None
    assert result.data["outer"]["asked"] is asked
