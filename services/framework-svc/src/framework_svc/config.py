from __future__ import annotations

from hlm_kit.settings import ServiceSettings
from pydantic_settings import SettingsConfigDict


class Settings(ServiceSettings):
    """framework-svc settings, read from ``FRAMEWORK_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="FRAMEWORK_")

    # Rendered trees of published (immutable) versions kept in memory; each is a few hundred KB at most.
    tree_cache_entries: int = 64
