from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from hlm_kit.settings import SecretsDirSettings

# Where `make web-assets` (npm ci in web/) puts the NHS.UK frontend; an image copies it to the same place.
DEFAULT_ASSETS = Path(__file__).resolve().parents[2] / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"


class Settings(SecretsDirSettings):
    """The web front's settings, read from ``WEB_*`` environment variables or, under ``HLM_SECRETS_DIR``, files."""

    model_config = SettingsConfigDict(env_prefix="WEB_", extra="ignore", frozen=True)

    environment: Literal["development", "test", "production"] = "development"

    # The gateway is the web front's only backend.
    gateway_url: str = "http://127.0.0.1:8000"
    # A rater waits on this: past it the page says "try again later" and keeps their answers.
    gateway_timeout_s: float = 10.0

    # Signs the CSRF cookie of every form. Whoever knows it can forge a form post for any rater, so it
    # has no default: a deployment that forgets it does not start.
    secret_key: SecretStr
    # The CSRF cookie (and the token in each form) lasts this long: a rater may take a while over a page.
    csrf_max_age_s: int = 4 * 3600
    # Cookies only over HTTPS; off on a development machine that serves plain http on 127.0.0.1.
    secure_cookies: bool = True

    # The compiled NHS.UK frontend (its dist/nhsuk folder).
    nhsuk_frontend_dir: Path = DEFAULT_ASSETS

    # The proxy whose X-Forwarded-For is believed, so the address the rater limit counts is the rater's.
    forwarded_allow_ips: str = "127.0.0.1"

    log_level: str = "INFO"
    log_json: bool = True
