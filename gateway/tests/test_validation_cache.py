"""Strawberry's per-request cost dominates the gateway: a query the gateway has seen is validated once,
not on every request, however the limits are configured."""

from __future__ import annotations

import httpx

from hlm_gateway.config import Settings
from hlm_gateway.schema import validation_cache
from hlm_kit.testing.pytest_plugin import AuthHeaders


async def test_a_query_asked_again_is_not_validated_again(gateway: httpx.AsyncClient, auth: AuthHeaders) -> None:
    # The cache requests share (module level, keyed by its size).
    cache = validation_cache(Settings.model_construct().validation_cache_size)
    query = {"query": '{ framework(key: "hlm") { name dimensions { key name } } }'}

    first = await gateway.post("/graphql", json=query, headers=auth("participant"))
    before = cache.cache_info()
    again = await gateway.post("/graphql", json=query, headers=auth("participant"))
    after = cache.cache_info()

    assert first.json() == again.json()
    assert "errors" not in again.json()
    assert (after.hits - before.hits, after.misses - before.misses) == (1, 0)
