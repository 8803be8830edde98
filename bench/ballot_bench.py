"""Ballot-casting benchmark: gunicorn serving the real app, 64 concurrent voters each casting
their one ballot through the web form (session cookie, CSRF token, audit entry and all).

    .venv/bin/python bench/ballot_bench.py --db sqlite
    .venv/bin/python bench/ballot_bench.py --db postgresql   # uses database "bench" on 127.0.0.1

Traffic goes to 127.0.0.1 only; the run is bounded by --voters. The load comes from `wrk` when it
is installed (a C client using a few % of a core, so the 2 cores stay with gunicorn and the
database), otherwise from Python threads. Prints ballots/s and latency percentiles, then checks
that every accepted ballot is stored once and the audit chain holds.
Target on the 2-core machine: ≥ 650 ballots/s on PostgreSQL.
"""
import argparse
import http.client
import queue
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.session import SESSION_KEY, _hash  # noqa: E402
from app.extensions import db  # noqa: E402
from bench.server import app_on_empty_schema, free_port, start_gunicorn  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
SECRET = "bench-" + secrets.token_hex(8)


def build_database(url: str, voters: int):
    app = app_on_empty_schema(url, {"SECRET_KEY": SECRET,
                                    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.test_request_context():
        from flask import g, session
        from flask_wtf.csrf import generate_csrf

        from app.accounts.models import User, UserSession
        from app.compounds.models import Building, Holding, Residency, Unit
        from app.core.time import utcnow
        from app.meetings.demo import hold_deliberation
        from app.proposals import services
        from app.proposals.demo import COUNCIL_OPINION, walk_to_deliberation
        from app.proposals.models import ElectorateMember, ElectorateUnit
        from app.proposals.periods import earliest_voting_start
        from tests.factories import grant, make_compound, make_staff, make_user

        compound = make_compound("基准小区")
        party, committee = make_user(name="书记"), make_user(name="主任")
        grant(party, compound, "party_cell")
        grant(committee, compound, "committee")
        make_staff(compound)
        building = Building(compound_id=compound.id, name="1")
        db.session.add(building)
        db.session.flush()
        mobiles = [f"177{i:08d}" for i in range(voters)]
        db.session.execute(insert(User), [
            {"mobile": m, "display_name": f"业主{i}", "password_hash": "!", "is_admin": False,
             "is_active_account": True, "shows_party_badge": False, "created_at": utcnow()}
            for i, m in enumerate(mobiles)])
        users = dict(db.session.execute(select(User.mobile, User.id).where(
            User.mobile.in_(mobiles))).all())
        db.session.execute(insert(Holding), [
            {"compound_id": compound.id, "key": m, "designated_mobile": m} for m in mobiles])
        holdings = dict(db.session.execute(select(Holding.key, Holding.id)).all())
        db.session.execute(insert(Unit), [
            {"compound_id": compound.id, "building_id": building.id, "entrance": "1",
             "room": str(10000 + i), "area": "88.50", "area_source": "registered",
             "is_developer_held": False, "holding_id": holdings[m]}
            for i, m in enumerate(mobiles)])
        units = dict(db.session.execute(select(Unit.holding_id, Unit.id)).all())
        db.session.execute(insert(Residency), [
            {"compound_id": compound.id, "unit_id": units[holdings[m]], "user_id": users[m],
             "relation": "owner", "verified_at": utcnow()} for m in mobiles])
        db.session.commit()
        now = utcnow()
        # The whole procedure, dated in the past as the demo does it: consultation, review,
        # the council's deliberation (a meeting with minutes), the voting notice.
        for person in (party, committee, make_user(name="议事")):
            grant(person, compound, "council")
        p = services.create(committee, compound, title="基准表决", body="", kind="owners",
                            matter=4)
        noticed = now - timedelta(days=30)
        walk_to_deliberation(p, committee, party, noticed)
        hold_deliberation(compound, p, party, noticed, recorder=committee)
        opens = earliest_voting_start(noticed, services.notice_days(p, compound))
        services.publish_notice(committee, p, opens_at=opens, opinion=COUNCIL_OPINION,
                                closes_at=now + timedelta(days=2), now=noticed)
        services.open_voting(p, now=opens)
        db.session.commit()
        member_of = dict(db.session.execute(
            select(ElectorateUnit.unit_id, ElectorateMember.id)
            .join(ElectorateMember, ElectorateMember.id == ElectorateUnit.member_id)).all())
        serializer = app.session_interface.get_signing_serializer(app)
        credentials, rows = [], []
        for m in mobiles:
            token = secrets.token_urlsafe(32)
            rows.append({"user_id": users[m], "token_hash": _hash(token), "created_at": now})
            session.clear()
            g.pop("csrf_token", None)  # generate_csrf caches per request; one per voter here
            session[SESSION_KEY] = token
            session["_user_id"] = str(users[m])
            session["_fresh"] = True
            csrf = generate_csrf()
            cookie = serializer.dumps(dict(session))
            credentials.append((cookie, csrf, member_of[units[holdings[m]]]))
        db.session.execute(insert(UserSession), rows)
        db.session.commit()
        return compound.id, p.id, credentials


def start_server(url: str, port: int, workers: int, threads: int):
    return start_gunicorn("wsgi:app", port, workers=workers, threads=threads, env={
        "DATABASE_URL": url, "SECRET_KEY": SECRET, "YISHI_CONFIG": "production",
        "TRUSTED_PROXIES": "0"})


def run_clients(port, path, credentials, concurrency):
    work: queue.Queue = queue.Queue()
    for item in credentials:
        work.put(item)
    latencies, statuses, lock = [], {}, threading.Lock()
    start_gate = threading.Barrier(concurrency + 1)

    def voter():
        start_gate.wait()
        while True:
            try:
                cookie, csrf, member = work.get_nowait()
            except queue.Empty:
                break
            body = urlencode({"member_id": member, "choice": "yes", "csrf_token": csrf})
            t0 = time.perf_counter()
            # One connection per voter, as phones arrive: the kernel spreads new connections
            # over the gunicorn workers (kept-alive ones would pile onto whichever accepted).
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("POST", path, body=body, headers={
                "Cookie": f"session={cookie}", "Connection": "close",
                "Content-Type": "application/x-www-form-urlencoded"})
            response = conn.getresponse()
            response.read()
            conn.close()
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1

    threads = [threading.Thread(target=voter) for _ in range(concurrency)]
    for t in threads:
        t.start()
    start_gate.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, latencies, statuses


# Each request carries the next voter's cookie and form; a new connection per ballot, as phones
# arrive (kept-alive connections would pile onto whichever gunicorn worker accepted them).
WRK_SCRIPT = """
local creds, next_voter = {}, 0
init = function(args)
  for line in io.lines(args[1]) do
    local cookie, csrf, member = line:match("([^\t]+)\t([^\t]+)\t([^\t]+)")
    creds[#creds + 1] = {cookie, csrf, member}
  end
end
request = function()
  next_voter = next_voter + 1
  -- Past the last voter, voters come round again: refusals (409), counted apart.
  local c = creds[(next_voter - 1) % #creds + 1]
  return wrk.format("POST", wrk.path, {
    ["Cookie"] = "session=" .. c[1], ["Connection"] = "close",
    ["Content-Type"] = "application/x-www-form-urlencoded"},
    "member_id=" .. c[3] .. "&choice=yes&csrf_token=" .. c[2])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    summary.errors.status, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
"""


def run_wrk(port, path, credentials, concurrency, seconds):
    """wrk casts ballots for `seconds` (it cannot stop early): build more voters than the
    server can take in that time, and count what was stored."""
    folder = Path(tempfile.mkdtemp())
    (folder / "voters.tsv").write_text(
        "".join(f"{cookie}\t{csrf}\t{member}\n" for cookie, csrf, member in credentials))
    (folder / "cast.lua").write_text(WRK_SCRIPT)
    cmd = ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "60s",
           "-s", str(folder / "cast.lua"), f"http://127.0.0.1:{port}{path}", "--",
           str(folder / "voters.tsv")]
    finished = subprocess.run(cmd, capture_output=True, text=True, check=True)  # noqa: S603
    out = finished.stdout + finished.stderr
    found = re.search(r"RESULT" + r" (\d+)" * 7, out)
    if not found:
        raise SystemExit(f"wrk failed:\n{out}")
    requests, duration_us, refused, p50, p90, p99, top = map(int, found.groups())
    return (duration_us / 1e6, {"p50": p50, "p90": p90, "p99": p99, "max": top},
            (requests, refused))


def stored_ballots(url: str) -> int:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    with app.app_context():
        from app.proposals.models import Ballot
        count = db.session.scalar(select(func.count()).select_from(Ballot))
        db.engine.dispose()
    return count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--voters", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load (wrk)")
    parser.add_argument("--client", choices=["wrk", "python"],
                        default="wrk" if shutil.which("wrk") else "python")
    args = parser.parse_args()
    url = PG_URL if args.db == "postgresql" else f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    print(f"building {args.voters} voters on {args.db}...", flush=True)
    compound_id, proposal_id, credentials = build_database(url, args.voters)
    port = free_port()
    server = start_server(url, port, args.workers, args.threads)
    try:
        path = f"/c/{compound_id}/proposals/{proposal_id}/vote"
        if args.client == "wrk":
            elapsed, percentiles, sent = run_wrk(port, path, credentials, args.concurrency,
                                                 args.duration)
        else:
            elapsed, latencies, statuses = run_clients(port, path, credentials,
                                                       args.concurrency)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"database {args.db}, gunicorn {args.workers} workers x {args.threads} threads, "
          f"{args.concurrency} concurrent voters, client {args.client}")
    if args.client == "wrk":
        # Ballots answered within the window; those still in flight when wrk stopped were
        # stored too (at most one per connection), but are not counted.
        ok = sent[0] - sent[1]
        in_flight = stored_ballots(url) - ok
        print(f"ballots accepted: {ok} ({sent[1]} refusals; {in_flight} more stored while in "
              f"flight at the end) of {len(credentials)} voters")
        if not 0 <= in_flight <= args.concurrency:
            raise SystemExit("MISMATCH: accepted answers and stored ballots differ")
        print(f"throughput: {ok / elapsed:.0f} ballots/s over {elapsed:.1f} s")
        ok += in_flight  # for the stored-ballot check below
        print("latency ms: " + "  ".join(f"{k} {v / 1000:.0f}" for k, v in percentiles.items()))
    else:
        latencies.sort()
        p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
        ok = statuses.get(302, 0)
        print(f"ballots accepted: {ok} of {len(credentials)}; statuses {statuses}")
        print(f"throughput: {ok / elapsed:.0f} ballots/s over {elapsed:.1f} s")
        print(f"latency ms: p50 {p(0.50):.0f}  p90 {p(0.90):.0f}  p99 {p(0.99):.0f}  "
              f"max {latencies[-1] * 1000:.0f}  mean {statistics.mean(latencies) * 1000:.0f}")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    with app.app_context():
        from app.audit.verification import verify
        from app.proposals.models import Ballot
        stored = db.session.scalar(select(func.count()).select_from(Ballot))
        result = verify()
        # The voters' accounts, homes and units are bulk-inserted above, outside the audit
        # chain: only those rows may lack an entry.
        bulk = ("users ", "holdings ", "units ", "residencies ")
        problems = [p for p in result.problems
                    if not (p.startswith(bulk) and p.endswith("no audit entry covers this row"))]
        print(f"stored ballots: {stored}; audit chain intact: {not problems} "
              f"({result.count} entries)")
        for problem in problems[:5]:
            print(f"  {problem}")
        if stored != ok or problems:
            raise SystemExit("MISMATCH")


if __name__ == "__main__":
    main()
