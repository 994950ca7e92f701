"""Rules of the register: who may add and change facilitators, and the CSV import and export."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from facilitator_svc.access import can_manage, is_the_facilitator
from facilitator_svc.bookings import service as booking_service
from facilitator_svc.config import Settings, local_date
from facilitator_svc.csv_files import line_error
from facilitator_svc.db_errors import violated_constraint
from facilitator_svc.facilitators import register_csv
from facilitator_svc.facilitators.exceptions import AlreadyRegistered, FacilitatorNotFound
from facilitator_svc.facilitators.models import Facilitator
from facilitator_svc.facilitators.repository import FacilitatorRepository
from facilitator_svc.facilitators.schemas import (
    NULLABLE,
    SELF_EDITABLE,
    AccreditationOut,
    Conflicts,
    FacilitatorIn,
    FacilitatorList,
    FacilitatorOut,
    FacilitatorPatch,
    ImportResult,
    Location,
)
from facilitator_svc.vocabulary import FacilitatorStatus, Mode, SessionKind
from hlm_contracts import EmailAddress, EmailHashKey, email_hash
from hlm_kit.auth import Principal
from hlm_kit.errors import FieldError, Forbidden, UnprocessableContent
from hlm_kit.pagination import CursorCodec

# The register is read in order of name (the id breaks ties between namesakes).
REGISTER_CURSOR = CursorCodec(tuple[str, UUID])


async def create(
    session: AsyncSession, principal: Principal, body: FacilitatorIn, settings: Settings, now: datetime
) -> FacilitatorOut:
    region = principal.require_administered_region()
    if body.region is not None and body.region != region:
        raise Forbidden(f"you manage the region {region!r}; {body.region!r} is another academy's")
    async with _registering(session):
        facilitator = Facilitator(
            region=region, session_kinds=[SessionKind.FEEDBACK.value], created_at=now, updated_at=now
        )
        _apply(facilitator, body.model_dump(exclude={"region"}), settings)
        session.add(facilitator)
    return to_out(facilitator, local_date(settings, now))


async def get(
    session: AsyncSession, principal: Principal, id: UUID, settings: Settings, now: datetime
) -> FacilitatorOut:
    return to_out(await visible(session, principal, id), local_date(settings, now))


async def get_own(session: AsyncSession, principal: Principal, settings: Settings, now: datetime) -> FacilitatorOut:
    facilitator = await FacilitatorRepository(session).get_by_subject(principal.sub)
    if facilitator is None:
        raise FacilitatorNotFound("no facilitator of the register is linked to your account")
    return to_out(facilitator, local_date(settings, now))


async def visible(session: AsyncSession, principal: Principal, id: UUID, *, for_update: bool = False) -> Facilitator:
    """The facilitator, if the caller manages it; otherwise it does not exist for them."""
    facilitator = await FacilitatorRepository(session).get_by_id(id, for_update=for_update)
    if facilitator is None or not can_manage(principal, facilitator):
        raise FacilitatorNotFound(f"no facilitator {id}")
    return facilitator


async def list_region(
    session: AsyncSession,
    principal: Principal,
    settings: Settings,
    now: datetime,
    *,
    cursor: str | None,
    limit: int,
    ids: Sequence[UUID] | None = None,
    containing: str | None = None,
    status: FacilitatorStatus | None = None,
) -> FacilitatorList:
    region = principal.require_administered_region()
    today = local_date(settings, now)
    repository = FacilitatorRepository(session)
    if ids is not None:
        found = {f.id: f for f in await repository.get_many(ids) if f.region == region}
        return FacilitatorList(items=[to_out(found[i], today) for i in dict.fromkeys(ids) if i in found])
    rows = await repository.list_in_region(
        region, after=REGISTER_CURSOR.decode(cursor), limit=limit + 1, containing=containing, status=status
    )
    page, next_cursor = REGISTER_CURSOR.page(rows, limit, key=lambda f: (f.name, f.id))
    return FacilitatorList(items=[to_out(f, today) for f in page], next_cursor=next_cursor)


async def update(
    session: AsyncSession, principal: Principal, id: UUID, patch: FacilitatorPatch, settings: Settings, now: datetime
) -> FacilitatorOut:
    facilitator = await visible(session, principal, id, for_update=True)
    given = patch.model_fields_set
    if not principal.is_academy_admin_for(facilitator.region):
        assert is_the_facilitator(principal, facilitator)
        not_theirs = sorted(given - SELF_EDITABLE)
        if not_theirs:
            raise Forbidden(
                "only the region's academy administrator may change these fields",
                errors=[FieldError(loc=["body", f], msg="administrator only", type="forbidden") for f in not_theirs],
            )
    empty = sorted(f for f in given if getattr(patch, f) is None and f not in NULLABLE)
    if empty:
        raise UnprocessableContent(
            f"{len(empty)} invalid field(s)",
            errors=[FieldError(loc=["body", f], msg="may not be null", type="null") for f in empty],
        )
    if patch.region is not None and patch.region != facilitator.region:
        raise Forbidden("a facilitator moves to another region through that region's administrator")
    linked_to = facilitator.subject
    async with _registering(session):
        _apply(facilitator, patch.model_dump(include=given), settings)
        facilitator.updated_at = now
    if facilitator.subject != linked_to:
        await booking_service.announce_again(session, facilitator)
    return to_out(facilitator, local_date(settings, now))


async def import_csv(
    session: AsyncSession, principal: Principal, body: bytes, settings: Settings, now: datetime
) -> ImportResult:
    """Create or update every row of the file (keyed by email), or, when any row is wrong, store nothing
    and report every problem with its line."""
    region = principal.require_administered_region()
    rows, errors = register_csv.parse(body, max_rows=settings.register_import_max_rows)
    by_email: dict[str, int] = {}
    by_subject: dict[str, int] = {}
    for row in rows:
        f = row.facilitator
        if f.region is not None and f.region != region:
            errors.append(line_error(row.line, "region", f"you manage the region {region!r}, not {f.region!r}"))
        email = f.email.lower()
        if email in by_email:
            errors.append(line_error(row.line, "email", f"{f.email} is also on line {by_email[email]}"))
        by_email.setdefault(email, row.line)
        if f.subject is not None:
            if f.subject in by_subject:
                errors.append(line_error(row.line, "subject", f"{f.subject} is also on line {by_subject[f.subject]}"))
            by_subject.setdefault(f.subject, row.line)

    repository = FacilitatorRepository(session)
    existing = {f.email.lower(): f for f in await repository.get_by_emails(list(by_email))}
    subjects = {f.subject: f for f in await repository.get_by_subjects(list(by_subject)) if f.subject}
    for row in rows:
        f = row.facilitator
        current = existing.get(f.email.lower())
        if current is not None and current.region != region:
            errors.append(line_error(row.line, "email", f"{f.email} is registered in the region {current.region!r}"))
        holder = subjects.get(f.subject) if f.subject else None
        if holder is not None and holder.email.lower() != f.email.lower():
            errors.append(line_error(row.line, "subject", f"account {f.subject} belongs to {holder.email}"))
    if errors:
        errors.sort(key=lambda e: e.loc[1] if len(e.loc) > 1 and isinstance(e.loc[1], int) else 0)
        raise UnprocessableContent(f"{len(errors)} problem(s) in the file; nothing was stored", errors=errors)

    created = updated = unchanged = 0
    relinked: list[Facilitator] = []
    async with _registering(session):
        for row in rows:
            values = row.facilitator.model_dump(exclude={"region"})
            current = existing.get(row.facilitator.email.lower())
            if current is None:
                facilitator = Facilitator(
                    region=region, session_kinds=[SessionKind.FEEDBACK.value], created_at=now, updated_at=now
                )
                _apply(facilitator, values, settings)
                session.add(facilitator)
                created += 1
                continue
            linked_to = current.subject
            if _apply(current, values, settings):
                current.updated_at = now
                updated += 1
            else:
                unchanged += 1
            if current.subject != linked_to:
                relinked.append(current)
    # The flush has locked each changed row; sessions of a relinked facilitator now name the new account.
    for facilitator in relinked:
        await booking_service.announce_again(session, facilitator)
    return ImportResult(created=created, updated=updated, unchanged=unchanged)


async def export_csv(session: AsyncSession, principal: Principal) -> str:
    region = principal.require_administered_region()
    return register_csv.render(_csv_row(f) for f in await FacilitatorRepository(session).list_in_region(region))


def _csv_row(f: Facilitator) -> dict[str, Any]:
    return {
        "name": f.name,
        "email": f.email,
        "phone": f.phone,
        "subject": f.subject,
        "organisation": f.organisation,
        "region": f.region,
        "accreditation_level": f.accreditation_level.value,
        "trained_on": f.accreditation_trained_on.isoformat(),
        "expires_on": f.accreditation_expires_on.isoformat(),
        "status": f.status.value,
        "capacity_per_month": f.capacity_per_month,
        "modes": list(f.modes),
        "languages": list(f.languages),
        "specialisms": list(f.specialisms),
        "latitude": f.latitude,
        "longitude": f.longitude,
        "conflict_organisations": list(f.conflict_organisations),
        "conflict_participants": list(f.conflict_participants),
    }


def _apply(facilitator: Facilitator, values: dict[str, Any], settings: Settings) -> bool:
    """Set the given fields (as FacilitatorIn/Patch dumps them); True when anything changed."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        if key == "accreditation":
            flat["accreditation_level"] = value["level"]
            flat["accreditation_trained_on"] = value["trained_on"]
            flat["accreditation_expires_on"] = value["expires_on"]
        elif key == "location":
            flat["latitude"] = value["latitude"] if value else None
            flat["longitude"] = value["longitude"] if value else None
        elif key == "conflicts":
            flat["conflict_organisations"] = list(value["organisations"])
            flat["conflict_participants"] = list(value["participants"])
        elif key == "modes":
            flat["modes"] = [Mode(m).value for m in value]
        elif key == "session_kinds":
            # Left out of a register import: the facilitator's offer stays as it is.
            if value is not None:
                flat["session_kinds"] = [SessionKind(k).value for k in value]
        elif key == "email":
            flat["email"] = value
            flat["email_hash"] = email_hash(
                EmailAddress(value), EmailHashKey(settings.email_hash_key.get_secret_value())
            )
        else:
            flat[key] = value
    changed = False
    for key, value in flat.items():
        if getattr(facilitator, key, None) != value:
            setattr(facilitator, key, value)
            changed = True
    return changed


