"""Lazy translations that are escaped like any other text when a template shows them.

Flask-Babel's LazyString declares itself HTML-safe (`__html__` returns the raw text), so a
lazy message carrying user input — a roster name, an option label — would reach the page
unescaped. Ours escapes; every module imports `lazy_gettext` from here."""
from flask_babel import gettext
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape


class EscapedLazyString(LazyString):
    def __html__(self) -> Markup:
        return escape(str(self))


def lazy_gettext(string: str, **variables) -> EscapedLazyString:
    return EscapedLazyString(gettext, string, **variables)
