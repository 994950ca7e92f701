"""Rules of facilitator training: courses, places and the waiting list, the e-learning assessment,
interest in train-the-trainer, attendance, and the accreditation a completed course grants.

Places are given under the course's row lock (``CourseRepository.lock``): two people asking for the
last place at once are served one after the other, so one gets it and the other joins the waiting list,
whatever the number of replicas. A withdrawal frees its place under the same lock, and the first on
the waiting list moves up into it in that transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from facilitator_svc.config import Settings, local_date
from facilitator_svc.database import outbox
from facilitator_svc.db_errors import violated_constraint
from facilitator_svc.facilitators.exceptions import AlreadyRegistered, FacilitatorNotFound
from facilitator_svc.facilitators.models import Facilitator
from facilitator_svc.facilitators.repository import FacilitatorRepository
from facilitator_svc.training import assessment_csv
from facilitator_svc.training.exceptions import (
    AlreadyEnrolled,
    CompletionRefused,
    CourseNotFound,
    EnrolmentNotFound,
    InterestAlreadyExpressed,
    InvalidEnrolmentTransition,
    NotEligible,
)
from facilitator_svc.training.models import (
    CourseKind,
    ElearningAssessment,
    EnrolmentStatus,
    TrainerInterest,
    TrainingCourse,
    TrainingEnrolment,
)
from facilitator_svc.training.repository import (
    AssessmentRepository,
    CourseRepository,
    EnrolmentRepository,
    InterestRepository,
)
from facilitator_svc.training.schemas import (
    AccreditationGrant,
    AssessmentImportResult,
    AssessmentIn,
    AssessmentList,
    AssessmentOut,
    AttendanceIn,
    CompletionOut,
    CourseIn,
    CourseList,
    CourseOut,
    EnrolmentIn,
    EnrolmentList,
    EnrolmentOut,
    InterestIn,
    InterestList,
    InterestOut,
    WithdrawalOut,
)
from facilitator_svc.vocabulary import AccreditationLevel, FacilitatorStatus, Mode
from hlm_contracts import AccreditationGrantedV1, EmailAddress, EmailHashKey, email_hash
from hlm_kit.auth import Principal, Role
from hlm_kit.errors import FieldError, Forbidden, UnprocessableContent
from hlm_kit.pagination import CursorCodec

# What each course grants on completion.
GRANTS = {
    CourseKind.FACILITATOR_TRAINING: AccreditationLevel.FACILITATOR,
    CourseKind.TRAIN_THE_TRAINER: AccreditationLevel.TRAINER,
}

# Courses by date, results and interest in the order they came (the id breaks ties in each).
COURSE_CURSOR = CursorCodec(tuple[date, UUID])
ASSESSMENT_CURSOR = CursorCodec(tuple[datetime, UUID])
INTEREST_CURSOR = CursorCodec(tuple[datetime, UUID])


# --- courses -----------------------------------------------------------------------------------------


async def create_course(
    session: AsyncSession, principal: Principal, body: CourseIn, settings: Settings, now: datetime
) -> CourseOut:
    region = principal.require_administered_region()
    if body.starts_on < local_date(settings, now):
        raise UnprocessableContent(
            "a course cannot start in the past",
            errors=[FieldError(loc=["body", "starts_on"], msg="this date has passed", type="date_in_past")],
        )
    ends_on = body.ends_on or body.starts_on
    trainer = await FacilitatorRepository(session).get_by_id(body.trainer_id)
    if trainer is None or trainer.region != region:
        raise _trainer_error(f"no facilitator {body.trainer_id} in the register of your region", "not_found")
    if trainer.accreditation_level != AccreditationLevel.TRAINER:
        raise _trainer_error("only a facilitator accredited at trainer level runs courses", "not_a_trainer")
    if trainer.status != FacilitatorStatus.ACTIVE:
        raise _trainer_error("the trainer is not active on the register", "not_active")
    if trainer.accreditation_expires_on < ends_on:
        raise _trainer_error(
            f"the trainer's accreditation expires on {trainer.accreditation_expires_on}, before the course ends",
            "accreditation_expires",
        )
    course = TrainingCourse(
        kind=body.kind,
        title=body.title,
        region=region,
        starts_on=body.starts_on,
        ends_on=ends_on,
        mode=body.mode.value,
        place=body.place,
        capacity=body.capacity,
        trainer_id=trainer.id,
        created_by=principal.sub,
        created_at=now,
    )
    await CourseRepository(session).add(course)
    return _course_out(course, trainer, (0, 0))


def _trainer_error(msg: str, type: str) -> UnprocessableContent:
    return UnprocessableContent(msg, errors=[FieldError(loc=["body", "trainer_id"], msg=msg, type=type)])


async def _own_entry(session: AsyncSession, principal: Principal) -> Facilitator | None:
    if not principal.has_role(Role.FACILITATOR):
        return None
    return await FacilitatorRepository(session).get_by_subject(principal.sub)


async def _viewer_region(session: AsyncSession, principal: Principal) -> str | None:
    """The region whose courses the caller sees: an administrator's, or a facilitator's on the register."""
    if (region := principal.administered_region) is not None:
        return region
    own = await _own_entry(session, principal)
    return own.region if own is not None else None


async def _visible_course(
    session: AsyncSession, principal: Principal, id: UUID, *, lock: bool = False
) -> TrainingCourse:
    repository = CourseRepository(session)
    course = await (repository.lock(id) if lock else repository.get_by_id(id))
    if course is None or not (
        principal.is_academy_admin_for(course.region) or await _viewer_region(session, principal) == course.region
    ):
        raise CourseNotFound(f"no course {id}")
    return course


async def get_course(session: AsyncSession, principal: Principal, id: UUID) -> CourseOut:
    course = await _visible_course(session, principal, id)
    return (await _courses_out(session, [course]))[0]


async def list_courses(
    session: AsyncSession, principal: Principal, *, kind: CourseKind | None, cursor: str | None, limit: int
) -> CourseList:
    after = COURSE_CURSOR.decode(cursor)
    region = await _viewer_region(session, principal)
    if region is None:
        return CourseList(items=[])
    rows = await CourseRepository(session).page_in_region(region, kind=kind, after=after, limit=limit + 1)
    page, next_cursor = COURSE_CURSOR.page(rows, limit, key=lambda c: (c.starts_on, c.id))
    return CourseList(items=await _courses_out(session, page), next_cursor=next_cursor)


async def _courses_out(session: AsyncSession, courses: Sequence[TrainingCourse]) -> list[CourseOut]:
    occupancy = await CourseRepository(session).occupancy([c.id for c in courses])
    trainers = {f.id: f for f in await FacilitatorRepository(session).get_many([c.trainer_id for c in courses])}
    return [_course_out(c, trainers[c.trainer_id], occupancy.get(c.id, (0, 0))) for c in courses]


def _course_out(course: TrainingCourse, trainer: Facilitator, occupancy: tuple[int, int]) -> CourseOut:
    return CourseOut(
        id=course.id,
        kind=course.kind,
        title=course.title,
        region=course.region,
        starts_on=course.starts_on,
        ends_on=course.ends_on,
        mode=Mode(course.mode),
        place=course.place,
        capacity=course.capacity,
        trainer_id=course.trainer_id,
        trainer_name=trainer.name,
        places_taken=occupancy[0],
        waiting=occupancy[1],
        created_at=course.created_at,
    )


# --- enrolment and the waiting list ------------------------------------------------------------------


@dataclass(frozen=True)
class _NewPerson:
    """Someone who is not on the register yet."""

    name: str
    email: str
    organisation: str


async def enrol(
    session: AsyncSession, principal: Principal, course_id: UUID, body: EnrolmentIn, settings: Settings, now: datetime
) -> EnrolmentOut:
    """A place on the course while there is one, else the end of the waiting list; never beyond capacity."""
    course = await _visible_course(session, principal, course_id, lock=True)
    person = await _who_enrols(session, principal, course, body)
    today = local_date(settings, now)
    reasons: list[FieldError] = []
    if today >= course.starts_on:
        reasons.append(_reason("course_started", "the course has started: enrolment is closed"))
    if isinstance(person, Facilitator):
        if person.id == course.trainer_id:
            reasons.append(_reason("is_the_trainer", "the course's trainer cannot enrol on it"))
        if course.kind == CourseKind.TRAIN_THE_TRAINER:
            delivered = await InterestRepository(session).delivered_sessions(person.id)
            reasons += trainer_eligibility(person, delivered, settings, today)
    elif course.kind == CourseKind.TRAIN_THE_TRAINER:
        reasons.append(
            _reason("not_accredited", "train-the-trainer is for accredited facilitators of the register only")
        )
    if reasons:
        raise NotEligible("this person cannot enrol on the course", errors=reasons)

    # The course's row lock is held: the count cannot change until this transaction ends.
    has_place = await EnrolmentRepository(session).places_taken(course.id) < course.capacity
    enrolment = TrainingEnrolment(
        course_id=course.id,
        facilitator_id=person.id if isinstance(person, Facilitator) else None,
        name=person.name,
        email=person.email,
        organisation=person.organisation,
        status=EnrolmentStatus.ENROLLED if has_place else EnrolmentStatus.WAITING,
        enrolled_by=principal.sub,
        requested_at=now,
        placed_at=now if has_place else None,
    )
    try:
        async with session.begin_nested():
            session.add(enrolment)
            await session.flush()
    except IntegrityError as exc:
        if violated_constraint(exc) == "uq_training_enrolment_course_email":
            raise AlreadyEnrolled(
                f"{person.email} already has a place or is on the waiting list of this course"
            ) from exc
        raise
    return await _enrolment_out(session, enrolment)


async def _who_enrols(
    session: AsyncSession, principal: Principal, course: TrainingCourse, body: EnrolmentIn
) -> Facilitator | _NewPerson:
    """The person the caller enrols: an administrator names a facilitator of the region or a new person
    (someone already on the register is matched by email); a facilitator enrols themself."""
    repository = FacilitatorRepository(session)
    if principal.is_academy_admin_for(course.region):
        if body.facilitator_id is not None:
            facilitator = await repository.get_by_id(body.facilitator_id)
            if facilitator is None or facilitator.region != course.region:
                raise FacilitatorNotFound(f"no facilitator {body.facilitator_id} in the register of your region")
            return facilitator
        if body.person is not None:
            (existing,) = await repository.get_by_emails([body.person.email]) or (None,)
            if existing is not None:
                return existing
            return _NewPerson(body.person.name, body.person.email, body.person.organisation)
        raise UnprocessableContent(
            "name who to enrol",
            errors=[FieldError(loc=["body"], msg="give facilitator_id or person", type="missing")],
        )
    own = await _own_entry(session, principal)
    if own is None:
        raise FacilitatorNotFound("no facilitator of the register is linked to your account")
    if body.person is not None or (body.facilitator_id is not None and body.facilitator_id != own.id):
        raise Forbidden("a facilitator enrols only themself")
    return own


async def list_enrolments(session: AsyncSession, principal: Principal, course_id: UUID) -> EnrolmentList:
    """The course's list, for the region's administrator and the course's trainer."""
    course = await _visible_course(session, principal, course_id)
    if not principal.is_academy_admin_for(course.region) and not await _is_trainer(session, principal, course):
        raise Forbidden("only the region's administrators and the course's trainer see who is on it")
    enrolments = await EnrolmentRepository(session).of_course(course.id)
    positions = await EnrolmentRepository(session).waiting_positions(course.id)
    return EnrolmentList(items=[_out(e, positions.get(e.id)) for e in enrolments])


