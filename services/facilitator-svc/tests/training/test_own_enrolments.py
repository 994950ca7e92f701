"""A facilitator's own enrolments: each place and each waiting-list entry they hold, with their position on
the list as it stands now, and nobody else's."""

from __future__ import annotations

from typing import Any

import httpx

from hlm_kit.testing.pytest_plugin import AuthHeaders


async def test_a_facilitator_sees_their_places_and_waiting_positions_as_they_move(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    add_course: Any,
    enrol: Any,
    add_facilitator: Any,
    auth: AuthHeaders,
) -> None:
    full = await add_course(capacity=1, starts_on="2031-03-20")
    open_ = await add_course(capacity=3, starts_on="2031-04-10")
    ann = (await enrol(full, "Ann Ash")).json()
    await enrol(full, "Ben Birch")
    me = await add_facilitator(subject="fac-own-enrolments")
    headers = auth("facilitator", sub="fac-own-enrolments", region="london")
    await add_facilitator(subject="fac-someone-else")
    someone_else = auth("facilitator", sub="fac-someone-else", region="london")
    for course in (full, open_):
        enrolled = await client.post(f"/v1/training/courses/{course['id']}/enrolments", headers=headers)
        assert enrolled.status_code == 201, enrolled.text

    mine = await client.get("/v1/training/enrolments/mine", headers=headers)

    assert mine.status_code == 200, mine.text
    # The latest course first.
    assert [
        (e["course_id"], e["facilitator_id"], e["status"], e["waiting_position"]) for e in mine.json()["items"]
    ] == [
        (open_["id"], me["id"], "enrolled", None),
        (full["id"], me["id"], "waiting", 2),
    ]
    assert (await client.get("/v1/training/enrolments/mine", headers=someone_else)).json() == {"items": []}

    # Ann gives up her place: Ben moves into it, and this facilitator up to first on the list.
    withdrawn = await client.post(f"/v1/training/enrolments/{ann['id']}/withdraw", headers=admin)
    assert withdrawn.status_code == 200, withdrawn.text
    after = (await client.get("/v1/training/enrolments/mine", headers=headers)).json()["items"]
    assert [(e["status"], e["waiting_position"]) for e in after] == [("enrolled", None), ("waiting", 1)]
