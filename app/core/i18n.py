"""Lazy translations that are escaped like any other text when a template shows them.

Flask-Babel's LazyString declares itself HTML-safe (`__html__` returns the raw text), so a
lazy message carrying user input — a roster name, an option label — would reach the page
unescaped. Ours escapes; every module imports `lazy_gettext` from here."""
from functools import lru_cache

from babel import support
from flask_babel import gettext, ngettext
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape
from wtforms.i18n import messages_path


class EscapedLazyString(LazyString):
    def __html__(self) -> Markup:
        return escape(str(self))


def lazy_gettext(string: str, **variables) -> EscapedLazyString:
    return EscapedLazyString(gettext, string, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables) -> EscapedLazyString:
    """The singular or plural form by `num` (English needs both; Chinese writes one)."""
    return EscapedLazyString(ngettext, singular, plural, num, **variables)


@lru_cache(maxsize=8)
def form_translations(locale: str) -> support.Translations:
    """WTForms' own messages for one locale, parsed once per process. Flask-WTF would parse
    the catalogue again on every request that builds a form; it looks for it on the request
    first (`request.wtforms_translations`), where app.core.web puts this one."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")
