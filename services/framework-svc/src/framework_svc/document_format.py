"""Reading and writing framework and questionnaire documents as JSON or YAML.

Both parsers refuse a mapping that names the same key twice: YAML and JSON libraries normally keep the
last value silently, which would let a typo overwrite content without anyone noticing.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import yaml
from pydantic import BaseModel

from hlm_kit.errors import BadRequest

DocumentFormat = Literal["json", "yaml"]
YAML_MEDIA_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024


class DuplicateKeyError(ValueError):
    pass


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise DuplicateKeyError(f"duplicate key {key!r} at line {key_node.start_mark.line + 1}")
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _no_duplicate_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise DuplicateKeyError(f"duplicate key(s) {', '.join(map(repr, repeated))}")
    return dict(pairs)


def format_of(content_type: str | None) -> DocumentFormat:
    media_type = (content_type or "application/json").split(";")[0].strip().lower()
    if media_type in YAML_MEDIA_TYPES:
        return "yaml"
    if media_type == "application/json" or media_type.endswith("+json"):
        return "json"
    raise BadRequest(f"unsupported content type {media_type!r}: send application/json or application/yaml")


def parse_document(body: bytes | str, fmt: DocumentFormat) -> Any:
    """Parse a document; malformed input or duplicate keys raise :class:`BadRequest`."""
    if len(body) > MAX_DOCUMENT_BYTES:
        raise BadRequest(f"document larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        if fmt == "yaml":
            return yaml.load(body, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
        return json.loads(body, object_pairs_hook=_no_duplicate_pairs)
    except DuplicateKeyError as exc:
        raise BadRequest(str(exc)) from exc
    except (yaml.YAMLError, ValueError) as exc:
        raise BadRequest(f"not a valid {fmt.upper()} document: {exc}") from exc


def dump_document(document: BaseModel, fmt: DocumentFormat) -> str:
    """Serialise a document in the same shape the loader and the import endpoints read."""
    data = document.model_dump(mode="json")
    if fmt == "yaml":
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
