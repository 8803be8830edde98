"""Surveys (居民意见征集, 满意度测评): the questions a consultation proposal may carry, and its
answers. A survey is answered named or anonymously (the proposal's is_secret): a named answer
is one row per electorate member; an anonymous one is a participation (who took part) and a
sealed answer set (what they answered), opened at close and written out shuffled, with random
ids and no time, exactly as secret ballots are (app.proposals.sealing)."""
from datetime import datetime

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
from sqlalchemy.orm import Mapped, mapped_column

from app.audit.coverage import require_coverage
from app.core.schema import sql_in
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.extensions import db

QUESTION_KINDS = ("single", "multiple", "rating", "text")
TEXT_STATES = ("pending", "published", "hidden")


class SurveyQuestion(db.Model):
    """One question of a consultation's questionnaire; edited while the proposal is a draft
    (or returned), frozen after. `options` holds the labels of a single or multiple choice."""

    __tablename__ = "survey_questions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    prompt: Mapped[str] = mapped_column(String(300))
    options: Mapped[list] = mapped_column(JSON, default=list)
    is_required: Mapped[bool] = mapped_column(Boolean, default=True)
    __table_args__ = (
        db.UniqueConstraint("proposal_id", "position"),
        CheckConstraint(f"kind IN {sql_in(QUESTION_KINDS)}", name="survey_kind_known"),
    )


class SurveyResponse(db.Model):
    """A named answer set: one per electorate member (the unique constraint), readable by
    name by staff only."""

    __tablename__ = "survey_responses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("electorate_members.id"))
    answers: Mapped[dict] = mapped_column(JSON)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (db.UniqueConstraint("proposal_id", "member_id"),)


class SurveyParticipation(db.Model):
    """Who answered an anonymous survey, with no link to what they answered."""

    __tablename__ = "survey_participations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("electorate_members.id"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (db.UniqueConstraint("proposal_id", "member_id"),)


class SealedSurveyAnswer(db.Model):
    """An anonymous answer set while the survey is open: encrypted, padded to the survey's
    one length, random id. Deleted at close, in the transaction writing the answer sets."""

    __tablename__ = "sealed_survey_answers"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    key_id: Mapped[str] = mapped_column(String(16))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class SurveyAnswerSet(db.Model):
    """An anonymous answer set once opened: written at close in random order with a random
    id, and no time, weight or person."""

    __tablename__ = "survey_answer_sets"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    answers: Mapped[dict] = mapped_column(JSON)


class SurveyText(db.Model):
    """A free-text answer, copied out at close (shuffled, random id, no link to its answer
    set) into the moderation queue: public only once published; a hidden one keeps the
    reason and is never shown."""

    __tablename__ = "survey_texts"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id"))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    reason: Mapped[str] = mapped_column(Text, default="")
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (
        CheckConstraint(f"status IN {sql_in(TEXT_STATES)}", name="survey_text_status_known"),
        CheckConstraint("status <> 'hidden' OR reason <> ''", name="survey_text_hidden_reason"),
    )


class SurveyResult(db.Model):
    """A closed survey's figures, computed and frozen at close: respondents, electorate, and
    per question the counts (integers only; means and rates are exact fractions of them)."""

    __tablename__ = "survey_results"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), unique=True)
    figures: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


require_coverage(SurveyQuestion, SurveyResponse, SurveyParticipation, SealedSurveyAnswer,
                 SurveyText, SurveyResult)
require_coverage(SurveyAnswerSet, scope="proposal_id")
