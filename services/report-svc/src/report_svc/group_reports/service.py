"""Group reports: a team, an organisation or a region, over at least five participants (setting).

They aggregate, in the database, only figures that the members' individual reports already publish
(``published_score``), so a group report can never expose what an individual report hides.

Differencing (N against N-1): two group reports over sets of participants that differ by one would give
that one person's figures by subtraction. The service keeps every issued report's member set and
refuses a group report whose set differs from any issued one by fewer than the minimum (but is not the
same set: the same set gets the same figures), and one that, added to every report already issued,
would let some weighted sum of them single out one person (three windows over a team, say).
Within one report every figure is taken over the whole member set: a cell (a dimension and a rater
group) that some member's report does not publish is withheld, so no cell is over a subset that could
differ from another report's by a few people.
"""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy
from sqlalchemy import any_, func, literal, select
from sqlalchemy.dialects.postgresql import ARRAY, UUID, aggregate_order_by, distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts.enums import RatingLevel
from hlm_kit.auth import Principal, Role
from hlm_kit.db import hold_lock
from hlm_kit.errors import Forbidden
from report_svc.group_reports.exceptions import (
    GroupReportNotFound,
    NoVisibleParticipants,
    TooCloseToAnIssuedReport,
    TooFewParticipants,
)
from report_svc.group_reports.models import GroupReport
from report_svc.group_reports.schemas import GroupReportOut, GroupReportQuery
from report_svc.questionnaires.models import Questionnaire
from report_svc.reports.models import PublishedScore, Report

GROUP_ORDER = ["self", "others", "line_manager", "peer", "direct_report", "other"]


def audience_of(principal: Principal, query: GroupReportQuery | None = None) -> tuple[str, Any]:
    """Who the report is for, and the filter that keeps its members within what that audience may see:
    an academy administrator their region, a partner its organisation."""
    if (region := principal.administered_region) is not None:
        if query is not None and query.scope == "region" and query.value != region:
            raise Forbidden("an academy administrator sees group reports of their own region only")
        return f"academy_admin:{region}", Report.region == region
    if principal.has_role(Role.PARTNER) and principal.org:
        if query is not None and (
            query.scope == "region" or (query.scope == "organisation" and query.value != principal.org)
        ):
            raise Forbidden("a partner sees group reports of its own organisation only")
        return f"partner:{principal.org}", Report.organisation == principal.org
    raise Forbidden("group reports are for academy administrators (with a region) and partners (with an organisation)")


async def members(session: AsyncSession, query: GroupReportQuery, audience_filter: Any) -> list[uuid.UUID]:
    """One ready 360 report per participant (their latest in the period) within scope and audience."""
    scope_filter = {
        "team": Report.team_cycle_id == (uuid.UUID(query.value) if query.scope == "team" else None),
        "organisation": Report.organisation == query.value,
        "region": Report.region == query.value,
    }[query.scope]
    has_scores = select(PublishedScore.report_id).where(
        PublishedScore.report_id == Report.id, PublishedScore.questionnaire_id == query.questionnaire_id
    )
    statement = (
        select(Report.id)
        .where(Report.state == "ready", scope_filter, audience_filter, has_scores.exists())
        .ext(distinct_on(Report.participant_id))
        .order_by(Report.participant_id, Report.closed_at.desc(), Report.id)
    )
    if query.closed_from is not None:
        statement = statement.where(Report.closed_at >= query.closed_from)
    if query.closed_to is not None:
        statement = statement.where(Report.closed_at <= query.closed_to)
    # One row holding one array, in order: a region's 50,000 members as rows would cost more to decode,
    # load and sort here than finding them costs PostgreSQL.
    latest = statement.subquery()
    ids = (await session.execute(select(func.array_agg(aggregate_order_by(latest.c.id, latest.c.id))))).scalar()
    return list(ids or [])


