"""The articles of a version's current revision, read by an explicit query: a service that has
just saved a revision, or holds a version loaded without them, reads them here."""
from sqlalchemy import select

from app.covenants.models import CovenantArticle, CovenantVersion
from app.extensions import db


def current_articles(version: CovenantVersion) -> list[CovenantArticle]:
    return list(db.session.scalars(select(CovenantArticle).where(
        CovenantArticle.version_id == version.id,
        CovenantArticle.revision == version.revision).order_by(CovenantArticle.number)))
