"""Page benchmark: requests/s of the app's main pages as a share of bare Flask + Jinja, served
by the same gunicorn under the same wrk load, with the goal each page is held to.

    .venv/bin/python bench/pages.py                       # PostgreSQL database test_pagesbench
    .venv/bin/python bench/pages.py --only privacy,home --duration 5
    .venv/bin/python bench/pages.py --sqlite

The database holds the demo compound (锦华苑, app.site.demo) plus 200 comments under one issue
and under one proposal. Signed-in pages are loaded as the demo owner 陈志强; the POST follows
and unfollows an issue (one row, a flash message, a redirect), which repeats forever. The
ballot figure comes from bench/ballot_bench.py (its own database, one new voter per request)
and is shown as a share of that POST. The invite letters of one building (50 QR codes) are
rendered in process, not under load: the first render and the median of the next ones.

Traffic goes to 127.0.0.1 only; each page gets --warmup seconds, then --duration seconds of
wrk (one thread, --connections keep-alive connections). The machine's other work lowers
every figure: compare runs made in the same conditions.
"""
import argparse
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask, render_template  # noqa: E402
from jinja2 import DictLoader  # noqa: E402

from bench.server import app_on_empty_schema, free_port, start_gunicorn  # noqa: E402

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
SECRET = "bench-" + secrets.token_hex(8)
COMMENTS = 200

# The bare app: Flask rendering a 5 KB Jinja page (a layout, a loop, a few variables),
# served by gunicorn as `pages:bare_app`.
BARE_TEMPLATE = """<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">
<title>{{ title }}</title></head><body><header><h1>{{ title }}</h1></header><main>
{% for row in rows %}<p class="row-{{ loop.index }}">{{ row }}</p>
{% endfor %}</main><footer>{{ footer }}</footer></body></html>"""
bare_app = Flask("bare")
bare_app.jinja_loader = DictLoader({"page.html": BARE_TEMPLATE})  # compiled once, as ours are


@bare_app.get("/")
def bare_page():
    return render_template("page.html", title="基准", footer="议事",
                           rows=["议事协商，以事聚人，邻里共商小区事。"] * 60)


# page -> (goal as a share, of what); "bare" unless said.
GOALS = {
    "privacy": 0.50, "login": 0.50,
    "home": 0.10, "issues": 0.10, "proposal": 0.10, "notices": 0.10, "meetings": 0.10,
    "search": 0.10, "todo": 0.10,
    "issue200": 0.05, "proposal200": 0.05,
    "post": 0.30,
    "ballot": 0.60,  # of "post"
}
PAGES = list(GOALS) + ["letters"]

