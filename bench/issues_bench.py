"""Issue-page benchmark: requests/s and latency of three pages served by gunicorn, on SQLite and
on PostgreSQL.

    .venv/bin/python bench/issues_bench.py                  # both databases
    .venv/bin/python bench/issues_bench.py --db sqlite --duration 5

Pages, each measured with the same server settings and the same load:
  hello      a bench-only Flask app (below) returning a fixed 2 KB HTML page: what gunicorn and
             Flask alone cost, the ceiling no page of ours can pass;
  privacy    the app's own /privacy, not logged in: the whole request stack of the app (locale,
             security headers, base layout template) but no database work;
  list       the issue list of a compound with --issues issues (first page of 20), logged in as
             a resident;
  issue      one issue with --comments comments (first page: 50 top-level comments and their
             replies, one official reply), logged in as a resident.
"hello" and "privacy" together are the baseline: the gap from hello to privacy is the app's
framework work, the gap from privacy to list/issue is the database and the page itself.

The load comes from `wrk` (one thread, keep-alive connections; it uses a few % of one core, and
the script prints how much) or, without wrk, from Python threads with keep-alive connections
(which need far more CPU: its figures understate the server). Traffic goes to 127.0.0.1 only;
each page is measured for at most --duration seconds and --max-requests requests, after a short
warm-up. PostgreSQL uses its own database test_issuesbench on 127.0.0.1 (created if missing,
its tables dropped and rebuilt). On a busy machine the figures are indicative only.
"""
import argparse
import http.client
import os
import re
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from bench.server import app_on_empty_schema, free_port, start_gunicorn  # noqa: E402

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_URL = f"{PG_SERVER}/test_issuesbench"
SECRET = "bench-" + secrets.token_hex(8)
HELLO_BODY = ("<!doctype html><html lang=\"zh-Hans\"><head><meta charset=\"utf-8\">"
              "<title>基准</title></head><body><main>" + "<p>议事协商，以事聚人。</p>" * 80
              + "</main></body></html>")

# The bench-only minimal app, served by gunicorn as `issues_bench:hello_app`.
hello_app = Flask("hello")


@hello_app.get("/")
def hello():
    return HELLO_BODY


WRK_SCRIPT = """
local limit = tonumber(os.getenv("BENCH_MAX") or "0")
local seen = 0
response = function(status, headers, body)
  seen = seen + 1
  if limit > 0 and seen >= limit then wrk.thread:stop() end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def prepare_postgres() -> None:
    engine = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = 'test_issuesbench'")):
            conn.execute(text("CREATE DATABASE test_issuesbench"))
    engine.dispose()


def build_database(url: str, n_issues: int, n_comments: int) -> dict:
    """A compound with n_issues issues (some seconded, acknowledged, answered) and one issue
    with n_comments comments (a fifth of them replies, one official); returns the paths and a
    logged-in resident's session cookie."""
    from app.extensions import db

    app = app_on_empty_schema(url, {"SECRET_KEY": SECRET,
                                    "UPLOAD_DIR": tempfile.mkdtemp(prefix="issues-bench-")})
    with app.test_request_context():
        from flask import session

        from app.accounts.models import UserSession
        from app.accounts.session import SESSION_KEY, _hash
        from app.issues import comments, services
        from tests.factories import grant, make_compound, make_resident, make_unit, make_user

        compound = make_compound("基准小区")
        manager = make_user(name="物业经理")
        grant(manager, compound, "property")
        people = []
        for i in range(40):
            user = make_user(name=f"业主{i}")
            make_resident(user, make_unit(compound, building=str(1 + i % 8), room=str(101 + i)))
            people.append(user)
        db.session.commit()
        categories = services.categories_for(compound)
        issues = []
        for i in range(n_issues):
            issue = services.post_issue(
                people[i % 40], compound, title=f"第{i + 1}号议题：{i % 8 + 1}栋的公共设施问题",
                body="楼道灯坏了一周，晚上很黑，老人上下楼不安全。" * 3,
                category=categories[i % len(categories)], show_as="name")
            for j in range(1, 1 + i % 5):
                services.second(people[(i + j) % 40], issue)
            if i % 3 == 0:
                services.acknowledge(manager, issue, "已受理")
                if i % 6 == 0:
                    services.answer(manager, issue, "已派人维修")
            issues.append(issue)
        db.session.commit()
        busy = issues[-1]  # newest: first on the list
        top = []
        for k in range(n_comments - n_comments // 5):
            body = f"第{k + 1}条意见：**同意**，建议尽快处理。\n\n- 晚上太黑\n- 有老人"
            top.append(comments.post_comment(people[k % 40], busy, body))
        for k in range(n_comments // 5):
            comments.post_comment(people[(k + 7) % 40], busy, f"回复：{k + 1}，赞同。",
                                  parent=top[k % 25])
        comments.post_comment(manager, busy, "物业已安排电工本周维修。", official=True)
        db.session.commit()
        token = secrets.token_urlsafe(32)
        db.session.add(UserSession(user_id=people[1].id, token_hash=_hash(token)))
        db.session.commit()
        session.clear()
        session[SESSION_KEY] = token
        session["_user_id"] = str(people[1].id)
        session["_fresh"] = True
        cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
        base = f"/c/{compound.id}/issues"
        return {"cookie": cookie, "list": f"{base}/", "issue": f"{base}/{busy.id}",
                "issue_title": busy.title}


def start_server(port: int, args, app_spec: str, url: str | None = None):
    env = {"SECRET_KEY": SECRET, "YISHI_CONFIG": "production", "TRUSTED_PROXIES": "0"}
    if url:
        env["DATABASE_URL"] = url
    return start_gunicorn(app_spec, port, workers=args.workers, threads=args.threads, env=env,
                          pythonpath=str(ROOT / "bench"))


def stop_server(proc) -> None:
    proc.terminate()
    proc.wait(timeout=30)


def fetch(port: int, path: str, cookie: str | None) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": f"session={cookie}"} if cookie else {})
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, body


def check_page(port: int, path: str, cookie: str | None, must_contain: str) -> None:
    """Measure only pages that are what they claim (not a login redirect or an error page)."""
    status, body = fetch(port, path, cookie)
    if status != 200 or must_contain not in body:
        raise SystemExit(f"{path}: status {status}, expected text {must_contain!r} not found")


def run_wrk(port, path, cookie, args, seconds) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    cmd = ["wrk", "-t1", f"-c{args.connections}", f"-d{seconds}s", "--timeout", "30s",
           "-s", script.name]
    if cookie:
        cmd += ["-H", f"Cookie: session={cookie}"]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    env = dict(os.environ, BENCH_MAX=str(args.max_requests))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)  # noqa: S603
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    os.unlink(script.name)
    found = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+)", out)
    if status or not found:
        raise SystemExit(f"wrk failed:\n{out}")
    requests, duration_us, p50, p99, errors = map(int, found.groups())
    elapsed = duration_us / 1e6
    return {"requests": requests, "rps": requests / elapsed, "p50": p50 / 1000,
            "p99": p99 / 1000, "errors": errors,
            "client_cpu": (usage.ru_utime + usage.ru_stime) / elapsed}


