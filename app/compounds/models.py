from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from app.audit.coverage import require_coverage
from app.core.schema import partial_unique, sql_in
from app.core.time import utcnow
from app.core.types import Area, UTCDateTime
from app.extensions import db

AREA_SOURCES = ("registered", "surveyed", "contract")  # 登记 / 实测 / 合同, in order of precedence
RELATIONS = ("owner", "family", "tenant")
# Roles granted explicitly per compound. resident/owner come from verified residencies.
GRANTED_ROLES = ("party_member", "party_cell", "council", "committee", "property", "grid")
ALL_ROLES = ("resident", "owner") + GRANTED_ROLES + ("staff", "subdistrict", "admin")
ACTIVE = "revoked_at IS NULL"


def _active_unique(name, *cols):
    return partial_unique(name, *cols, where=ACTIVE)


class Subdistrict(db.Model):
    __tablename__ = "subdistricts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)


class Community(db.Model):
    __tablename__ = "communities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subdistrict_id: Mapped[int] = mapped_column(ForeignKey("subdistricts.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    subdistrict: Mapped[Subdistrict] = relationship(lazy="raise")
    __table_args__ = (db.UniqueConstraint("subdistrict_id", "name"),)


class Compound(db.Model):
    """The tenant boundary: nothing here is visible to members of another compound."""

    __tablename__ = "compounds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    second_threshold: Mapped[int] = mapped_column(Integer, default=10)
    max_proxies_per_holder: Mapped[int] = mapped_column(Integer, default=3)
    parking_counts_in_area: Mapped[bool] = mapped_column(Boolean, default=False)
    # Voting rules; change them only as the compound's adopted 议事规则 says.
    # The shortest consultation (征求意见) before a proposal may go to the party cell's review,
    # in days counted as 民法典 第二百零一至二百零三条 say.
    min_consultation_days: Mapped[int] = mapped_column(Integer, default=7)
    notice_days: Mapped[int] = mapped_column(Integer, default=15)
    allows_temporary_meeting: Mapped[bool] = mapped_column(Boolean, default=False)
    temporary_notice_days: Mapped[int] = mapped_column(Integer, default=7)
    objection_days: Mapped[int] = mapped_column(Integer, default=3)
    allows_silent_majority: Mapped[bool] = mapped_column(Boolean, default=False)
    council_two_thirds: Mapped[bool] = mapped_column(Boolean, default=False)
    # Owners who must jointly nominate a committee candidate; 1: an owner may nominate
    # themselves (业主自荐).
    candidate_nominators: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    community: Mapped[Community] = relationship(lazy="raise")
    __table_args__ = (db.UniqueConstraint("community_id", "name"),)


class Building(db.Model):
    __tablename__ = "buildings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    name: Mapped[str] = mapped_column(String(20))  # 楼栋号, e.g. "3"
    __table_args__ = (db.UniqueConstraint("compound_id", "name"),)


class Holding(db.Model):
    """An owner-party: one person, or one fixed set of co-owners. All units of a holding count
    as one owner with their areas summed (建筑物区分所有权司法解释 第九条)."""

    __tablename__ = "holdings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    key: Mapped[str] = mapped_column(String(255))  # sorted co-owner mobiles, comma-joined
    # The co-owner who casts the holding's one ballot.
    designated_mobile: Mapped[str] = mapped_column(String(11))
    owners: Mapped[list["HoldingOwner"]] = relationship(
        back_populates="holding", order_by="HoldingOwner.position", lazy="raise")
    __table_args__ = (db.UniqueConstraint("compound_id", "key"),)


