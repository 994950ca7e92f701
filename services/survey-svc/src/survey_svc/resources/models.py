"""survey-svc's copy of the published development resources: the tables every copy has, in this service's
schema (created by its own migration)."""

from __future__ import annotations

from hlm_kit.resource_copy import resource_copy_tables
from survey_svc.database import Base

tables = resource_copy_tables(Base.metadata)