async def list_own_enrolments(session: AsyncSession, principal: Principal) -> EnrolmentList:
    """A facilitator's own places and waiting-list entries, each waiting one with its position now."""
    own = await _own_entry(session, principal)
    if own is None:
        return EnrolmentList(items=[])
    repository = EnrolmentRepository(session)
    enrolments = await repository.of_facilitator(own.id)
    positions: dict[UUID, int] = {}
    for course_id in {e.course_id for e in enrolments if e.status == EnrolmentStatus.WAITING}:
        positions |= await repository.waiting_positions(course_id)
    return EnrolmentList(items=[_out(e, positions.get(e.id)) for e in enrolments])


async def withdraw(
    session: AsyncSession, principal: Principal, id: UUID, settings: Settings, now: datetime
) -> WithdrawalOut:
    """Give up a place or a waiting-list entry; a freed place goes to the first on the waiting list."""
    enrolment = await EnrolmentRepository(session).get_by_id(id)
    if enrolment is None:
        raise EnrolmentNotFound(f"no enrolment {id}")
    # The course's lock first, as enrolment takes it, then the enrolment read afresh under it.
    course = await CourseRepository(session).lock(enrolment.course_id)
    assert course is not None
    await session.refresh(enrolment)
    own = await _own_entry(session, principal)
    is_own = own is not None and enrolment.facilitator_id == own.id
    if not (principal.is_academy_admin_for(course.region) or is_own):
        raise EnrolmentNotFound(f"no enrolment {id}")
    if enrolment.status not in (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING):
        raise InvalidEnrolmentTransition(f"a {enrolment.status.value} enrolment cannot be withdrawn")
    if local_date(settings, now) >= course.starts_on:
        raise InvalidEnrolmentTransition("the course has started: attendance is recorded by its trainer instead")
    had_place = enrolment.status == EnrolmentStatus.ENROLLED
    enrolment.status, enrolment.withdrawn_at = EnrolmentStatus.WITHDRAWN, now
    promoted: TrainingEnrolment | None = None
    if had_place:
        promoted = await EnrolmentRepository(session).first_waiting(course.id)
        if promoted is not None:
            # facilitator-svc sends no mail: promoted_at records the move, and the course's list shows it
            # to the administrators who tell the person.
            promoted.status, promoted.placed_at, promoted.promoted_at = EnrolmentStatus.ENROLLED, now, now
    await session.flush()
    return WithdrawalOut(
        withdrawn=await _enrolment_out(session, enrolment),
        promoted=await _enrolment_out(session, promoted) if promoted is not None else None,
    )


