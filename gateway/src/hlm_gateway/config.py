from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from hlm_kit.settings import PlatformSettings


class Settings(PlatformSettings):
    """Gateway settings, read from ``GATEWAY_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_")

    framework_url: str = "http://127.0.0.1:8001"
    survey_url: str = "http://127.0.0.1:8002"
    report_url: str = "http://127.0.0.1:8003"
    facilitator_url: str = "http://127.0.0.1:8004"
    # A slow service must not hold the whole query: past this, its fields come back null with an error.
    upstream_timeout_s: float = 5.0
    upstream_max_connections: int = 100

    max_query_depth: int = 12
    # The introspection query GraphiQL and client code generators send nests 14 deep (``ofType`` nine times
    # under ``__schema { types { fields { args { type`` ); a little more than that, and no deeper.
    max_introspection_depth: int = 15
    max_query_tokens: int = 2000
    max_aliases: int = 30
    parser_cache_size: int = 256
    validation_cache_size: int = 256
    # Refused before strawberry reads them (413, or close code 1009 on a websocket): a 1 MB query costs
    # its parse even when a limit refuses it afterwards. The largest mutation the app sends, a whole
    # response with its comments, is far below these.
    max_request_body_bytes: int = 256 * 1024
    max_query_string_bytes: int = 16 * 1024
    max_ws_message_bytes: int = 256 * 1024
    introspection: bool = True
    graphiql: bool = True
