"""Households (户) of a person in a compound: the units they are a verified resident of
(owner, family member or tenant). A household seconds once and votes once, whoever of it acts
first."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.compounds.models import Residency, Unit
from app.extensions import db


def homes_of(user, compound_id: int) -> list[Residency]:
    """The person's verified homes here, first verified first, each with its unit."""
    return list(db.session.scalars(select(Residency).where(
        Residency.user_id == user.id, Residency.compound_id == compound_id,
        Residency.revoked_at.is_(None)).order_by(Residency.id)
        .options(joinedload(Residency.unit).joinedload(Unit.building))))


def household_of(user, compound_id: int) -> Residency | None:
    homes = homes_of(user, compound_id)
    return homes[0] if homes else None


def unit_label(unit: Unit) -> str:
    return f"{unit.building.name}-{unit.entrance}-{unit.room}"
