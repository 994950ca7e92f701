"""Settings shared by every service; each service subclasses with its own environment prefix."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SecretsSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

# The directory of secret files, one per setting, named as the setting's environment variable
# (e.g. SURVEY_DATABASE_URL): where a deployment mounts its Secret. Unset, only the environment is read.
SECRETS_DIR_VARIABLE = "HLM_SECRETS_DIR"


def secrets_dir() -> Path | None:
    """The directory ``HLM_SECRETS_DIR`` names, or None when it is unset or empty.

    A named directory that is missing is an error, not a warning: it means the deployment forgot to mount
    its Secret, and the process should say so at start rather than report each credential as missing.
    """
    value = os.environ.get(SECRETS_DIR_VARIABLE, "").strip()
    if not value:
        return None
    path = Path(value)
    if not path.is_dir():
        raise SettingsError(f"{SECRETS_DIR_VARIABLE}={value} is not a directory: is the Secret mounted there?")
    return path


class SecretsDirSettings(BaseSettings):
    """Settings read from the environment and, when ``HLM_SECRETS_DIR`` names a directory, from the file named
    after each setting's environment variable in it (the keys of a mounted Kubernetes Secret). The environment
    wins over a file, so a one-off run can override a mounted value.

    The base of every process's settings, the web front's too, which has no broker and verifies no token.
    """

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The directory is looked up when settings are built, not when this module is imported, and a class's
        # own env_prefix and case sensitivity name the files as they name the environment variables.
        directory = secrets_dir()
        if directory is None:
            return init_settings, env_settings, dotenv_settings
        return init_settings, env_settings, dotenv_settings, SecretsSettingsSource(settings_cls, secrets_dir=directory)


class ServerSettings(SecretsDirSettings):
    """How a process that serves HTTP is served (:func:`hlm_kit.cli.serve`): every service, the gateway and
    the web front."""

    # Addresses whose X-Forwarded-For / X-Forwarded-Proto are believed (uvicorn's forwarded_allow_ips):
    # the proxy in front of this process, so that the client address a rate limit counts is the real
    # caller's. "*" only where a network policy lets nothing but that proxy reach the process.
    forwarded_allow_ips: str = "127.0.0.1"

    # Uvicorn worker processes sharing the listening socket, each with its own event loop (at most one
    # core), database pool, caches, background tasks and metrics. One in a Kubernetes pod: the autoscaler
    # adds pods (deploy/k8s/README.md, "Scaling"). More only where one machine runs the process alone.
    http_workers: int = Field(default=1, ge=1)


class PlatformSettings(ServerSettings):
    """Settings every process of the platform has: the broker, token verification and logging.

    The gateway uses this directly (it owns no database); services use :class:`ServiceSettings`.
    Fields that carry credentials (broker URL, the development signing secret) have no default, so a
    deployment that forgets one fails at start instead of running with a guess.

    Every setting is read from the environment variable named after it (``<PREFIX><FIELD>``, any case) or,
    when ``HLM_SECRETS_DIR`` names a directory, from the file of that name in it (the keys of a mounted
    Kubernetes Secret). The environment wins over a file, so a one-off run can override a mounted value.
    """

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    environment: Literal["development", "test", "production"] = "development"

    amqp_url: SecretStr
    events_exchange: str = "hlm.events"
    dead_letter_exchange: str = "hlm.dlx"
    # Prefixed onto every queue name; empty in deployments, unique per test to keep tests apart.
    queue_prefix: str = ""
    broker_reconnect_max_delay_s: float = 10.0

    # Development signs tokens with a shared HS256 secret; production verifies against a JWKS URL.
    jwt_secret: SecretStr | None = None
    jwt_jwks_url: str | None = None
    jwt_issuer: str
    jwt_audience: str
    jwt_leeway_s: int = 30

    log_level: str = "INFO"
    log_json: bool = True

    @model_validator(mode="after")
    def _one_way_to_verify_tokens(self) -> PlatformSettings:
        if (self.jwt_secret is None) == (self.jwt_jwks_url is None):
            raise ValueError("set exactly one of jwt_secret (development) or jwt_jwks_url (production)")
        if self.environment == "production" and self.jwt_secret is not None:
            raise ValueError("a shared signing secret is for development only; use jwt_jwks_url in production")
        return self


class ServiceSettings(PlatformSettings):
    """Base settings of an HLM service: the platform's, plus its database and its workers.

    A subclass sets ``model_config = SettingsConfigDict(env_prefix="FRAMEWORK_")`` (or its own prefix).
    """

    database_url: SecretStr
    db_pool_size: int = 10
    db_pool_timeout_s: float = 10.0

    # API-only replicas turn this off: no outbox relay and no consumers in that process.
    run_workers: bool = True
    relay_poll_interval_s: float = 2.0
    # How long the outbox relay, or an API-only process's notifier, waits after a commit wakes it before it
    # claims (or sends its NOTIFY): the commits of those moments share one pass and one NOTIFY. Events reach
    # RabbitMQ at most this much later. 0: at once, a pass and a NOTIFY per commit at low load.
    outbox_linger_s: float = 0.05
    # How long stopping waits for each of: background tasks, the broker, the database pool. Three of
    # them stay well inside Kubernetes' default 30 s termination grace period.
    shutdown_grace_s: float = 8.0
    relay_batch_size: int = 100
    outbox_retention_days: int = 7
    consumer_prefetch: int = 16
    consumer_max_attempts: int = 5
    consumer_retry_base_delay_s: float = 0.5
