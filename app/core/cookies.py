"""The signed session cookie, without the work Flask's default does on every request.

Flask builds a new signing serializer twice per request and, for a permanent session (every
signed-in one), signs and sends the whole cookie again on every response only to move its
expiry forward. Here the serializer is built once per key, and an unchanged cookie is sent
again only once it is REFRESH_AFTER old: its expiry still follows the person's visits (to
within that much of PERMANENT_SESSION_LIFETIME), and any change to the session is sent at
once as before. What the cookie holds, how it is signed and when it stops being accepted are
Flask's own."""
import time
from datetime import timedelta

from flask import Flask
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

REFRESH_AFTER = timedelta(hours=1)


class _Session(SecureCookieSession):
    signed_at: float | None = None  # when the cookie it came from was signed


class CookieSessionInterface(SecureCookieSessionInterface):
    session_class = _Session

    def __init__(self) -> None:
        # The keys and the serializer built for them: rebuilt only when the keys change.
        self._serializer: tuple[tuple, URLSafeTimedSerializer] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        built = self._serializer
        if built is None or built[0] != key:
            built = self._serializer = (key, super().get_signing_serializer(app))
        return built[1]

    def open_session(self, app: Flask, request) -> _Session | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed_at.timestamp()
        return session

    def should_set_cookie(self, app: Flask, session) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        return signed_at is None or time.time() - signed_at >= REFRESH_AFTER.total_seconds()
