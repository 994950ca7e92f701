"""Batched reads of framework-svc for one request."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from hlm_gateway.errors import ErrorCode, GatewayError
from hlm_gateway.upstream import Upstream
from hlm_gateway.upstream.framework import FrameworkTree, QuestionnaireList, QuestionnaireOut

FrameworkKey = tuple[str, int | None]
"""A framework's key and version; no version is its latest published one."""


def framework_loader(framework: Upstream) -> DataLoader[FrameworkKey, FrameworkTree]:
    async def frameworks(keys: Sequence[FrameworkKey]) -> list[FrameworkTree | GatewayError]:
        # framework-svc serves one tree per call; the loader still makes one call per distinct
        # (key, version) however many fields of the query ask for it.
        results: list[FrameworkTree | GatewayError] = []
        for key, version in keys:
            try:
                params = {"version": str(version)} if version is not None else None
                # A published version never changes, and every caller reads the same latest one.
                results.append(await framework.get(f"/v1/frameworks/{key}", FrameworkTree, params, shared=True))
            except GatewayError as error:
                results.append(error)
        return results

    return DataLoader(load_fn=frameworks)


def questionnaire_loader(framework: Upstream) -> DataLoader[str, QuestionnaireOut]:
    async def questionnaires(ids: Sequence[str]) -> list[QuestionnaireOut | GatewayError]:
        try:
            found = await framework.get("/v1/questionnaires", QuestionnaireList, {"ids": ",".join(ids)})
        except GatewayError as error:
            return [error] * len(ids)
        by_id = {str(q.id): q for q in found.items}
        return [by_id.get(i) or GatewayError(f"no questionnaire {i}", ErrorCode.NOT_FOUND) for i in ids]

    return DataLoader(load_fn=questionnaires)


def questionnaires_by_framework_loader(framework: Upstream) -> DataLoader[str, list[QuestionnaireOut]]:
    async def questionnaires_by_framework(keys: Sequence[str]) -> list[list[QuestionnaireOut] | GatewayError]:
        results: list[list[QuestionnaireOut] | GatewayError] = []
        for key in keys:
            try:
                results.append((await framework.get("/v1/questionnaires", QuestionnaireList, {"framework": key})).items)
            except GatewayError as error:
                results.append(error)
        return results

    return DataLoader(load_fn=questionnaires_by_framework)
