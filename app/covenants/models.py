"""Covenants, their versions and articles, per-article comments, household signatures and
party members' commitments. An adopted version's articles are frozen by database triggers."""
from datetime import datetime

from sqlalchemy import DDL, Boolean, CheckConstraint, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.schema import partial_unique, sql_in
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.extensions import db

KINDS = ("residents", "management")  # 居民公约 / 管理规约
# consultation 征集民意 → drafting 拟定草案 → review 街道审核 → approved 审核通过
# → voting 提请表决 → adopted 通过生效 → published 备案公布 → superseded 已被新版本取代
STATES = ("consultation", "drafting", "review", "approved", "voting", "adopted", "published",
          "superseded")
OPEN_STATES = ("consultation", "drafting", "review", "approved", "voting", "adopted")
FROZEN_STATES = ("adopted", "published", "superseded")


class Covenant(db.Model):
    """One 居民公约 and at most one 管理规约 per compound."""

    __tablename__ = "covenants"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(80))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        db.UniqueConstraint("compound_id", "kind"),
        CheckConstraint(f"kind IN {sql_in(KINDS)}", name="kind_known"),
    )


class CovenantVersion(db.Model):
    """A numbered version. At most one version of a covenant is being worked on at a time
    (partial unique index over the open states), and one is in force (published)."""

    __tablename__ = "covenant_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    covenant_id: Mapped[int] = mapped_column(ForeignKey("covenants.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default="consultation")
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("covenant_versions.id"))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    filing_ref: Mapped[str] = mapped_column(String(80), default="")  # 备案 reference
    # Each save of the draft's articles is a new revision; earlier ones stay (never edited).
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    adopted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The articles of the current revision.
    articles: Mapped[list["CovenantArticle"]] = relationship(
        primaryjoin="and_(CovenantArticle.version_id == CovenantVersion.id, "
                    "CovenantArticle.revision == CovenantVersion.revision)",
        order_by="CovenantArticle.number", viewonly=True, lazy="raise")
    __table_args__ = (
        db.UniqueConstraint("covenant_id", "number"),
        CheckConstraint(f"state IN {sql_in(STATES)}", name="state_known"),
        partial_unique("uq_covenant_versions_open", "covenant_id",
                       where=f"state IN {sql_in(OPEN_STATES)}"),
        partial_unique("uq_covenant_versions_in_force", "covenant_id",
                       where="state = 'published'"),
        partial_unique("uq_covenant_versions_proposal", "proposal_id",
                       where="proposal_id IS NOT NULL"),
    )


class CovenantArticle(db.Model):
    """第N条 of one revision of a version. Plain text. Rows are only ever inserted: a draft's
    edit is a new revision, and an adopted version's rows are refused any change by triggers."""

    __tablename__ = "covenant_articles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("covenant_versions.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    number: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    __table_args__ = (
        db.UniqueConstraint("version_id", "revision", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )


class CovenantComment(db.Model):
    """A resident's comment on one article (article 0: on the whole text) during 征集民意."""

    __tablename__ = "covenant_comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("covenant_versions.id"), index=True)
    article_number: Mapped[int] = mapped_column(Integer, default=0)
    revision: Mapped[int] = mapped_column(Integer, default=1)  # the text the comment was on
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author = relationship("User", lazy="raise")
    __table_args__ = (CheckConstraint("article_number >= 0", name="article_number_positive"),)


class CovenantSignature(db.Model):
    """承诺遵守: one current signature per household (unit) per version, whoever of the
    household signs; a withdrawn signature keeps its row with withdrawn_at set."""

    __tablename__ = "covenant_signatures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("covenant_versions.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (
        partial_unique("uq_covenant_signatures_household", "version_id", "unit_id",
                       where="withdrawn_at IS NULL"),
    )


class CovenantCommitment(db.Model):
    """党员承诺: a party member's public commitment, shown under the covenant with their badge."""

    __tablename__ = "covenant_commitments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    covenant_id: Mapped[int] = mapped_column(ForeignKey("covenants.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user = relationship("User", lazy="raise")
    __table_args__ = (db.UniqueConstraint("covenant_id", "user_id"),)


# An adopted version's text can't change in place: a new version is the only way. The lead
# can reuse these constants in the migration (op.execute each statement per dialect). The
# state list is FROZEN_STATES, written out so that the statements are plain constants.
SQLITE_TRIGGERS = [
    "CREATE TRIGGER covenant_articles_frozen_update BEFORE UPDATE ON covenant_articles "
    "WHEN (SELECT state FROM covenant_versions WHERE id = OLD.version_id) "
    "IN ('adopted', 'published', 'superseded') "
    "BEGIN SELECT RAISE(ABORT, 'adopted covenant text cannot be changed'); END",
    "CREATE TRIGGER covenant_articles_frozen_delete BEFORE DELETE ON covenant_articles "
    "WHEN (SELECT state FROM covenant_versions WHERE id = OLD.version_id) "
    "IN ('adopted', 'published', 'superseded') "
    "BEGIN SELECT RAISE(ABORT, 'adopted covenant text cannot be changed'); END",
    "CREATE TRIGGER covenant_articles_frozen_insert BEFORE INSERT ON covenant_articles "
    "WHEN (SELECT state FROM covenant_versions WHERE id = NEW.version_id) "
    "IN ('adopted', 'published', 'superseded') "
    "BEGIN SELECT RAISE(ABORT, 'adopted covenant text cannot be changed'); END",
    # Nor can an adopted version be moved back to an editable state.
    "CREATE TRIGGER covenant_versions_stay_frozen BEFORE UPDATE ON covenant_versions "
    "WHEN OLD.state IN ('adopted', 'published', 'superseded') "
    "AND NEW.state NOT IN ('adopted', 'published', 'superseded') "
    "BEGIN SELECT RAISE(ABORT, 'adopted covenant text cannot be changed'); END",
]
POSTGRES_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION covenant_articles_refuse() RETURNS trigger AS $$ "
    "DECLARE v integer; BEGIN "
    "IF TG_OP = 'INSERT' THEN v := NEW.version_id; ELSE v := OLD.version_id; END IF; "
    "IF EXISTS (SELECT 1 FROM covenant_versions WHERE id = v "
    "AND state IN ('adopted', 'published', 'superseded')) "
    "THEN RAISE EXCEPTION 'adopted covenant text cannot be changed'; END IF; "
    "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER covenant_articles_frozen BEFORE INSERT OR UPDATE OR DELETE "
    "ON covenant_articles FOR EACH ROW EXECUTE FUNCTION covenant_articles_refuse()",
    "CREATE OR REPLACE FUNCTION covenant_versions_refuse() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION 'adopted covenant text cannot be changed'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER covenant_versions_stay_frozen BEFORE UPDATE ON covenant_versions "
    "FOR EACH ROW WHEN (OLD.state IN ('adopted', 'published', 'superseded') "
    "AND NEW.state NOT IN ('adopted', 'published', 'superseded')) "
    "EXECUTE FUNCTION covenant_versions_refuse()",
]

# Both tables exist once covenant_articles is created (it references covenant_versions).
for _sql in SQLITE_TRIGGERS:
    event.listen(CovenantArticle.__table__, "after_create",
                 DDL(_sql).execute_if(dialect="sqlite"))
for _sql in POSTGRES_TRIGGERS:
    event.listen(CovenantArticle.__table__, "after_create",
                 DDL(_sql).execute_if(dialect="postgresql"))
