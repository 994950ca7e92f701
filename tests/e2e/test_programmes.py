"""Beyond the report: a facilitator who has delivered feedback sessions becomes a trainer through
train-the-trainer and runs the one-day facilitator training; those who complete it with a passed e-learning
assessment join the register, are activated and listed, and are matched for a participant's coached
360; the participant's report points each priority area to development resources, and they save one to a
development goal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from .harness import Platform
from .steps import (
    EXPRESS_INTEREST,
    FACILITATOR,
    GROUP_SIZES,
    RECORD_ASSESSMENT,
    RELEASE,
    RESOURCE,
    SET_GOAL,
    UPDATE_FACILITATOR,
    Facilitator,
    Gateway,
    Organisation,
    User,
    academy_today,
    answer_invitation,
    answers,
    attend_and_complete,
    book,
    close,
    course_day_comes,
    create_course,
    deliver_session,
    enrol,
    everywhere,
    facilitator_sees_report,
    offer_sessions,
    open_360,
    public_register,
    questionnaire,
    raters_for,
    register_facilitator,
    report_when,
    unique,
    user,
)

SAVE_RESOURCE = """
mutation ($goalId: ID!, $resourceKey: String!) {
  saveResourceToGoal(goalId: $goalId, resourceKey: $resourceKey) {
    __typename
    ... on Goal { id savedResources { key } }
    ... on GoalRejected { message problems { location message type } }
  }
}
"""
SET_REGISTER_LISTING = """
mutation ($input: RegisterListingInput!) {
  setMyRegisterListing(input: $input) {
    __typename
    ... on RegisterListing { isListed publishedFields isShown }
  }
}
"""
GOAL_RESOURCES = "query ($id: ID!) { goal(id: $id) { id savedResources { key title link status } } }"

# Others rate every dimension Developing (2 of 4) and important: each is a priority area of the report.
RATERS_SAY = 2


@pytest.mark.timeout(600)
async def test_a_facilitator_becomes_a_trainer_whose_trainees_coach_a_participant_towards_a_resource(
    platform: Platform, gateway: Gateway
) -> None:
    where = Organisation()
    admin = user(platform, "academy_admin", where)
    three_sixty = await questionnaire(gateway, admin, "hlm-360")
    self_wording = await questionnaire(gateway, admin, "hlm-self")
    trainer = await register_facilitator(gateway, platform, admin, where, slots=1, level="TRAINER")
    facilitator = await register_facilitator(gateway, platform, admin, where, slots=1)

    # Train-the-trainer asks for delivered feedback sessions (one, as the platform runs here): none yet.
    refused = (await gateway.run(facilitator.user, EXPRESS_INTEREST))["expressInterest"]
    assert refused["__typename"] == "NotEligible", refused
    assert [reason["type"] for reason in refused["reasons"]] == ["too_few_sessions"], refused

    # A participant's session with them, booked, held and marked completed once it started, counts.
    coached = user(platform, "participant", where)
    await deliver_session(gateway, admin, facilitator, coached, (three_sixty.id, self_wording.id))
    interest = (await gateway.run(facilitator.user, EXPRESS_INTEREST, statement="I would like to train others."))[
        "expressInterest"
    ]
    assert interest["__typename"] == "TrainerInterest", interest
    assert (interest["facilitatorId"], interest["deliveredSessions"]) == (facilitator.id, 1)

    # The academy schedules train-the-trainer; the facilitator takes a place, attends and completes it.
    train_the_trainer = await create_course(gateway, admin, "TRAIN_THE_TRAINER", trainer.id, capacity=6)
    place = await enrol(gateway, facilitator.user, train_the_trainer)
    assert (place["status"], place["facilitatorId"]) == ("ENROLLED", facilitator.id)
    await course_day_comes(platform, train_the_trainer)
    made_trainer = await attend_and_complete(gateway, trainer.user, place["id"])
    assert made_trainer["__typename"] == "CourseCompleted", made_trainer
    assert made_trainer["accreditation"]["facilitatorId"] == facilitator.id
    assert made_trainer["accreditation"]["level"] == "TRAINER"
    assert made_trainer["accreditation"]["addedToRegister"] is False
    assert date.fromisoformat(made_trainer["accreditation"]["expiresOn"]) > date.fromisoformat(
        made_trainer["accreditation"]["grantedOn"]
    )
    as_trainer = (await gateway.run(admin, FACILITATOR, id=facilitator.id))["facilitator"]
    assert as_trainer["accreditation"] == {"level": "TRAINER", "isCurrent": True}

    # The new trainer runs a facilitator training course for two people new to facilitation: one passed the
    # e-learning assessment, the other did not.
    course = await create_course(gateway, admin, "FACILITATOR_TRAINING", facilitator.id, capacity=12)
    trainees = {
        outcome: {
            "name": f"Trainee {outcome}",
            "email": f"{unique(outcome)}@trust.example.org",
            "organisation": f"TRN{unique('org')[-6:].upper()}",
        }
        for outcome in ("passed", "failed")
    }
    for outcome, score in (("passed", 86), ("failed", 64)):
        person = trainees[outcome]
        recorded = (
            await gateway.run(
                admin,
                RECORD_ASSESSMENT,
                input={
                    "name": person["name"],
                    "email": person["email"],
                    "score": score,
                    "assessedOn": academy_today().isoformat(),
                },
            )
        )["recordAssessment"]
        assert recorded["__typename"] == "TrainingAssessment", recorded
        assert recorded["isPassed"] is (outcome == "passed"), recorded
    places = {outcome: await enrol(gateway, admin, course, person=person) for outcome, person in trainees.items()}
    assert {p["status"] for p in places.values()} == {"ENROLLED"}
    await course_day_comes(platform, course)

    not_passed = await attend_and_complete(gateway, facilitator.user, places["failed"]["id"])
    assert not_passed["__typename"] == "CompletionRefused", not_passed
    assert [reason["type"] for reason in not_passed["reasons"]] == ["assessment_not_passed"], not_passed
    accredited = await attend_and_complete(gateway, facilitator.user, places["passed"]["id"])
    assert accredited["__typename"] == "CourseCompleted", accredited
    grant = accredited["accreditation"]
    assert (grant["level"], grant["addedToRegister"]) == ("FACILITATOR", True)
    new_id = grant["facilitatorId"]

    # The completer is on the register, inactive until the academy completes their profile.
    added = (await gateway.run(admin, FACILITATOR, id=new_id))["facilitator"]
    assert (added["email"], added["status"]) == (trainees["passed"]["email"], "INACTIVE")
    assert added["accreditation"] == {"level": "FACILITATOR", "isCurrent": True}
    account = unique("trainee-account")
    linked = (await gateway.run(admin, UPDATE_FACILITATOR, id=new_id, input={"subject": account}))["updateFacilitator"]
    assert linked == {"__typename": "Facilitator", "id": new_id, "status": "INACTIVE"}, linked
    completer = Facilitator(
        new_id, User(account, platform.headers("facilitator", sub=account, region=where.region)), ()
    )

    # They choose to be listed on the public register by name; only once activated does it show them.
    choices = {"isListed": True, "publishedFields": ["NAME", "REGION", "MODES", "ACCREDITATION_LEVEL"]}
    chosen = (await gateway.run(completer.user, SET_REGISTER_LISTING, input=choices))["setMyRegisterListing"]
    assert chosen["__typename"] == "RegisterListing", chosen
    assert chosen["isShown"] is False
    anyone = user(platform, "participant", Organisation())
    assert new_id not in await public_register(gateway, anyone, where.region)
    activated = (
        await gateway.run(
            admin,
            UPDATE_FACILITATOR,
            id=new_id,
            input={"status": "ACTIVE", "capacityPerMonth": 6, "modes": ["VIDEO"]},
        )
    )["updateFacilitator"]
    assert activated == {"__typename": "Facilitator", "id": new_id, "status": "ACTIVE"}, activated
    shown = await public_register(gateway, anyone, where.region)
    assert shown[new_id] == {
        "id": new_id,
        "name": "Trainee passed",
        "region": where.region,
        "modes": ["VIDEO"],
        "accreditationLevel": "FACILITATOR",
    }

    # A participant's coached 360: every group answers, the participant closes it and is matched with the
    # newly accredited facilitator, who releases the report at their session.
    me = user(platform, "participant", where)
    raters = raters_for(GROUP_SIZES)
    cycle_id = await open_360(
        gateway, me, (three_sixty, self_wording), raters, own=answers(self_wording, everywhere(3))
    )
    for rater in raters:
        await answer_invitation(gateway, platform, rater, answers(three_sixty, everywhere(RATERS_SAY)))
    await close(gateway, me, cycle_id)
    starts = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=4)
    slots = await offer_sessions(gateway, admin, new_id, [starts])
    completer = Facilitator(new_id, completer.user, tuple(slots))
    await book(gateway, me, cycle_id, completer)
    waiting = await facilitator_sees_report(gateway, completer, cycle_id)
    released = (await gateway.run(completer.user, RELEASE, id=waiting["id"]))["releaseReport"]
    assert released["status"] == "released"

    # The released report points each priority area to development resources of that dimension.
    report = await report_when(gateway, me, cycle_id, lambda r: r["status"] == "released")
    content = report["content"]
    assert content["priorities"], content["priorities"]
    linked_resources = content["resources"]
    priority = next(key for key in content["priorities"] if linked_resources.get(key))
    chosen_resource = linked_resources[priority][0]
    found = (await gateway.run(me, RESOURCE, key=chosen_resource["key"]))["resource"]
    assert found["title"] == chosen_resource["title"]
    assert {"framework": "hlm", "dimension": priority} in found["serves"], found

    # The participant sets a development goal on that priority area and saves the resource to it; the goal
    # lists it as saved, as the catalogue names it.
    goal = (await gateway.run(me, SET_GOAL, input={"title": f"Work on {priority}", "dimensionKeys": [priority]}))[
        "setGoal"
    ]
    assert goal["__typename"] == "Goal", goal
    saved = (await gateway.run(me, SAVE_RESOURCE, goalId=goal["id"], resourceKey=found["key"]))["saveResourceToGoal"]
    assert saved["__typename"] == "Goal", saved
    kept = (await gateway.run(me, GOAL_RESOURCES, id=goal["id"]))["goal"]
    assert [(r["key"], r["title"], r["link"], r["status"]) for r in kept["savedResources"]] == [
        (found["key"], found["title"], found["link"], "PUBLISHED")
    ]
