"""The demo's issues: across categories and statuses, with discussion and the set pieces."""
from collections import Counter

from sqlalchemy import select

from app.audit.verification import verify
from app.compounds.demo import seed_demo
from app.extensions import db
from app.issues.demo import seed_issues
from app.issues.models import Comment


def test_demo_issues(app):
    with app.test_request_context():
        result = seed_demo()
        issues = seed_issues(result.compound)
        db.session.commit()
        threshold = result.compound.second_threshold
        assert len(issues) == 30
        assert len({i.category for i in issues}) == 7
        statuses = Counter(i.status for i in issues)
        assert set(statuses) == {"open", "acknowledged", "on_agenda", "dispatched", "answered",
                                 "resolved", "closed"}
        assert issues[0].status == "on_agenda" and issues[0].second_count == threshold
        assert issues[1].status == "open" and issues[1].second_count == threshold - 1
        rows = db.session.scalars(select(Comment)).all()
        assert sum(c.is_official for c in rows) >= 1
        assert [c.hidden_reason for c in rows if c.is_hidden] == ["人身攻击"]
        assert any(c.edited_at for c in rows)
        assert any(i.show_as == "anonymous" for i in issues)
        assert verify().ok