class HoldingOwner(db.Model):
    """A person named in the roster as (co-)owner. Linked to an account once verified."""

    __tablename__ = "holding_owners"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    holding_id: Mapped[int] = mapped_column(ForeignKey("holdings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(40))
    mobile: Mapped[str] = mapped_column(String(11), index=True)
    holding: Mapped[Holding] = relationship(back_populates="owners", lazy="raise")
    __table_args__ = (db.UniqueConstraint("holding_id", "mobile"),)


class Unit(db.Model):
    """房屋/专有部分. Area in m² with two decimals, and where that figure came from."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    entrance: Mapped[str] = mapped_column(String(10))  # 单元
    room: Mapped[str] = mapped_column(String(20))  # 房号
    area: Mapped[Decimal] = mapped_column(Area)
    area_source: Mapped[str] = mapped_column(String(16))
    is_developer_held: Mapped[bool] = mapped_column(Boolean, default=False)
    holding_id: Mapped[int | None] = mapped_column(ForeignKey("holdings.id"), index=True)
    building: Mapped[Building] = relationship(lazy="raise")
    holding: Mapped[Holding | None] = relationship(lazy="raise")
    __table_args__ = (
        db.UniqueConstraint("building_id", "entrance", "room"),
        CheckConstraint("area > 0", name="area_positive"),
        CheckConstraint(f"area_source IN {sql_in(AREA_SOURCES)}", name="area_source_known"),
    )

    @property
    def number(self) -> str:
        return f"{self.building.name}-{self.entrance}-{self.room}"


def household_units(compound_id: int):
    """The units that are a household (户): every unit of the roster except those the developer
    still holds. The covenant's signatures and the notices' read rate count against the same."""
    return (Unit.compound_id == compound_id) & Unit.is_developer_held.is_(False)


class InviteCode(db.Model):
    """The one-time code printed on a unit's invite letter."""

    __tablename__ = "invite_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unit: Mapped[Unit] = relationship(lazy="raise")
    __table_args__ = (_active_unique("uq_invite_codes_active_unit", "unit_id"),)


class UnitClaim(db.Model):
    """A person's request to be verified as owner, family member or tenant of a unit."""

    __tablename__ = "unit_claims"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    relation: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(16))  # code / request / proxy (代办)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    note: Mapped[str] = mapped_column(Text, default="")
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    unit: Mapped[Unit] = relationship(lazy="raise")
    user = relationship("User", foreign_keys=[user_id], lazy="raise")
    # Whether the claimant's mobile is on the unit's roster, when the query asked for it
    # (app.compounds.claims.with_roster_match): lists show it without a query per claim.
    on_roster: Mapped[bool | None] = query_expression()
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status_known"),
        CheckConstraint(f"relation IN {sql_in(RELATIONS)}", name="relation_known"),
        partial_unique("uq_unit_claims_pending", "user_id", "unit_id", where="status = 'pending'"),
    )


class Residency(db.Model):
    """A verified link between a person and a unit; makes them a resident (and, for
    relation=owner, an owner) of the compound."""

    __tablename__ = "residencies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    relation: Mapped[str] = mapped_column(String(16))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("unit_claims.id"))
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unit: Mapped[Unit] = relationship(lazy="raise")
    user = relationship("User", foreign_keys=[user_id], lazy="raise")
    __table_args__ = (
        CheckConstraint(f"relation IN {sql_in(RELATIONS)}", name="relation_known"),
        _active_unique("uq_residencies_active", "user_id", "unit_id"),
    )


class RoleGrant(db.Model):
    """A role held in one compound. Revoking keeps the row (history), setting revoked_at."""

    __tablename__ = "role_grants"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user = relationship("User", foreign_keys=[user_id], lazy="raise")
    __table_args__ = (
        CheckConstraint(f"role IN {sql_in(GRANTED_ROLES)}", name="role_known"),
        _active_unique("uq_role_grants_active", "compound_id", "user_id", "role"),
    )


class RoleRequest(db.Model):
    """A role someone must confirm before it holds (党员亮身份, confirmed by the party cell)."""

    __tablename__ = "role_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user = relationship("User", foreign_keys=[user_id], lazy="raise")
    __table_args__ = (
        partial_unique("uq_role_requests_pending", "compound_id", "user_id", "role",
                       where="status = 'pending'"),
    )


class StaffAssignment(db.Model):
    """Community staff (社区工作者): may act in every compound of their community."""

    __tablename__ = "staff_assignments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user = relationship("User", foreign_keys=[user_id], lazy="raise")
    community: Mapped[Community] = relationship(lazy="raise")
    __table_args__ = (
        _active_unique("uq_staff_assignments_active", "community_id", "user_id"),
    )


class SubdistrictAssignment(db.Model):
    """Subdistrict staff (街道工作人员): read the compounds of their subdistrict, act in none
    (个人信息保护法 第六条, least privilege). Revoking keeps the row, setting revoked_at."""

    __tablename__ = "subdistrict_assignments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subdistrict_id: Mapped[int] = mapped_column(ForeignKey("subdistricts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user = relationship("User", foreign_keys=[user_id], lazy="raise")
    subdistrict: Mapped[Subdistrict] = relationship(lazy="raise")
    __table_args__ = (
        _active_unique("uq_subdistrict_assignments_active", "subdistrict_id", "user_id"),
    )


class RosterUpload(db.Model):
    """A roster file that parsed without a single problem, kept (as clean rows) between the
    preview and the staff member's confirmation, so that any worker can apply it and nobody
    has to upload it twice. Applied at most once (applied_at is set by a conditional UPDATE)."""

    __tablename__ = "roster_uploads"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(Integer)
    rows: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


# Who is an owner and who holds a role decide who votes: every row must be in the audit log.
require_coverage(Residency, RoleGrant)
