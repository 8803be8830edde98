"""Chinese by default, English through the language switch, friendly error pages in both.

The English catalogue must cover every string in the code: after adding UI text, run
`make translations` and fill in app/translations/en/LC_MESSAGES/messages.po."""
import os
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import abort

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalogue():
    with PO.open("rb") as f:
        return read_po(f)


@pytest.fixture(autouse=True, scope="module")
def compiled_catalogue():
    """`make test` compiles the catalogues; do it here too when the .mo is missing or stale,
    so that running pytest alone tests the current .po."""
    if not MO.exists() or MO.stat().st_mtime < PO.stat().st_mtime:
        with MO.open("wb") as f:
            write_mo(f, _catalogue())


def _switch_to_english(client):
    response = client.post("/prefs/language", data={"lang": "en", "next": "/"})
    assert response.status_code == 302


def test_home_is_chinese_by_default(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html
    assert "小区议事平台" in html and "登录" in html


def test_language_switch_shows_english_and_back(client):
    _switch_to_english(client)
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Compound Deliberation Platform" in html
    assert "Log in" in html and "Privacy notice" in html
    assert "小区议事平台" not in html
    client.post("/prefs/language", data={"lang": "zh_Hans_CN"})
    assert "小区议事平台" in client.get("/").get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    client.post("/prefs/language", data={"lang": "xx"})
    assert "小区议事平台" in client.get("/").get_data(as_text=True)


def scanned_directory(path: str) -> bool:
    """As the Makefile's extraction: skip hidden folders and caches, but not `_partials`
    (Babel's default also skips folders starting with "_")."""
    name = os.path.basename(path)
    return not name.startswith(".") and name != "__pycache__"


def test_every_string_in_the_code_is_in_the_catalogue():
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = dict(DEFAULT_KEYWORDS, _l=None, lazy_gettext=None, lazy_ngettext=(1, 2))
    in_code = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords,
            directory_filter=scanned_directory):
        msgid = message[0] if isinstance(message, tuple) else message
        in_code.setdefault(msgid, f"{filename}:{lineno}")
    in_po = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue() if m.id}
    missing = sorted(set(in_code) - in_po)
    assert not missing, (
        "strings not in the English catalogue (run `make translations`, then translate):\n"
        + "\n".join(f"  {in_code[m]}: {m}" for m in missing))


def test_every_message_has_an_english_translation():
    problems = []
    for message in _catalogue():
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {msgid}")
        elif not all(s and s.strip() for s in strings):
            problems.append(f"untranslated: {msgid}")
        elif any(set(PLACEHOLDER.findall(s)) != set(PLACEHOLDER.findall(msgid))
                 for s in strings):
            problems.append(f"placeholders differ: {msgid}")
        elif any(re.search(r"[\u4e00-\u9fff]", s) and not re.search(r"[A-Za-z]{3}", s)
                 for s in strings):
            problems.append(f"still Chinese: {msgid}")
    assert not problems, ("fill in app/translations/en/LC_MESSAGES/messages.po:\n  "
                          + "\n  ".join(problems))


@pytest.fixture
def error_routes(app):
    """Test-only routes that end in each error (registered before the first request)."""

    @app.get("/_test/forbidden")
    def _forbidden():
        abort(403)

    @app.get("/_test/too-many")
    def _too_many():
        abort(429)

    @app.get("/_test/crash")
    def _crash():
        raise RuntimeError("boom: internal detail that must not leak")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


@pytest.mark.parametrize(("path", "status", "title"), [
    ("/_test/forbidden", 403, "没有权限"),
    ("/no/such/page", 404, "页面不存在"),
    ("/_test/too-many", 429, "操作太频繁"),
    ("/_test/crash", 500, "系统出错了"),
])
def test_error_pages_are_friendly_and_chinese(error_routes, client, path, status, title):
    response = client.get(path)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert f"<h1>{title}" in html
    assert '<html lang="zh-Hans">' in html
    assert 'href="/"' in html and "返回首页" in html  # a way back
    assert "Traceback" not in html and "boom" not in html
    assert response.mimetype == "text/html"


@pytest.mark.parametrize(("path", "status", "title"), [
    ("/_test/forbidden", 403, "Not allowed"),
    ("/no/such/page", 404, "Page not found"),
    ("/_test/too-many", 429, "Too many requests"),
    ("/_test/crash", 500, "Something went wrong"),
])
def test_error_pages_follow_the_users_language(error_routes, client, path, status, title):
    _switch_to_english(client)
    response = client.get(path)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert f"<h1>{title}" in html and "Back to the home page" in html
    assert "boom" not in html
