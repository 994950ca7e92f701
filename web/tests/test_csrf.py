"""The CSRF cookie read back: a token is reused only from a cookie this process signed, and no longer than
the signature allows."""

from __future__ import annotations

import time

import pytest
from itsdangerous import URLSafeTimedSerializer

from hlm_web import csrf

SECRET = "test-" + "x" * 40


def _signed(token: str, secret: str = SECRET) -> str:
    return URLSafeTimedSerializer(secret, salt=csrf._SALT).dumps(token)


def test_a_cookie_is_read_the_first_time_and_every_time_after() -> None:
    reader = csrf._CookieReader(SECRET)
    signed = _signed("a-token")

    assert reader.token(signed, 3600) == "a-token"
    assert reader.token(signed, 3600) == "a-token"


def test_a_forged_or_altered_cookie_is_refused_though_a_good_one_was_read() -> None:
    reader = csrf._CookieReader(SECRET)
    signed = _signed("a-token")
    assert reader.token(signed, 3600) == "a-token"

    assert reader.token(signed[:-2] + ("AA" if not signed.endswith("AA") else "BB"), 3600) is None
    assert reader.token(_signed("a-token", secret="another-" + "y" * 40), 3600) is None
    assert reader.token("not a cookie", 3600) is None


def test_a_cookie_read_before_is_refused_once_it_is_too_old(monkeypatch: pytest.MonkeyPatch) -> None:
    reader = csrf._CookieReader(SECRET)
    signed = _signed("a-token")
    assert reader.token(signed, 60) == "a-token"
    now = time.time()

    monkeypatch.setattr(time, "time", lambda: now + 59)
    assert reader.token(signed, 60) == "a-token"
    monkeypatch.setattr(time, "time", lambda: now + 62)
    assert reader.token(signed, 60) is None
    assert reader.token(signed, 60) is None  # and not from what it kept either


def test_the_cookies_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csrf._CookieReader, "MAX_ENTRIES", 3)
    reader = csrf._CookieReader(SECRET)
    for n in range(5):
        assert reader.token(_signed(f"token-{n}"), 3600) == f"token-{n}"

    assert len(reader._verified) == 3
    assert reader.token(_signed("token-0"), 3600) == "token-0"  # let go, so read and checked again
