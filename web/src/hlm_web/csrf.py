"""CSRF protection of every form (fastapi-csrf-protect): a signed double-submit cookie, and the token in
a hidden field of the form's body.

The cookie's token is reused while it is valid, so a rater with two tabs open, or who goes back a page
with the browser, still sends a token that matches; a new one is made only when there is none."""

from __future__ import annotations

import time
from collections import OrderedDict

from fastapi import Request
from fastapi_csrf_protect import CsrfProtect
from fastapi_csrf_protect.exceptions import CsrfProtectError
from itsdangerous import BadData, URLSafeTimedSerializer
from starlette.responses import Response

from hlm_web.config import Settings

FIELD = "csrf_token"
COOKIE = "hlm-csrf"
# fastapi-csrf-protect signs its cookie with this salt; reading it back needs the same.
_SALT = "fastapi-csrf-token"


class CsrfRefused(Exception):
    """A form came without a token, or with one that does not match its cookie."""


class _CookieReader:
    """Reads this process's CSRF cookies back, for one secret: itsdangerous's serializer, made once (its
    signer is otherwise built afresh for each call), and the cookies it has verified.

    A rater's browser sends the same cookie with every page of their journey, and checking it (the key
    derived again, an HMAC, base64 and JSON) was a tenth of a page shown's own work. A cookie once verified
    is kept, the exact signed value as its key, with the second at which it stops being reused: only a value
    the serializer accepted is ever kept, so a forged or altered cookie is never read from here, and one
    kept is not reused a second longer than the serializer would reuse it. The least recently used are let
    go beyond ``MAX_ENTRIES`` (a few hundred bytes each)."""

    MAX_ENTRIES = 4096

    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt=_SALT)
        self._verified: OrderedDict[str, tuple[str, int]] = OrderedDict()

    def token(self, signed: str, max_age_s: int) -> str | None:
        """The token ``signed`` carries, or None when it is forged, altered or older than ``max_age_s``."""
        kept = self._verified.get(signed)
        if kept is not None:
            token, last_second = kept
            if int(time.time()) <= last_second:
                self._verified.move_to_end(signed)
                return token
            del self._verified[signed]
            return None
        try:
            token, signed_at = self._serializer.loads(signed, max_age=max_age_s, return_timestamp=True)
        except BadData:
            return None
        if not isinstance(token, str):
            return None
        # itsdangerous refuses a value whose age in whole seconds is over max_age.
        self._verified[signed] = (token, int(signed_at.timestamp()) + max_age_s)
        if len(self._verified) > self.MAX_ENTRIES:
            self._verified.popitem(last=False)
        return token


_readers: dict[str, _CookieReader] = {}


def _reader(secret_key: str) -> _CookieReader:
    reader = _readers.get(secret_key)
    if reader is None:
        reader = _readers[secret_key] = _CookieReader(secret_key)
    return reader


def configure(settings: Settings) -> None:
    """fastapi-csrf-protect keeps one configuration per process: the token comes in the form body."""

    @CsrfProtect.load_config
    def _config() -> list[tuple[str, object]]:
        return [
            ("secret_key", settings.secret_key.get_secret_value()),
            ("token_location", "body"),
            ("token_key", FIELD),
            ("cookie_key", COOKIE),
            ("cookie_samesite", "strict"),
            ("cookie_secure", settings.secure_cookies),
            ("httponly", True),
            ("max_age", settings.csrf_max_age_s),
        ]


def tokens_for(request: Request) -> tuple[str, str | None]:
    """(the token for the page's forms, a signed cookie to set or None when the current one stays)."""
    settings: Settings = request.app.state.settings
    signed = request.cookies.get(COOKIE)
    if signed:
        # Renewed well before it runs out, so a page left open for a while can still be sent.
        token = _reader(settings.secret_key.get_secret_value()).token(signed, settings.csrf_max_age_s // 2)
        if token is not None:
            return token, None
    token, signed = CsrfProtect().generate_csrf_tokens()
    return token, signed


def set_cookie(request: Request, signed: str | None, response: Response) -> None:
    if signed is not None:
        CsrfProtect().set_csrf_cookie(signed, response)


async def protect(request: Request) -> None:
    """A dependency of every route that takes a form: the token in the body must match the cookie."""
    form = await request.form()  # parsed once by Starlette, so the library reads the field from it
    # Kept where an error page can reach it: "try again later" keeps the rater's answers.
    request.state.form = [(key, value) for key, value in form.multi_items() if key != FIELD and isinstance(value, str)]
    try:
        await CsrfProtect().validate_csrf(request)
    except CsrfProtectError as exc:
        raise CsrfRefused from exc
