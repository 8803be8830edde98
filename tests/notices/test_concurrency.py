"""Many members of one household opening a notice at the same moment (each its own client,
thread and connection, released together by a barrier) count as one household read; the
unique index decides. SQLite file and PostgreSQL."""

import pytest
from sqlalchemy import func, select

from app.audit.verification import verify
from app.extensions import db
from app.notices.models import NoticeRead
from tests.factories import make_resident, make_user, own_client, pool_for_threads, run_together
from tests.notices.helpers import NoticeWorld

pytestmark = pytest.mark.both_databases

N = 30


@pytest.fixture
def app_overrides():
    return pool_for_threads(30)


def test_concurrent_reads_from_one_household_count_once(app):
    w = NoticeWorld()
    notice = w.published()
    members = [w.owners[1]]
    for i in range(4):
        member = make_user(name=f"家人{i}")
        make_resident(member, w.units[1], "family")
        members.append(member)
    db.session.commit()
    clients = [own_client(app, members[i % len(members)]) for i in range(N)]
    url = f"/c/{w.compound.id}/notices/{notice.id}"
    unit_id = w.units[1].id
    statuses = run_together([lambda c=c: c.get(url).status_code for c in clients])
    assert statuses == [200] * N
    assert db.session.scalar(select(func.count(NoticeRead.id))) == 1
    assert db.session.scalar(select(NoticeRead.unit_id)) == unit_id
    assert verify().ok
