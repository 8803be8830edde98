"""The demo's 居民公约: in force, two versions, household signatures, two 党员承诺."""
from sqlalchemy import select

from app.audit.verification import verify
from app.compounds.demo import seed_demo
from app.covenants import household
from app.covenants.demo import seed_covenants
from app.covenants.lifecycle import covenant_of
from app.covenants.models import CovenantCommitment, CovenantVersion
from app.extensions import db
from app.issues.demo import seed_issues
from app.proposals.demo import seed_proposals


def test_demo_covenant(app):
    with app.test_request_context():
        result = seed_demo()
        seed_proposals(result.compound)
        seed_issues(result.compound)
        current = seed_covenants(result.compound)
        db.session.commit()
        covenant = covenant_of(current)
        versions = db.session.scalars(select(CovenantVersion).where(
            CovenantVersion.covenant_id == covenant.id).order_by(CovenantVersion.number)).all()
        assert [(v.number, v.state) for v in versions] == [(1, "superseded"), (2, "published")]
        assert covenant.kind == "residents" and len(current.articles) == 7
        assert household.signed_households(current) >= 5
        commitments = db.session.scalars(select(CovenantCommitment)).all()
        assert len(commitments) == 2 and all(c.user.shows_party_badge for c in commitments)
        assert verify().ok
