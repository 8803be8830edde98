"""One-time codes: 6 digits sent by SMS (10 minutes, 5 tries) or 8 digits handed out by staff
in person (24 hours, 5 tries). Only an HMAC of the code, keyed with the site's SECRET_KEY, is
stored; the code itself exists only in the message or on the staff member's screen.
Services flush, never commit; a wrong try is written (and must be committed) so it counts."""
import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, case, literal, or_, select, update

from app.accounts.models import PhoneCode, User
from app.audit.services import record
from app.core.db import insert_unless_exists
from app.core.errors import ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.i18n import lazy_ngettext
from app.core.phones import mask_mobile
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.extensions import db

MAX_TRIES = 5
SMS_DIGITS, SMS_TTL = 6, timedelta(minutes=10)
STAFF_DIGITS, STAFF_TTL = 8, timedelta(hours=24)
# A new SMS code for the same number and purpose only after this long (the database decides,
# so it holds across workers); staff codes replace the live one at once.
RESEND_AFTER = timedelta(seconds=60)

NO_CODE = _l("验证码不正确或已失效，请重新获取验证码。")
EXPIRED = _l("验证码已过期，请重新获取验证码。")
EXHAUSTED = _l("输错次数太多，这个验证码已失效，请重新获取验证码。")
TOO_SOON = _l("验证码刚刚发送过，请稍等 1 分钟再重新获取。")

_LIVE = and_(PhoneCode.used_at.is_(None), PhoneCode.replaced_at.is_(None))


def digits_for(purpose: str) -> int:
    return STAFF_DIGITS if purpose == "staff_reset" else SMS_DIGITS


def normalize_code(raw: str | None) -> str:
    """What people type: spaces and dashes between the digits are dropped."""
    return "".join(ch for ch in (raw or "") if ch not in " -\t")


def _digest(purpose: str, mobile: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{purpose}|{mobile}|{code}".encode(), hashlib.sha256).hexdigest()


def issue(user: User, purpose: str, *, actor: User | None, issued_by: User | None = None,
          compound=None, actor_role: str | None = None) -> str:
    """A fresh code for the account's number and `purpose`, replacing the live one. Returns the
    code in clear for the caller to send or show once; it is not kept anywhere."""
    now = utcnow()
    replaceable = [PhoneCode.mobile == user.mobile, PhoneCode.purpose == purpose, _LIVE]
    if purpose != "staff_reset":
        # A code younger than RESEND_AFTER stays live; the insert below then finds its place
        # taken and refuses, however many requests arrive at once.
        replaceable.append(or_(PhoneCode.created_at <= now - RESEND_AFTER,
                               PhoneCode.expires_at <= now, PhoneCode.attempts >= MAX_TRIES))
    replaced = db.session.execute(
        update(PhoneCode).where(*replaceable).values(replaced_at=now)
        .execution_options(synchronize_session=False)).rowcount
    digits = digits_for(purpose)
    code = f"{secrets.randbelow(10 ** digits):0{digits}d}"
    code_id = insert_unless_exists(PhoneCode, {
        "user_id": user.id, "mobile": user.mobile, "purpose": purpose,
        "code_hash": _digest(purpose, user.mobile, code), "attempts": 0, "created_at": now,
        "expires_at": now + (STAFF_TTL if purpose == "staff_reset" else SMS_TTL),
        "issued_by_id": issued_by.id if issued_by else None,
    }, ["mobile", "purpose"], where=_LIVE)
    if code_id is None:
        raise ServiceError(TOO_SOON, status=429)
    record(actor, compound, "phone_code.issued", user,
           {"purpose": purpose, "code_id": code_id, "mobile": mask_mobile(user.mobile),
            "replaced": replaced, "by_staff": issued_by is not None}, actor_role=actor_role)
    return code


def use(user: User, purpose: str, typed: str, *, actor: User | None):
    """Spend one try of the live code: None when `typed` is the code (it is used up now),
    else the message to show. The try is counted and the match decided by one conditional
    UPDATE, so concurrent tries queue on the row and no more than MAX_TRIES are ever judged."""
    now = utcnow()
    at_now = literal(now, UTCDateTime())
    matches = PhoneCode.code_hash == _digest(purpose, user.mobile, normalize_code(typed))
    row = db.session.execute(
        update(PhoneCode)
        .where(PhoneCode.user_id == user.id, PhoneCode.mobile == user.mobile,
               PhoneCode.purpose == purpose, _LIVE, PhoneCode.expires_at > at_now,
               PhoneCode.attempts < MAX_TRIES)
        .values(attempts=PhoneCode.attempts + 1, used_at=case((matches, at_now), else_=None))
        .returning(PhoneCode.id, PhoneCode.attempts, PhoneCode.used_at)
        .execution_options(synchronize_session=False)).first()
    if row is None:
        return _why_unusable(user, purpose, now)
    data = {"purpose": purpose, "code_id": row.id, "mobile": mask_mobile(user.mobile),
            "attempts": row.attempts}
    if row.used_at is not None:
        record(actor, None, "phone_code.used", user, data)
        return None
    record(actor, None, "phone_code.failed", user, data)
    left = MAX_TRIES - row.attempts
    if left <= 0:
        return EXHAUSTED
    return lazy_ngettext("验证码不正确，还可以再试 %(n)s 次。",
                         "验证码不正确，还可以再试 %(n)s 次。", left, n=left)


def _why_unusable(user: User, purpose: str, now):
    latest = db.session.execute(
        select(PhoneCode.expires_at, PhoneCode.attempts).where(
            PhoneCode.user_id == user.id, PhoneCode.mobile == user.mobile,
            PhoneCode.purpose == purpose, _LIVE)).first()
    if latest is None:
        return NO_CODE
    if latest.attempts >= MAX_TRIES:
        return EXHAUSTED
    return EXPIRED if latest.expires_at <= now else NO_CODE


def forget_codes_of(user: User) -> int:
    """Delete every code of the account (its deletion: the rows hold the number)."""
    return db.session.execute(PhoneCode.__table__.delete().where(
        PhoneCode.user_id == user.id)).rowcount
