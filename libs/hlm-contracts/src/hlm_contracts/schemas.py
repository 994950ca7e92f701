"""JSON Schemas of the event types, generated from the models and kept beside the package.

`hlm-contracts-schemas` writes one file per event type to `libs/hlm-contracts/schemas/<type>.json`;
`hlm-contracts-schemas --check` fails when the files differ from what the models produce.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hlm_contracts.registry import EVENT_TYPES

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# The directory of the library in the repository: src/hlm_contracts/schemas.py -> libs/hlm-contracts.
SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"


def event_json_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of each event type's `data`, by type name."""
    schemas: dict[str, dict[str, Any]] = {}
    for type_name, cls in sorted(EVENT_TYPES.items()):
        schema = cls.model_json_schema()
        schema["$schema"] = JSON_SCHEMA_DIALECT
        schema["$id"] = type_name
        schema["title"] = cls.__name__
        schemas[type_name] = schema
    return schemas


def render(schema: dict[str, Any]) -> str:
    """A schema as it is stored on disk: sorted keys, two-space indent, one trailing newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def expected_files() -> dict[str, str]:
    """The contents of every schema file, by file name."""
    return {f"{type_name}.json": render(schema) for type_name, schema in event_json_schemas().items()}


def differences(directory: Path = SCHEMA_DIR) -> list[str]:
    """What differs between `directory` and the models: one line per stale, missing or extra file."""
    expected = expected_files()
    present = {path.name for path in directory.glob("*.json")} if directory.is_dir() else set()
    problems: list[str] = []
    for name, text in expected.items():
        path = directory / name
        if name not in present:
            problems.append(f"missing: {path}")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"stale: {path}")
    problems += [f"extra: {directory / name}" for name in sorted(present - expected.keys())]
    return problems


def write(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write every schema file to `directory` and remove those of types that no longer exist.

    Returns the files written or removed.
    """
    directory.mkdir(parents=True, exist_ok=True)
    expected = expected_files()
    changed: list[Path] = []
    for name, text in expected.items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    for path in sorted(directory.glob("*.json")):
        if path.name not in expected:
            path.unlink()
            changed.append(path)
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    """Write the schema files, or with `--check` report how they differ from the models."""
    parser = argparse.ArgumentParser(prog="hlm-contracts-schemas", description=main.__doc__)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if any file differs")
    parser.add_argument("--dir", type=Path, default=SCHEMA_DIR, help=f"schema directory (default {SCHEMA_DIR})")
    args = parser.parse_args(argv)
    if args.check:
        problems = differences(args.dir)
        for line in problems:
            print(line, file=sys.stderr)
        if problems:
            print("run hlm-contracts-schemas to regenerate the schema files", file=sys.stderr)
            return 1
        print(f"{len(EVENT_TYPES)} schema files up to date in {args.dir}")
        return 0
    for path in write(args.dir):
        print(f"wrote {path}" if path.exists() else f"removed {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
