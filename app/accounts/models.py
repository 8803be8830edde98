from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.phones import mask_mobile
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
