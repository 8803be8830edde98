"""Publishing a final result anchors its compound chain's head in the same transaction, and
the result page names that chain: "链 c12 · 第 345 条 · 3f2a…"."""
import re

import pytest
from sqlalchemy import select

from app.audit.models import AuditAnchor
from app.audit.services import head_hash
from app.audit.stamps import stamp_of
from app.audit.verification import verify
from app.extensions import db
from app.proposals import ballots, services
from tests.proposals.helpers import World

pytestmark = pytest.mark.both_databases


def test_published_result_is_anchored_and_names_its_chain(app, client, login_as):
    w = World(n_owners=3)
    p = w.proposal(matter=4)
    now = w.to_voting(p)
    for user in w.owners:
        member = ballots.members_for_voter(p, user)[0]
        ballots.cast_in_person(p.id, member.id, user, "yes", now=now)
    db.session.commit()
    services.close_voting(p, now=p.voting_closes_at)
    db.session.commit()
    assert db.session.scalar(select(AuditAnchor)) is None  # a preliminary result: no anchor
    services.publish_result(w.staff, p, now=p.objection_ends_at)
    db.session.commit()
    final = services.final_result(p)
    anchor = db.session.execute(select(AuditAnchor)).scalar_one()
    assert anchor.reason == "result_published"
    assert anchor.chain_hash == head_hash(p.compound_id)  # the publishing entry included
    stamp = stamp_of(final.audit_head)  # the head just before the publishing entry
    assert stamp.chain == f"c{p.compound_id}" and 0 < stamp.seq < anchor.chain_seq
    assert verify().ok

    login_as(w.owners[0])
    html = client.get(f"/c/{p.compound_id}/proposals/{p.id}/result").get_data(as_text=True)
    shown = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert f"链 c{p.compound_id} · 第 {stamp.seq} 条 · {final.audit_head[:8]}…" in shown
    assert final.audit_head in html
