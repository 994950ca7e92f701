"""The gateway's models of what each service answers, generated from that service's OpenAPI document.

Each service's document is built in-process (its ``create_app(...).openapi()``: no server, database or
broker is needed) and turned into pydantic models by datamodel-code-generator, one module per service in
``gateway/src/hlm_gateway/upstream/``. The gateway validates every answer into these models, so a field a
service renames fails where the answer comes in, and a test fails until the models are generated again.

    uv run python scripts/gateway_models.py          # write the modules (make gateway-models)
    uv run python scripts/gateway_models.py --check  # exit 1 when one is out of date
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UPSTREAM = ROOT / "gateway" / "src" / "hlm_gateway" / "upstream"
SERVICES = ("framework", "survey", "report", "facilitator")

# Settings that let each service's app be built without reaching anything: the document depends on none
# of them, but a service refuses to start without its secrets.
_OFFLINE_SETTINGS = {
    "environment": "test",
    "amqp_url": "amqp://offline/",
    "database_url": "postgresql://offline/offline",
    "jwt_secret": "offline-openapi-document-only-0123456789",
    "jwt_issuer": "offline",
    "jwt_audience": "offline",
    "email_hash_key": "offline-openapi-document-only-0123456789",
    "run_workers": False,
}

_GENERATOR_OPTIONS = [
    "--input-file-type=openapi",
    "--output-model-type=pydantic_v2.BaseModel",
    "--target-python-version=3.11",
    "--use-annotated",
    "--field-constraints",
    "--use-standard-collections",
    "--use-union-operator",
    "--collapse-root-models",
    # A field that is not nullable in the document is not Optional here, even when it has a default.
    "--strict-nullable",
    "--set-default-enum-member",
    # A service may add to its answers without the gateway failing: only what is read must match.
    "--extra-fields=ignore",
    "--use-double-quotes",
    "--disable-timestamp",
    "--formatters",
    "ruff-format",
    "ruff-check",
]


def openapi_document(service: str) -> str:
    """``service``'s OpenAPI document as JSON, as its ``/openapi.json`` serves it."""
    config = importlib.import_module(f"{service}_svc.config")
    main = importlib.import_module(f"{service}_svc.main")
    app = main.create_app(config.Settings.model_validate(_OFFLINE_SETTINGS))
    return json.dumps(app.openapi(), indent=1, sort_keys=True)


def models_source(service: str) -> str:
    """The module of ``service``'s models, as ``make gateway-models`` writes it."""
    header = (
        f"# Generated from {service}-svc's OpenAPI document by `make gateway-models` (scripts/gateway_models.py):\n"
        "# do not edit; generate again when the service's API changes."
    )
    with tempfile.TemporaryDirectory() as scratch:
        document = Path(scratch) / f"{service}.json"
        output = Path(scratch) / f"{service}.py"
        document.write_text(openapi_document(service))
        subprocess.run(
            [
                "datamodel-codegen",
                f"--input={document}",
                f"--output={output}",
                f"--custom-file-header={header}",
                *_GENERATOR_OPTIONS,
            ],
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        # Formatted as the module's own path in the repository is, by the project's ruff settings.
        return subprocess.run(
            ["ruff", "format", f"--stdin-filename={UPSTREAM / output.name}", "-"],
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
            input=output.read_text(),
        ).stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="report modules that are out of date; write nothing")
    args = parser.parse_args()
    stale = []
    for service in SERVICES:
        path = UPSTREAM / f"{service}.py"
        source = models_source(service)
        if args.check:
            if not path.exists() or path.read_text() != source:
                stale.append(path.relative_to(ROOT))
        else:
            path.write_text(source)
    for path in stale:
        print(f"{path} is out of date: run `make gateway-models`", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
