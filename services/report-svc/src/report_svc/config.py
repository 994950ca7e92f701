from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from hlm_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    """report-svc settings, read from ``REPORT_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="REPORT_")

    # A group report is shown only over at least this many participants, and a group report whose
    # participants differ from an issued one by fewer than this many is refused (differencing).
    group_report_min_participants: int = Field(default=5, ge=2)
    # Partner pulls page through reports this many at a time unless the caller asks for fewer.
    partner_page_size: int = Field(default=100, ge=1, le=1000)
    # Workers render the PDF of each newly released report ahead of its first download, one at a time,
    # looking for new ones this often (a version's PDF is rendered once, then served from the database).
    pdf_render_ahead: bool = True
    pdf_render_ahead_interval_s: float = Field(default=30.0, gt=0)
