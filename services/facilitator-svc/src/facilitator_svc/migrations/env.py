from facilitator_svc.allocations import models as _allocations  # noqa: F401  (registers the tables)
from facilitator_svc.bookings import models as _bookings  # noqa: F401
from facilitator_svc.database import Base
from facilitator_svc.facilitators import models as _facilitators  # noqa: F401
from facilitator_svc.participants import models as _participants  # noqa: F401
from facilitator_svc.slots import models as _slots  # noqa: F401
from facilitator_svc.training import models as _training  # noqa: F401
from facilitator_svc.training.accreditation_reminders import models as _accreditation_reminders  # noqa: F401
from facilitator_svc.training.course_requests import models as _course_requests  # noqa: F401
from hlm_kit.migrations import run_env

run_env(Base.metadata)
