"""A crawler that sends hostile ordinary input to every route of the URL map and collects what
should never happen: a 500, an exception, a redirect off the site.

It first walks the site as real users do (following links, reading forms), so that each route
is tried with ids that exist and each form with the values it would really send; a route no
page links to is tried with ids seen elsewhere and every field name the site uses."""
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from tests.security.pages import Form, read_page

# Ids that name nothing or that a database column cannot hold: 0, negative, just past
# PostgreSQL's INTEGER, past a 64-bit integer.
HOSTILE_IDS = ("0", "-1", str(2**31), str(2**63))
# Values for every query parameter and form field: ids no column holds, every kind of control
# character at once (NUL alone fails PostgreSQL; CR/LF would split a header), and redirect
# targets that leave the site once a browser drops the tab.
CONTROL = "a\x00b\x01\x08\x1b[0m\x7f\tx\r\nSet-Cookie: planted=1"
HOSTILE_VALUES = (str(2**31), str(2**63), CONTROL, "/\t/evil.example")
# Tried in one field at a time with the form's own values in the others, so that a refusal of
# another field cannot hide what this one does.
ONE_FIELD_AT_A_TIME = ("a\x00b", str(2**63))
# Put in place of the numbers inside a form's own values and names (optN, a-<id>).
HUGE_NUMBERS = (str(2**63), "9" * 5000)
# Values for path segments that are not ids (an action name, a token, a file name).
HOSTILE_SEGMENTS = (CONTROL, "..")

_PLACEHOLDER = re.compile(r"<(?:(?P<conv>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")
_READS_PARAM = re.compile(r"request\.(?:args|values)(?:\.get|\.getlist)?[(\[]\s*\"(\w+)\"")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
APP_DIR = Path(__file__).resolve().parents[2] / "app"


def query_names_read_by_the_app() -> set[str]:
    """Every query parameter a view reads, straight from the source."""
    names = set()
    for path in APP_DIR.rglob("*.py"):
        names.update(_READS_PARAM.findall(path.read_text(encoding="utf-8")))
    return names


def off_site(location: str) -> bool:
    """Whether a browser would leave the site following this Location. Browsers drop tabs and
    newlines anywhere in a URL and read a backslash as a slash, so undo that first."""
    seen = re.sub(r"[\t\r\n]", "", location).strip(_C0_AND_SPACE).replace("\\", "/")
    parts = urlsplit(seen)
    return bool(parts.scheme and parts.scheme not in ("http", "https")) or \
        parts.netloc not in ("", "localhost")


# They answer 503 by design when not healthy or ready (the test schema has no migration).
HEALTH_CHECKS = {"/healthz", "/readyz"}


@dataclass
class Identity:
    """Who sends: a test client logged in (or not), and what makes sure it still is before a
    POST (an earlier one may have logged it out)."""

    name: str
    client: object
    relogin: Callable[[], object] | None = None
    member: bool = False  # of the seeded compound: its pages are attacked in depth


