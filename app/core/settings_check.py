"""What production needs before it may start, checked before gunicorn binds a port.

`make serve`, the systemd unit and gunicorn.conf.py (its on_starting hook) run this check, so a
server that lacks a setting says which one in one line and exits non-zero instead of starting
with a development default (the SQLite file in instance/, uploads under the code, a known
secret key).

    python -m app.core.settings_check     # exit 0 and "settings: ok", or exit 2 and the problems

It reads only the environment; it builds no app and connects to nothing."""
import os
import sys
from collections.abc import Mapping

from config import DEFAULT_SECRET_KEY

MIN_SECRET_KEY_LENGTH = 32
EXAMPLE = "see deploy/yishi.env.example"


def _secret_key_problem(value: str | None) -> str | None:
    if not value:
        return "SECRET_KEY is not set"
    if value == DEFAULT_SECRET_KEY:
        return "SECRET_KEY is the development default"
    if len(value) < MIN_SECRET_KEY_LENGTH:
        return f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters"
    return None


def _upload_dir_problem(value: str | None) -> str | None:
    if not value:
        return "UPLOAD_DIR is not set"
    if not os.path.isabs(value):
        return f"UPLOAD_DIR must be an absolute path (it is {value!r})"
    if not os.path.isdir(value):
        return f"UPLOAD_DIR {value} is not a folder"
    if not os.access(value, os.W_OK | os.X_OK):
        return f"UPLOAD_DIR {value} is not writable by this user"
    return None


def _database_problem(value: str | None) -> str | None:
    if not value:
        return "DATABASE_URL is not set"
    if not value.startswith(("postgresql://", "postgres://", "postgresql+psycopg://",
                             "sqlite:///")):
        return "DATABASE_URL must be postgresql://... (or sqlite:///... for a single host)"
    return None


def problems(environ: Mapping[str, str] = os.environ) -> list[str]:
    """Every reason production must not start, in the order an operator fixes them."""
    config_name = environ.get("YISHI_CONFIG") or "production"
    found = []
    if config_name != "production":
        found.append(f"YISHI_CONFIG is {config_name!r}, not 'production'")
    for check, name in ((_secret_key_problem, "SECRET_KEY"), (_upload_dir_problem, "UPLOAD_DIR"),
                        (_database_problem, "DATABASE_URL")):
        problem = check(environ.get(name) or None)
        if problem:
            found.append(problem)
    return found


def warnings(environ: Mapping[str, str] = os.environ) -> list[str]:
    """What production may run without, at a cost worth saying at start."""
    found = []
    if not environ.get("REDIS_URL"):
        found.append("REDIS_URL is not set: rate limits are counted per worker process, "
                     "not across workers and hosts")
    if (environ.get("DATABASE_URL") or "").startswith("sqlite"):
        found.append("DATABASE_URL is SQLite: serve from one host only")
    return found


def refusal(environ: Mapping[str, str] = os.environ) -> str | None:
    """The one line that says why production refuses to start, or None when it may."""
    found = problems(environ)
    if not found:
        return None
    return f"yishi: refusing to start: {'; '.join(found)} ({EXAMPLE})"


def main() -> int:
    message = refusal()
    if message:
        print(message, file=sys.stderr)
        return 2
    for warning in warnings():
        print(f"yishi: warning: {warning}", file=sys.stderr)
    print("yishi: settings: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
