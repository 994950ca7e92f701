from __future__ import annotations

from pathlib import Path

from hlm_gateway.schema import schema_sdl

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schema.graphql"


def test_schema_file_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text() == schema_sdl(), (
        "gateway/schema.graphql is out of date: run `uv run hlm-gateway print-schema > gateway/schema.graphql`"
    )
