"""The shared test app (tests/app_pool.py) gives every test what a new app would: nothing one
test changes reaches the next."""
from app.extensions import db, limiter
from tests.app_pool import AppPool
from tests.factories import make_user

OVERRIDES = {"RATELIMIT_ENABLED": True}


def _use(pool, tmp_path, body):
    app = pool.check_out("sqlite", OVERRIDES, tmp_path)
    with app.app_context():
        result = body(app)
        db.session.remove()
    pool.check_in("sqlite", OVERRIDES)
    return app, result


def test_config_rows_limits_and_keys_do_not_reach_the_next_test(tmp_path):
    pool = AppPool()

    def dirty(app):
        make_user(mobile="13700009999")
        db.session.commit()
        app.config["CLOCK_OFFSET_SECONDS"] = 86400
        app.config["SQLALCHEMY_ENGINE_OPTIONS"]["planted"] = True
        limiter.storage.incr("planted", 60)
        return app.config["SECRET_KEY"], app.config["UPLOAD_DIR"]

    def look(app):
        from app.accounts.models import User
        return (db.session.query(User).count(), app.config.get("CLOCK_OFFSET_SECONDS", 0),
                "planted" in app.config["SQLALCHEMY_ENGINE_OPTIONS"],
                limiter.storage.get("planted"), app.config["SECRET_KEY"],
                app.config["UPLOAD_DIR"])

    first, (key, uploads) = _use(pool, tmp_path / "one", dirty)
    second, seen = _use(pool, tmp_path / "two", look)
    assert second is first  # the same app, reset
    assert seen[:4] == (0, 0, False, 0)
    assert seen[4] != key and seen[5] != uploads


def test_a_test_may_add_a_route_and_the_next_test_gets_a_new_app(tmp_path):
    pool = AppPool()
    served, _ = _use(pool, tmp_path / "one", lambda app: app.test_client().get("/"))

    def add_route(app):
        app.add_url_rule("/_planted", "planted", lambda: "planted")
        return app.test_client().get("/_planted").get_data(as_text=True)

    same, answer = _use(pool, tmp_path / "two", add_route)
    assert same is served and answer == "planted"
    new, rules = _use(pool, tmp_path / "three", lambda app: set(app.view_functions))
    assert new is not served
    assert "planted" not in rules