WRK_SCRIPT = """
wrk.method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
local cookie = os.getenv("BENCH_COOKIE")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = "session=" .. cookie end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def database_url(args, name: str) -> str:
    if args.sqlite:
        return f"sqlite:///{tempfile.mkdtemp(prefix='pages-bench-')}/{name}.db"
    from sqlalchemy import create_engine, text

    engine = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return f"{PG_SERVER}/{name}"


def _cookie(app, user_id: int) -> tuple[str, str]:
    """A live session for the user: its signed cookie and the CSRF token in it."""
    from flask import g, session
    from flask_wtf.csrf import generate_csrf

    from app.accounts.models import UserSession
    from app.accounts.session import SESSION_KEY, _hash
    from app.extensions import db

    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user_id, token_hash=_hash(token)))
    db.session.commit()
    session.clear()
    g.pop("csrf_token", None)
    session[SESSION_KEY] = token
    session["_user_id"] = str(user_id)
    session["_fresh"] = True
    csrf = generate_csrf()
    return app.session_interface.get_signing_serializer(app).dumps(dict(session)), csrf


def build_database(url: str) -> dict:
    """The demo, 200 comments under an issue and a proposal; the paths and cookies."""
    from sqlalchemy import select

    from app.extensions import db

    app = app_on_empty_schema(url, {"SECRET_KEY": SECRET,
                                    "UPLOAD_DIR": tempfile.mkdtemp(prefix="pages-bench-")})
    with app.test_request_context():
        from app.accounts.models import User
        from app.compounds.models import Building
        from app.issues import comments
        from app.issues.models import Issue
        from app.proposals.discussion import proposal_subject
        from app.proposals.models import Proposal
        from app.site.demo import seed_everything

        compound = seed_everything().compound
        db.session.commit()
        people = {u.mobile: u for u in db.session.scalars(select(User).where(
            User.mobile.in_(["19900010001", "19900010002", "19900010003", "19900010005",
                             "19900000006", "19900000002"])))}
        owner, staff = people["19900010001"], people["19900000002"]
        talkers = [people[m] for m in ("19900010001", "19900010002", "19900010003",
                                       "19900010005", "19900000006")]
        issue = db.session.scalar(select(Issue).where(Issue.compound_id == compound.id)
                                  .order_by(Issue.id.desc()).limit(1))
        open_vote = db.session.scalar(select(Proposal).where(
            Proposal.compound_id == compound.id, Proposal.state == "voting").limit(1))
        talked = db.session.scalar(select(Proposal).where(
            Proposal.compound_id == compound.id, Proposal.state == "consultation").limit(1))
        for target in (issue, proposal_subject(talked)):
            top = []
            for k in range(COMMENTS - COMMENTS // 5):
                body = f"第{k + 1}条意见：**同意**，建议尽快处理。\n\n- 晚上太黑\n- 有老人"
                top.append(comments.post_comment(
                    talkers[k % len(talkers)], target, body,
                    stance="support" if target is not issue else None))
            for k in range(COMMENTS // 5):
                comments.post_comment(talkers[(k + 2) % len(talkers)], target,
                                      f"回复：{k + 1}，赞同。", parent=top[k % 25])
            db.session.commit()
        building = db.session.scalar(select(Building).where(
            Building.compound_id == compound.id).order_by(Building.id).limit(1))
        owner_cookie, owner_csrf = _cookie(app, owner.id)
        staff_cookie, _ = _cookie(app, staff.id)
        c = f"/c/{compound.id}"
        return {
            "cookie": owner_cookie, "csrf": owner_csrf, "staff_cookie": staff_cookie,
            "paths": {
                "privacy": "/privacy", "login": "/login", "home": f"{c}/",
                "issues": f"{c}/issues/", "proposal": f"{c}/proposals/{open_vote.id}/",
                "notices": f"{c}/notices/", "meetings": f"{c}/meetings/",
                "search": f"{c}/issues/search?q=%E7%94%B5%E6%A2%AF", "todo": "/",
                "issue200": f"{c}/issues/{issue.id}",
                "proposal200": f"{c}/proposals/{talked.id}/",
                "post": f"{c}/issues/{issue.id}/follow",
            },
            "letters": f"{c}/letters/{building.id}",
        }


def run_wrk(port: int, path: str, seconds: float, args, *, cookie=None, method="GET",
            body="") -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    cmd = ["wrk", "-t1", f"-c{args.connections}", f"-d{int(seconds)}s", "--timeout", "30s",
           "-s", script.name, f"http://127.0.0.1:{port}{path}"]
    env = dict(os.environ, BENCH_METHOD=method, BENCH_BODY=body, BENCH_COOKIE=cookie or "")
    finished = subprocess.run(cmd, capture_output=True, text=True, env=env,  # noqa: S603
                              timeout=seconds + 60)
    os.unlink(script.name)
    found = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+)", finished.stdout)
    if finished.returncode or not found:
        raise SystemExit(f"wrk failed on {path}:\n{finished.stdout}{finished.stderr}")
    requests, duration_us, p50, p99, errors = map(int, found.groups())
    return {"rps": requests / (duration_us / 1e6), "p50": p50 / 1000, "p99": p99 / 1000,
            "errors": errors}


def measure(port, path, args, **kw) -> dict:
    run_wrk(port, path, args.warmup, args, **kw)
    return run_wrk(port, path, args.duration, args, **kw)


def check(port: int, path: str, cookie: str | None, method="GET", body="") -> None:
    """Measure only pages that are what they claim (not a login redirect or an error)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": f"session={cookie}"} if cookie else {}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body or None, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    expected = 302 if method == "POST" else 200
    if response.status != expected or "/login" in (response.getheader("Location") or ""):
        raise SystemExit(f"{method} {path}: status {response.status}, expected {expected}")


def server(app_spec: str, port: int, args, url: str | None = None):
    env = {"SECRET_KEY": SECRET, "YISHI_CONFIG": "production", "TRUSTED_PROXIES": "0"}
    if url:
        env["DATABASE_URL"] = url
    return start_gunicorn(app_spec, port, workers=args.workers, threads=args.threads, env=env,
                          ready_path="/" if app_spec.startswith("pages:") else "/privacy",
                          pythonpath=str(ROOT / "bench"))


def stop(proc) -> None:
    proc.terminate()
    proc.wait(timeout=30)


