"""Production refuses to start without its settings, says which in one line, and exits before
gunicorn binds a port."""
import os
import subprocess

import pytest

from app.core.settings_check import problems, refusal, warnings
from config import DEFAULT_SECRET_KEY
from tests.production.hosts import GUNICORN, ROOT, free_port

KEY = "k" * 40


@pytest.fixture
def complete(tmp_path):
    return {"YISHI_CONFIG": "production", "SECRET_KEY": KEY, "UPLOAD_DIR": str(tmp_path),
            "DATABASE_URL": "postgresql://yishi@127.0.0.1/yishi",
            "REDIS_URL": "redis://127.0.0.1:6379/0"}


def test_complete_settings_may_start(complete):
    assert problems(complete) == [] and refusal(complete) is None and warnings(complete) == []


@pytest.mark.parametrize("name", ["SECRET_KEY", "UPLOAD_DIR", "DATABASE_URL"])
def test_each_missing_setting_is_named(complete, name):
    del complete[name]
    assert problems(complete) == [f"{name} is not set"]
    complete[name] = ""  # an empty line in the environment file is as good as none
    assert problems(complete) == [f"{name} is not set"]


def test_all_missing_settings_in_one_line():
    line = refusal({})
    assert "\n" not in line and line.startswith("yishi: refusing to start: ")
    for name in ("SECRET_KEY", "UPLOAD_DIR", "DATABASE_URL"):
        assert f"{name} is not set" in line


@pytest.mark.parametrize("key, problem", [
    (DEFAULT_SECRET_KEY, "SECRET_KEY is the development default"),
    ("short-secret", "SECRET_KEY is shorter than 32 characters"),
])
def test_a_known_or_short_secret_key_is_refused(complete, key, problem):
    complete["SECRET_KEY"] = key
    assert problems(complete) == [problem]


def test_the_upload_folder_must_exist_be_absolute_and_writable(complete, tmp_path):
    complete["UPLOAD_DIR"] = "uploads"
    assert problems(complete) == ["UPLOAD_DIR must be an absolute path (it is 'uploads')"]
    complete["UPLOAD_DIR"] = str(tmp_path / "missing")
    assert problems(complete) == [f"UPLOAD_DIR {tmp_path / 'missing'} is not a folder"]
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        complete["UPLOAD_DIR"] = str(locked)
        assert problems(complete) == [f"UPLOAD_DIR {locked} is not writable by this user"]


def test_another_configuration_or_database_is_refused(complete):
    complete["YISHI_CONFIG"] = "development"
    complete["DATABASE_URL"] = "mysql://x"
    assert problems(complete) == [
        "YISHI_CONFIG is 'development', not 'production'",
        "DATABASE_URL must be postgresql://... (or sqlite:///... for a single host)"]


def test_running_without_redis_or_on_sqlite_is_said(complete, tmp_path):
    del complete["REDIS_URL"]
    complete["DATABASE_URL"] = f"sqlite:///{tmp_path / 'y.db'}"
    assert problems(complete) == []
    assert [w.split(":")[0] for w in warnings(complete)] == ["REDIS_URL is not set",
                                                             "DATABASE_URL is SQLite"]


def _clean_env(**settings) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("SECRET_KEY", "UPLOAD_DIR", "DATABASE_URL", "REDIS_URL", "YISHI_CONFIG")}
    return {**env, **settings}


def test_the_check_command_exits_non_zero_with_the_line():
    done = subprocess.run([str(ROOT / ".venv/bin/python"), "-m", "app.core.settings_check"],
                          cwd=ROOT, env=_clean_env(SECRET_KEY=KEY), capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == ("yishi: refusing to start: UPLOAD_DIR is not set; "
                                   "DATABASE_URL is not set (see deploy/yishi.env.example)")


def test_gunicorn_with_the_production_settings_refuses_before_loading_the_app(tmp_path):
    """Refused while gunicorn.conf.py is read: before the app is imported (preload_app would
    otherwise build it with the development defaults first) and before a port is bound."""
    port = free_port()
    done = subprocess.run([str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                          env=_clean_env(BIND=f"127.0.0.1:{port}"),
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == refusal({})
    assert "Listening at" not in done.stderr + done.stdout and "Traceback" not in done.stderr