# --- attendance and completion -----------------------------------------------------------------------


async def _is_trainer(session: AsyncSession, principal: Principal, course: TrainingCourse) -> bool:
    own = await _own_entry(session, principal)
    return own is not None and own.id == course.trainer_id


async def _as_trainer(
    session: AsyncSession, principal: Principal, id: UUID
) -> tuple[TrainingEnrolment, TrainingCourse]:
    enrolment = await EnrolmentRepository(session).get_by_id(id, for_update=True)
    if enrolment is None:
        raise EnrolmentNotFound(f"no enrolment {id}")
    course = await CourseRepository(session).get_by_id(enrolment.course_id)
    assert course is not None
    if not await _is_trainer(session, principal, course):
        raise EnrolmentNotFound(f"no enrolment {id} on a course you train")
    return enrolment, course


async def record_attendance(
    session: AsyncSession, principal: Principal, id: UUID, body: AttendanceIn, settings: Settings, now: datetime
) -> EnrolmentOut:
    enrolment, course = await _as_trainer(session, principal, id)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise InvalidEnrolmentTransition(
            f"attendance is recorded for people with a place, not a {enrolment.status.value} one"
        )
    if local_date(settings, now) < course.starts_on:
        raise InvalidEnrolmentTransition("the course has not started yet")
    enrolment.attended, enrolment.attendance_recorded_at = body.attended, now
    await session.flush()
    return await _enrolment_out(session, enrolment)