@contextlib.asynccontextmanager
async def _registering(session: AsyncSession) -> AsyncIterator[None]:
    """Changes to the register made in this block are written in a savepoint: a second facilitator with
    an email or account already registered is refused, and undoes only what the block changed."""
    try:
        async with session.begin_nested():
            yield
            await session.flush()
    except IntegrityError as exc:
        constraint = violated_constraint(exc)
        if constraint == "uq_facilitator_email":
            raise AlreadyRegistered("a facilitator with that email address is already registered") from exc
        if constraint == "uq_facilitator_subject":
            raise AlreadyRegistered("that account is already linked to another facilitator") from exc
        raise


def to_out(facilitator: Facilitator, today: date) -> FacilitatorOut:
    f = facilitator
    return FacilitatorOut(
        id=f.id,
        name=f.name,
        email=f.email,
        phone=f.phone,
        subject=f.subject,
        organisation=f.organisation,
        region=f.region,
        accreditation=AccreditationOut(
            level=f.accreditation_level,
            trained_on=f.accreditation_trained_on,
            expires_on=f.accreditation_expires_on,
            is_current=f.accreditation_trained_on <= today <= f.accreditation_expires_on,
        ),
        status=f.status,
        capacity_per_month=f.capacity_per_month,
        modes=[Mode(m) for m in f.modes],
        languages=list(f.languages),
        specialisms=list(f.specialisms),
        session_kinds=[SessionKind(k) for k in f.session_kinds],
        location=Location(latitude=f.latitude, longitude=f.longitude)
        if f.latitude is not None and f.longitude is not None
        else None,
        conflicts=Conflicts(organisations=list(f.conflict_organisations), participants=list(f.conflict_participants)),
        created_at=f.created_at,
        updated_at=f.updated_at,
    )
