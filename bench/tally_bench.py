"""Tally benchmark: a 5,000-owner compound, 4,000 ballots cast; time the pure tally and the
full result computation from the database (electorate + current ballots → tally).

    .venv/bin/python bench/tally_bench.py                      # SQLite file in /tmp
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python bench/tally_bench.py

Target: ≤ 50 ms for the tally of a 5,000-owner compound.
"""
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402

# Every model first, as create_app does: some modules build statements at import, which
# needs every mapped class.
import app.models  # noqa: E402, F401
from app.extensions import db  # noqa: E402
from app.proposals import results, services  # noqa: E402
from app.proposals.models import Ballot, ElectorateMember  # noqa: E402
from app.proposals.periods import earliest_voting_start  # noqa: E402
from app.proposals.tally import Owner, tally_owners  # noqa: E402
from bench.server import app_on_empty_schema  # noqa: E402

OWNERS = 5000
BALLOTS = 4000
RUNS = 20


def build(url: str):
    app = app_on_empty_schema(url, {"TESTING": True, "SECRET_KEY": "bench"})
    return app


def populate():
    from app.compounds.models import Building, Holding, Unit
    from app.meetings.demo import hold_deliberation
    from app.proposals.demo import COUNCIL_OPINION, walk_to_deliberation
    from tests.factories import grant, make_compound, make_staff, make_user
    from tests.proposals.helpers import T0

    compound = make_compound("基准小区")
    party = make_user(name="书记")
    grant(party, compound, "party_cell")
    committee = make_user(name="主任")
    grant(committee, compound, "committee")
    make_staff(compound)
    building = Building(compound_id=compound.id, name="1")
    db.session.add(building)
    db.session.flush()
    db.session.execute(insert(Holding), [
        {"compound_id": compound.id, "key": f"1{i:010d}", "designated_mobile": f"1{i:010d}"}
        for i in range(OWNERS)])
    holding_ids = db.session.scalars(select(Holding.id).order_by(Holding.id)).all()
    rng = random.Random(7)
    db.session.execute(insert(Unit), [
        {"compound_id": compound.id, "building_id": building.id, "entrance": str(i % 4 + 1),
         "room": str(1000 + i), "area": f"{rng.randint(4000, 15000) / 100:.2f}",
         "area_source": "registered", "is_developer_held": False, "holding_id": hid}
        for i, hid in enumerate(holding_ids)])
    db.session.commit()
    # The whole procedure, dated in the past as the demo does it: consultation, review, the
    # council's deliberation (a meeting with minutes), the voting notice.
    for person in (party, committee, make_user(name="议事")):
        grant(person, compound, "council")
    p = services.create(committee, compound, title="基准", body="", kind="owners", matter=7)
    noticed = T0 - timedelta(days=30)
    walk_to_deliberation(p, committee, party, noticed)
    hold_deliberation(compound, p, party, noticed, recorder=committee)
    opens = earliest_voting_start(noticed, services.notice_days(p, compound))
    services.publish_notice(committee, p, opens_at=opens, opinion=COUNCIL_OPINION,
                            closes_at=opens + timedelta(days=7), now=noticed)
    services.open_voting(p, now=opens)
    members = db.session.scalars(select(ElectorateMember.id).where(
        ElectorateMember.proposal_id == p.id)).all()
    chosen = rng.sample(members, BALLOTS)
    db.session.execute(insert(Ballot), [
        {"proposal_id": p.id, "member_id": m, "choice": rng.choice(["yes", "yes", "no", "abstain"]),
         "channel": "web", "receipt": f"R{n:019d}", "cast_at": opens}
        for n, m in enumerate(chosen)])
    db.session.commit()
    return p


def timed(fn, runs=RUNS):
    fn()  # warm-up: first-query plan and ORM compilation caches
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def main():
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    url = url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = build(url)
    with app.test_request_context():
        p = populate()
        members = db.session.execute(select(ElectorateMember.voter_key, ElectorateMember.area)
                                     .where(ElectorateMember.proposal_id == p.id)).all()
        owners = {k: Owner(k, int(a * 100), ()) for k, a in members}
        choices = dict(db.session.execute(
            select(ElectorateMember.voter_key, Ballot.choice)
            .join(Ballot, Ballot.member_id == ElectorateMember.id)).all())
        pure = timed(lambda: tally_owners(owners, choices, 7))
        full = timed(lambda: results.compute(p))
        result = results.compute(p)
    print(f"database: {url.split(':', 1)[0]}  owners: {OWNERS}  ballots: {BALLOTS}")
    print(f"pure tally:            median {pure[0]:.1f} ms  max {pure[1]:.1f} ms  ({RUNS} runs)")
    print(f"result from database:  median {full[0]:.1f} ms  max {full[1]:.1f} ms  ({RUNS} runs)")
    print(f"participating owners {result['participating_owners']}/{result['total_owners']}, "
          f"passed={result['passed']}")


if __name__ == "__main__":
    main()
