"""Health checks for the load balancer and the process supervisor.

- `/healthz`: can this process reach its database (SELECT 1) and, when REDIS_URL is set, its
  Redis (PING)? 200 {"status": "ok", "database": "ok", "redis": "ok"}, else 503 naming what
  failed. A host that answers 503 is taken out of the pool.
- `/readyz`: is the database's schema the one this code expects (alembic's current revision
  equals the head of migrations/)? 503 while a deploy has new code on an old schema.

Both are cheap (one statement, one PING), need no login, carry no personal data, are exempt
from rate limits (CSRF concerns only POST), and are never cached."""
import logging
from pathlib import Path

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from app.extensions import db, limiter

bp = Blueprint("health", __name__)
log = logging.getLogger("yishi.health")

MIGRATIONS = Path(__file__).resolve().parent.parent.parent / "migrations"
REDIS_TIMEOUT_SECONDS = 1.0
_heads: frozenset[str] | None = None


def _answer(body: dict, ok: bool):
    response = jsonify(body)
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _redis():
    """One client per app, with short timeouts: a check must not hang on a dead Redis."""
    client = current_app.extensions.get("yishi_health_redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(current_app.config["REDIS_URL"],
                                      socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                                      socket_timeout=REDIS_TIMEOUT_SECONDS)
        current_app.extensions["yishi_health_redis"] = client
    return client


def _warn(what: str, exc: Exception) -> None:
    """One short line, no traceback: a balancer asks every few seconds while it fails."""
    first_line = (str(exc).splitlines() or [""])[0][:200]
    log.warning("health check: %s unreachable (%s: %s)", what, type(exc).__name__, first_line)


def _database_ok() -> bool:
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception as exc:  # any failure is the answer: the database is not usable
        _warn("database", exc)
        return False


def _redis_ok() -> bool:
    try:
        return bool(_redis().ping())
    except Exception as exc:  # any failure is the answer: Redis is not usable
        _warn("redis", exc)
        return False


@bp.get("/healthz")
@limiter.exempt
def healthz():
    body = {"status": "ok", "database": "ok" if _database_ok() else "failed"}
    if current_app.config.get("REDIS_URL"):
        body["redis"] = "ok" if _redis_ok() else "failed"
    else:
        body["redis"] = "not configured"
    failed = [name for name, state in body.items() if state == "failed"]
    if failed:
        body["status"] = "failed"
        body["failed"] = failed
    return _answer(body, not failed)


def migration_heads() -> frozenset[str]:
    """The head revision(s) of migrations/, read once per process: the code does not change
    while it runs."""
    global _heads
    if _heads is None:
        from alembic.script import ScriptDirectory

        _heads = frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())
    return _heads


def applied_revisions() -> frozenset[str] | None:
    """The revision(s) recorded in the database, or None when it cannot be read (no
    alembic_version table: never migrated; or no database at all)."""
    try:
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            return frozenset(rows)
    except Exception:  # a missing table or database: not ready, said below
        return None


@bp.get("/readyz")
@limiter.exempt
def readyz():
    heads, applied = migration_heads(), applied_revisions()
    body = {"status": "ok", "migrations": "at head"}
    if applied is None:
        body.update(status="failed", migrations="unreadable")
    elif applied != heads:
        body.update(status="failed", migrations="not at head")
    if body["status"] != "ok":
        body["expected"], body["applied"] = sorted(heads), sorted(applied or ())
    return _answer(body, body["status"] == "ok")
