"""report-svc's own copy of the published development resources, fed through the real broker, and the
resources a report points to for each of its priority areas and blind spots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import ResourcesPublishedV1
from hlm_kit.messaging.envelope import CloudEvent
from hlm_kit.testing.pytest_plugin import AuthHeaders, wait_for
from report_svc import consumers
from report_svc.reports.service import report_id_of
from report_svc.scoring.inputs import NON_SELF_GROUPS

from ..conftest import RunningService, cycle_events, seed  # noqa: TID252  (test support shared by the suite)
from ..scoring.example import RESPONSES  # noqa: TID252


def resource(key: str, *serves: tuple[str, list[str]], framework_key: str = "hlm", **fields: Any) -> dict[str, Any]:
    """A published resource as framework-svc puts it in the event, serving (dimension, from_levels) pairs."""
    return {
        "key": key,
        "version": 1,
        "title": f"Title of {key}",
        "kind": "reading",
        "description": f"What {key} is about.",
        "provider": "King's Fund",
        "authors": [],
        "year": None,
        "link": f"https://example.org/{key}",
        "format": "document",
        "duration_minutes": None,
        "cost": None,
        "audiences": ["all_staff"],
        "serves": [
            {"framework_key": framework_key, "dimension_key": dimension, "from_levels": levels}
            for dimension, levels in serves
        ],
        "published_at": datetime(2026, 12, 1, tzinfo=UTC),
        **fields,
    }


def published(*resources: dict[str, Any], changed_at: datetime) -> ResourcesPublishedV1:
    return ResourcesPublishedV1.model_validate({"resources": list(resources), "changed_at": changed_at})


async def _copy(running: RunningService) -> list[tuple[str, str, str, list[str]]]:
    rows = await running.rows(
        "SELECT r.key, r.title, t.dimension_key, t.from_levels FROM report.resource r"
        " JOIN report.resource_target t ON t.resource_key = r.key ORDER BY r.key, t.dimension_key"
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


async def _handled(running: RunningService, events: list[CloudEvent]) -> bool:
    return await running.inbox_count([e.id for e in events]) == len(events)


async def test_a_published_set_replaces_the_copy_once_however_often_it_is_delivered(running: RunningService) -> None:
    # The copy is the whole database's: every set a test sends is newer than what earlier tests sent.
    now = datetime.now(UTC)
    first = published(resource("coaching", ("leading_with_care", [])), changed_at=now - timedelta(minutes=1))
    sent = await running.publish(first)
    await wait_for(lambda: _handled(running, sent))
    assert await _copy(running) == [("coaching", "Title of coaching", "leading_with_care", [])]

    # A retirement and a publication: the next set holds what is published now, nothing else.
    second = published(
        resource("caring-to-change", ("leading_with_care", ["proficient", "strong"]), ("engaging_the_team", [])),
        changed_at=now,
    )
    sent = await running.publish(second)
    await running.publish(*sent)  # delivered twice, as at-least-once delivery allows
    await wait_for(lambda: _handled(running, sent))

    assert await _copy(running) == [
        ("caring-to-change", "Title of caring-to-change", "engaging_the_team", []),
        ("caring-to-change", "Title of caring-to-change", "leading_with_care", ["proficient", "strong"]),
    ]
    assert await running.scalar("SELECT changed_at FROM report.resource_set") == now
    assert await running.scalar("SELECT count(*) FROM report.inbox_message WHERE event_id = :id", id=sent[0].id) == 1


async def test_an_older_set_arriving_late_does_not_replace_a_newer_copy(running: RunningService) -> None:
    now = datetime.now(UTC)
    newer = published(resource("mentoring", ("sharing_the_vision", [])), changed_at=now)
    older = published(
        resource("mentoring", ("sharing_the_vision", [])),
        resource("retired-since", ("sharing_the_vision", [])),
        changed_at=now - timedelta(hours=1),
    )

    sent = await running.publish(newer)
    await wait_for(lambda: _handled(running, sent))
    sent += await running.publish(older)
    await wait_for(lambda: _handled(running, sent))

    assert [row[0] for row in await _copy(running)] == ["mentoring"]
    assert await running.scalar("SELECT changed_at FROM report.resource_set") == now


async def _apply(session: AsyncSession, data: ResourcesPublishedV1) -> None:
    await consumers.HANDLERS[ResourcesPublishedV1](session, data, CloudEvent.wrap(data))
    await session.commit()


async def test_a_report_lists_the_resources_of_its_priority_areas_and_blind_spots(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    # The example cycle: others place "care" at Strong, well below self (a blind spot), and "vision" at
    # Proficient while rating it important (a priority area).
    events = cycle_events(release_mode="direct")
    await seed(session, events)
    await _apply(
        session,
        published(
            resource("any-level", ("care", []), ("vision", [])),
            resource("from-strong", ("care", ["strong"])),
            resource("from-essential", ("vision", ["essential"]), ("care", ["essential"])),
            resource("for-proficient", ("vision", ["proficient", "strong"]), kind="coaching", link=None),
            resource("other-framework", ("vision", []), framework_key="lf2011"),
            changed_at=datetime.now(UTC),
        ),
    )
    participant = auth("participant", sub=events.participant_id)

    response = await client.get(f"/v1/reports/{report_id_of(events.cycle_id)}", headers=participant)

    assert response.status_code == 200, response.text
    content = response.json()["content"]
    assert (content["blind_spots"], content["priorities"]) == (["care"], ["vision"])
    assert content["resources"] == {
        "care": [
            {
                "key": "any-level",
                "title": "Title of any-level",
                "kind": "reading",
                "link": "https://example.org/any-level",
            },
            {
                "key": "from-strong",
                "title": "Title of from-strong",
                "kind": "reading",
                "link": "https://example.org/from-strong",
            },
        ],
        "vision": [
            {
                "key": "any-level",
                "title": "Title of any-level",
                "kind": "reading",
                "link": "https://example.org/any-level",
            },
            {"key": "for-proficient", "title": "Title of for-proficient", "kind": "coaching", "link": None},
        ],
    }
    # The same in a batch read, and a retirement shows at the next read without rebuilding the report.
    await _apply(session, published(resource("any-level", ("vision", [])), changed_at=datetime.now(UTC)))
    listed = await client.get(f"/v1/reports?ids={report_id_of(events.cycle_id)}", headers=participant)
    assert [r["content"]["resources"] for r in listed.json()["items"]] == [
        {
            "care": [],
            "vision": [
                {
                    "key": "any-level",
                    "title": "Title of any-level",
                    "kind": "reading",
                    "link": "https://example.org/any-level",
                }
            ],
        }
    ]


async def test_a_self_assessment_has_no_priority_areas_and_lists_no_resources(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    events = cycle_events(kind="self_assessment", responses=[r for r in RESPONSES if r.group not in NON_SELF_GROUPS])
    await seed(session, events)
    await _apply(session, published(resource("any-level", ("care", [])), changed_at=datetime.now(UTC)))

    response = await client.get(
        f"/v1/reports/{report_id_of(events.cycle_id)}", headers=auth("participant", sub=events.participant_id)
    )

    assert response.status_code == 200, response.text
    assert "resources" not in response.json()["content"]