def ballot_rate(args) -> dict:
    """ballot_bench's casting (its own database), through the same gunicorn settings."""
    from bench import ballot_bench

    url = database_url(args, "test_pagesbench_ballot")
    if url.startswith("postgresql"):
        url = url.replace("postgresql+psycopg", "postgresql+psycopg", 1)
    voters = max(2000, int(args.duration * 600))
    ballot_bench.SECRET = SECRET
    compound_id, proposal_id, credentials = ballot_bench.build_database(url, voters)
    port = free_port()
    proc = ballot_bench.start_server(url, port, args.workers, args.threads)
    try:
        elapsed, percentiles, (sent, refused) = ballot_bench.run_wrk(
            port, f"/c/{compound_id}/proposals/{proposal_id}/vote", credentials,
            args.connections, args.duration)
    finally:
        stop(proc)
    return {"rps": (sent - refused) / elapsed, "p50": percentiles["p50"] / 1000,
            "p99": percentiles["p99"] / 1000, "errors": refused}


def letters_time(url: str, world: dict, renders: int = 5) -> tuple[float, float]:
    """Seconds for the letters page of one building (50 QR codes): first render, then the
    median of the next ones."""
    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    client = app.test_client()
    client.set_cookie("session", world["staff_cookie"])
    times = []
    for _ in range(1 + renders):
        t0 = time.perf_counter()
        response = client.get(world["letters"])
        times.append(time.perf_counter() - t0)
        if response.status_code != 200 or b"data:image/svg+xml" not in response.data:
            raise SystemExit(f"letters page: status {response.status_code}")
    with app.app_context():
        db.engine.dispose()
    return times[0], statistics.median(times[1:])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", help=f"comma-separated pages of: {', '.join(PAGES)}")
    parser.add_argument("--duration", type=int, default=8, help="seconds per page")
    parser.add_argument("--warmup", type=int, default=2, help="seconds before each page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    args = parser.parse_args()
    wanted = args.only.split(",") if args.only else PAGES
    unknown = set(wanted) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    results: dict[str, dict] = {}

    print(f"wrk, {args.connections} connections, {args.duration:g} s per page; gunicorn "
          f"{args.workers} gthread workers x {args.threads} threads; "
          f"{'SQLite' if args.sqlite else 'PostgreSQL'}", flush=True)
    bare_runs = [bare_rate(args)]

    url = database_url(args, "test_pagesbench")
    print("building the demo and 200 comments under an issue and a proposal...", flush=True)
    world = build_database(url)
    on_server = [p for p in wanted if p not in ("ballot", "letters")]
    if on_server:
        port = free_port()
        proc = server("wsgi:app", port, args, url)
        try:
            for page in on_server:
                kw = {} if page in ("privacy", "login") else {"cookie": world["cookie"]}
                if page == "post":
                    kw.update(method="POST", body=f"csrf_token={world['csrf']}")
                check(port, world["paths"][page], kw.get("cookie"), kw.get("method", "GET"),
                      kw.get("body", ""))
                results[page] = measure(port, world["paths"][page], args, **kw)
                print(f"  {page} {results[page]['rps']:.0f} req/s", flush=True)
        finally:
            stop(proc)
    if "letters" in wanted:
        first, warm = letters_time(url, world)
        print(f"  letters: first render {first * 1000:.0f} ms, then {warm * 1000:.0f} ms",
              flush=True)
    if "ballot" in wanted:
        results["ballot"] = ballot_rate(args)
        print(f"  ballot {results['ballot']['rps']:.0f} ballots/s", flush=True)

    # Bare again after the pages: the machine's speed drifts, and the faster of the two runs
    # is the baseline (the stricter one for the goals).
    bare_runs.append(bare_rate(args))
    results = {"bare": max(bare_runs, key=lambda r: r["rps"]), **results}

    print(f"\n{'page':12} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
          f"{'share':>7} {'goal':>9} met?")
    bare = results["bare"]["rps"]
    for page, r in results.items():
        line = (f"{page:12} {r['rps']:7.0f} {r['p50']:7.1f} {r['p99']:7.1f} "
                f"{r['errors']:6d}")
        if page in GOALS:
            base_name = "post" if page == "ballot" else "bare"
            base = results.get(base_name, {}).get("rps")
            if base:
                share = r["rps"] / base
                met = "yes" if share >= GOALS[page] else "no"
                line += f" {share:7.1%} {GOALS[page]:4.0%} {base_name:4} {met}"
        print(line)
    runs = " and ".join(f"{r['rps']:.0f}" for r in bare_runs)
    print(f"\nbare = Flask rendering a 5 KB Jinja page: {bare:.0f} req/s (the faster of "
          f"{runs}, before and after the pages). "
          f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f} at the end.")
    if any(r["errors"] for page, r in results.items() if page != "ballot"):
        raise SystemExit("some requests failed")


def bare_rate(args) -> dict:
    port = free_port()
    proc = server("pages:bare_app", port, args)
    try:
        result = measure(port, "/", args)
        print(f"  bare {result['rps']:.0f} req/s", flush=True)
        return result
    finally:
        stop(proc)


if __name__ == "__main__":
    main()
