"""Proposals (议案), their timeline, frozen electorates, ballots, objections and results."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit.coverage import require_coverage
from app.core.schema import partial_unique, sql_in
from app.core.time import utcnow
from app.core.types import Area, UTCDateTime
from app.core.uploads import UPLOAD_PATH
from app.extensions import db

KINDS = ("owners", "council", "consultation")
STATES = ("draft", "consultation", "review", "deliberation", "notice", "voting", "objection",
          "published", "implementation", "implementation_published", "closed",
          "withdrawn", "returned")
CHANNELS = ("web", "paper", "proxy")
CURRENT = "superseded_at IS NULL"



class Proposal(db.Model):
    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    # Where it came from: an issue (议题) or raised directly by a body of the compound.
    origin: Mapped[str] = mapped_column(String(16))
    origin_issue_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    matter: Mapped[int | None] = mapped_column(Integer)  # 民法典 第二百七十八条 item, owners only
    # An election of the owners' committee (matter 3) fills this many seats; None otherwise.
    seats: Mapped[int | None] = mapped_column(Integer)
    council_body: Mapped[str | None] = mapped_column(String(16))  # council / committee
    council_two_thirds: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(32), default="draft", index=True)
    is_secret: Mapped[bool] = mapped_column(Boolean, default=False)
    allows_changes: Mapped[bool] = mapped_column(Boolean, default=False)
    shows_split_while_open: Mapped[bool] = mapped_column(Boolean, default=False)
    is_temporary_meeting: Mapped[bool] = mapped_column(Boolean, default=False)
    silent_majority: Mapped[bool] = mapped_column(Boolean, default=False)
    # 列支范围 of a scoped decision ("3栋、5栋2单元1201"), kept in step with its ProposalScope
    # rows and written again when the notice is published, after which neither can change.
    scope_label: Mapped[str | None] = mapped_column(Text)
    # The compound's rules as they stood when the proposal entered the stage they govern
    # (the consultation; the notice, which announces the procedure): a later change of the
    # rules never moves a proposal already past that point.
    consultation_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consultation_days: Mapped[int | None] = mapped_column(Integer)
    notice_period_days: Mapped[int | None] = mapped_column(Integer)
    objection_days: Mapped[int | None] = mapped_column(Integer)
    parking_counts_in_area: Mapped[bool | None] = mapped_column(Boolean)
    ballot_text: Mapped[str] = mapped_column(Text, default="")
    voting_method: Mapped[str] = mapped_column(Text, default="")
    notice_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voting_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voting_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    voting_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    objection_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A matter-4 proposal may cite a closed satisfaction survey (app.proposals.survey_citation).
    cites_survey_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    # ... and the annual account of the trust-model property books (app.trustbooks.citation).
    cites_account_id: Mapped[int | None] = mapped_column(ForeignKey("trust_annual_accounts.id"))

    options: Mapped[list["ProposalOption"]] = relationship(
        order_by="ProposalOption.position", back_populates="proposal", lazy="raise")
    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(KINDS)}", name="kind_known"),
        CheckConstraint(f"state IN {sql_in(STATES)}", name="state_known"),
        CheckConstraint("matter IS NULL OR (matter BETWEEN 1 AND 9)", name="matter_range"),
        CheckConstraint("kind <> 'owners' OR matter IS NOT NULL", name="owners_have_matter"),
        CheckConstraint("seats IS NULL OR (kind = 'owners' AND matter = 3 AND seats BETWEEN 1 "
                        "AND 15)", name="elections_are_matter_three"),
        CheckConstraint("NOT (is_secret AND allows_changes)", name="secret_ballots_final"),
        CheckConstraint("NOT (is_secret AND shows_split_while_open)",
                        name="secret_ballots_no_live_split"),
    )


class ProposalOption(db.Model):
    """Choices of a "choose one" ballot. A plain 同意/反对/弃权 ballot has no rows here."""

    __tablename__ = "proposal_options"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    proposal: Mapped[Proposal] = relationship(back_populates="options", lazy="raise")
    __table_args__ = (db.UniqueConstraint("proposal_id", "position"),)


class ProposalScope(db.Model):
    """One building or one unit of a scoped owners' decision (列支范围, matters 5–8): the
    electorate, totals and thresholds are those of the units it covers (住宅专项维修资金管理办法
    第二十二条). Exactly one of building_id and unit_id is set."""

    __tablename__ = "proposal_scopes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    __table_args__ = (
        db.UniqueConstraint("proposal_id", "building_id"),
        db.UniqueConstraint("proposal_id", "unit_id"),
        CheckConstraint("(building_id IS NULL AND unit_id IS NOT NULL)"
                        " OR (building_id IS NOT NULL AND unit_id IS NULL)",
                        name="scope_building_or_unit"),
    )


class ProposalEvent(db.Model):
    """The public timeline: every transition, who made it, when and why."""

    __tablename__ = "proposal_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ElectorateMember(db.Model):
    """One voter of a proposal, frozen when voting opens: an owner-party (with its summed area),
    the developer's unsold units as one owner, a council member, or a resident."""

    __tablename__ = "electorate_members"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    voter_key: Mapped[str] = mapped_column(String(40))  # h<holding id> / developer / u<user id>
    area: Mapped[Decimal] = mapped_column(Area, default=Decimal("0.00"))
    holding_id: Mapped[int | None] = mapped_column(ForeignKey("holdings.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    designated_mobile: Mapped[str | None] = mapped_column(String(11))
    units_label: Mapped[str] = mapped_column(Text, default="")  # "3-2-1201 3-2-1202"
    __table_args__ = (db.UniqueConstraint("proposal_id", "voter_key"),)


class ElectorateUnit(db.Model):
    """A unit and its area as frozen for an owners' decision."""

    __tablename__ = "electorate_units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("electorate_members.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    unit_number: Mapped[str] = mapped_column(String(40))
    area: Mapped[Decimal] = mapped_column(Area)
    area_source: Mapped[str] = mapped_column(String(16))
    __table_args__ = (db.UniqueConstraint("proposal_id", "unit_id"),)


class Ballot(db.Model):
    """An open ballot. One current ballot per voter per proposal, enforced by a partial unique
    index; a changed ballot keeps its predecessor with superseded_at set."""

    __tablename__ = "ballots"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("electorate_members.id"), index=True)
    choice: Mapped[str] = mapped_column(String(120))  # an election ballot lists its marks
    channel: Mapped[str] = mapped_column(String(16))
    cast_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proxy_id: Mapped[int | None] = mapped_column(ForeignKey("proxy_authorisations.id"))
    paper_ref: Mapped[str | None] = mapped_column(String(40))
    scan_path: Mapped[str | None] = mapped_column(String(255), info=UPLOAD_PATH)
    scan_sha256: Mapped[str | None] = mapped_column(String(64))
    receipt: Mapped[str] = mapped_column(String(64), unique=True)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (
        partial_unique("uq_ballots_current", "proposal_id", "member_id", where=CURRENT),
        partial_unique("uq_ballots_paper_ref", "proposal_id", "paper_ref",
                       where="paper_ref IS NOT NULL"),
        CheckConstraint(f"channel IN {sql_in(CHANNELS)}", name="channel_known"),
    )


class SecretParticipation(db.Model):
    """Who took part in a secret ballot, with no link to what they chose."""

    __tablename__ = "secret_participations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("electorate_members.id"))
    channel: Mapped[str] = mapped_column(String(16))
    cast_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proxy_id: Mapped[int | None] = mapped_column(ForeignKey("proxy_authorisations.id"))
    paper_ref: Mapped[str | None] = mapped_column(String(40))
    scan_path: Mapped[str | None] = mapped_column(String(255), info=UPLOAD_PATH)
    scan_sha256: Mapped[str | None] = mapped_column(String(64))
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        db.UniqueConstraint("proposal_id", "member_id"),
        # A paper ballot's reference number is unique per proposal, secret or not.
        partial_unique("uq_secret_participations_paper_ref", "proposal_id", "paper_ref",
                       where="paper_ref IS NOT NULL"),
    )


