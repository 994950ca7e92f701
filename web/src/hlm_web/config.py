from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from hlm_kit.settings import ServerSettings

# Where `make web-assets` (npm ci in web/) puts the NHS.UK frontend; an image copies it to the same place.
DEFAULT_ASSETS = Path(__file__).resolve().parents[2] / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"


class Settings(ServerSettings):
    """The web front's settings, read from ``WEB_*`` environment variables or, under ``HLM_SECRETS_DIR``, files.

    ``forwarded_allow_ips`` (the proxy whose X-Forwarded-For is believed, so the address the rater limit counts
    is the rater's) and ``http_workers`` come from :class:`ServerSettings`."""

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

    # The largest CSV file of e-learning results an administrator may upload. The file goes to the gateway
    # inside a GraphQL request, which the gateway refuses past its own limit (GATEWAY_MAX_REQUEST_BODY_BYTES,
    # 256 KiB by default): this leaves room for the request's JSON, which writes each quote and line end
    # of the file as two characters. A larger file is split; a file that still overflows the gateway's
    # limit gets the same answer.
    assessment_import_max_bytes: int = 200 * 1024

    # The compiled NHS.UK frontend (its dist/nhsuk folder).
    nhsuk_frontend_dir: Path = DEFAULT_ASSETS

    log_level: str = "INFO"
    log_json: bool = True

    # The questionnaires a participant's self-assessment and 360 are pinned to: HLM version 1's.
    self_questionnaire_id: str = "43bf6408-24f2-588e-b607-415f64388224"
    questionnaire_360_id: str = "d64d23aa-0e25-53c0-8b12-810a2047e60e"

    # Participants sign in with OpenID Connect (authorization code with PKCE S256). The issuer's
    # /.well-known/openid-configuration is read at the first sign-in.
    oidc_issuer: str | None = None
    oidc_client_id: str = "hlm-web"
    # Whoever knows it can redeem codes as this web front: from settings only, never a default in production.
    oidc_client_secret: SecretStr | None = None
    oidc_scope: str = "openid profile email"
    # The token sent to the gateway as Bearer: the ID token (a JWT whose audience is this client, which
    # the gateway then expects) or the access token, when the provider makes it a JWT for the platform.
    oidc_bearer: Literal["id_token", "access_token"] = "id_token"
    # A signed-in session lasts no longer than its token, and never longer than this.
    session_max_age_s: int = 8 * 3600

    # Development only: the local sign-in page mints tokens with the platform's development secret
    # (what `make token` does). Refused in production, where it must not be set.
    dev_jwt_secret: SecretStr | None = None
    dev_jwt_issuer: str = "hlm-dev"
    dev_jwt_audience: str = "hlm-platform"

    @model_validator(mode="after")
    def _production_signs_in_through_the_provider(self) -> Settings:
        if self.environment == "production":
            if self.dev_jwt_secret is not None:
                raise ValueError("WEB_DEV_JWT_SECRET mints tokens for anyone: it is for development only")
            if self.oidc_issuer is None or self.oidc_client_secret is None:
                raise ValueError("production needs WEB_OIDC_ISSUER and WEB_OIDC_CLIENT_SECRET")
        return self

    @property
    def development_sign_in(self) -> bool:
        """The local sign-in page exists: never in production, and only with a development secret."""
        return self.environment != "production" and self.dev_jwt_secret is not None
