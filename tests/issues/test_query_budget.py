"""The issue list and the issue page cost a fixed number of statements whatever the number
of issues and comments."""
import pytest

from app.core.time import utcnow
from app.extensions import db
from app.issues import comments, services
from app.issues.models import Comment
from tests.conftest import count_queries
from tests.issues.helpers import IssueWorld

LIST_BUDGET = 9
PAGE_BUDGET = 16


@pytest.fixture
def w(app):
    return IssueWorld(n_owners=6)


def _measure(client, url):
    client.get(url)  # warm-up: first-request work is not what we measure
    with count_queries() as q:
        response = client.get(url)
    assert response.status_code == 200
    return q.count


def _fill(w, issue, n):
    now = utcnow()
    tops = []
    for i in range(n // 2):
        author = w.owners[i % 6]
        tops.append(Comment(issue_id=issue.id, author_id=author.id, body_source=f"评论{i}",
                            body_html=f"<p>评论{i}</p>", created_at=now))
    db.session.add_all(tops)
    db.session.flush()
    db.session.add_all([Comment(issue_id=issue.id, parent_id=t.id, author_id=w.tenant.id,
                                body_source="回复", body_html="<p>回复</p>", created_at=now)
                        for t in tops])
    db.session.commit()


def test_issue_page_budget_with_200_comments(client, login_as, w):
    issue = w.issue(w.owners[0])
    services.acknowledge(w.property, issue)
    comments.post_comment(w.property, issue, "官方", official=True)
    db.session.commit()
    login_as(w.owners[1])
    url = f"/c/{w.compound.id}/issues/{issue.id}"
    few = _measure(client, url)
    _fill(w, issue, 200)
    many = _measure(client, url)
    assert many == few, (few, many)
    assert many <= PAGE_BUDGET, many


def test_issue_list_budget(client, login_as, w):
    login_as(w.owners[1])
    url = f"/c/{w.compound.id}/issues/"
    w.issue(w.owners[0])
    few = _measure(client, url)
    for i in range(30):
        w.issue(w.owners[i % 6], title=f"议题{i}", building_id=w.units[0].building_id)
    many = _measure(client, url)
    assert many == few, (few, many)
    assert many <= LIST_BUDGET, many
