"""Server-side sessions on top of Flask-Login: the signed cookie holds a random token, the
database holds its hash, so logging out or changing a password really ends a session."""
import hashlib
import secrets

from flask import Flask, request, session
from sqlalchemy import bindparam, select

from app.accounts.models import User, UserSession
from app.core.i18n import lazy_gettext as _l
from app.core.time import utcnow
from app.extensions import db, login_manager
from app.notifications.services import remember_unread_counts, unread_count_columns

SESSION_KEY = "sid"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> UserSession:
    """Begin a fresh session: whatever the cookie held before (a planted id included) is gone."""
    lang, large = session.get("lang"), session.get("large_text")
    session.clear()
    token = secrets.token_urlsafe(32)
    row = UserSession(user_id=user.id, token_hash=_hash(token))
    db.session.add(row)
    session[SESSION_KEY] = token
    if lang:
        session["lang"] = lang
    if large:
        session["large_text"] = large
    session.permanent = True
    return row


def current_session_row() -> UserSession | None:
    token = session.get(SESSION_KEY)
    if not token:
        return None
    return db.session.scalar(select(UserSession).where(
        UserSession.token_hash == _hash(token), UserSession.revoked_at.is_(None)))


def end_session() -> UserSession | None:
    row = current_session_row()
    if row is not None:
        row.revoked_at = utcnow()
    lang, large = session.get("lang"), session.get("large_text")
    session.clear()
    if lang:
        session["lang"] = lang
    if large:
        session["large_text"] = large
    return row


def revoke_other_sessions(user: User, keep: UserSession | None) -> int:
    count = 0
    for row in db.session.scalars(select(UserSession).where(
            UserSession.user_id == user.id, UserSession.revoked_at.is_(None))):
        if keep is None or row.id != keep.id:
            row.revoked_at = utcnow()
            count += 1
    return count


# Built once: it runs on every signed-in request. A page (GET) also shows the person's unread
# notifications in its header: their counts come in the same statement.
_LIVE_SESSION_USER = (select(User).join(UserSession, UserSession.user_id == User.id)
                      .where(UserSession.token_hash == bindparam("token_hash"),
                             UserSession.revoked_at.is_(None)))
_LIVE_SESSION_USER_AND_NEWS = _LIVE_SESSION_USER.add_columns(*unread_count_columns(User.id))


def init_login(app: Flask) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("请先登录。")
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # our own token check below replaces it

    @login_manager.user_loader
    def load_user(user_id: str):
        token = session.get(SESSION_KEY)
        if not token:
            return None
        # The live session and its person in one query.
        params = {"token_hash": _hash(token)}
        if request.method not in ("GET", "HEAD"):
            user = db.session.scalar(_LIVE_SESSION_USER, params)
        else:
            row = db.session.execute(_LIVE_SESSION_USER_AND_NEWS, params).first()
            user = row[0] if row is not None else None
            if user is not None:
                remember_unread_counts(user.id, row[1], row[2])
        if user is None or str(user.id) != user_id:
            return None
        return user if user.is_active else None
