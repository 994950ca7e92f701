"""CSRF protection of every form (fastapi-csrf-protect): a signed double-submit cookie, and the token in
a hidden field of the form's body.

The cookie's token is reused while it is valid, so a rater with two tabs open, or who goes back a page
with the browser, still sends a token that matches; a new one is made only when there is none."""

from __future__ import annotations

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


# What reads this process's cookies back, made once per secret: itsdangerous's serializer and its signer are
# built afresh for each call otherwise, on every page shown.
_serializers: dict[str, URLSafeTimedSerializer] = {}


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    serializer = _serializers.get(secret_key)
    if serializer is None:
        serializer = _serializers[secret_key] = URLSafeTimedSerializer(secret_key, salt=_SALT)
    return serializer


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
        serializer = _serializer(settings.secret_key.get_secret_value())
        try:
            # Renewed well before it runs out, so a page left open for a while can still be sent.
            token: str = serializer.loads(signed, max_age=settings.csrf_max_age_s // 2)
            return token, None
        except BadData:
            pass
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
