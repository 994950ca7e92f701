"""A team 360: five colleagues each run a 360 in the team; once every member's report is built the
academy's administrator reads the team's group report, and the partner trust the same figures as its
organisation's. Until five members' reports exist there is no group report at all."""

from __future__ import annotations

from .harness import Platform
from .steps import (
    TEAM_CYCLE,
    Gateway,
    Organisation,
    User,
    answer_invitation,
    answers,
    close,
    everywhere,
    group_report,
    open_360,
    questionnaire,
    raters_for,
    report_when,
    start_team,
    user,
)

# What each member's raters say on every dimension: the team's mean of others is 2.6.
RATERS_SAY = (1, 2, 3, 4, 3)
TEAM_SIZES = {"LINE_MANAGER": 1, "PEER": 3}


async def test_a_team_360_ends_in_its_group_report(platform: Platform, gateway: Gateway) -> None:
    where = Organisation()
    admin = user(platform, "academy_admin", where)
    partner = user(platform, "partner", where)
    members = [user(platform, "participant", where) for _ in RATERS_SAY]
    team_id = await start_team(gateway, admin, "Ward 7 team")
    three_sixty = await questionnaire(gateway, admin, "hlm-360")
    self_wording = await questionnaire(gateway, admin, "hlm-self")

    cycles: list[tuple[User, str]] = []
    for member, level in zip(members, RATERS_SAY, strict=True):
        raters = raters_for(TEAM_SIZES)
        cycle_id = await open_360(
            gateway,
            member,
            (three_sixty, self_wording),
            raters,
            own=answers(self_wording, everywhere(3)),
            kind="TEAM_360",
            teamCycleId=team_id,
            # Each member reads their own report as soon as it is built; the team's is for the academy.
            releaseMode="DIRECT",
        )
        for rater in raters:
            await answer_invitation(gateway, platform, rater, answers(three_sixty, everywhere(level)))
        cycles.append((member, cycle_id))

    # Four members' reports are not enough for a group report.
    for member, cycle_id in cycles[:4]:
        await close(gateway, member, cycle_id)
    for member, cycle_id in cycles[:4]:
        await report_when(gateway, member, cycle_id, lambda r: r["status"] == "released")
    too_small = await group_report(gateway, admin, "TEAM", team_id, three_sixty.id)
    assert too_small["__typename"] == "GroupTooSmall", too_small

    last_member, last_cycle = cycles[4]
    await close(gateway, last_member, last_cycle)
    await report_when(gateway, last_member, last_cycle, lambda r: r["status"] == "released")

    # The academy follows the team by counts, never by whose cycle is whose.
    team = (await gateway.run(admin, TEAM_CYCLE, id=team_id))["teamCycle"]
    assert team == {
        "id": team_id,
        "name": "Ward 7 team",
        "members": 5,
        "membersByStatus": [{"status": "closed", "count": 5}],
    }

    team_report = await group_report(gateway, admin, "TEAM", team_id, three_sixty.id)
    assert team_report["__typename"] == "GroupReport", team_report
    assert team_report["participantCount"] == 5
    content = team_report["content"]
    assert content["participants"] == 5
    for dimension in content["dimensions"]:
        assert dimension["means"]["others"] == 2.6, dimension
        assert dimension["means"]["self"] == 3.0, dimension
        assert dimension["levels"] == {"Essential": 1, "Proficient": 1, "Strong": 2, "Exemplary": 1}, dimension

    # The partner trust sees its organisation's group report: the same five people, the same figures.
    organisation_report = await group_report(gateway, partner, "ORGANISATION", where.code, three_sixty.id)
    assert organisation_report["__typename"] == "GroupReport", organisation_report
    assert organisation_report["participantCount"] == 5
    assert organisation_report["content"]["dimensions"] == content["dimensions"]
