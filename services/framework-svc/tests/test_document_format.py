"""Reading and writing documents as JSON or YAML: strict about repeated keys, faithful in round trips."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from framework_svc.document_format import MAX_DOCUMENT_BYTES, dump_document, format_of, parse_document
from framework_svc.frameworks.documents import FrameworkDocument
from hlm_kit.errors import BadRequest


@pytest.mark.parametrize(
    "content_type",
    ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "Application/YAML; charset=utf-8"],
)
def test_yaml_media_types_read_as_yaml(content_type: str) -> None:
    assert format_of(content_type) == "yaml"


@pytest.mark.parametrize(
    "content_type", [None, "application/json", "application/json; charset=utf-8", "application/vnd.hlm+json"]
)
def test_json_media_types_and_a_missing_content_type_read_as_json(content_type: str | None) -> None:
    assert format_of(content_type) == "json"


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/xml", "text/csv", "application/x-www-form-urlencoded"]
)
def test_other_media_types_are_refused_naming_the_type(content_type: str) -> None:
    with pytest.raises(BadRequest, match=content_type):
        format_of(content_type)


def test_a_yaml_key_written_twice_is_refused_with_its_name_and_line() -> None:
    text = "key: a\ndimensions:\n  - key: x\n    name: X\n    name: Y\n"

    with pytest.raises(BadRequest, match=r"duplicate key 'name' at line 5"):
        parse_document(text, "yaml")


def test_a_json_key_written_twice_is_refused_with_its_name() -> None:
    text = '{"key": "a", "dimensions": [{"key": "x", "name": "X", "name": "Y"}]}'

    with pytest.raises(BadRequest, match=r"duplicate key\(s\) 'name'"):
        parse_document(text, "json")


def test_the_same_key_in_sibling_mappings_is_no_duplicate() -> None:
    text = "dimensions:\n  - key: x\n  - key: y\n"

    assert parse_document(text, "yaml") == {"dimensions": [{"key": "x"}, {"key": "y"}]}


@pytest.mark.parametrize(
    ("text", "fmt"),
    [("key: [unclosed\n", "yaml"), ("a: b: c\n", "yaml"), ('{"key": ', "json"), ("{'key': 'a'}", "json")],
)
def test_malformed_text_is_refused_as_a_bad_request(text: str, fmt: Any) -> None:
    with pytest.raises(BadRequest, match=f"not a valid {fmt.upper()} document"):
        parse_document(text, fmt)


def test_yaml_is_read_safely_without_constructing_objects() -> None:
    with pytest.raises(BadRequest):
        parse_document("key: !!python/object/apply:os.system ['true']\n", "yaml")


def test_a_document_over_the_size_limit_is_refused() -> None:
    with pytest.raises(BadRequest, match="larger than"):
        parse_document(b" " * (MAX_DOCUMENT_BYTES + 1), "json")


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_dumped_document_parses_back_to_the_same_document(framework_document: dict[str, Any], fmt: Any) -> None:
    document = FrameworkDocument.model_validate(framework_document)

    text = dump_document(document, fmt)

    assert FrameworkDocument.model_validate(parse_document(text, fmt)) == document
    assert parse_document(text, fmt) == framework_document


def test_a_yaml_dump_keeps_the_field_order_and_non_ascii_text(framework_document: dict[str, Any]) -> None:
    framework_document["name"] = "Cadre de leadership — santé"

    text = dump_document(FrameworkDocument.model_validate(framework_document), "yaml")

    assert text.startswith("kind: framework\nkey: test-fw\nversion: 1\n")
    assert "Cadre de leadership — santé" in text
    assert yaml.safe_load(text)["name"] == "Cadre de leadership — santé"


def test_a_json_dump_is_indented_and_ends_with_a_newline(framework_document: dict[str, Any]) -> None:
    text = dump_document(FrameworkDocument.model_validate(framework_document), "json")

    assert text.endswith("}\n")
    assert text.splitlines()[1] == '  "kind": "framework",'
    assert json.loads(text) == framework_document