def _rounded(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


async def aggregate(session: AsyncSession, questionnaire_id: uuid.UUID, member_ids: list[uuid.UUID]) -> dict[str, Any]:
    """The figures over ``member_ids``: per dimension the levels of others' scores and the mean score of
    each rater group, each only where every member's report publishes it; and the heat map."""
    total = len(member_ids)
    # One statement, one pass over the members' figures: PostgreSQL groups them by dimension, rater group
    # and level (at most 9 x 6 x 4 rows come back), and the means and others' level counts are summed
    # here from those few rows. The members go as one array parameter rather than thousands of bound
    # values: the plan and the wire stay small.
    figures = await session.execute(
        select(
            PublishedScore.dimension_key,
            PublishedScore.rater_group,
            PublishedScore.level,
            func.count(),
            func.sum(PublishedScore.score),
        )
        .where(PublishedScore.report_id == any_(literal(member_ids, ARRAY(UUID(as_uuid=True)))))
        .group_by(PublishedScore.dimension_key, PublishedScore.rater_group, PublishedScore.level)
    )
    sums: dict[tuple[str, str], tuple[int, Decimal]] = {}
    level_counts: dict[str, dict[str, int]] = {}
    for dimension, group, level, count, summed in figures:
        n, s = sums.get((dimension, group), (0, Decimal(0)))
        sums[(dimension, group)] = (n + count, s + summed)
        if group == "others":
            level_counts.setdefault(dimension, {})[level] = count
    # A cell is shown only when every member publishes it (one figure per member: the key of
    # ``published_score`` is the report, the dimension and the group).
    cells: dict[tuple[str, str], Decimal] = {key: s / n for key, (n, s) in sums.items() if n == total}
    questionnaire = await session.get(Questionnaire, questionnaire_id)
    assert questionnaire is not None
    dimension_docs = sorted(questionnaire.document["dimensions"], key=lambda d: d["position"])
    groups = [g for g in GROUP_ORDER if any((d["key"], g) in cells for d in dimension_docs)]
    dimensions = []
    for d in dimension_docs:
        counts = level_counts.get(d["key"], {})
        complete = sum(counts.values()) == total
        dimensions.append(
            {
                "key": d["key"],
                "name": d["name"],
                "levels": {level.label: counts.get(level.label, 0) for level in RatingLevel} if complete else None,
                "means": {g: (_rounded(cells[(d["key"], g)]) if (d["key"], g) in cells else None) for g in groups},
            }
        )
    return {
        "questionnaire": {"id": str(questionnaire.id), "name": questionnaire.name},
        "participants": total,
        "groups": groups,
        "dimensions": dimensions,
        "heat_map": {
            "rows": [d["key"] for d in dimensions],
            "columns": groups,
            "values": [[d["means"][g] for g in groups] for d in dimensions],
        },
        "notes": [
            "Each figure is over every participant of the report; a rater group that some participants' "
            "reports do not show on its own is left out."
        ],
    }


async def issue(
    session: AsyncSession, principal: Principal, query: GroupReportQuery, *, minimum: int
) -> GroupReportOut:
    audience, audience_filter = audience_of(principal, query)
    member_ids = await members(session, query, audience_filter)
    if not member_ids:
        raise NoVisibleParticipants
    if len(member_ids) < minimum:
        raise TooFewParticipants(len(member_ids), minimum)
    # Serialise issuing, so two requests cannot both pass the differencing check against each other.
    await hold_lock(session, "report-svc group report issuing")
    wanted = set(member_ids)
    same_set: GroupReport | None = None
    issued_reports = list((await session.execute(select(GroupReport))).scalars())
    for issued in issued_reports:
        difference = len(wanted.symmetric_difference(issued.member_report_ids))
        if difference == 0:
            if issued.issued_to == audience and issued.questionnaire_id == query.questionnaire_id:
                return GroupReportOut.model_validate(issued)
            same_set = issued
        elif difference < minimum:
            raise TooCloseToAnIssuedReport(difference, minimum)
    if same_set is None and isolates_someone([set(r.member_report_ids) for r in issued_reports], wanted):
        raise TooCloseToAnIssuedReport(1, minimum)
    content = (
        same_set.content
        if same_set is not None and same_set.questionnaire_id == query.questionnaire_id
        else await aggregate(session, query.questionnaire_id, member_ids)
    )
    report = GroupReport(
        id=uuid.uuid4(),
        scope=query.scope,
        scope_value=query.value,
        questionnaire_id=query.questionnaire_id,
        closed_from=query.closed_from,
        closed_to=query.closed_to,
        member_report_ids=member_ids,
        participant_count=len(member_ids),
        content=content,
        issued_to=audience,
    )
    session.add(report)
    await session.flush()
    return GroupReportOut.model_validate(report)


def isolates_someone(issued: list[set[uuid.UUID]], wanted: set[uuid.UUID]) -> bool:
    """Whether some weighted sum of the issued reports and ``wanted`` would single out one member.

    Each report's figures are sums over its members (mean x n), so a reader holding several reports can
    add and subtract them. Over every member seen, each report is a 0/1 vector; a member is singled out
    exactly when their unit vector lies in the span of those vectors (A - B for N against N-1, but also
    A + C - B over three windows, and any longer chain). The span is taken once, by SVD: a unit vector
    lies in it when its projection onto the row space has length one.
    """
    if not issued:
        return False
    people = sorted(set().union(wanted, *issued))
    column = {person: i for i, person in enumerate(people)}
    rows = numpy.zeros((len(issued) + 1, len(people)))
    for r, members in enumerate([*issued, wanted]):
        rows[r, [column[m] for m in members]] = 1.0
    _, singular, vt = numpy.linalg.svd(rows, full_matrices=False)
    rank = int((singular > singular.max() * 1e-9).sum())
    projected = (vt[:rank] ** 2).sum(axis=0)
    return bool((projected > 1 - 1e-6).any())


async def get(session: AsyncSession, principal: Principal, group_report_id: uuid.UUID) -> GroupReportOut:
    audience, _ = audience_of(principal)
    report = await session.get(GroupReport, group_report_id)
    if report is None or report.issued_to != audience:
        raise GroupReportNotFound
    return GroupReportOut.model_validate(report)