def run_threads(port, path, cookie, args, seconds) -> dict:
    """Fallback load: one Python thread per keep-alive connection."""
    latencies, errors, lock = [], [0], threading.Lock()
    stop_at = time.perf_counter() + seconds
    headers = {"Cookie": f"session={cookie}"} if cookie else {}

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop_at:
            with lock:
                if len(latencies) >= args.max_requests:
                    break
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn, ok = http.client.HTTPConnection("127.0.0.1", port, timeout=30), False
            with lock:
                latencies.append(time.perf_counter() - t0)
                errors[0] += not ok
        conn.close()

    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(args.connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "p50": pick(0.5),
            "p99": pick(0.99), "errors": errors[0],
            "client_cpu": (cpu1.ru_utime - cpu0.ru_utime + cpu1.ru_stime - cpu0.ru_stime)
            / elapsed}


def measure(port, path, cookie, args) -> dict:
    load = run_wrk if args.client == "wrk" else run_threads
    load(port, path, cookie, args, args.warmup)  # warm-up: imports, connection pools, caches
    return load(port, path, cookie, args, args.duration)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--issues", type=int, default=36)
    parser.add_argument("--comments", type=int, default=200)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--warmup", type=int, default=2, help="seconds before each page")
    parser.add_argument("--max-requests", type=int, default=50000, help="per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--client", choices=["wrk", "python"],
                        default="wrk" if shutil.which("wrk") else "python")
    args = parser.parse_args()
    rows = []

    def record(page, database, result):
        rows.append((page, database, result))
        print(f"  {page:8} {database:10} {result['rps']:8.0f} req/s", flush=True)

    print(f"load: {args.client}, {args.connections} connections, {args.duration} s per page; "
          f"gunicorn {args.workers} gthread workers x {args.threads} threads", flush=True)
    port = free_port()
    server = start_server(port, args, "issues_bench:hello_app")
    try:
        check_page(port, "/", None, "议事协商")
        record("hello", "-", measure(port, "/", None, args))
    finally:
        stop_server(server)

    databases = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    for database in databases:
        if database == "postgresql":
            prepare_postgres()
            url = PG_URL
        else:
            url = f"sqlite:///{tempfile.mkdtemp(prefix='issues-bench-')}/bench.db"
        print(f"building {args.issues} issues and {args.comments} comments on {database}...",
              flush=True)
        world = build_database(url, args.issues, args.comments)
        port = free_port()
        server = start_server(port, args, "wsgi:app", url)
        try:
            check_page(port, "/privacy", None, "</main>")
            check_page(port, world["list"], world["cookie"], world["issue_title"])
            check_page(port, world["issue"], world["cookie"], "官方回复")
            record("privacy", database, measure(port, "/privacy", None, args))
            record("list", database, measure(port, world["list"], world["cookie"], args))
            record("issue", database, measure(port, world["issue"], world["cookie"], args))
        finally:
            stop_server(server)

    print()
    print(f"{'page':8} {'database':10} {'requests':>8} {'req/s':>7} {'p50 ms':>7} "
          f"{'p99 ms':>7} {'errors':>6} {'client CPU':>10}")
    for page, database, r in rows:
        print(f"{page:8} {database:10} {r['requests']:8d} {r['rps']:7.0f} {r['p50']:7.1f} "
              f"{r['p99']:7.1f} {r['errors']:6d} {r['client_cpu'] * 100:9.0f}%")
    print(f"\n{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f} at the end "
          "(other work on the machine lowers every figure).")
    if any(r["errors"] or not r["requests"] for _p, _d, r in rows):
        raise SystemExit("some requests failed or none finished in time: use a longer --duration")


if __name__ == "__main__":
    main()