async def complete(
    session: AsyncSession, principal: Principal, id: UUID, settings: Settings, now: datetime
) -> CompletionOut:
    """Record that the person completed the course, and grant or renew their accreditation."""
    enrolment, course = await _as_trainer(session, principal, id)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise InvalidEnrolmentTransition(f"a {enrolment.status.value} enrolment cannot be completed")
    reasons: list[FieldError] = []
    if enrolment.attended is None:
        reasons.append(_reason("attendance_not_recorded", "record the person's attendance first"))
    elif not enrolment.attended:
        reasons.append(_reason("did_not_attend", "the person did not attend the course"))
    if course.kind == CourseKind.FACILITATOR_TRAINING:
        results = await AssessmentRepository(session).of_person(enrolment.email)
        if not any(r.is_passed for r in results):
            reasons.append(_reason("assessment_not_passed", _assessment_missing(results, settings)))
    if reasons:
        raise CompletionRefused("the course cannot be recorded as completed", errors=reasons)

    granted_on = local_date(settings, now)
    expires_on = add_years(granted_on, settings.accreditation_valid_years)
    facilitator, added = await _accredit(session, enrolment, course, granted_on, expires_on, settings, now)
    enrolment.facilitator_id = facilitator.id
    enrolment.status, enrolment.completed_at, enrolment.completed_by = EnrolmentStatus.COMPLETED, now, principal.sub
    await session.flush()
    event = AccreditationGrantedV1(
        facilitator_id=facilitator.id,
        level=facilitator.accreditation_level,
        granted_on=granted_on,
        expires_on=expires_on,
    )
    await outbox.add(session, event, subject=str(facilitator.id))
    return CompletionOut(
        enrolment=await _enrolment_out(session, enrolment),
        accreditation=AccreditationGrant(
            facilitator_id=facilitator.id,
            level=facilitator.accreditation_level,
            granted_on=granted_on,
            expires_on=expires_on,
            added_to_register=added,
        ),
    )


