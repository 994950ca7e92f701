from hlm_kit.migrations import run_env
from survey_svc.cycles import models as _cycles  # noqa: F401  (registers the tables)
from survey_svc.database import Base
from survey_svc.goals import models as _goals  # noqa: F401
from survey_svc.invitations import models as _invitations  # noqa: F401
from survey_svc.mail import models as _mail  # noqa: F401
from survey_svc.observations import models as _observations  # noqa: F401
from survey_svc.questionnaires import models as _questionnaires  # noqa: F401
from survey_svc.raters import models as _raters  # noqa: F401
from survey_svc.resources import models as _resources  # noqa: F401
from survey_svc.responses import models as _responses  # noqa: F401
from survey_svc.teams import models as _teams  # noqa: F401

run_env(Base.metadata)
