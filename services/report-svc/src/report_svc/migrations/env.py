from hlm_kit.migrations import run_env
from report_svc.consents import models as _consents  # noqa: F401  (registers the tables)
from report_svc.cycles import models as _cycles  # noqa: F401
from report_svc.database import Base
from report_svc.group_reports import models as _group_reports  # noqa: F401
from report_svc.questionnaires import models as _questionnaires  # noqa: F401
from report_svc.reports import models as _reports  # noqa: F401
from report_svc.resources import models as _resources  # noqa: F401
from report_svc.sessions import models as _sessions  # noqa: F401

run_env(Base.metadata)