def _assessment_missing(results: Sequence[ElearningAssessment], settings: Settings) -> str:
    if not results:
        return "no e-learning assessment result is recorded for this person; facilitator training needs a pass"
    best = results[0]
    return (
        f"the e-learning assessment is not passed: the best score recorded is {best.score}% "
        f"(pass mark {best.pass_mark}%)"
    )


async def _accredit(
    session: AsyncSession,
    enrolment: TrainingEnrolment,
    course: TrainingCourse,
    granted_on: date,
    expires_on: date,
    settings: Settings,
    now: datetime,
) -> tuple[Facilitator, bool]:
    """Renew the register entry's accreditation, or add the person to the register (inactive until an
    administrator activates them); (the entry, whether it is new)."""
    repository = FacilitatorRepository(session)
    if enrolment.facilitator_id is not None:
        found = await repository.lock([enrolment.facilitator_id])
    else:
        found = await repository.get_by_emails([enrolment.email])
        found = await repository.lock([found[0].id]) if found else found
    level = GRANTS[course.kind]
    if found:
        (facilitator,) = found
        # A trainer who takes facilitator training again stays a trainer.
        if facilitator.accreditation_level == AccreditationLevel.TRAINER:
            level = AccreditationLevel.TRAINER
        facilitator.accreditation_level = level
        facilitator.accreditation_trained_on = granted_on
        facilitator.accreditation_expires_on = expires_on
        facilitator.updated_at = now
        return facilitator, False
    facilitator = Facilitator(
        name=enrolment.name,
        email=enrolment.email,
        email_hash=email_hash(EmailAddress(enrolment.email), EmailHashKey(settings.email_hash_key.get_secret_value())),
        organisation=enrolment.organisation,
        region=course.region,
        accreditation_level=level,
        accreditation_trained_on=granted_on,
        accreditation_expires_on=expires_on,
        # Not matchable until an administrator completes the profile (capacity, modes) and activates it.
        status=FacilitatorStatus.INACTIVE,
        capacity_per_month=0,
        modes=[Mode.IN_PERSON.value, Mode.VIDEO.value],
        created_at=now,
        updated_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(facilitator)
            await session.flush()
    except IntegrityError as exc:
        if violated_constraint(exc) == "uq_facilitator_email":
            raise AlreadyRegistered(f"{enrolment.email} was registered meanwhile: complete the course again") from exc
        raise
    return facilitator, True


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# --- e-learning assessment ---------------------------------------------------------------------------


async def record_assessment(
    session: AsyncSession, principal: Principal, body: AssessmentIn, settings: Settings, now: datetime
) -> AssessmentOut:
    region = principal.require_administered_region()
    assessment = _assessment(body, region, principal, settings, now)
    await AssessmentRepository(session).add(assessment)
    return _assessment_out(assessment)


def _assessment(
    body: AssessmentIn, region: str, principal: Principal, settings: Settings, now: datetime
) -> ElearningAssessment:
    """A result judged against the pass mark in force now, which it keeps."""
    pass_mark = settings.training_pass_mark_percent
    return ElearningAssessment(
        email=body.email,
        name=body.name,
        region=region,
        score=body.score,
        pass_mark=pass_mark,
        is_passed=body.score >= pass_mark,
        assessed_on=body.assessed_on,
        recorded_by=principal.sub,
        recorded_at=now,
    )


async def import_assessments(
    session: AsyncSession, principal: Principal, body: bytes, settings: Settings, now: datetime
) -> AssessmentImportResult:
    """Record every result of the file, or, when any row is wrong, none of them, with every problem listed by
    its line. A row the region holds already (the same person, day and score) is not recorded again, so the
    learning system's export of all results to date can be imported each time."""
    region = principal.require_administered_region()
    rows, errors = assessment_csv.parse(body, max_rows=settings.assessment_import_max_rows)
    if errors:
        raise UnprocessableContent(f"{len(errors)} problem(s) in the file; nothing was stored", errors=errors)
    repository = AssessmentRepository(session)
    await repository.lock_imports_of_region(region)
    held = {
        _same_result(a.email, a.assessed_on, a.score)
        for a in await repository.of_people_in_region(region, sorted({r.result.email for r in rows}))
    }
    recorded = 0
    for row in rows:
        key = _same_result(row.result.email, row.result.assessed_on, row.result.score)
        if key in held:
            continue
        held.add(key)
        await repository.add(_assessment(row.result, region, principal, settings, now), flush=False)
        recorded += 1
    await session.flush()
    return AssessmentImportResult(recorded=recorded, already_recorded=len(rows) - recorded)


def _same_result(email: str, assessed_on: date, score: int) -> tuple[str, date, int]:
    return email.lower(), assessed_on, score


async def list_assessments(
    session: AsyncSession, principal: Principal, *, email: str | None, cursor: str | None, limit: int
) -> AssessmentList:
    region = principal.require_administered_region()
    rows = await AssessmentRepository(session).page_in_region(
        region, email=email, after=ASSESSMENT_CURSOR.decode(cursor), limit=limit + 1
    )
    page, next_cursor = ASSESSMENT_CURSOR.page(rows, limit, key=lambda a: (a.recorded_at, a.id))
    return AssessmentList(items=[_assessment_out(a) for a in page], next_cursor=next_cursor)


def _assessment_out(a: ElearningAssessment) -> AssessmentOut:
    return AssessmentOut(
        id=a.id,
        name=a.name,
        email=a.email,
        score=a.score,
        pass_mark=a.pass_mark,
        is_passed=a.is_passed,
        assessed_on=a.assessed_on,
        recorded_at=a.recorded_at,
    )


# --- interest in train-the-trainer -------------------------------------------------------------------


def trainer_eligibility(facilitator: Facilitator, delivered: int, settings: Settings, today: date) -> list[FieldError]:
    """Why a facilitator may not train as a trainer yet; nothing when they may."""
    reasons = []
    if facilitator.status != FacilitatorStatus.ACTIVE:
        reasons.append(_reason("not_active", "only an active facilitator of the register may train as a trainer"))
    if facilitator.accreditation_expires_on < today:
        reasons.append(
            _reason(
                "accreditation_expired",
                f"the accreditation expired on {facilitator.accreditation_expires_on}: renew it first",
            )
        )
    needed = settings.train_the_trainer_min_sessions
    if delivered < needed:
        reasons.append(
            _reason(
                "too_few_sessions",
                f"{delivered} feedback session(s) delivered; train-the-trainer asks for at least {needed}",
            )
        )
    return reasons


async def express_interest(
    session: AsyncSession, principal: Principal, body: InterestIn, settings: Settings, now: datetime
) -> InterestOut:
    facilitator = await _own_entry(session, principal)
    if facilitator is None:
        raise FacilitatorNotFound("no facilitator of the register is linked to your account")
    delivered = await InterestRepository(session).delivered_sessions(facilitator.id)
    reasons = trainer_eligibility(facilitator, delivered, settings, local_date(settings, now))
    if reasons:
        raise NotEligible("you cannot express interest in train-the-trainer yet", errors=reasons)
    interest = TrainerInterest(
        facilitator_id=facilitator.id,
        region=facilitator.region,
        statement=body.statement,
        delivered_sessions=delivered,
        created_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(interest)
            await session.flush()
    except IntegrityError as exc:
        if violated_constraint(exc) == "uq_trainer_interest_facilitator_id":
            raise InterestAlreadyExpressed("you have already expressed interest in train-the-trainer") from exc
        raise
    return _interest_out(interest, facilitator)


async def list_interests(
    session: AsyncSession, principal: Principal, *, cursor: str | None, limit: int
) -> InterestList:
    region = principal.require_administered_region()
    rows = await InterestRepository(session).page_in_region(
        region, after=INTEREST_CURSOR.decode(cursor), limit=limit + 1
    )
    page, next_cursor = INTEREST_CURSOR.page(rows, limit, key=lambda i: (i.created_at, i.id))
    facilitators = {f.id: f for f in await FacilitatorRepository(session).get_many([i.facilitator_id for i in page])}
    return InterestList(items=[_interest_out(i, facilitators[i.facilitator_id]) for i in page], next_cursor=next_cursor)


def _interest_out(interest: TrainerInterest, facilitator: Facilitator) -> InterestOut:
    return InterestOut(
        id=interest.id,
        facilitator_id=interest.facilitator_id,
        facilitator_name=facilitator.name,
        region=interest.region,
        statement=interest.statement,
        delivered_sessions=interest.delivered_sessions,
        created_at=interest.created_at,
    )


# --- shared ------------------------------------------------------------------------------------------


def _reason(type: str, msg: str) -> FieldError:
    return FieldError(loc=["enrolment"], msg=msg, type=type)


async def _enrolment_out(session: AsyncSession, enrolment: TrainingEnrolment) -> EnrolmentOut:
    position = None
    if enrolment.status == EnrolmentStatus.WAITING:
        position = (await EnrolmentRepository(session).waiting_positions(enrolment.course_id)).get(enrolment.id)
    return _out(enrolment, position)


def _out(e: TrainingEnrolment, position: int | None) -> EnrolmentOut:
    return EnrolmentOut(
        id=e.id,
        course_id=e.course_id,
        facilitator_id=e.facilitator_id,
        name=e.name,
        email=e.email,
        organisation=e.organisation,
        status=e.status,
        waiting_position=position,
        requested_at=e.requested_at,
        placed_at=e.placed_at,
        promoted_at=e.promoted_at,
        withdrawn_at=e.withdrawn_at,
        attended=e.attended,
        completed_at=e.completed_at,
    )
