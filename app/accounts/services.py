"""Accounts: registration, authentication, password changes. Services flush, never commit."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.accounts.passwords import hash_password, password_problem
from app.audit.services import record
from app.core.errors import Conflict, ServiceError
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
    if problem:
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
