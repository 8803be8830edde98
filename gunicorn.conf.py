"""gunicorn's settings for production: `make serve` and deploy/yishi.service use this file.

Every value can be set from the environment (deploy/yishi.env.example explains each):
BIND (127.0.0.1:8000), WEB_CONCURRENCY (worker processes, default two per core), THREADS
(threads per worker, 4), GUNICORN_TIMEOUT (60 s), GRACEFUL_TIMEOUT (30 s), ACCESS_LOG ("-" to
write gunicorn's own access line to stdout; off by default because the app writes a richer one
per request), LOG_LEVEL (info), PRELOAD_APP (1).

Logs are JSON lines on stderr (app.core.request_log.JsonFormatter): gunicorn's own messages,
the app's records and one line per request, each with its request id.

While this file is read, before the app is loaded or a port bound, gunicorn refuses to start
(one line, exit 2) when a setting production needs is missing (app.core.settings_check)."""
import multiprocessing
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# This file serves production: without YISHI_CONFIG the app would take the development
# settings (plain-http cookies, the page that shows SMS codes).
os.environ.setdefault("YISHI_CONFIG", "production")

from app.core.settings_check import refusal, warnings  # noqa: E402

if refusal():
    print(refusal(), file=sys.stderr, flush=True)
    sys.exit(2)  # SystemExit passes through gunicorn's reading of this file


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = _int_env("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count())
worker_class = "gthread"
threads = _int_env("THREADS", 4)
timeout = _int_env("GUNICORN_TIMEOUT", 60)
# On SIGTERM (systemctl stop/restart) workers finish the requests they hold for this long.
graceful_timeout = _int_env("GRACEFUL_TIMEOUT", 30)
# The app is loaded once in the master and forked: workers start at once and share its memory.
# It opens no connection while loading (the pools fill in each worker). A HUP then reloads the
# settings only: new code needs a restart (`systemctl restart yishi`, graceful).
preload_app = os.environ.get("PRELOAD_APP", "1") != "0"
keepalive = 5  # nginx keeps connections to the app open (deploy/nginx-yishi.conf)
# A worker is replaced after this many requests (spread out), so slow growth never adds up.
max_requests = _int_env("MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
proc_name = "yishi"
# The app reads the client's address and scheme through ProxyFix (TRUSTED_PROXIES); gunicorn
# itself trusts X-Forwarded-Proto only from here.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

_access = os.environ.get("ACCESS_LOG", "")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "app.core.request_log.JsonFormatter"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "json",
                   "stream": "ext://sys.stderr"},
        "access": ({"class": "logging.StreamHandler", "formatter": "json",
                    "stream": "ext://sys.stdout"} if _access == "-" else
                   {"class": "logging.FileHandler", "formatter": "json", "filename": _access}
                   if _access else {"class": "logging.NullHandler"}),
    },
    "root": {"level": os.environ.get("LOG_LEVEL", "info").upper(), "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
    },
}


def on_starting(server):
    for warning in warnings():
        server.log.warning("yishi: %s", warning)
