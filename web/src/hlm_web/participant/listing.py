"""A facilitator's entry on the public register: whether it lists them at all, which fields of their entry
it shows, and which kinds of session they offer (what they may be booked for, whether or not they show it).

The choices are replaced whole by the gateway's ``setMyRegisterListing``; what the register does not take
(offering no kind of session at all) is its refusal, shown as the NHS.UK error summary with every choice
kept as it was sent."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from hlm_web import csrf
from hlm_web.gateway import GatewayUnavailable
from hlm_web.participant import programme_queries as queries
from hlm_web.participant.router import SignedIn, _see_other, call
from hlm_web.templating import render

router = APIRouter()

PAGE = "/facilitator/register-entry"
# The fields of an entry a facilitator may show, in the order a card on Find a facilitator shows them.
FIELDS = {
    "NAME": "Your name",
    "ORGANISATION": "Your organisation",
    "REGION": "Your region",
    "MODES": "How you hold sessions",
    "LANGUAGES": "Your languages",
    "SPECIALISMS": "Your specialisms",
    "SESSION_KINDS": "The kinds of session you offer",
    "ACCREDITATION_LEVEL": "Your accreditation level",
}
SESSION_KINDS = {"FEEDBACK": "360 feedback sessions", "COACHING": "Coaching", "MENTORING": "Mentoring"}
# Where the register's reasons point (the mutation's input, in GraphQL's names), as the form's fields.
FORM_FIELD = {"sessionKinds": "session_kinds", "publishedFields": "published_fields", "isListed": "listed"}
WORDS = {"session_kinds": "Select at least one kind of session you offer"}


@router.get(PAGE, response_class=HTMLResponse)
async def register_entry(request: Request, person: SignedIn, saved: bool = False) -> Response:
    listing = (await call(request, person, queries.MY_REGISTER_LISTING))["myRegisterListing"]
    if listing is None:
        raise GatewayUnavailable
    values = {
        "listed": listing["isListed"],
        "published_fields": listing["publishedFields"],
        "session_kinds": listing["sessionKinds"],
    }
    return _page(request, values, listing["isShown"], [], saved=saved)


@router.post(PAGE, dependencies=[Depends(csrf.protect)])
async def save_register_entry(request: Request, person: SignedIn) -> Response:
    form = await request.form()
    values: dict[str, Any] = {
        "listed": form.get("listed") == "yes",
        # A value altered by hand is not a choice the page offered: left out, as an unticked box.
        "published_fields": [f for f in FIELDS if f in form.getlist("published_fields")],
        "session_kinds": [k for k in SESSION_KINDS if k in form.getlist("session_kinds")],
    }
    input = {
        "isListed": values["listed"],
        "publishedFields": values["published_fields"],
        "sessionKinds": values["session_kinds"],
    }
    answer = (await call(request, person, queries.SET_MY_REGISTER_LISTING, input=input))["setMyRegisterListing"]
    if answer is None:
        raise GatewayUnavailable
    if answer["__typename"] == "RegisterListing":
        return _see_other(f"{PAGE}?saved=true")
    errors: list[tuple[str, str]] = []
    for problem in answer["problems"]:
        field = FORM_FIELD.get(problem["location"][1] if len(problem["location"]) > 1 else "", "listed")
        errors.append((field, WORDS.get(field, problem["message"])))
    return _page(request, values, None, errors or [("listed", answer["message"])], status_code=400)


def _page(
    request: Request,
    values: dict[str, Any],
    shown: bool | None,
    errors: list[tuple[str, str]],
    *,
    saved: bool = False,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "facilitator/register_entry.html",
        {
            "values": values, "fields": FIELDS, "kinds": SESSION_KINDS, "shown": shown, "saved": saved,
            "errors": errors, "error_for": dict(errors),
        },
        status_code=status_code,
    )  # fmt: skip
