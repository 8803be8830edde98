"""/healthz and /readyz: what they check, what they answer, and what they never need."""
import json

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.core.health import MIGRATIONS, migration_heads
from app.extensions import db
from tests.factories import make_user
from tests.test_migrations import _logging_kept

CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_healthz_answers_ok_without_login_or_session(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "not configured"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("app_overrides", [{"REDIS_URL": CLOSED_PORT_REDIS}])
def test_healthz_names_an_unreachable_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "failed", "database": "ok", "redis": "failed",
                             "failed": ["redis"]}


def test_healthz_names_an_unreachable_database(tmp_path):
    app = create_app({"TESTING": True, "UPLOAD_DIR": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/x"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "failed" and response.json["failed"] == ["database"]


def test_readyz_refuses_a_schema_that_migrations_did_not_make(client):
    """The test database is made by create_all(): no revision recorded, so not ready."""
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["migrations"] == "unreadable"
    assert response.json["expected"] == sorted(migration_heads())


def test_readyz_is_ready_at_head_and_not_a_revision_behind(tmp_path):
    app = create_app({"TESTING": True, "UPLOAD_DIR": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrated.db'}"})
    with app.app_context(), _logging_kept():
        upgrade()
    client = app.test_client()
    response = client.get("/readyz")
    assert (response.status_code, response.json) == (200, {"status": "ok",
                                                           "migrations": "at head"})
    (head,) = migration_heads()
    older = ScriptDirectory(str(MIGRATIONS)).get_revision(head).down_revision
    with app.app_context():  # as if the code were deployed before its migration ran
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": older})
        db.session.commit()
        db.session.remove()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "failed", "migrations": "not at head",
                             "expected": sorted(migration_heads()), "applied": [older]}
    with app.app_context():
        db.engine.dispose()


def test_health_answers_carry_no_personal_data(client, login_as):
    user = make_user(mobile="13900001234")
    db.session.commit()
    login_as(user)
    for path in ("/healthz", "/readyz"):
        body = client.get(path).get_data(as_text=True)
        assert "13900001234" not in body and user.display_name not in body
        json.loads(body)
