"""JSON and JSONB parameters are written by orjson, as the documents json.dumps wrote."""

from __future__ import annotations

import json

import pytest

from hlm_kit.db import json_text


@pytest.mark.parametrize(
    "value",
    [
        {"answers": [{"item_key": "isp-1", "level": None}], "text": 'Asks the quiet ones first. é — "quoted"\n'},
        [1, 2.5, True, None, "", {}, []],
        {1: "an integer key", "nested": {"deep": [{"x": -3}]}},
        {"beyond 64 bits": 2**70},  # orjson refuses it: json.dumps writes it
    ],
)
def test_a_parameter_is_the_document_json_dumps_wrote(value: object) -> None:
    assert json.loads(json_text(value)) == json.loads(json.dumps(value))
