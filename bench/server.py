"""gunicorn for the benchmarks: the app is imported once in the master (--preload) and forked,
and the timed load starts only once the app answers. Without both, the workers' imports (about
a second each on a 2-core machine) ran inside the measured window."""
import http.client
import os
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int, path: str) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", path)
        status = conn.getresponse().status
        conn.close()
        return status < 500
    except OSError:
        return False


def start_gunicorn(app_spec: str, port: int, *, workers: int, threads: int, env: dict,
                   ready_path: str = "/privacy", pythonpath: str | None = None):
    cmd = [str(ROOT / ".venv/bin/gunicorn"), "--preload", "-w", str(workers), "-k", "gthread",
           "--threads", str(threads), "-b", f"127.0.0.1:{port}", "--log-level", "warning"]
    if pythonpath:
        cmd += ["--pythonpath", pythonpath]
    # No JSON line per request: the figures stay comparable with earlier runs, and the
    # terminal readable.
    proc = subprocess.Popen(cmd + [app_spec], cwd=ROOT,  # noqa: S603  (our own gunicorn)
                            env=dict(os.environ, **{"LOG_REQUESTS": "0", **env}))
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited before it answered")
        if _answers(port, ready_path):
            # Every worker forked from the loaded app; a few more answers warm their caches.
            for _ in range(4 * workers):
                _answers(port, ready_path)
            return proc
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not answer")


def app_on_empty_schema(url: str, config: dict):
    """The app on `url` with every table created anew (PostgreSQL: the public schema dropped
    first), for a benchmark to fill."""
    from sqlalchemy import text

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, **config})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        db.create_all()
    return app
