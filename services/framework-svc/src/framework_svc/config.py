from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from hlm_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    """framework-svc settings, read from ``FRAMEWORK_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="FRAMEWORK_")
