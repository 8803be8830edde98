from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.phones import mask_mobile
from app.core.schema import partial_unique, sql_in
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.extensions import db


class User(UserMixin, db.Model):
    """A person. We keep the minimum (个人信息保护法): mobile, display name, password hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mobile: Mapped[str] = mapped_column(String(11), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    shows_party_badge: Mapped[bool] = mapped_column(Boolean, default=False)
    privacy_consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 代办: staff who registered this person on their behalf (elderly residents).
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_active_account


class UserSession(db.Model):
    """A server-side login session. The cookie carries a random token whose hash is stored
    here: a new one at every login (rotation), revoked at logout and on password change."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# verify: prove the number after registering; reset: forgotten password by SMS; unlock: lift
# the login slowdown; staff_reset: a reset code handed out by community staff in person.
CODE_PURPOSES = ("verify", "reset", "unlock", "staff_reset")
LIVE_CODE = "used_at IS NULL AND replaced_at IS NULL"


class PhoneCode(db.Model):
    """A one-time code for a mobile number. Only a keyed hash of the code is stored (HMAC with
    the site's SECRET_KEY), never the code. One live code per number and purpose, enforced by
    a partial unique index; a new one replaces the old. The audit log names these rows but does
    not cover them: they are short-lived secrets that may be purged."""

    __tablename__ = "phone_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    mobile: Mapped[str] = mapped_column(String(11))
    purpose: Mapped[str] = mapped_column(String(16))
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Staff who handed the code out in person (staff_reset); None when it went by SMS.
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (
        CheckConstraint(f"purpose IN {sql_in(CODE_PURPOSES)}", name="purpose_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        partial_unique("uq_phone_codes_live", "mobile", "purpose", where=LIVE_CODE),
    )


PROOF_METHODS = ("sms_code", "demo_seed")


class PhoneVerification(db.Model):
    """Proof that the person holds their account's mobile number (they typed back a code sent
    to it). A row of its own rather than a column on users, so that rows of users already
    covered by the audit log keep their digests. Only the pair (account, number) counts: a
    proof never carries over to another number."""

    __tablename__ = "phone_verifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    mobile: Mapped[str] = mapped_column(String(11))
    method: Mapped[str] = mapped_column(String(16))
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        db.UniqueConstraint("user_id", "mobile"),
        CheckConstraint(f"method IN {sql_in(PROOF_METHODS)}", name="method_known"),
    )
