"""The demo's notices: running, archived, withdrawn, corrected and a draft, with reads and
acknowledgements, all through the services (the audit chain verifies)."""
from collections import Counter

from sqlalchemy import select

from app.audit.verification import verify
from app.compounds.demo import seed_demo
from app.extensions import db
from app.issues.demo import seed_issues
from app.notices import queries, reads
from app.notices.demo import seed_notices
from app.notices.models import Notice
from app.proposals.demo import seed_proposals


def test_demo_notices(app):
    with app.test_request_context():
        result = seed_demo()
        seed_proposals(result.compound)
        seed_issues(result.compound)
        seed_notices(result.compound)
        db.session.commit()
        notices = db.session.scalars(select(Notice).where(
            Notice.compound_id == result.compound.id)).all()
        phases = Counter(queries.phase(n) for n in notices)
        assert phases["running"] >= 2 and phases["archived"] >= 2
        assert phases["withdrawn"] == 1 and phases["draft"] == 1
        assert any(n.revision_count > 1 for n in notices)
        assert any(n.proposal_id for n in notices if queries.phase(n) == "archived")
        # Published results and the implementation report made their own notices.
        assert {n.kind for n in notices if n.proposal_id} == {"vote_result", "implementation"}
        running = queries.running_notices(result.compound)
        assert len(running) >= 2
        counted = reads.counts([n.id for n in notices])
        assert sum(r for r, _ in counted.values()) >= 4 and sum(a for _, a in counted.values()) == 2
        assert verify().ok
