"""Read side of the covenant pages: lists, comments and commitments with every author's
badges from one roles look-up."""
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.compounds.models import Compound
from app.compounds.roles import badges_from_roles
from app.compounds.services import roles_by_member
from app.covenants.articles import current_articles
from app.covenants.diff import compare
from app.covenants.models import (
    OPEN_STATES,
    Covenant,
    CovenantComment,
    CovenantCommitment,
    CovenantVersion,
)
from app.extensions import db


def covenants_of(compound: Compound) -> list[Covenant]:
    return list(db.session.scalars(select(Covenant).where(
        Covenant.compound_id == compound.id).order_by(Covenant.kind.desc(), Covenant.id)))


def versions_of(covenant: Covenant) -> list[CovenantVersion]:
    return list(db.session.scalars(
        select(CovenantVersion).where(CovenantVersion.covenant_id == covenant.id)
        .options(selectinload(CovenantVersion.articles))
        .execution_options(populate_existing=True)
        .order_by(CovenantVersion.number.desc())))


def open_version(versions: list[CovenantVersion]) -> CovenantVersion | None:
    return next((v for v in versions if v.state in OPEN_STATES), None)


def in_force(versions: list[CovenantVersion]) -> CovenantVersion | None:
    return next((v for v in versions if v.state == "published"), None)


def bodies(version: CovenantVersion | None) -> list[str]:
    return [a.body for a in version.articles] if version else []


def changes_from_base(version: CovenantVersion):
    """The per-article diff against the version this one was based on (None for the first)."""
    if version.based_on_id is None:
        return None, None
    base = db.session.get(CovenantVersion, version.based_on_id)
    return base, compare([a.body for a in current_articles(base)], bodies(version))


def _badges(compound: Compound, users) -> dict[int, list]:
    users = {u.id: u for u in users}
    roles = roles_by_member(compound, users.keys())
    return {uid: badges_from_roles(roles.get(uid, set()), bool(u.shows_party_badge))
            for uid, u in users.items()}


def comments_by_article(compound: Compound, version: CovenantVersion):
    rows = db.session.scalars(
        select(CovenantComment).where(CovenantComment.version_id == version.id)
        .options(joinedload(CovenantComment.author))
        .order_by(CovenantComment.created_at, CovenantComment.id)).all()
    grouped: dict[int, list[CovenantComment]] = defaultdict(list)
    for row in rows:
        grouped[row.article_number].append(row)
    return grouped, _badges(compound, [r.author for r in rows]), len(rows)


def commitments(compound: Compound, covenant: Covenant):
    rows = db.session.scalars(
        select(CovenantCommitment).where(CovenantCommitment.covenant_id == covenant.id,
                                         CovenantCommitment.is_hidden.is_(False))
        .options(joinedload(CovenantCommitment.user))
        .order_by(CovenantCommitment.created_at, CovenantCommitment.id)).all()
    return rows, _badges(compound, [r.user for r in rows])
