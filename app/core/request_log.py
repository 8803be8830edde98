"""Structured logs: one JSON object a line, each with the request id, for a central log store.

Every request gets an id: the proxy's X-Request-ID when it is a sane token (nginx sends its
$request_id), otherwise a new one; it is echoed in the response's X-Request-ID header and
carried by every log record written while the request runs. With LOG_REQUESTS on (production)
each request also writes one line (logger "yishi.request"): method, route, path, status,
duration in ms, user id and compound id when known.

What never reaches a log line: phone numbers (masked wherever they appear in a message),
query strings (a path is logged without its query, and a path segment that is not a number
is replaced by its name from the route, so a token in a URL stays out), passwords, codes and
ballots (no form field is ever logged).

LOG_FORMAT "json" (production) installs the JSON formatter on the root logger when nothing
else set logging up (gunicorn.conf.py does, before the app loads); "plain" leaves logging as
it is."""
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler

log = logging.getLogger("yishi.request")

REQUEST_ID_HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")
# Chinese mobile numbers, wherever they stand in a message: 13812345678 -> 138****5678.
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
UNMATCHED_PATH_MAX = 200
# A balancer asks every few seconds: a healthy answer is not worth a line, a failing one is.
QUIET_WHEN_OK = {"health.healthz", "health.readyz"}
ROUTE_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")  # <name> or <converter:name>


def mask_mobiles(text: str) -> str:
    return MOBILE.sub(r"\1****\3", text)


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class JsonFormatter(logging.Formatter):
    """A log record as one JSON line: time (UTC), level, logger, message, the request id, any
    `fields` passed in `extra`, and the traceback. gunicorn's access records (their args are
    the request's atoms) become the same kind of line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            entry.update(_access_fields(record.args))
        else:
            entry["message"] = mask_mobiles(record.getMessage())
        rid = request_id()
        if rid:
            entry["request_id"] = rid
        fields = getattr(record, "fields", None)
        if isinstance(fields, Mapping):
            entry.update(fields)
        if record.exc_info:
            entry["exception"] = mask_mobiles(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def _access_fields(atoms: Mapping) -> dict:
    """gunicorn's access atoms, personal data left out (no address, agent, referrer or
    query string)."""
    def atom(key):
        try:
            value = atoms[key]  # gunicorn's atoms answer "-" for what they lack
        except KeyError:
            return None
        return None if value in (None, "-") else value

    fields = {"message": "access", "method": atom("m"),
              "path": mask_mobiles(str(atom("U") or ""))[:UNMATCHED_PATH_MAX],
              "status": _int(atom("s")), "duration_ms": _int(atom("M")),
              "bytes": _int(atom("B"))}
    if atom("{x-request-id}o"):
        fields["request_id"] = atom("{x-request-id}o")
    return fields


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def logged_path() -> str:
    """The path with its numbers and without anything else a person may have typed: the
    route's own words, its numeric ids, and <name> for any other segment."""
    rule = request.url_rule
    if rule is None:  # no route matched (a 404): the raw path, masked and cut short
        return mask_mobiles(request.path)[:UNMATCHED_PATH_MAX]
    args = request.view_args or {}

    def shown(match: re.Match) -> str:
        value = args.get(match.group(1))
        return str(value) if isinstance(value, int) else f"<{match.group(1)}>"

    return ROUTE_VARIABLE.sub(shown, rule.rule)


def _user_id() -> int | None:
    """The signed-in user's id, only if the request already loaded them (no extra query)."""
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        return user.id
    return None


def install_json_logging() -> None:
    """JSON lines on stderr for a process whose logging nobody set up (a `flask` command run
    by cron). gunicorn.conf.py has set up the root logger already; so has a test runner."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def init_request_log(app: Flask) -> None:
    if app.config.get("LOG_FORMAT") == "json":
        install_json_logging()
        # Flask's own handler would write every app.logger record a second time, as text.
        app.logger.removeHandler(default_handler)
    log_requests = bool(app.config.get("LOG_REQUESTS"))
    if log_requests:
        log.setLevel(logging.INFO)

    def start_request():
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    # First of all the hooks: the one that refuses malformed input returns before the others.
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)

    @app.after_request
    def finish_request(response):
        rid = g.get("request_id")
        if rid is None:  # a hook before ours answered; still give the request an id
            rid = g.request_id = uuid.uuid4().hex
        response.headers[REQUEST_ID_HEADER] = rid
        if log_requests and not (response.status_code == 200
                                 and request.endpoint in QUIET_WHEN_OK):
            started = g.get("request_started")
            duration = (time.perf_counter() - started) * 1000 if started else None
            compound_id = (request.view_args or {}).get("compound_id")
            log.info("%s %s %s", request.method, request.url_rule or "-", response.status_code,
                     extra={"fields": {
                         "request_id": rid,
                         "method": request.method,
                         "route": request.url_rule.rule if request.url_rule else None,
                         "path": logged_path(),
                         "status": response.status_code,
                         "duration_ms": round(duration, 1) if duration is not None else None,
                         "user_id": _user_id(),
                         "compound_id": compound_id if isinstance(compound_id, int) else None,
                     }})
        return response
