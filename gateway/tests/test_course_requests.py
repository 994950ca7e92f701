"""An organisation's request for an internal facilitator training course through GraphQL, against
facilitator-svc running in-process on the real database, role by role: a partner asks for their own
organisation, the region's administrators list, schedule or decline, and every rule that refuses is a typed
result."""

from __future__ import annotations

import uuid
from typing import Any

from hlm_kit.testing.pytest_plugin import AuthHeaders

from .test_training import Academy, error_codes, graphql

REQUEST = (
    "id organisation region contact { name email phone } preferredDates { start end } preferredMode staffCount "
    "notes status decidedAt courseId declineReason"
)
REFUSED = "... on CourseRequestRefused { message code problems { location message type } }"
REQUEST_COURSE = f"""
mutation ($input: CourseRequestInput!, $key: String) {{
  requestCourse(input: $input, idempotencyKey: $key) {{ __typename ... on CourseRequest {{ {REQUEST} }} {REFUSED} }}
}}
"""
SCHEDULE = f"""
mutation ($id: ID!, $course: CourseInput!) {{
  scheduleCourseRequest(id: $id, course: $course) {{
    __typename
    ... on CourseRequestScheduled {{ request {{ {REQUEST} }} course {{ id title capacity trainerId region }} }}
    {REFUSED}
  }}
}}
"""
DECLINE = f"""
mutation ($id: ID!, $reason: String!) {{
  declineCourseRequest(id: $id, reason: $reason) {{ __typename ... on CourseRequest {{ {REQUEST} }} {REFUSED} }}
}}
"""
LIST = f"""
query ($status: CourseRequestStatus, $first: Int!, $after: String) {{
  courseRequests(status: $status, first: $first, after: $after) {{
    edges {{ cursor node {{ {REQUEST} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""
ONE = f"query ($id: ID!) {{ courseRequest(id: $id) {{ {REQUEST} }} }}"


def asked(academy: Academy, staff: int = 12, **fields: Any) -> dict[str, Any]:
    return {
        "organisation": f"RX1-{academy.tag}",
        "region": academy.region,
        "contact": {"name": "Priya Shah", "email": "priya.shah@rx1.example.org", "phone": "020 7946 0000"},
        "preferredDates": {"start": "2031-04-01", "end": "2031-04-30"},
        "preferredMode": "IN_PERSON",
        "staffCount": staff,
        "notes": f"Ward managers {academy.tag}",
        **fields,
    }


async def test_a_partner_asks_and_the_regions_administrator_schedules_or_declines(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders
) -> None:
    academy = Academy(auth)
    # An organisation of this test alone, so that a partner's list holds only what it asked here.
    lead = auth("partner", sub=f"lead-{academy.tag}", org=f"RX1-{academy.tag}", region=academy.region)
    other_lead = auth("partner", sub=f"lead-other-{academy.tag}", org="RX2", region=academy.region)
    elsewhere = auth("academy_admin", sub="admin-elsewhere", org="ACADEMY", region=f"region-{uuid.uuid4().hex[:8]}")
    key = f"ask-{academy.tag}"

    async with gateway_with(journey_services) as gateway:
        await academy.register(gateway)
        first = (await graphql(gateway, lead, REQUEST_COURSE, input=asked(academy), key=key))["requestCourse"]
        retried = (await graphql(gateway, lead, REQUEST_COURSE, input=asked(academy), key=key))["requestCourse"]
        second = (await graphql(gateway, lead, REQUEST_COURSE, input=asked(academy, staff=30)))["requestCourse"]
        third = (await graphql(gateway, lead, REQUEST_COURSE, input=asked(academy, staff=5)))["requestCourse"]
        too_many = (await graphql(gateway, lead, REQUEST_COURSE, input=asked(academy, staff=501)))["requestCourse"]
        for_another = await error_codes(gateway, other_lead, REQUEST_COURSE, input=asked(academy))
        by_a_facilitator = await error_codes(gateway, academy.facilitator, REQUEST_COURSE, input=asked(academy))

        page_one = (await graphql(gateway, academy.admin, LIST, first=2))["courseRequests"]
        page_two = (await graphql(gateway, academy.admin, LIST, first=2, after=page_one["pageInfo"]["endCursor"]))[
            "courseRequests"
        ]
        other_region = (await graphql(gateway, elsewhere, LIST, first=10))["courseRequests"]
        partner_list = (await graphql(gateway, lead, LIST, first=10))["courseRequests"]
        other_partner_list = (await graphql(gateway, other_lead, LIST, first=10))["courseRequests"]
        facilitator_list = await error_codes(gateway, academy.facilitator, LIST, first=10)

        scheduled = (
            await graphql(gateway, academy.admin, SCHEDULE, id=first["id"], course=academy.course(capacity=12))
        )["scheduleCourseRequest"]
        declined = (await graphql(gateway, academy.admin, DECLINE, id=second["id"], reason="No trainer free in April"))[
            "declineCourseRequest"
        ]
        answered_again = (await graphql(gateway, academy.admin, DECLINE, id=first["id"], reason="Changed our mind"))[
            "declineCourseRequest"
        ]
        bad_course = (
            await graphql(gateway, academy.admin, SCHEDULE, id=third["id"], course=academy.course(capacity=0))
        )["scheduleCourseRequest"]
        from_another_region = await error_codes(gateway, elsewhere, DECLINE, id=third["id"], reason="Not ours")
        waiting = (await graphql(gateway, academy.admin, LIST, status="REQUESTED", first=10))["courseRequests"]
        seen_by_lead = (await graphql(gateway, lead, ONE, id=second["id"]))["courseRequest"]
        seen_by_other_lead = await error_codes(gateway, other_lead, ONE, id=second["id"])

    # The partner's request, as the academy will see it; a retry with the same key is the same request.
    assert first["__typename"] == "CourseRequest", first
    assert first["status"] == "REQUESTED"
    assert first["organisation"] == f"RX1-{academy.tag}"
    assert first["region"] == academy.region
    assert first["contact"] == {"name": "Priya Shah", "email": "priya.shah@rx1.example.org", "phone": "020 7946 0000"}
    assert first["preferredDates"] == {"start": "2031-04-01", "end": "2031-04-30"}
    assert first["preferredMode"] == "IN_PERSON"
    assert retried["id"] == first["id"]
    assert second["id"] != first["id"]
    assert second["staffCount"] == 30
    # A rule broken is a typed refusal naming the field; asking for another organisation, or not being a
    # partner, is not allowed at all.
    assert too_many["__typename"] == "CourseRequestRefused", too_many
    assert [p["location"] for p in too_many["problems"]] == [["input", "staffCount"]], too_many
    assert for_another == ["FORBIDDEN"]
    assert by_a_facilitator == ["FORBIDDEN"]

    # The region's administrators page through the requests in the order they came.
    listed = [e["node"]["id"] for e in page_one["edges"] + page_two["edges"]]
    assert listed == [first["id"], second["id"], third["id"]]
    assert page_one["pageInfo"]["hasNextPage"] is True
    assert page_two["pageInfo"]["hasNextPage"] is False
    assert other_region["edges"] == []
    # A partner sees what their own organisation asked, and nothing of another's.
    assert [e["node"]["id"] for e in partner_list["edges"]] == listed
    assert other_partner_list["edges"] == []
    assert facilitator_list == ["FORBIDDEN"]

    # Scheduling answers with a course of the region for the organisation, linked to the request.
    assert scheduled["__typename"] == "CourseRequestScheduled", scheduled
    assert scheduled["request"]["status"] == "SCHEDULED"
    assert scheduled["request"]["decidedAt"]
    assert scheduled["request"]["courseId"] == scheduled["course"]["id"]
    assert scheduled["course"]["region"] == academy.region
    assert scheduled["course"]["trainerId"] == academy.trainer_id
    # Declining says why, and the organisation's partner reads the answer.
    assert declined["__typename"] == "CourseRequest", declined
    assert declined["status"] == "DECLINED"
    assert declined["declineReason"] == "No trainer free in April"
    assert seen_by_lead["status"] == "DECLINED"
    assert seen_by_lead["declineReason"] == "No trainer free in April"
    assert seen_by_other_lead == ["NOT_FOUND"]
    # A request is answered once; a course that breaks a rule leaves the request waiting.
    assert answered_again["__typename"] == "CourseRequestRefused", answered_again
    assert answered_again["code"] == "course-request-already-answered"
    assert bad_course["__typename"] == "CourseRequestRefused", bad_course
    assert [p["location"] for p in bad_course["problems"]] == [["course", "capacity"]], bad_course
    assert from_another_region == ["NOT_FOUND"]
    assert [e["node"]["id"] for e in waiting["edges"]] == [third["id"]]
