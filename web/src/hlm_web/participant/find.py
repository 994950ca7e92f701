"""Find a facilitator: the public register, searched by anyone signed in.

The gateway's ``publicRegister`` answers only what each facilitator chose to publish; a field they keep to
themself is null, and the page says "Not published" rather than guessing. A filter keeps only those who
publish that field and match it. Paged by the gateway's relay cursor, 20 a page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from hlm_web.gateway import GatewayRefused
from hlm_web.participant import programme_queries as queries
from hlm_web.participant.booking import MODE_NAMES
from hlm_web.participant.router import SignedIn, call
from hlm_web.templating import render

router = APIRouter()

# Entries shown on a page of the register.
SEARCH_PAGE = 20
MODES = {"VIDEO": "Video call", "IN_PERSON": "In person"}
LEVELS = {"FACILITATOR": "Facilitator", "TRAINER": "Facilitator trainer"}
KINDS = {"FEEDBACK": "360 feedback sessions", "COACHING": "Coaching", "MENTORING": "Mentoring"}
# The languages people ask for most, by their ISO 639 code; an entry in another language shows its code.
LANGUAGES = {
    "en": "English", "cy": "Welsh", "ar": "Arabic", "bn": "Bengali", "zh": "Chinese", "fr": "French",
    "gu": "Gujarati", "hi": "Hindi", "it": "Italian", "pl": "Polish", "pt": "Portuguese", "pa": "Punjabi",
    "ro": "Romanian", "es": "Spanish", "ta": "Tamil", "tr": "Turkish", "ur": "Urdu",
}  # fmt: skip
MAX_REGION = 200


def _entry(node: dict[str, Any], specialisms: dict[str, str]) -> dict[str, Any]:
    """What a card shows: each published field in words, None where the facilitator did not publish it."""

    def words(values: list[str] | None, names: dict[str, str]) -> str | None:
        return None if values is None else (", ".join(names.get(v, v) for v in values) or "None listed")

    return {
        "id": node["id"],
        "name": node["name"],
        "fields": [
            ("Organisation", node["organisation"]),
            ("Region", node["region"]),
            ("How they hold sessions", words(node["modes"], MODE_NAMES)),
            ("Languages", words(node["languages"], LANGUAGES)),
            ("Specialisms", words(node["specialisms"], specialisms)),
            ("Kinds of session", words(node["sessionKinds"], KINDS)),
            ("Accreditation", LEVELS.get(node["accreditationLevel"] or "", node["accreditationLevel"])),
        ],
    }


@router.get("/register", response_class=HTMLResponse)
async def find_a_facilitator(
    request: Request,
    person: SignedIn,
    region: str = "",
    mode: str = "",
    language: str = "",
    specialism: str = "",
    session_kind: str = "",
    after: str = "",
    start: str = "1",
) -> Response:
    values = {
        "region": region.strip(),
        "mode": mode,
        "language": language,
        "specialism": specialism,
        "session_kind": session_kind,
    }
    errors: list[tuple[str, str]] = []
    if len(values["region"]) > MAX_REGION or not values["region"].isprintable():
        errors.append(("region", f"Enter a region of {MAX_REGION} characters or fewer"))
    if mode and mode not in MODES:
        errors.append(("mode", "Select how the session takes place from the list"))
    if language and language not in LANGUAGES:
        errors.append(("language", "Select a language from the list"))
    if session_kind and session_kind not in KINDS:
        errors.append(("session_kind", "Select a kind of session from the list"))
    variables = {
        "first": SEARCH_PAGE,
        "after": after or None,
        "region": values["region"] or None,
        "mode": mode or None,
        "language": language or None,
        "specialism": specialism or None,
        "sessionKind": session_kind or None,
    }
    if errors:
        # The filters that are fine stay as entered; the search waits for the others.
        data = await call(request, person, queries.SPECIALISMS)
        return _page(request, values, data, None, errors, 1, None, None, status_code=400)
    try:
        data = await call(request, person, queries.PUBLIC_REGISTER, **variables)
    except GatewayRefused as exc:
        if exc.code != "BAD_USER_INPUT":
            raise
        # A page link altered by hand (its cursor not one the register gave): no such page.
        if after:
            raise HTTPException(status_code=404) from exc
        # A specialism the register does not know (a link altered by hand): said at the field.
        data = await call(request, person, queries.SPECIALISMS)
        errors = [("specialism", "Select a specialism from the list")]
        return _page(request, values, data, None, errors, 1, None, None, status_code=400)
    page = data["publicRegister"] or {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}
    filters = {k: v for k, v in values.items() if v}
    first_shown = max(int(start), 1) if after and start.isdigit() and len(start) < 7 else 1
    shown = len(page["edges"])
    next_url = (
        "/register?" + urlencode(filters | {"after": page["pageInfo"]["endCursor"], "start": first_shown + shown})
        if page["pageInfo"]["hasNextPage"]
        else None
    )
    first_url = "/register" + ("?" + urlencode(filters) if filters else "") if after else None
    return _page(request, values, data, page, [], first_shown, next_url, first_url)


def _page(
    request: Request,
    values: dict[str, str],
    data: dict[str, Any],
    page: dict[str, Any] | None,
    errors: list[tuple[str, str]],
    first_shown: int,
    next_url: str | None,
    first_url: str | None,
    status_code: int = 200,
) -> Response:
    specialisms = {s["key"]: s["label"] for s in (data.get("specialisms") or [])}
    entries = [_entry(edge["node"], specialisms) for edge in (page or {"edges": []})["edges"]]
    return render(
        request,
        "register/search.html",
        {
            "values": values, "modes": MODES, "languages": LANGUAGES, "kinds": KINDS, "specialisms": specialisms,
            "entries": entries, "searched": page is not None, "filtered": any(values.values()),
            "first_shown": first_shown, "next_url": next_url, "first_url": first_url,
            "errors": errors, "error_for": dict(errors),
        },
        status_code=status_code,
    )  # fmt: skip
