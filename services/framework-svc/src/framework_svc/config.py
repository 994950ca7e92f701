from __future__ import annotations

from hlm_kit.settings import ServiceSettings
from pydantic_settings import SettingsConfigDict


class Settings(ServiceSettings):
    """framework-svc settings, read from ``FRAMEWORK_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="FRAMEWORK_")

