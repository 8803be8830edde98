"""The application class: Flask with two costs of every request taken out."""
from functools import cached_property

from flask import Flask, Request
from flask.globals import _cv_request
from flask_babel import get_locale

from app.core.i18n import form_translations

_FRAME_URLS_MAX = 500


class YishiRequest(Request):
    @cached_property
    def wtforms_translations(self):
        """WTForms' messages for the request's locale, parsed once per process. Flask-WTF
        would parse the catalogue again on every request that builds a form; it looks here
        first. Computed only when a form asks, not for every request."""
        return form_translations(str(get_locale()))


class YishiFlask(Flask):
    request_class = YishiRequest

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._frame_urls: dict[tuple, str] = {}

    def url_for(self, endpoint: str, *, _anchor=None, _method=None, _scheme=None,
                _external=None, **values) -> str:
        """The links every page's frame repeats (stylesheets, scripts, icons, the header's
        pages: an endpoint without arguments, or a static file) are built once per process
        and root path instead of on every request; anything else as Flask builds it."""
        plain = (_anchor is None and _method is None and _scheme is None and not _external
                 and endpoint[:1] != "."
                 and (not values or (endpoint == "static" and values.keys() == {"filename"})))
        request_ctx = _cv_request.get(None) if plain else None
        if request_ctx is None:
            return super().url_for(endpoint, _anchor=_anchor, _method=_method,
                                   _scheme=_scheme, _external=_external, **values)
        key = (request_ctx.request.script_root, endpoint, values.get("filename"))
        url = self._frame_urls.get(key)
        if url is None:
            url = super().url_for(endpoint, **values)
            if len(self._frame_urls) < _FRAME_URLS_MAX:
                self._frame_urls[key] = url
        return url
