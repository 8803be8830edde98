"""Proving a mobile number, and getting back into an account, with one-time codes: phone
verification after registering, a forgotten password (by SMS, or by a reset code staff hand
out in person to residents without a phone), and lifting the login slowdown by SMS.
Services flush, never commit. SMS leave only after the commit (app.core.outbox)."""
from functools import partial

from sqlalchemy import select

from app.accounts import phone_codes
from app.accounts.models import PhoneVerification, User, UserSession
from app.accounts.passwords import hash_password, password_problem
from app.accounts.services import find_by_mobile
from app.audit.services import record
from app.core.db import insert_unless_exists
from app.core.errors import Conflict, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.outbox import after_commit
from app.core.phones import mask_mobile, normalize_mobile
from app.core.senders import sms_sender
from app.core.time import utcnow
from app.extensions import db

SMS_OFF = _l("本站暂未开通短信服务，无法发送验证码。请联系社区工作人员办理。")
SMS_TEXT = {
    "verify": _l("【议事】您的手机验证码是 %(code)s，10 分钟内有效。请勿告诉他人。"),
    "reset": _l("【议事】您正在找回密码，验证码是 %(code)s，10 分钟内有效。"
                "如非本人操作，请忽略本短信。"),
    "unlock": _l("【议事】您正在解除登录限制，验证码是 %(code)s，10 分钟内有效。"
                 "请勿告诉他人。"),
}


def sms_enabled() -> bool:
    return sms_sender() is not None


def _send_code(user: User, purpose: str, *, actor: User | None) -> None:
    sender = sms_sender()
    if sender is None:
        raise ServiceError(SMS_OFF, status=503)
    code = phone_codes.issue(user, purpose, actor=actor)
    # Rendered now, in the requester's language; delivered only once the code row commits.
    after_commit(partial(sender.send, user.mobile, str(SMS_TEXT[purpose] % {"code": code})))


# --- proof of the number ---------------------------------------------------------------------

def is_proven(user: User) -> bool:
    """Whether the person has shown they hold the account's current mobile number."""
    return db.session.scalar(select(PhoneVerification.id).where(
        PhoneVerification.user_id == user.id,
        PhoneVerification.mobile == user.mobile)) is not None


def proven_ids(users) -> set[int]:
    """Of these accounts, those whose current number is proven (one query for a list)."""
    pairs = {(u.id, u.mobile) for u in users}
    if not pairs:
        return set()
    rows = db.session.execute(select(PhoneVerification.user_id, PhoneVerification.mobile).where(
        PhoneVerification.user_id.in_([uid for uid, _ in pairs])))
    return {uid for uid, mobile in rows if (uid, mobile) in pairs}


def prove(user: User, method: str) -> bool:
    """Record that `user` holds their number; idempotent. True when this is news."""
    proof_id = insert_unless_exists(PhoneVerification, {
        "user_id": user.id, "mobile": user.mobile, "method": method,
        "verified_at": utcnow()}, ["user_id", "mobile"])
    if proof_id is None:
        return False
    record(user, None, "account.phone_verified", db.session.get(PhoneVerification, proof_id),
           {"method": method, "mobile": mask_mobile(user.mobile)})
    return True


def send_verification(user: User) -> None:
    """Text a code to the account's own number."""
    if is_proven(user):
        raise Conflict(_l("您的手机号已经验证过了。"))
    _send_code(user, "verify", actor=user)


def verify_phone(user: User, typed: str):
    """None when `typed` is the code sent to the account's number (now proven), else why not."""
    problem = phone_codes.use(user, "verify", typed, actor=user)
    if problem is None:
        prove(user, "sms_code")
    return problem


# --- forgotten password ----------------------------------------------------------------------

def _account_for_code(mobile: str) -> User | None:
    user = find_by_mobile(mobile)
    return user if user is not None and user.is_active_account else None


def request_reset(mobile: str) -> None:
    """Text a reset code if the number has an account. Says nothing either way, and a request
    within a minute of the last one sends nothing more (the earlier code still works)."""
    _request_by_sms(mobile, "reset")


def _request_by_sms(mobile: str, purpose: str) -> None:
    if not sms_enabled():
        raise ServiceError(SMS_OFF, status=503)
    user = _account_for_code(mobile)
    if user is None:
        return
    try:
        with db.session.begin_nested():
            _send_code(user, purpose, actor=None)
    except ServiceError as exc:
        if exc.status != 429:
            raise


def reset_password(mobile: str, typed: str, new_password: str):
    """Set a new password with a code: the 6-digit one texted to the number (which also proves
    the number) or the 8-digit one staff handed out. Every session of the account ends.
    None on success, else the message for the code; a bad new password changes nothing."""
    user = _account_for_code(mobile)
    problem = password_problem(new_password or "", normalize_mobile(mobile))
    if problem is not None:
        raise ServiceError(problem, field="password")
    if user is None:
        return phone_codes.NO_CODE
    code = phone_codes.normalize_code(typed)
    purpose = "staff_reset" if len(code) == phone_codes.STAFF_DIGITS else "reset"
    problem = phone_codes.use(user, purpose, code, actor=None)
    if problem is not None:
        return problem
    user.password_hash = hash_password(new_password)
    ended = list(db.session.scalars(select(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None))))
    now = utcnow()
    for row in ended:
        row.revoked_at = now
    record(user, None, "account.password_reset", user,
           {"via": "staff_code" if purpose == "staff_reset" else "sms",
            "sessions_ended": len(ended)}, also=ended)
    if purpose == "reset":
        prove(user, "sms_code")
    return None


def issue_staff_reset_code(staff: User, user: User, compound, actor_role: str | None) -> str:
    """A reset code for a resident without a phone, handed over in person by staff. The caller
    has checked that `staff` may act for `user`. Returned once, stored only as a hash."""
    if not user.is_active_account:
        raise ServiceError(_l("这个账户已经注销。"), status=409)
    return phone_codes.issue(user, "staff_reset", actor=staff, issued_by=staff,
                             compound=compound, actor_role=actor_role)


# --- lifting the login slowdown --------------------------------------------------------------

def request_unlock(mobile: str) -> None:
    """Text an unlock code if the number has an account (says nothing either way)."""
    _request_by_sms(mobile, "unlock")


def unlock(mobile: str, typed: str):
    """(user, None) when `typed` is the unlock code of the number's account (the number is
    proven too), else (None, message)."""
    user = _account_for_code(mobile)
    if user is None:
        return None, phone_codes.NO_CODE
    problem = phone_codes.use(user, "unlock", typed, actor=None)
    if problem is not None:
        return None, problem
    record(user, None, "account.login_unlocked", user, {"mobile": mask_mobile(user.mobile)})
    prove(user, "sms_code")
    return user, None