class SealedVote(db.Model):
    """A secret ballot's choice, weight and receipt while voting is open, encrypted with a key
    kept outside the database and padded to one length (app.proposals.sealing). Deleted when
    the urn is opened at close, in the same transaction that writes the anonymous votes."""

    __tablename__ = "sealed_votes"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    key_id: Mapped[str] = mapped_column(String(16))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class SecretVote(db.Model):
    """What was chosen in a secret ballot: receipt and choice only, written at close in a
    random order with a random id, so no row carries a weight, a time or an order that could
    be lined up with the participations. The voter's receipt finds it on the public list."""

    __tablename__ = "secret_votes"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    choice: Mapped[str] = mapped_column(String(120))
    receipt: Mapped[str] = mapped_column(String(64), unique=True)


class SecretTotal(db.Model):
    """A closed secret ballot's totals per choice: votes and summed frozen area."""

    __tablename__ = "secret_totals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    choice: Mapped[str] = mapped_column(String(40))
    count: Mapped[int] = mapped_column(Integer)
    area: Mapped[Decimal] = mapped_column(Area)
    __table_args__ = (db.UniqueConstraint("proposal_id", "choice"),)


class ProxyAuthorisation(db.Model):
    """A written authorisation (委托书) letting `proxy_user` vote for one electorate member.
    `slot` numbers a proxy's authorisations in a proposal; the unique index on it caps how
    many owners one person may represent without a check-then-insert race."""

    __tablename__ = "proxy_authorisations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("electorate_members.id"))
    proxy_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    slot: Mapped[int] = mapped_column(Integer)
    document_path: Mapped[str] = mapped_column(String(255), info=UPLOAD_PATH)
    document_sha256: Mapped[str] = mapped_column(String(64))
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    is_guardian: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (
        db.UniqueConstraint("proposal_id", "proxy_user_id", "slot"),
        partial_unique("uq_proxy_authorisations_member", "proposal_id", "member_id",
                       where="revoked_at IS NULL"),
    )


