"""Many members of one household opening a notice at the same moment (each its own client,
thread and connection, released together by a barrier) count as one household read; the
unique index decides. SQLite file and PostgreSQL."""
import threading

import pytest
from sqlalchemy import func, select

from app.audit.services import verify
from app.extensions import db
from app.notices.models import NoticeRead
from tests.factories import make_resident, make_user, own_client
from tests.notices.helpers import NoticeWorld

N = 30


@pytest.fixture
def app_overrides():
    # The PostgreSQL server's connections are shared with other test runs: 30 here.
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 30, "max_overflow": 0,
                                          "pool_timeout": 120}}


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
    db.session.close()  # on SQLite the test's own transaction would hold the lock
    barrier = threading.Barrier(N)
    statuses, failures = [None] * N, []

    def run(i):
        try:
            barrier.wait(timeout=60)
            statuses[i] = clients[i].get(url).status_code
        except Exception as exc:  # noqa: BLE001  (reported below)
            failures.append(repr(exc))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not failures, failures[:3]
    assert statuses == [200] * N
    assert db.session.scalar(select(func.count(NoticeRead.id))) == 1
    assert db.session.scalar(select(NoticeRead.unit_id)) == unit_id
    assert verify().ok
