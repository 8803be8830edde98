"""Lazy translations that are escaped like any other text when a template shows them.

Flask-Babel's LazyString declares itself HTML-safe (`__html__` returns the raw text), so a
lazy message carrying user input — a roster name, an option label — would reach the page
unescaped. Ours escapes; every module imports `lazy_gettext` from here."""
from functools import lru_cache

from babel import support
from flask.globals import _cv_app
from flask_babel import get_translations
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape
from wtforms.i18n import messages_path


class EscapedLazyString(LazyString):
    def __html__(self) -> Markup:
        return escape(str(self))


def _gettext(string: str, **variables) -> str:
    """flask_babel.gettext through the request's catalogue looked up once (below): a lazy
    label (a role, a stance) is translated again wherever a page shows it."""
    text = _request_translations().ugettext(string)
    return text % variables if variables else text


def _ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return _request_translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> EscapedLazyString:
    return EscapedLazyString(_gettext, string, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables) -> EscapedLazyString:
    """The singular or plural form by `num` (English needs both; Chinese writes one)."""
    return EscapedLazyString(_ngettext, singular, plural, num, **variables)


@lru_cache(maxsize=8)
def form_translations(locale: str) -> support.Translations:
    """WTForms' own messages for one locale, parsed once per process. Flask-WTF would parse
    the catalogue again on every request that builds a form; it looks for it on the request
    first (`request.wtforms_translations`), which app.core.flask_app gives it."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def _request_translations():
    """The current request's catalogue, looked up once per request and locale. Flask-Babel's
    own get_translations() resolves the context, the domain and the locale's name again on
    every call, and a page calls it hundreds of times; the answer changes only with the
    locale or the domain (force_locale, as_default), which are checked here."""
    ctx = _cv_app.get(None)
    if ctx is None:
        return get_translations()
    babel_ctx = ctx.g.__dict__.get("_flask_babel")
    cached = getattr(babel_ctx, "yishi_translations", None)
    if cached is not None and cached[0] is getattr(babel_ctx, "babel_locale", None) \
            and cached[1] is getattr(babel_ctx, "babel_domain", None):
        return cached[2]
    translations = get_translations()  # sets the context's locale and domain
    babel_ctx = ctx.g._flask_babel
    babel_ctx.yishi_translations = (babel_ctx.babel_locale, babel_ctx.babel_domain,
                                    translations)
    return translations


def install_template_gettext(app) -> None:
    """Templates' _(), ngettext() and pgettext() through _request_translations()."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _request_translations().ugettext(s),
        ngettext=lambda s, p, n: _request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: _request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _request_translations().unpgettext(c, s, p, n),
        newstyle=True)
