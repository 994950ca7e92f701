"""Facilitator training through GraphQL, against facilitator-svc running in-process on the real database,
role by role: an academy administrator schedules courses and enrols people, a facilitator enrols
themself and expresses interest in train-the-trainer, the course's trainer records attendance and
completion; a full course puts people on its waiting list, and every rule that refuses is a typed result."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from facilitator_svc.clock import current_time
from hlm_kit.testing.pytest_plugin import AuthHeaders

REFUSALS = """
    ... on NotEligible { message reasons { type message } }
    ... on CompletionRefused { message reasons { type message } }
    ... on TrainingRefused { message code problems { location message type } }
"""
ENROLMENT = "id courseId facilitatorId name email status waitingPosition placedAt promotedAt attended completedAt"
COURSE = "id kind title region startsOn endsOn mode place capacity trainerId trainerName placesTaken waiting"
REGISTER = """
mutation ($input: FacilitatorInput!) { registerFacilitator(input: $input) { ... on Facilitator { id } } }
"""
CREATE_COURSE = f"""
mutation ($input: CourseInput!) {{
  createCourse(input: $input) {{
    __typename
    ... on Course {{ {COURSE} }}
    ... on TrainingRefused {{ message code problems {{ location message type }} }}
  }}
}}
"""
ENROL = f"""
mutation ($courseId: ID!, $facilitatorId: ID, $person: TraineeInput) {{
  enrol(courseId: $courseId, facilitatorId: $facilitatorId, person: $person) {{
    __typename
    ... on Enrolment {{ {ENROLMENT} }}
    {REFUSALS.replace("... on CompletionRefused { message reasons { type message } }", "")}
  }}
}}
"""
WITHDRAW = f"""
mutation ($enrolmentId: ID!) {{
  withdraw(enrolmentId: $enrolmentId) {{
    __typename
    ... on Withdrawal {{ withdrawn {{ {ENROLMENT} }} promoted {{ {ENROLMENT} }} }}
    ... on TrainingRefused {{ message code }}
  }}
}}
"""
COURSE_WITH_ENROLMENTS = f"query ($id: ID!) {{ course(id: $id) {{ {COURSE} enrolments {{ {ENROLMENT} }} }} }}"
COURSE_ONLY = f"query ($id: ID!) {{ course(id: $id) {{ {COURSE} }} }}"
COURSES = """
query ($kind: CourseKind, $first: Int!, $after: String) {
  courses(kind: $kind, first: $first, after: $after) {
    edges { cursor node { id kind title placesTaken waiting } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
COURSES_WITH_ENROLMENTS = "{ courses(first: 5) { edges { node { id enrolments { id } } } } }"
ATTENDANCE = f"""
mutation ($enrolmentId: ID!, $attended: Boolean!) {{
  recordAttendance(enrolmentId: $enrolmentId, attended: $attended) {{
    __typename
    ... on Enrolment {{ {ENROLMENT} }}
    ... on TrainingRefused {{ message code }}
  }}
}}
"""
COMPLETE = f"""
mutation ($enrolmentId: ID!) {{
  completeCourse(enrolmentId: $enrolmentId) {{
    __typename
    ... on CourseCompleted {{
      enrolment {{ {ENROLMENT} }}
      accreditation {{ facilitatorId level grantedOn expiresOn addedToRegister }}
    }}
    ... on CompletionRefused {{ message reasons {{ type message }} }}
    ... on TrainingRefused {{ message code }}
  }}
}}
"""
ASSESSMENT = """
mutation ($input: AssessmentResultInput!) {
  recordAssessment(input: $input) {
    __typename
    ... on TrainingAssessment { id name email score passMark isPassed assessedOn }
    ... on TrainingRefused { message code problems { location message type } }
  }
}
"""
ASSESSMENTS = """
query ($email: String, $first: Int!, $after: String) {
  trainingAssessments(email: $email, first: $first, after: $after) {
    edges { cursor node { id name email score passMark isPassed assessedOn } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
INTEREST = """
mutation ($statement: String) {
  expressInterest(statement: $statement) {
    __typename
    ... on TrainerInterest { id facilitatorId deliveredSessions statement }
    ... on NotEligible { message reasons { type message } }
    ... on TrainingRefused { message code }
  }
}
"""


async def graphql(gateway: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any) -> Any:
    response = await gateway.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def error_codes(gateway: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any) -> list[str]:
    response = await gateway.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    return [e["extensions"]["code"] for e in response.json()["errors"]]


class Academy:
    """A region of this test alone: its administrator, a trainer and a facilitator of its register."""

    def __init__(self, auth: AuthHeaders) -> None:
        tag = uuid.uuid4().hex[:8]
        self.tag = tag
        self.region = f"region-{tag}"
        self.admin = auth("academy_admin", sub=f"admin-{tag}", org="ACADEMY", region=self.region)
        self.trainer_sub, self.facilitator_sub = f"trainer-{tag}", f"facilitator-{tag}"
        self.trainer = auth("facilitator", sub=self.trainer_sub, org="RYJ", region=self.region)
        self.facilitator = auth("facilitator", sub=self.facilitator_sub, org="RYJ", region=self.region)
        self.participant = auth("participant", sub=f"participant-{tag}")
        self.trainer_id = self.facilitator_id = ""
        self.course_day = date.today() + timedelta(days=10)

    async def register(self, gateway: httpx.AsyncClient) -> None:
        self.trainer_id = await self._register(gateway, "Tess Trainer", self.trainer_sub, "TRAINER")
        self.facilitator_id = await self._register(gateway, "Fred Facilitator", self.facilitator_sub, "FACILITATOR")

    async def _register(self, gateway: httpx.AsyncClient, name: str, subject: str, level: str) -> str:
        input = {
            "name": f"{name} {self.tag}",
            "email": f"{subject}@academy.example.org",
            "subject": subject,
            "organisation": "RYJ",
            "accreditation": {"level": level, "trainedOn": "2024-06-01", "expiresOn": "2099-06-01"},
            "capacityPerMonth": 4,
            "modes": ["VIDEO"],
        }
        registered = await graphql(gateway, self.admin, REGISTER, input=input)
        id: str = registered["registerFacilitator"]["id"]
        return id

    def course(self, **fields: Any) -> dict[str, Any]:
        return {
            "kind": "FACILITATOR_TRAINING",
            "title": "Facilitator training",
            "startsOn": self.course_day.isoformat(),
            "mode": "IN_PERSON",
            "place": "Academy House",
            "capacity": 1,
            "trainerId": self.trainer_id,
            **fields,
        }

    async def create_course(self, gateway: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
        created = (await graphql(gateway, self.admin, CREATE_COURSE, input=self.course(**fields)))["createCourse"]
        assert created["__typename"] == "Course", created
        course: dict[str, Any] = created
        return course


def person(name: str, tag: str) -> dict[str, str]:
    return {"name": name, "email": f"{name.lower().replace(' ', '.')}-{tag}@trust.example.org", "organisation": "RX1"}


async def test_a_full_course_waitlists_and_a_withdrawal_moves_the_first_waiting_up(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders
) -> None:
    academy = Academy(auth)
    elsewhere = auth("academy_admin", sub="admin-elsewhere", org="ACADEMY", region=f"region-{uuid.uuid4().hex[:8]}")

    async with gateway_with(journey_services) as gateway:
        await academy.register(gateway)
        course = await academy.create_course(gateway)
        placed = (await graphql(gateway, academy.facilitator, ENROL, courseId=course["id"]))["enrol"]
        waiting = (
            await graphql(
                gateway, academy.admin, ENROL, courseId=course["id"], person=person("Wendy Wait", academy.tag)
            )
        )["enrol"]
        again = (
            await graphql(gateway, academy.admin, ENROL, courseId=course["id"], facilitatorId=academy.facilitator_id)
        )["enrol"]
        the_trainer = (
            await graphql(gateway, academy.admin, ENROL, courseId=course["id"], facilitatorId=academy.trainer_id)
        )["enrol"]
        before = (await graphql(gateway, academy.admin, COURSE_WITH_ENROLMENTS, id=course["id"]))["course"]
        listed = (await graphql(gateway, academy.facilitator, COURSES, kind="FACILITATOR_TRAINING", first=10))[
            "courses"
        ]
        as_facilitator = (await graphql(gateway, academy.facilitator, COURSE_ONLY, id=course["id"]))["course"]
        facilitator_reads_enrolments = await error_codes(
            gateway, academy.facilitator, COURSE_WITH_ENROLMENTS, id=course["id"]
        )
        enrolments_of_a_list = await error_codes(gateway, academy.admin, COURSES_WITH_ENROLMENTS)
        participant_lists = await error_codes(gateway, academy.participant, COURSES, first=10)
        other_region_reads = await error_codes(gateway, elsewhere, COURSE_ONLY, id=course["id"])
        someone_elses_withdrawal = await error_codes(gateway, academy.trainer, WITHDRAW, enrolmentId=waiting["id"])
        withdrawal = (await graphql(gateway, academy.facilitator, WITHDRAW, enrolmentId=placed["id"]))["withdraw"]
        withdrawn_again = (await graphql(gateway, academy.admin, WITHDRAW, enrolmentId=placed["id"]))["withdraw"]
        after = (await graphql(gateway, academy.trainer, COURSE_WITH_ENROLMENTS, id=course["id"]))["course"]

    assert course["region"] == academy.region
    assert course["endsOn"] == course["startsOn"]
    assert course["trainerName"].startswith("Tess Trainer")
    assert (course["placesTaken"], course["waiting"]) == (0, 0)
    assert placed["__typename"] == "Enrolment"
    assert (placed["status"], placed["waitingPosition"], placed["facilitatorId"]) == (
        "ENROLLED",
        None,
        academy.facilitator_id,
    )
    # The course is full: the waiting list is a success, with the person's place in it.
    assert waiting["__typename"] == "Enrolment"
    assert (waiting["status"], waiting["waitingPosition"], waiting["placedAt"]) == ("WAITING", 1, None)
    assert again["__typename"] == "TrainingRefused"
    assert again["code"] == "already-enrolled"
    assert the_trainer["__typename"] == "NotEligible"
    assert [r["type"] for r in the_trainer["reasons"]] == ["is_the_trainer"]

    assert (before["placesTaken"], before["waiting"]) == (1, 1)
    assert [(e["id"], e["status"]) for e in before["enrolments"]] == [
        (placed["id"], "ENROLLED"),
        (waiting["id"], "WAITING"),
    ]
    assert course["id"] in [edge["node"]["id"] for edge in listed["edges"]]
    assert as_facilitator["placesTaken"] == 1
    assert facilitator_reads_enrolments == ["FORBIDDEN"]
    assert enrolments_of_a_list == ["BAD_USER_INPUT"]
    assert participant_lists == ["FORBIDDEN"]
    assert other_region_reads == ["NOT_FOUND"]
    # Nobody learns of an enrolment that is not theirs to withdraw.
    assert someone_elses_withdrawal == ["NOT_FOUND"]

    assert withdrawal["__typename"] == "Withdrawal"
    assert withdrawal["withdrawn"]["status"] == "WITHDRAWN"
    assert withdrawal["promoted"]["id"] == waiting["id"]
    assert withdrawal["promoted"]["status"] == "ENROLLED"
    assert withdrawal["promoted"]["promotedAt"] is not None
    assert withdrawn_again["__typename"] == "TrainingRefused"
    assert withdrawn_again["code"] == "invalid-enrolment-transition"
    assert (after["placesTaken"], after["waiting"]) == (1, 0)


async def test_a_course_is_refused_with_each_problem_where_the_input_has_it(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders
) -> None:
    academy = Academy(auth)

    async with gateway_with(journey_services) as gateway:
        await academy.register(gateway)
        not_a_trainer = (
            await graphql(gateway, academy.admin, CREATE_COURSE, input=academy.course(trainerId=academy.facilitator_id))
        )["createCourse"]
        in_the_past = (
            await graphql(gateway, academy.admin, CREATE_COURSE, input=academy.course(startsOn="2020-01-06"))
        )["createCourse"]
        by_a_facilitator = await error_codes(gateway, academy.trainer, CREATE_COURSE, input=academy.course())
        bad_trainer_id = await error_codes(gateway, academy.admin, CREATE_COURSE, input=academy.course(trainerId="x"))

    assert not_a_trainer["__typename"] == "TrainingRefused"
    assert [(p["location"], p["type"]) for p in not_a_trainer["problems"]] == [
        (["input", "trainerId"], "not_a_trainer")
    ]
    assert in_the_past["__typename"] == "TrainingRefused"
    assert [(p["location"], p["type"]) for p in in_the_past["problems"]] == [(["input", "startsOn"], "date_in_past")]
    assert by_a_facilitator == ["FORBIDDEN"]
    assert bad_trainer_id == ["BAD_USER_INPUT"]


async def test_the_trainer_records_attendance_and_completion_which_accredits_once_the_e_learning_is_passed(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders
) -> None:
    academy = Academy(auth)
    trainee = person("Nina New", academy.tag)
    facilitator_app = journey_services["facilitator"].inner.app

    async with gateway_with(journey_services) as gateway:
        await academy.register(gateway)
        course = await academy.create_course(gateway, capacity=5)
        enrolment = (await graphql(gateway, academy.admin, ENROL, courseId=course["id"], person=trainee))["enrol"]
        too_early = (await graphql(gateway, academy.trainer, ATTENDANCE, enrolmentId=enrolment["id"], attended=True))[
            "recordAttendance"
        ]

        # The course's day has come.
        course_day = datetime.combine(academy.course_day, datetime.min.time(), UTC) + timedelta(hours=12)
        facilitator_app.dependency_overrides[current_time] = lambda: course_day
        admin_records = await error_codes(
            gateway, academy.admin, ATTENDANCE, enrolmentId=enrolment["id"], attended=True
        )
        another_facilitator_records = await error_codes(
            gateway, academy.facilitator, ATTENDANCE, enrolmentId=enrolment["id"], attended=True
        )
        unattended = (await graphql(gateway, academy.trainer, COMPLETE, enrolmentId=enrolment["id"]))["completeCourse"]
        attended = (await graphql(gateway, academy.trainer, ATTENDANCE, enrolmentId=enrolment["id"], attended=True))[
            "recordAttendance"
        ]
        not_assessed = (await graphql(gateway, academy.trainer, COMPLETE, enrolmentId=enrolment["id"]))[
            "completeCourse"
        ]
        result = {**trainee, "assessedOn": (academy.course_day - timedelta(days=3)).isoformat()}
        del result["organisation"]
        failed = (await graphql(gateway, academy.admin, ASSESSMENT, input={**result, "score": 70}))["recordAssessment"]
        impossible = (await graphql(gateway, academy.admin, ASSESSMENT, input={**result, "score": 150}))[
            "recordAssessment"
        ]
        facilitator_assesses = await error_codes(
            gateway, academy.facilitator, ASSESSMENT, input={**result, "score": 90}
        )
        passed = (await graphql(gateway, academy.admin, ASSESSMENT, input={**result, "score": 85}))["recordAssessment"]
        completed = (await graphql(gateway, academy.trainer, COMPLETE, enrolmentId=enrolment["id"]))["completeCourse"]

    assert too_early["__typename"] == "TrainingRefused"
    assert too_early["code"] == "invalid-enrolment-transition"
    assert admin_records == ["FORBIDDEN"]
    assert another_facilitator_records == ["NOT_FOUND"]
    assert unattended["__typename"] == "CompletionRefused"
    assert "attendance_not_recorded" in [r["type"] for r in unattended["reasons"]]
    assert attended["__typename"] == "Enrolment"
    assert attended["attended"] is True
    assert not_assessed["__typename"] == "CompletionRefused"
    assert [r["type"] for r in not_assessed["reasons"]] == ["assessment_not_passed"]
    assert failed["__typename"] == "TrainingAssessment"
    assert (failed["isPassed"], failed["passMark"]) == (False, 80)
    assert impossible["__typename"] == "TrainingRefused"
    assert [p["location"] for p in impossible["problems"]] == [["input", "score"]]
    assert facilitator_assesses == ["FORBIDDEN"]
    assert passed["isPassed"] is True
    assert completed["__typename"] == "CourseCompleted"
    assert completed["enrolment"]["status"] == "COMPLETED"
    grant = completed["accreditation"]
    assert (grant["level"], grant["grantedOn"], grant["addedToRegister"]) == (
        "FACILITATOR",
        academy.course_day.isoformat(),
        True,
    )


async def test_train_the_trainer_asks_for_delivered_sessions_of_whoever_expresses_interest_or_enrols(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders
) -> None:
    academy = Academy(auth)

    async with gateway_with(journey_services) as gateway:
        await academy.register(gateway)
        course = await academy.create_course(gateway, kind="TRAIN_THE_TRAINER")
        interest = (await graphql(gateway, academy.facilitator, INTEREST, statement="I would like to train others."))[
            "expressInterest"
        ]
        enrols = (await graphql(gateway, academy.facilitator, ENROL, courseId=course["id"]))["enrol"]
        someone_new = (
            await graphql(gateway, academy.admin, ENROL, courseId=course["id"], person=person("Ned New", academy.tag))
        )["enrol"]
        admin_interest = await error_codes(gateway, academy.admin, INTEREST)
        participant_interest = await error_codes(gateway, academy.participant, INTEREST)

    assert interest["__typename"] == "NotEligible"
    assert [r["type"] for r in interest["reasons"]] == ["too_few_sessions"]
    assert "0 feedback session(s) delivered" in interest["reasons"][0]["message"]
    assert enrols["__typename"] == "NotEligible"
    assert "too_few_sessions" in [r["type"] for r in enrols["reasons"]]
    assert someone_new["__typename"] == "NotEligible"
    assert [r["type"] for r in someone_new["reasons"]] == ["not_accredited"]
    assert admin_interest == ["FORBIDDEN"]
    assert participant_interest == ["FORBIDDEN"]


async def test_an_administrator_reads_back_the_results_entered_in_the_region_or_one_persons(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders
) -> None:
    academy = Academy(auth)
    nina, omar = person("Nina New", academy.tag), person("Omar Other", academy.tag)

    async with gateway_with(journey_services) as gateway:
        for who, score in ((nina, 70), (omar, 90), (nina, 85)):
            result = {"name": who["name"], "email": who["email"], "score": score, "assessedOn": "2030-03-01"}
            entered = (await graphql(gateway, academy.admin, ASSESSMENT, input=result))["recordAssessment"]
            assert entered["__typename"] == "TrainingAssessment", entered
        # The address as the learning system spells it, in capitals.
        ninas = (await graphql(gateway, academy.admin, ASSESSMENTS, email=nina["email"].upper(), first=10))[
            "trainingAssessments"
        ]
        first_page = (await graphql(gateway, academy.admin, ASSESSMENTS, first=2))["trainingAssessments"]
        rest = (await graphql(gateway, academy.admin, ASSESSMENTS, first=2, after=first_page["pageInfo"]["endCursor"]))[
            "trainingAssessments"
        ]
        another_region = auth("academy_admin", sub=f"admin-other-{academy.tag}", org="ACADEMY", region="elsewhere")
        elsewhere = (await graphql(gateway, another_region, ASSESSMENTS, email=nina["email"], first=10))[
            "trainingAssessments"
        ]
        facilitator_reads = await error_codes(gateway, academy.facilitator, ASSESSMENTS, first=10)
        participant_reads = await error_codes(gateway, academy.participant, ASSESSMENTS, first=10)

    assert [(a["score"], a["passMark"], a["isPassed"]) for a in (e["node"] for e in ninas["edges"])] == [
        (70, 80, False),
        (85, 80, True),
    ]
    assert ninas["pageInfo"]["hasNextPage"] is False
    assert [e["node"]["name"] for e in first_page["edges"] + rest["edges"]] == [
        nina["name"],
        omar["name"],
        nina["name"],
    ]
    assert first_page["pageInfo"]["hasNextPage"] is True
    assert rest["pageInfo"]["hasNextPage"] is False
    assert elsewhere["edges"] == []
    assert facilitator_reads == ["FORBIDDEN"]
    assert participant_reads == ["FORBIDDEN"]


IMPORT_ASSESSMENTS = """
mutation ($csv: String!) {
  importAssessments(csv: $csv) {
    __typename
    ... on AssessmentsImported { recorded alreadyRecorded }
    ... on TrainingRefused { message code problems { location message type } }
  }
}
"""


async def test_an_administrator_imports_the_learning_systems_results_all_or_none(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders
) -> None:
    academy = Academy(auth)
    nina, omar = person("Nina New", academy.tag), person("Omar Other", academy.tag)
    good = f"name,email,score,assessed_on\r\n{nina['name']},{nina['email']},85%,2030-03-01\r\n"
    bad = f"{good}{omar['name']},{omar['email']},eighty,2030-03-01\r\nPat Pine,not-an-address,90,2030-03-01\r\n"

    async with gateway_with(journey_services) as gateway:
        refused = (await graphql(gateway, academy.admin, IMPORT_ASSESSMENTS, csv=bad))["importAssessments"]
        after_refusal = (await graphql(gateway, academy.admin, ASSESSMENTS, first=10))["trainingAssessments"]
        imported = (await graphql(gateway, academy.admin, IMPORT_ASSESSMENTS, csv=good))["importAssessments"]
        again = (await graphql(gateway, academy.admin, IMPORT_ASSESSMENTS, csv=good))["importAssessments"]
        stored = (await graphql(gateway, academy.admin, ASSESSMENTS, first=10))["trainingAssessments"]
        facilitator_imports = await error_codes(gateway, academy.facilitator, IMPORT_ASSESSMENTS, csv=good)

    assert refused["__typename"] == "TrainingRefused"
    assert "nothing was stored" in refused["message"]
    assert [p["location"] for p in refused["problems"]] == [["line", "3", "score"], ["line", "4", "email"]]
    assert after_refusal["edges"] == []
    assert imported == {"__typename": "AssessmentsImported", "recorded": 1, "alreadyRecorded": 0}
    assert again == {"__typename": "AssessmentsImported", "recorded": 0, "alreadyRecorded": 1}
    assert [(e["node"]["email"], e["node"]["score"], e["node"]["isPassed"]) for e in stored["edges"]] == [
        (nina["email"], 85, True)
    ]
    assert facilitator_imports == ["FORBIDDEN"]
