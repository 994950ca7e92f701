from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import exists, select

from facilitator_svc.facilitators.models import Facilitator
from facilitator_svc.training.accreditation_reminders.models import AccreditationReminder
from facilitator_svc.training.models import CourseKind, TrainingCourse
from facilitator_svc.vocabulary import AccreditationLevel, FacilitatorStatus
from hlm_kit.repository import RepositoryBase

# The courses whose completion renews each level: a trainer who takes facilitator training stays a trainer.
RENEWED_BY = {
    AccreditationLevel.FACILITATOR: (CourseKind.FACILITATOR_TRAINING,),
    AccreditationLevel.TRAINER: (CourseKind.FACILITATOR_TRAINING, CourseKind.TRAIN_THE_TRAINER),
}
RENEWING_COURSES_SHOWN = 5


class ReminderRepository(RepositoryBase[AccreditationReminder]):
    model = AccreditationReminder

    async def claim_due(self, today: date, days_before: int) -> Facilitator | None:
        """One facilitator whose accreditation lapses within ``days_before`` days and who has had no
        reminder at this point or a nearer one for it, locked for this transaction; replicas skip it.

        ``FOR NO KEY UPDATE`` rather than ``FOR UPDATE``: it still keeps other replicas off the row, and
        it does not block a booking or an enrolment whose foreign key checks the facilitator meanwhile."""
        reminded = exists().where(
            AccreditationReminder.facilitator_id == Facilitator.id,
            AccreditationReminder.expires_on == Facilitator.accreditation_expires_on,
            AccreditationReminder.days_before <= days_before,
        )
        statement = (
            select(Facilitator)
            .where(
                Facilitator.status != FacilitatorStatus.WITHDRAWN,
                Facilitator.accreditation_expires_on > today,
                Facilitator.accreditation_expires_on <= today + timedelta(days=days_before),
                ~reminded,
            )
            .order_by(Facilitator.accreditation_expires_on, Facilitator.id)
            .limit(1)
            .with_for_update(skip_locked=True, key_share=True)
        )
        return await self.session.scalar(statement)

    async def renewing_courses(self, facilitator: Facilitator, today: date) -> Sequence[TrainingCourse]:
        """Courses of the facilitator's region that start before their accreditation lapses and renew it."""
        statement = (
            select(TrainingCourse)
            .where(
                TrainingCourse.region == facilitator.region,
                TrainingCourse.kind.in_(RENEWED_BY[facilitator.accreditation_level]),
                TrainingCourse.starts_on > today,
                TrainingCourse.starts_on <= facilitator.accreditation_expires_on,
                TrainingCourse.trainer_id != facilitator.id,
            )
            .order_by(TrainingCourse.starts_on, TrainingCourse.id)
            .limit(RENEWING_COURSES_SHOWN)
        )
        return (await self.session.scalars(statement)).all()
