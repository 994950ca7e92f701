from __future__ import annotations

from sqlalchemy import insert

from hlm_kit.repository import RepositoryBase
from survey_svc.responses.models import Response


class ResponseRepository(RepositoryBase[Response]):
    model = Response

    async def insert(self, response: Response) -> None:
        """Store ``response`` with a plain INSERT rather than through the unit of work: this is the hot
        path of the service, and the row is not read back."""
        await self.session.execute(
            insert(Response).values(
                id=response.id,
                cycle_id=response.cycle_id,
                invitation_id=response.invitation_id,
                rater_group=response.rater_group,
                answers=response.answers,
                importance=response.importance,
                comments=response.comments,
                submitted_at=response.submitted_at,
            )
        )
