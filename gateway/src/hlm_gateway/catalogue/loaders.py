"""Batched reads of framework-svc for one request."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from hlm_gateway.errors import ErrorCode, GatewayError
from hlm_gateway.upstream import Upstream

FrameworkKey = tuple[str, int | None]


def catalogue_loaders(framework: Upstream) -> dict[str, DataLoader[Any, Any]]:
    async def frameworks(keys: Sequence[FrameworkKey]) -> list[Any]:
        # framework-svc serves one tree per call; the loader still makes one call per distinct
        # (key, version) however many fields of the query ask for it.
        results: list[Any] = []
        for key, version in keys:
            try:
                params = {"version": str(version)} if version is not None else None
                results.append(await framework.get(f"/v1/frameworks/{key}", params))
            except GatewayError as error:
                results.append(error)
        return results

    async def questionnaires(ids: Sequence[str]) -> list[Any]:
        try:
            found = await framework.get("/v1/questionnaires", {"ids": ",".join(ids)})
        except GatewayError as error:
            return [error] * len(ids)
        by_id = {q["id"]: q for q in found["items"]}
        return [by_id.get(i) or GatewayError(f"no questionnaire {i}", ErrorCode.NOT_FOUND) for i in ids]

    async def questionnaires_by_framework(keys: Sequence[str]) -> list[Any]:
        results: list[Any] = []
        for key in keys:
            try:
                results.append((await framework.get("/v1/questionnaires", {"framework": key}))["items"])
            except GatewayError as error:
                results.append(error)
        return results

    return {
        "framework": DataLoader(load_fn=frameworks),
        "questionnaire": DataLoader(load_fn=questionnaires),
        "questionnaires_by_framework": DataLoader(load_fn=questionnaires_by_framework),
    }
