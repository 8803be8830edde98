"""The compound's rules of procedure (议事规则设置): how long stages last, the agenda threshold,
the owners' vote settings and the meeting notice periods, in one place. Community staff or
the owners' committee enter them as the compound's adopted 议事规则 says; every member may read
them. A proposal keeps the values a stage uses when it enters that stage
(app.proposals.services), so a change here never moves a proposal already past it."""
from dataclasses import dataclass

from app.audit.services import record
from app.compounds.access import has_role, primary_role
from app.compounds.models import Compound
from app.core.errors import PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.meetings import rules as meeting_rules
from app.meetings.models import MeetingRules

EDITORS = ("staff", "committee")


@dataclass(frozen=True)
class Setting:
    name: str
    where: str  # "compound" or "meetings"
    attr: str
    low: int | None = None  # None: a yes/no setting
    high: int | None = None
    message: object = None  # what a value out of bounds is told

    @property
    def is_flag(self) -> bool:
        return self.low is None


SETTINGS = (
    Setting("min_consultation_days", "compound", "min_consultation_days", 1, 90,
            _l("征求意见期须在 1 到 90 日之间。")),
    Setting("second_threshold", "compound", "second_threshold", 1, 1000,
            _l("附议户数须在 1 到 1000 之间。")),
    Setting("notice_days", "compound", "notice_days", 15, 90,
            _l("业主共同决定的表决公告期不得少于 15 日（最多 90 日）。")),
    Setting("allows_temporary_meeting", "compound", "allows_temporary_meeting"),
    Setting("temporary_notice_days", "compound", "temporary_notice_days", 7, 90,
            _l("临时会议的公告期不得少于 7 日（最多 90 日）。")),
    Setting("objection_days", "compound", "objection_days", 1, 30,
            _l("异议期须在 1 到 30 日之间。")),
    Setting("allows_silent_majority", "compound", "allows_silent_majority"),
    Setting("parking_counts_in_area", "compound", "parking_counts_in_area"),
    Setting("council_two_thirds", "compound", "council_two_thirds"),
    Setting("candidate_nominators", "compound", "candidate_nominators", 1, 50,
            _l("推荐一名业委会委员候选人所需业主人数须在 1 到 50 之间。")),
    Setting("council_notice_days", "meetings", "council_notice_days", 0, 60,
            _l("会议提前通知天数须在 0 到 60 日之间。")),
    Setting("committee_notice_days", "meetings", "committee_notice_days", 0, 60,
            _l("会议提前通知天数须在 0 到 60 日之间。")),
    Setting("residents_notice_days", "meetings", "residents_notice_days", 0, 60,
            _l("会议提前通知天数须在 0 到 60 日之间。")),
    Setting("confirm_days", "meetings", "confirm_days", 1, 60,
            _l("纪要确认期须在 1 到 60 日之间。")),
)
BY_NAME = {s.name: s for s in SETTINGS}


def current(compound: Compound) -> dict:
    """Every setting's value now (the meeting defaults where the compound has set none)."""
    row = meeting_rules.rules_of(compound)
    defaults = {f"{body}_notice_days": days
                for body, days in meeting_rules.DEFAULT_NOTICE_DAYS.items()}
    defaults["confirm_days"] = meeting_rules.DEFAULT_CONFIRM_DAYS
    return {s.name: getattr(compound, s.attr) if s.where == "compound"
            else getattr(row, s.attr) if row is not None else defaults[s.name]
            for s in SETTINGS}


def may_edit(user, compound: Compound) -> bool:
    return has_role(user, compound, *EDITORS)


def _check(values: dict) -> dict:
    clean = {}
    for s in SETTINGS:
        value = values.get(s.name)
        if s.is_flag:
            clean[s.name] = bool(value)
            continue
        if value is None or isinstance(value, bool) or not isinstance(value, int) \
                or not s.low <= value <= s.high:
            raise ServiceError(s.message, field=s.name)
        clean[s.name] = value
    if clean["temporary_notice_days"] > clean["notice_days"]:
        raise ServiceError(_l("临时会议的公告期不能长于一般表决公告期。"),
                           field="temporary_notice_days")
    return clean


def update(actor, compound: Compound, values: dict) -> dict:
    """Save the compound's rules. Returns the changes ({name: [old, new]}), recorded in one
    audit entry; when nothing changed, nothing is written and nothing is recorded."""
    if not may_edit(actor, compound):
        raise PermissionDenied(_l("只有社区工作人员或业委会可以修改议事规则设置。"))
    clean = _check(values)
    before = current(compound)
    changes = {name: [before[name], value] for name, value in clean.items()
               if before[name] != value}
    if not changes:
        return {}
    also = []
    if any(BY_NAME[name].where == "meetings" for name in changes):
        row = meeting_rules.rules_of(compound) or MeetingRules(compound_id=compound.id)
        for s in SETTINGS:
            if s.where == "meetings":
                setattr(row, s.attr, clean[s.name])
        db.session.add(row)
        also.append(row)
    for name in changes:
        if BY_NAME[name].where == "compound":
            setattr(compound, BY_NAME[name].attr, clean[name])
    db.session.flush()
    record(actor, compound, "compound.rules", compound, {"changes": changes}, also=also,
           actor_role=primary_role(actor, compound))
    return changes
