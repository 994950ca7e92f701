"""The gateway reads each service's answers through models generated from that service's OpenAPI document:
a service whose API changed without the models being generated again fails here, before any app sees a
field go missing."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gateway_models", ROOT / "scripts" / "gateway_models.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("service", ["framework", "survey", "report", "facilitator"])
def test_the_models_of_each_service_match_its_openapi_document(service: str) -> None:
    generator = _generator()
    committed = (generator.UPSTREAM / f"{service}.py").read_text()
    assert committed == generator.models_source(service), (
        f"{service}-svc's API changed: run `make gateway-models` and adapt the gateway to what changed"
    )
