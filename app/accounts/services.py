"""Accounts: registration, authentication, password changes. Services flush, never commit."""
import secrets

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User, UserSession
from app.accounts.passwords import hash_password, password_problem, verify_password
from app.audit.services import record
from app.core.errors import Conflict, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.phones import mask_mobile, normalize_mobile
from app.core.time import utcnow
from app.extensions import db


def register_user(mobile: str, display_name: str, password: str, *, consented: bool,
                  registered_by: User | None = None, compound=None,
                  actor_role: str | None = None) -> User:
    """Create an account. Consent to the privacy notice is required (个人信息保护法 第十四条);
    when staff register someone on their behalf (代办), `registered_by` records who did, and
    consent is the one the person gave staff in person."""
    number = normalize_mobile(mobile)
    if number is None:
        raise ServiceError(_l("请输入正确的 11 位手机号。"), field="mobile")
    name = (display_name or "").strip()
    if not name or len(name) > 40:
        raise ServiceError(_l("请填写称呼（不超过 40 个字）。"), field="display_name")
    problem = password_problem(password, number)
    if problem is not None:
        raise ServiceError(problem, field="password")
    if not consented:
        raise ServiceError(_l("请阅读并同意隐私说明。"), field="consent")
    user = User(mobile=number, display_name=name, password_hash=hash_password(password),
                privacy_consented_at=utcnow(),
                registered_by_id=registered_by.id if registered_by else None)
    try:
        with db.session.begin_nested():
            db.session.add(user)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("这个手机号已经注册过了，请直接登录。"), field="mobile") from None
    record(registered_by or user, compound,
           "account.registered_by_staff" if registered_by else "account.registered", user,
           {"mobile": mask_mobile(number), "on_behalf": registered_by is not None},
           actor_role=actor_role if registered_by else None)
    return user


def find_by_mobile(mobile: str) -> User | None:
    number = normalize_mobile(mobile)
    if number is None:
        return None
    return db.session.scalar(select(User).where(User.mobile == number))


def _dummy_hash() -> str:
    # A real hash of the configured method, so an unknown mobile costs as much time as a
    # wrong password and response times don't reveal which accounts exist.
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASHES[method]


_DUMMY_HASHES: dict[str, str] = {}


def authenticate(mobile: str, password: str) -> User | None:
    """The account for these credentials, or None. Writes nothing; the caller records the
    outcome (record_login / record_login_failure)."""
    user = find_by_mobile(mobile)
    if user is None or not user.is_active_account:
        verify_password(_dummy_hash(), password)
        return None
    return user if verify_password(user.password_hash, password) else None


def record_login(user: User, session_row: UserSession, *, via: str = "password",
                 replaced: UserSession | None = None) -> None:
    """Audit a login on `session_row`; `replaced` is the session the same browser held
    before, which ends here (the session id rotates at every login)."""
    also = []
    if replaced is not None and replaced.revoked_at is None:
        replaced.revoked_at = utcnow()
        also.append(replaced)
    record(user, None, "account.login", session_row, {"via": via}, also=also)


def record_login_failure(mobile: str) -> None:
    """Security log (网络安全法 第二十一条): the attempt, with the number masked."""
    number = normalize_mobile(mobile)
    shown = mask_mobile(number) if number else mask_mobile((mobile or "").strip()[:20])
    record(None, None, "account.login_failed", None, {"mobile": shown})


def record_logout(user: User, session_row: UserSession | None) -> None:
    record(user, None, "account.logout", session_row)


def change_display_name(user: User, display_name: str) -> User:
    name = (display_name or "").strip()
    if not name or len(name) > 40:
        raise ServiceError(_l("请填写称呼（不超过 40 个字）。"), field="display_name")
    user.display_name = name
    # The names themselves stay out of the append-only log (it outlives account deletion).
    record(user, None, "account.display_name_changed", user)
    return user


def set_party_badge_choice(user: User, shows: bool) -> User:
    """Whether a confirmed party member's badge is shown (党员亮身份 is the person's choice)."""
    user.shows_party_badge = bool(shows)
    record(user, None, "account.party_badge_choice", user, {"shows": user.shows_party_badge})
    return user


def active_sessions(user: User) -> list[UserSession]:
    return list(db.session.scalars(select(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .order_by(UserSession.created_at.desc(), UserSession.id.desc())))


def _end_sessions(user: User, keep: UserSession | None) -> list[UserSession]:
    ended = [row for row in active_sessions(user) if keep is None or row.id != keep.id]
    now = utcnow()
    for row in ended:
        row.revoked_at = now
    return ended


def log_out_other_sessions(user: User, keep: UserSession | None) -> int:
    """End every session of `user` but `keep` (the one making the request)."""
    ended = _end_sessions(user, keep)
    if ended:
        record(user, None, "account.sessions_revoked", None, {"count": len(ended)}, also=ended)
    return len(ended)


def change_password(user: User, old_password: str, new_password: str,
                    keep: UserSession | None) -> int:
    """Replace the password after checking the current one; every other session ends, so a
    stolen session dies with the old password. Returns how many sessions were ended."""
    if not verify_password(user.password_hash, old_password or ""):
        raise ServiceError(_l("当前密码不正确。"), field="old_password")
    problem = password_problem(new_password or "", user.mobile)
    if problem is not None:
        raise ServiceError(problem, field="password")
    if verify_password(user.password_hash, new_password):
        raise ServiceError(_l("新密码不能与当前密码相同。"), field="password")
    user.password_hash = hash_password(new_password)
    ended = _end_sessions(user, keep)
    record(user, None, "account.password_changed", user, {"sessions_ended": len(ended)},
           also=ended)
    return len(ended)


def create_admin(mobile: str, display_name: str, password: str) -> User:
    """A site administrator (系统管理员), made from the server console."""
    user = register_user(mobile, display_name, password, consented=True)
    user.is_admin = True
    record(None, None, "account.admin_created", user, {"mobile": mask_mobile(user.mobile)})
    return user