class Objection(db.Model):
    """异议: lodged by a member during the objection window; staff must answer it."""

    __tablename__ = "objections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ProposalResult(db.Model):
    """A computed result, frozen: the preliminary one at close, the final one at publication
    (with the audit head hash of that moment)."""

    __tablename__ = "proposal_results"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16))  # preliminary / final
    result: Mapped[dict] = mapped_column(JSON)
    audit_head: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (db.UniqueConstraint("proposal_id", "stage"),)


class ProposalAttachment(db.Model):
    """A document attached to a proposal (PDF, JPEG or PNG), stored once by its SHA-256.
    `position` is its place in the list, 1–10: the partial unique index over attachments not
    removed caps a proposal at ten without a check-then-insert race. Removal sets removed_at
    and keeps the row (and the file), so the audit log can still vouch for it."""

    __tablename__ = "proposal_attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(120))  # shown to people, sanitised
    stored_path: Mapped[str] = mapped_column(String(255), info=UPLOAD_PATH)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(40))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (
        partial_unique("uq_proposal_attachments_position", "proposal_id", "position",
                       where="removed_at IS NULL"),
        CheckConstraint("position BETWEEN 1 AND 10", name="attachment_position_range"),
        CheckConstraint("size >= 0", name="attachment_size_positive"),
    )


# The rows that decide a vote: `flask audit verify` reports any of them no entry vouches for.
require_coverage(Proposal, ProposalOption, ProposalScope, Ballot, SecretParticipation, SealedVote,
                 ProxyAuthorisation, ProposalResult)
require_coverage(ElectorateMember, ElectorateUnit, SecretVote, SecretTotal, scope="proposal_id")
