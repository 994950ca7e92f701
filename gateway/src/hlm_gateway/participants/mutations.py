from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

import strawberry
from strawberry.types import Info

from hlm_gateway.arguments import SUBJECT
from hlm_gateway.context import Context
from hlm_gateway.participants.types import ParticipantErased
from hlm_gateway.permissions import SignedIn


@strawberry.type
class ParticipantMutation:
    @strawberry.mutation(
        description="Erase a participant: yourself, or as an academy admin a participant with a cycle in your "
        "region (any other is NOT_FOUND). Cannot be undone."
    )
    async def erase_participant(
        self, info: Info[Context, None], participant_id: Annotated[strawberry.ID, SUBJECT]
    ) -> ParticipantErased | None:
        return await _erase(info, str(participant_id))

    @strawberry.mutation(
        description="Erase everything the platform holds about you. Cannot be undone.",
        permission_classes=[SignedIn],
    )
    async def erase_my_data(self, info: Info[Context, None]) -> ParticipantErased | None:
        # Whose data: the caller's own, from their verified token (SignedIn has verified it).
        return await _erase(info, (await info.context.caller()).sub)


async def _erase(info: Info[Context, None], participant_id: str) -> ParticipantErased:
    # The id was checked as an argument (see hlm_gateway.arguments), or is the caller's own verified sub.
    await info.context.survey.send("DELETE", f"/v1/participants/{quote(participant_id, safe='')}")
    return ParticipantErased(participant_id=strawberry.ID(participant_id))
