from framework_svc.database import Base
from framework_svc.frameworks import models as _frameworks  # noqa: F401  (registers the tables)
from framework_svc.questionnaires import models as _questionnaires  # noqa: F401
from framework_svc.resources import models as _resources  # noqa: F401
from hlm_kit.migrations import run_env

run_env(Base.metadata)
