"""Request ids and JSON log lines: what a line holds, and what it never holds."""
import json
import logging

import pytest

from app.core.request_log import JsonFormatter, mask_mobiles
from app.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_compound, make_user

LOGGED = [{"LOG_REQUESTS": True}]


def _lines(caplog) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records
            if r.name == "yishi.request"]


def test_a_sane_request_id_from_the_proxy_is_kept_and_echoed(client):
    response = client.get("/privacy", headers={"X-Request-ID": "nginx-5f1c2a9b0d3e4f67"})
    assert response.headers["X-Request-ID"] == "nginx-5f1c2a9b0d3e4f67"


@pytest.mark.parametrize("given", ["short", "a b c d e f g h", "x" * 129, "id;rm -rf /", ""])
def test_any_other_request_id_is_replaced_by_a_new_one(client, given):
    response = client.get("/privacy", headers={"X-Request-ID": given})
    rid = response.headers["X-Request-ID"]
    assert rid != given and len(rid) == 32 and int(rid, 16) >= 0


def test_every_request_gets_its_own_id(client):
    first, second = (client.get("/privacy").headers["X-Request-ID"] for _ in range(2))
    assert first != second


def test_a_request_refused_before_any_view_still_gets_an_id(client):
    response = client.get("/privacy?q=%00")  # refused by app.core.input_rules
    assert response.status_code == 400 and len(response.headers["X-Request-ID"]) == 32


@pytest.mark.parametrize("app_overrides", LOGGED)
def test_one_line_per_request_with_user_and_compound_and_no_query(client, login_as, caplog):
    caplog.set_level(logging.INFO, logger="yishi.request")
    user, compound = make_user(), make_compound()
    db.session.commit()
    login_as(user)
    response = client.get(f"/c/{compound.id}/issues/?q=13912345678",
                          headers={"X-Request-ID": "req-0123456789"})
    (line,) = _lines(caplog)
    assert line["request_id"] == "req-0123456789"
    assert line["method"] == "GET" and line["status"] == response.status_code
    assert line["route"] == "/c/<int:compound_id>/issues/"
    assert line["path"] == f"/c/{compound.id}/issues/"
    assert line["user_id"] == user.id and line["compound_id"] == compound.id
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["level"] == "info" and line["logger"] == "yishi.request"
    assert "13912345678" not in json.dumps(line)


@pytest.mark.parametrize("app_overrides", LOGGED)
def test_a_login_logs_neither_the_number_nor_the_password(client, caplog):
    caplog.set_level(logging.DEBUG)
    user = make_user(mobile="13900004321")
    db.session.commit()
    client.post("/login", data={"mobile": "13900004321", "password": DEFAULT_PASSWORD})
    client.post("/login", data={"mobile": "13900004321", "password": "not-the-password"})
    formatter = JsonFormatter()
    written = "\n".join(formatter.format(r) for r in caplog.records)
    assert "yishi.request" in written
    assert "13900004321" not in written and DEFAULT_PASSWORD not in written
    assert "not-the-password" not in written
    assert user.id in [line["user_id"] for line in _lines(caplog)]  # the one that succeeded


@pytest.mark.parametrize("app_overrides", LOGGED)
def test_a_token_in_the_path_is_not_logged(client, caplog):
    caplog.set_level(logging.INFO, logger="yishi.request")
    client.get("/v/notice/12/3/secret-paper-token-value")
    (line,) = _lines(caplog)
    assert line["path"] == "/v/<kind>/12/3/<token>"


@pytest.mark.parametrize("app_overrides", LOGGED)
def test_an_unknown_path_is_logged_masked_and_cut_short(client, caplog):
    caplog.set_level(logging.INFO, logger="yishi.request")
    client.get("/no/such/13912345678/" + "x" * 400)
    (line,) = _lines(caplog)
    assert line["status"] == 404 and line["route"] is None
    assert line["path"].startswith("/no/such/139****5678/") and len(line["path"]) == 200


def test_requests_are_not_logged_unless_asked(client, caplog):
    caplog.set_level(logging.INFO, logger="yishi.request")
    client.get("/privacy")
    assert _lines(caplog) == []


def test_json_lines_mask_numbers_and_carry_tracebacks():
    try:
        raise ValueError("bad number 13800138000")
    except ValueError:
        record = logging.LogRecord("yishi.sms", logging.ERROR, __file__, 1,
                                   "could not text %s", ("13800138000",), exc_info=True)
        import sys

        record.exc_info = sys.exc_info()
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "could not text 138****8000"
    assert "13800138000" not in line["exception"] and "138****8000" in line["exception"]
    assert line["level"] == "error" and line["logger"] == "yishi.sms"


def test_gunicorn_access_records_become_the_same_kind_of_line():
    from gunicorn.glogging import SafeAtoms

    atoms = SafeAtoms({"m": "POST", "U": "/login", "q": "mobile=13800138000", "s": "302",
                       "M": 12, "B": 0, "h": "203.0.113.9", "a": "Mozilla",
                       "{x-request-id}o": "abcdef0123456789"})
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(m)s",
                               (atoms,), None)
    line = json.loads(JsonFormatter().format(record))
    assert line == {"ts": line["ts"], "level": "info", "logger": "gunicorn.access",
                    "message": "access", "method": "POST", "path": "/login", "status": 302,
                    "duration_ms": 12, "bytes": 0, "request_id": "abcdef0123456789"}


def test_mask_mobiles_leaves_other_numbers_alone():
    assert mask_mobiles("ids 12345678901234 and 13912345678.") == \
        "ids 12345678901234 and 139****5678."


@pytest.mark.parametrize("value, logged", [("0", False), ("false", False), ("1", True)])
def test_request_lines_can_be_turned_off_from_the_environment(monkeypatch, tmp_path, value,
                                                              logged):
    from app import create_app

    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test-only")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("LOG_REQUESTS", value)
    assert create_app("production").config["LOG_REQUESTS"] is logged


def test_production_logs_json_lines_and_leaves_configured_logging_alone(monkeypatch, tmp_path):
    from app import create_app

    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test-only")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    root = logging.getLogger()
    before = list(root.handlers)
    app = create_app("production")
    assert app.config["LOG_FORMAT"] == "json" and app.config["LOG_REQUESTS"] is True
    assert root.handlers == before  # pytest's handlers were there: nothing added


@pytest.mark.parametrize("app_overrides", [{"LOG_REQUESTS": True}])
def test_health_checks_are_logged_only_when_they_fail(client, caplog):
    caplog.set_level(logging.INFO, logger="yishi.request")
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 503  # a create_all() schema: not ready
    assert [(line["route"], line["status"]) for line in _lines(caplog)] == [("/readyz", 503)]
