"""承诺遵守 and 党员承诺. A signature counts one household (the unit, as issues count seconds):
two residents of one unit are one household, enforced by a partial unique index. A signer may
withdraw their household's signature (audited); then anyone of the household may sign again."""
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.compounds.access import primary_role, roles_in
from app.compounds.models import Residency, Unit, household_units
from app.compounds.roles import PARTY
from app.core.db import refused_if_taken
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.sanitize import clean_text
from app.core.time import utcnow
from app.covenants.lifecycle import compound_of
from app.covenants.models import Covenant, CovenantCommitment, CovenantSignature, CovenantVersion
from app.extensions import db

COMMITMENT_MAX = 300


def in_force(covenant: Covenant, *, with_articles: bool = False) -> CovenantVersion | None:
    stmt = select(CovenantVersion).where(
        CovenantVersion.covenant_id == covenant.id, CovenantVersion.state == "published")
    if with_articles:
        stmt = stmt.options(selectinload(CovenantVersion.articles)).execution_options(
            populate_existing=True)
    return db.session.scalar(stmt)


def household_of(user, compound) -> int | None:
    """The person's household here: their first verified unit (as for seconding issues)."""
    return db.session.scalar(select(Residency.unit_id).where(
        Residency.user_id == user.id, Residency.compound_id == compound.id,
        Residency.revoked_at.is_(None)).order_by(Residency.id).limit(1))


def household_signature(user, covenant: Covenant,
                        version: CovenantVersion | None = None) -> CovenantSignature | None:
    """The current signature of the person's household on the version in force (given, when
    the caller has it), in one statement: the household is a subquery."""
    version = version or in_force(covenant)
    if version is None:
        return None
    household = select(Residency.unit_id).where(
        Residency.user_id == user.id, Residency.compound_id == covenant.compound_id,
        Residency.revoked_at.is_(None)).order_by(Residency.id).limit(1).scalar_subquery()
    return db.session.scalar(select(CovenantSignature).where(
        CovenantSignature.version_id == version.id, CovenantSignature.unit_id == household,
        CovenantSignature.withdrawn_at.is_(None)))


def sign(actor, covenant: Covenant) -> CovenantSignature:
    """承诺遵守 the version in force, once per household."""
    compound = compound_of(covenant)
    unit_id = household_of(actor, compound) if "resident" in roles_in(actor, compound) else None
    if unit_id is None:
        raise PermissionDenied(_l("只有本小区已认证的居民可以签署公约。"))
    version = in_force(covenant)
    if version is None:
        raise ServiceError(_l("公约还没有生效的版本。"), status=409)
    row = CovenantSignature(version_id=version.id, unit_id=unit_id, user_id=actor.id,
                            created_at=utcnow())
    with refused_if_taken(_l("您家已经签署过了，每户签署一次。")):
        db.session.add(row)
    record(actor, compound, "covenant.sign", row,
           {"covenant_id": covenant.id, "version_id": version.id, "unit_id": unit_id},
           actor_role=primary_role(actor, compound))
    return row


def withdraw(actor, covenant: Covenant) -> CovenantSignature:
    """The signer takes their household's signature back."""
    compound = compound_of(covenant)
    row = household_signature(actor, covenant)
    if row is None:
        raise ServiceError(_l("您家还没有签署。"), status=409)
    if row.user_id != actor.id:
        raise PermissionDenied(_l("只有签署人本人可以撤回签署。"))
    result = db.session.execute(
        update(CovenantSignature)
        .where(CovenantSignature.id == row.id, CovenantSignature.withdrawn_at.is_(None))
        .values(withdrawn_at=utcnow()).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(_l("签署已经撤回了。"))
    db.session.refresh(row)
    record(actor, compound, "covenant.withdraw_signature", row,
           {"covenant_id": covenant.id, "version_id": row.version_id, "unit_id": row.unit_id},
           actor_role=primary_role(actor, compound))
    return row


def total_households(compound) -> int:
    return db.session.scalar(select(func.count(Unit.id)).where(
        household_units(compound.id))) or 0


def signing_counts(version: CovenantVersion | None, compound) -> tuple[int, int]:
    """(households that signed the version, households of the compound) in one statement."""
    households = select(func.count(Unit.id)).where(
        household_units(compound.id)).scalar_subquery()
    if version is None:
        return 0, db.session.scalar(select(households)) or 0
    signed = select(func.count(CovenantSignature.id)).where(
        CovenantSignature.version_id == version.id,
        CovenantSignature.withdrawn_at.is_(None)).scalar_subquery()
    row = db.session.execute(select(signed, households)).one()
    return row[0] or 0, row[1] or 0


def signed_households(version: CovenantVersion | None) -> int:
    if version is None:
        return 0
    return db.session.scalar(select(func.count(CovenantSignature.id)).where(
        CovenantSignature.version_id == version.id,
        CovenantSignature.withdrawn_at.is_(None))) or 0


def may_commit(user, covenant: Covenant) -> bool:
    """Only confirmed party members who chose to show their badge (亮身份) commit publicly."""
    return PARTY in roles_in(user, compound_of(covenant)) and bool(user.shows_party_badge)


def commit(actor, covenant: Covenant, body: str) -> CovenantCommitment:
    """党员承诺: shown under the covenant with the member's badge; one per member."""
    compound = compound_of(covenant)
    if not may_commit(actor, covenant):
        raise PermissionDenied(_l("只有已确认并选择亮明身份的党员可以发表党员承诺。"))
    text = clean_text(body)
    if not text:
        raise ServiceError(_l("请写下您的承诺。"), field="body")
    if len(text) > COMMITMENT_MAX:
        raise ServiceError(_l("承诺请不超过 300 字。"), field="body")
    row = CovenantCommitment(covenant_id=covenant.id, user_id=actor.id, body=text,
                             created_at=utcnow())
    with refused_if_taken(_l("您已经发表过承诺了。")):
        db.session.add(row)
    record(actor, compound, "covenant.commitment", row, {"covenant_id": covenant.id},
           actor_role=PARTY)
    return row
