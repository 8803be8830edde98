"""Lazy translated messages with user input must be escaped wherever they are shown."""
import pathlib

from flask import render_template_string

from app.core.errors import ServiceError
from app.core.i18n import lazy_gettext as _l

APP_DIR = pathlib.Path(__file__).resolve().parent.parent / "app"


def test_lazy_message_with_user_input_is_escaped(app):
    with app.test_request_context():
        message = _l("姓名“%(name)s”太长。", name="<script>alert(1)</script>")
        html = render_template_string("{{ m }}", m=message)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_service_error_page_escapes_its_message(app, client):
    def boom():
        raise ServiceError(_l("房屋 %(unit)s 与第 2 行重复。", unit='<img src=x onerror="x()">'))

    app.add_url_rule("/_boom", "boom", boom)
    body = client.get("/_boom").get_data(as_text=True)
    assert "<img src=x" not in body and "&lt;img" in body


def test_no_module_uses_the_unescaped_lazy_gettext():
    offenders = [str(p) for p in APP_DIR.rglob("*.py")
                 if "flask_babel import lazy_gettext" in p.read_text(encoding="utf-8")
                 or "flask_babel import gettext, lazy_gettext" in p.read_text(encoding="utf-8")]
    assert offenders == []
