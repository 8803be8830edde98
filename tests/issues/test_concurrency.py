"""50 seconds from one household at once (each its own client, thread and connection,
released together by a barrier) count once; the unique index decides. SQLite file and
PostgreSQL."""

import pytest
from sqlalchemy import func, select

from app.audit.verification import verify
from app.extensions import db
from app.issues.models import Issue, IssueSecond
from tests.factories import make_resident, make_user, own_client, pool_for_threads, run_together
from tests.issues.helpers import IssueWorld

pytestmark = pytest.mark.both_databases

N = 50


@pytest.fixture
def app_overrides():
    return pool_for_threads(30)


def test_fifty_concurrent_seconds_from_one_household_count_once(app):
    w = IssueWorld()
    issue = w.issue(w.owners[0])
    members = [w.owners[1]]
    for i in range(4):
        member = make_user(name=f"家人{i}")
        make_resident(member, w.units[1], "family")
        members.append(member)
    db.session.commit()
    clients = [own_client(app, members[i % len(members)]) for i in range(N)]
    url = f"/c/{w.compound.id}/issues/{issue.id}/second"
    issue_id = issue.id

    def second(client):
        response = client.post(url, headers={"HX-Request": "true"})
        return response.status_code, response.get_data(as_text=True)

    results = run_together([lambda c=c: second(c) for c in clients])
    assert all(status == 200 for status, _ in results), [s for s, _ in results]
    assert sum("附议成功" in body for _, body in results) == 1
    assert sum("每户只能附议一次" in body for _, body in results) == N - 1
    assert db.session.scalar(select(func.count(IssueSecond.id))) == 1
    assert db.session.get(Issue, issue_id).second_count == 1
    assert verify().ok