class Crawler:
    def __init__(self, app, per_endpoint: int = 5, max_failures: int = 100):
        self.adapter = app.url_map.bind("localhost")
        self.rules = sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
        self.per_endpoint = per_endpoint
        self.examples: dict[str, dict] = {}  # endpoint -> view args of a page seen
        self.forms: dict[str, tuple[str, Form]] = {}  # endpoint -> (who saw it, the form)
        self.query_names = query_names_read_by_the_app()
        self.failures: list[str] = []
        self.max_failures = max_failures
        self.sent = 0

    # -- sending ---------------------------------------------------------------------------
    def send(self, who: Identity, method: str, path: str, **kw):
        if len(self.failures) >= self.max_failures:
            return None  # enough to read; on broken code the rest would only take time
        self.sent += 1
        what = f"{who.name} {method} {path[:120]!r} {repr(kw)[:300]}"
        try:
            response = who.client.open(path, method=method, **kw)
        except Exception as exc:  # noqa: BLE001  (a crash is what we look for; list it)
            self.failures.append(f"{what}: raised {exc!r}")
            return None
        if response.status_code >= 500 and not (
                response.status_code == 503 and urlsplit(path).path in HEALTH_CHECKS):
            self.failures.append(f"{what}: {response.status_code}")
        location = response.headers.get("Location")
        if location is not None and off_site(location):
            self.failures.append(f"{what}: redirect to {location!r}")
        return response

    def _match(self, path: str, method: str):
        try:
            return self.adapter.match(urlsplit(path).path, method=method)
        except (HTTPException, RequestRedirect):
            return None

    # -- exploring -------------------------------------------------------------------------
    def explore(self, who: Identity, start: list[str]) -> None:
        """Follow links, at most `per_endpoint` pages per route, links to a route not seen yet
        first; remember the view args of the pages and the forms they hold."""
        fresh, again, queued, visits = deque(start), deque(), set(start), {}
        while fresh or again:
            path = (fresh or again).popleft()
            matched = self._match(path, "GET")
            if matched is None or matched[0] == "static" or \
                    visits.get(matched[0], 0) >= self.per_endpoint:
                continue
            endpoint, args = matched
            visits[endpoint] = visits.get(endpoint, 0) + 1
            response = self.send(who, "GET", path)
            if response is None or response.status_code != 200:
                continue
            self.examples.setdefault(endpoint, args)
            if response.mimetype != "text/html":
                continue
            links, forms = read_page(path, response.get_data(as_text=True))
            for form in forms:
                posted = self._match(form.action, "POST")
                if posted is not None:
                    self.examples.setdefault(posted[0], posted[1])
                    self.forms.setdefault(posted[0], (who.name, form))
            for link in links:
                self.query_names.update(name for name, _ in parse_qsl(urlsplit(link).query))
                if link not in queued:
                    queued.add(link)
                    target = self._match(link, "GET")
                    new = target is not None and target[0] not in visits
                    (fresh if new else again).append(link)

    # -- paths -----------------------------------------------------------------------------
    def path(self, rule, replace: dict[str, str] | None = None) -> str:
        """The rule's path with the args of a page seen for it (else ids seen on other pages),
        and `replace` put in as raw text (percent-encoded)."""
        args = {}
        for seen in self.examples.values():
            args = {**seen, **args}
        args.update(self.examples.get(rule.endpoint, {}))
        args.update(replace or {})

        def fill(m):
            if m["name"] in args:
                return quote(str(args[m["name"]]), safe="")
            if m["conv"] == "any":
                return m["args"].split(",")[0].strip().strip("'\"")
            return "1" if m["conv"] == "int" else "x"

        return _PLACEHOLDER.sub(fill, rule.rule)

    def _form_for(self, rule) -> tuple[Form, str | None]:
        """The form a page showed for this route and who saw it; when no page did, a form with
        every field name the site uses."""
        if rule.endpoint in self.forms:
            who, form = self.forms[rule.endpoint]
            return form, who
        names = sorted({n for _, f in self.forms.values() for n in f.names})
        return Form(self.path(rule), dict.fromkeys(names, "1"), names), None

    # -- attacking -------------------------------------------------------------------------
    def attack(self, who: Identity, ids: bool = True) -> None:
        """Every route: hostile ids in its path (with `ids`; every id for a member of the
        compound, the first for anyone else, whom the compound turns away before looking
        further), hostile text in its other path parts; then, for a member or on a route
        outside the compound, hostile query parameters (GET) or form fields (POST)."""
        for rule in self.rules:
            method = "GET" if "GET" in rule.methods else "POST"
            form, _ = self._form_for(rule) if method == "POST" else (None, None)
            for n, m in enumerate(_PLACEHOLDER.finditer(rule.rule)):
                if m["conv"] == "int":
                    values = HOSTILE_IDS if ids and (who.member or n == 0) else ()
                else:
                    values = () if m["conv"] == "any" else HOSTILE_SEGMENTS
                for value in values:
                    self._relogin(who, method)
                    self.send(who, method, self.path(rule, {m["name"]: value}),
                              data=form.values if form else None)
            if rule.rule.startswith("/c/<int:compound_id>") and not who.member:
                continue  # turned away at the compound's door, as the ids above showed
            if "GET" in rule.methods:
                self._hostile_query(who, rule)
            if "POST" in rule.methods:
                self._hostile_form(who, rule)

    def _relogin(self, who: Identity, method: str) -> None:
        if who.relogin is not None and method == "POST":
            who.relogin()

    def _hostile_query(self, who: Identity, rule) -> None:
        base = self.path(rule)
        for value in HOSTILE_VALUES:
            self.send(who, "GET", base, query_string=dict.fromkeys(self.query_names, value))

    def _hostile_form(self, who: Identity, rule) -> None:
        """Every field hostile at once; then, as the one who saw the form, one field at a time
        with the form's own values in the others."""
        form, seen_by = self._form_for(rule)
        action = form.action if self._match(form.action, "POST") else self.path(rule)
        names = sorted(set(form.names) | set(form.values))
        for value in HOSTILE_VALUES:
            self._relogin(who, "POST")
            self.send(who, "POST", action, data=dict.fromkeys(names, value))
        if seen_by != who.name:
            return
        for name in names:
            own = _with_huge_numbers(form.values.get(name, ""))
            for value in dict.fromkeys(ONE_FIELD_AT_A_TIME + own):
                self._relogin(who, "POST")
                self.send(who, "POST", action, data={**form.values, name: value})
            for hostile_name in _with_huge_numbers(name):  # ids in names: a-<row id>
                self._relogin(who, "POST")
                values = {k: v for k, v in form.values.items() if k != name}
                self.send(who, "POST", action,
                          data={**values, hostile_name: form.values.get(name, "")})


def _with_huge_numbers(text: str) -> tuple[str, ...]:
    """`text` with its last number replaced by one no column holds and by one past what int()
    reads ("opt2" → "opt9223372036854775808"): ids and positions hide inside values and
    names."""
    found = list(re.finditer(r"\d+", text))
    if not found:
        return ()
    start, end = found[-1].span()
    return tuple(text[:start] + digits + text[end:] for digits in HUGE_NUMBERS)
