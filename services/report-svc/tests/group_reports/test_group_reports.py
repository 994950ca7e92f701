"""Group reports: only over five participants or more, figures computed in the database from what the
members' reports publish, and no pair of group reports that differ by one person (N against N-1)."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.errors import PROBLEM_TYPE_BASE
from hlm_kit.testing.pytest_plugin import AuthHeaders

from ..conftest import NOW, cycle_events, seed  # noqa: TID252  (test support shared by the suite)
from ..scoring.example import LM, RESPONSES, P  # noqa: TID252

Problem = Callable[[httpx.Response, int], dict[str, Any]]


async def _team(session: AsyncSession, size: int) -> tuple[uuid.UUID, uuid.UUID, str]:
    """``size`` participants of one team 360, closing a day apart, in a region of their own."""
    team, questionnaire_id, region = uuid.uuid4(), uuid.uuid4(), f"region-{uuid.uuid4().hex[:8]}"
    for n in range(size):
        await seed(
            session,
            cycle_events(
                questionnaire_id=questionnaire_id,
                team_cycle_id=team,
                region=region,
                release_mode="direct",
                closed_at=NOW + timedelta(days=n),
            ),
        )
    return team, questionnaire_id, region


async def _issued(session: AsyncSession) -> int:
    return int((await session.execute(text("SELECT count(*) FROM report.group_report"))).scalar_one())


async def test_a_group_report_over_fewer_than_five_participants_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders, assert_problem: Problem
) -> None:
    team, questionnaire_id, region = await _team(session, 4)
    before = await _issued(session)

    response = await client.get(
        "/v1/group-reports",
        params={"scope": "team", "value": str(team), "questionnaire_id": str(questionnaire_id)},
        headers=auth("academy_admin", region=region),
    )

    problem = assert_problem(response, 409)
    assert problem["type"] == PROBLEM_TYPE_BASE + "group-too-small"
    assert "at least 5 participants; 4 match" in problem["detail"]
    assert await _issued(session) == before


async def test_group_figures_are_means_of_what_each_report_publishes_with_levels_and_a_heat_map(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    team, questionnaire_id, region = await _team(session, 5)

    response = await client.get(
        "/v1/group-reports",
        params={"scope": "team", "value": str(team), "questionnaire_id": str(questionnaire_id)},
        headers=auth("academy_admin", region=region),
    )

    assert response.status_code == 200, response.text
    content = response.json()["content"]
    assert content["participants"] == 5
    # Every member has the example's figures: care self 3.5, others 2.5, line manager 3.0; vision 2.0,
    # 2.1, 1.5. The peers' figures are combined with hidden groups in each report, so never aggregated.
    assert content["groups"] == ["self", "others", "line_manager"]
    care, vision = content["dimensions"]
    assert care["means"] == {"self": 3.5, "others": 2.5, "line_manager": 3.0}
    assert care["levels"] == {"Essential": 0, "Proficient": 0, "Strong": 5, "Exemplary": 0}
    assert vision["means"] == {"self": 2.0, "others": 2.1, "line_manager": 1.5}
    assert vision["levels"] == {"Essential": 0, "Proficient": 5, "Strong": 0, "Exemplary": 0}
    assert content["heat_map"] == {
        "rows": ["care", "vision"],
        "columns": ["self", "others", "line_manager"],
        "values": [[3.5, 2.5, 3.0], [2.0, 2.1, 1.5]],
    }


async def test_members_with_different_figures_get_their_mean_and_a_cell_one_member_does_not_publish_is_withheld(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    # Six members: four as the example, one whose peers rate care 4 throughout (others' care is then in
    # another band), one whose line manager observed nothing of the vision (no line-manager vision figure).
    team, questionnaire_id, region = uuid.uuid4(), uuid.uuid4(), f"region-{uuid.uuid4().hex[:8]}"
    caring_peers = [
        dataclasses.replace(r, answers={**r.answers, "c1": 4, "c2": 4}) if r.group == P else r for r in RESPONSES
    ]
    unseen_vision = [
        dataclasses.replace(r, answers={**r.answers, "v1": None, "v2": None}) if r.group == LM else r for r in RESPONSES
    ]
    for n, responses in enumerate([RESPONSES] * 4 + [caring_peers, unseen_vision]):
        await seed(
            session,
            cycle_events(
                questionnaire_id=questionnaire_id,
                team_cycle_id=team,
                region=region,
                release_mode="direct",
                closed_at=NOW + timedelta(days=n),
                responses=responses,
            ),
        )
    published = (
        await session.execute(
            text(
                "SELECT s.dimension_key, s.rater_group, s.score, s.level FROM report.published_score s"
                " JOIN report.report r ON r.id = s.report_id WHERE r.team_cycle_id = :team"
            ),
            {"team": team},
        )
    ).all()

    response = await client.get(
        "/v1/group-reports",
        params={"scope": "team", "value": str(team), "questionnaire_id": str(questionnaire_id)},
        headers=auth("academy_admin", region=region),
    )

    assert response.status_code == 200, response.text
    content = response.json()["content"]
    assert content["participants"] == 6
    care, vision = content["dimensions"]

    def mean_of(dimension: str, group: str) -> float:
        scores = [s for d, g, s, _ in published if (d, g) == (dimension, group)]
        assert len(scores) == 6
        return float((sum(scores) / len(scores)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

    assert care["means"] == {g: mean_of("care", g) for g in ("self", "others", "line_manager")}
    assert care["means"]["others"] != 2.5  # the caring peers moved the mean
    # The line manager's vision figure is in five members' reports only: withheld, not a mean of five.
    assert [g for d, g, _, _ in published if (d, g) == ("vision", "line_manager")] == ["line_manager"] * 5
    assert vision["means"] == {"self": mean_of("vision", "self"), "others": mean_of("vision", "others"),
                               "line_manager": None}  # fmt: skip
    assert content["heat_map"]["values"][1] == [vision["means"]["self"], vision["means"]["others"], None]
    # Others' levels: one count per member, over the bands every member's report shows.
    others_care = [level for d, g, _, level in published if (d, g) == ("care", "others")]
    assert care["levels"] == {lv: others_care.count(lv) for lv in ("Essential", "Proficient", "Strong", "Exemplary")}
    assert sorted(others_care) != [others_care[0]] * 6  # the caring peers' member is in another band
    assert sum(care["levels"].values()) == sum(vision["levels"].values()) == 6


async def test_a_group_report_one_person_short_of_an_issued_one_is_refused_so_nobody_is_exposed_by_subtraction(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders, assert_problem: Problem
) -> None:
    team, questionnaire_id, region = await _team(session, 6)
    query = {"scope": "team", "value": str(team), "questionnaire_id": str(questionnaire_id)}
    all_six = await client.get("/v1/group-reports", params=query, headers=auth("academy_admin", region=region))
    assert all_six.json()["participant_count"] == 6
    issued = await _issued(session)

    # The attack: the same team, but only the cycles closed before the last member's. Were it answered,
    # 6 x mean(6) - 5 x mean(5) would be the last member's score. Asking as another audience is no way round.
    five_of_them = {**query, "closed_to": (NOW + timedelta(days=4, hours=1)).isoformat()}
    for caller in (auth("academy_admin", region=region), auth("academy_admin", sub="admin-2", region=region)):
        refused = await client.get("/v1/group-reports", params=five_of_them, headers=caller)
        problem = assert_problem(refused, 409)
        # Not the same refusal as a group too small: the app tells the two apart by the problem's type.
        assert problem["type"] == PROBLEM_TYPE_BASE + "group-too-close-to-issued"
        assert "differ from those of a group report already issued by 1" in problem["detail"]
    assert await _issued(session) == issued

    again = await client.get("/v1/group-reports", params=query, headers=auth("academy_admin", region=region))
    assert again.json()["id"] == all_six.json()["id"]
    assert again.json()["content"] == all_six.json()["content"]


async def test_three_overlapping_windows_that_would_single_out_one_member_are_not_all_issued(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders, assert_problem: Problem
) -> None:
    team, questionnaire_id, region = await _team(session, 11)
    admin = auth("academy_admin", region=region)
    query = {"scope": "team", "value": str(team), "questionnaire_id": str(questionnaire_id)}
    # Members 0-5, all 11, and members 5-10: every pair differs by at least five people, but the first
    # plus the third minus the second is member 5 alone.
    up_to_five = {**query, "closed_to": (NOW + timedelta(days=5, hours=1)).isoformat()}
    from_five = {**query, "closed_from": (NOW + timedelta(days=5)).isoformat()}
    first = await client.get("/v1/group-reports", params=up_to_five, headers=admin)
    everyone = await client.get("/v1/group-reports", params=query, headers=admin)
    assert (first.json()["participant_count"], everyone.json()["participant_count"]) == (6, 11)
    issued = await _issued(session)

    refused = await client.get("/v1/group-reports", params=from_five, headers=admin)
    assert assert_problem(refused, 409)["type"] == PROBLEM_TYPE_BASE + "group-too-close-to-issued"
    assert await _issued(session) == issued


async def test_group_reports_over_sets_that_differ_by_at_least_five_are_both_issued(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    team, questionnaire_id, region = await _team(session, 10)
    admin = auth("academy_admin", region=region)
    query = {"scope": "team", "value": str(team), "questionnaire_id": str(questionnaire_id)}

    first_five = await client.get(
        "/v1/group-reports",
        params={**query, "closed_to": (NOW + timedelta(days=4, hours=1)).isoformat()},
        headers=admin,
    )
    all_ten = await client.get("/v1/group-reports", params=query, headers=admin)

    assert (first_five.status_code, all_ten.status_code) == (200, 200)
    assert (first_five.json()["participant_count"], all_ten.json()["participant_count"]) == (5, 10)


async def test_a_bad_group_report_query_lists_every_problem_and_stores_nothing(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders, assert_problem: Problem
) -> None:
    before = await _issued(session)

    response = await client.get(
        "/v1/group-reports",
        params={
            "scope": "team",
            "value": "not-a-team",
            "questionnaire_id": str(uuid.uuid4()),
            "closed_from": "2026-12-01T00:00:00Z",
            "closed_to": "2026-11-01T00:00:00Z",
        },
        headers=auth("academy_admin"),
    )

    body = assert_problem(response, 422)
    assert [e["loc"] for e in body["errors"]] == [["query", "value"], ["query", "closed_to"]]
    assert await _issued(session) == before


async def test_an_empty_scope_value_is_refused_as_forbidden_to_a_participant_and_invalid_to_an_admin(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders, assert_problem: Problem
) -> None:
    before = await _issued(session)
    empty = {"scope": "region", "value": "", "questionnaire_id": str(uuid.uuid4())}

    as_participant = await client.get("/v1/group-reports", params=empty, headers=auth("participant"))
    as_admin = await client.get("/v1/group-reports", params=empty, headers=auth("academy_admin", region="london"))

    assert_problem(as_participant, 403)
    problem = assert_problem(as_admin, 422)
    assert [e["loc"] for e in problem["errors"]] == [["query", "value"]]
    assert await _issued(session) == before


async def test_a_participant_is_refused_before_their_parameters_are_read(
    client: httpx.AsyncClient, auth: AuthHeaders, assert_problem: Problem
) -> None:
    response = await client.get(
        "/v1/group-reports",
        params={"scope": "nowhere", "value": "x", "questionnaire_id": "not-a-uuid"},
        headers=auth("participant"),
    )
    assert_problem(response, 403)
