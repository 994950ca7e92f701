from __future__ import annotations

import httpx

from hlm_kit.testing.pytest_plugin import AuthHeaders


async def test_hlm_has_its_nine_dimensions_in_order(client: httpx.AsyncClient, auth: AuthHeaders) -> None:
    response = await client.get("/v1/frameworks/hlm", headers=auth("participant"))
    assert response.status_code == 200
    body = response.json()
    assert [d["name"] for d in body["dimensions"]] == [
        "Inspiring shared purpose",
        "Leading with care",
        "Evaluating information",
        "Connecting our service",
        "Sharing the vision",
        "Engaging the team",
        "Holding to account",
        "Developing capability",
        "Influencing for results",
    ]
    assert [level["name"] for level in body["rating_levels"]] == ["Essential", "Proficient", "Strong", "Exemplary"]
    assert body["status"] == "published"
