"""How long a proposal's stages last, and who may give the written opinion that moves it on
(DESIGN §3 "Stages take their time"). Plain functions of the proposal, reading only the rules
kept on it when it entered the stage, so that a later change of the compound's rules never
moves a proposal already past that point."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.core.i18n import lazy_gettext as _l
from app.core.i18n import lazy_ngettext
from app.core.periods import Period, is_rest_day, local_date, period_after
from app.core.time import cn_date
from app.proposals.models import Proposal

# The opinion each advance records, and what the timeline calls it.
OPINION_ACTIONS = {"approve_review": _l("审议意见"), "publish_notice": _l("商议意见")}
# Objection windows follow the votes that decide something; a resident consultation is advisory.
OBJECTION_KINDS = ("owners", "council")


def consultation_ends_at(proposal: Proposal) -> datetime:
    """The moment the consultation (征求意见) has lasted the compound's minimum, counted as
    民法典 第二百零一至二百零三条 say: the day it opened is not counted, the last day ends at
    24:00 China time and moves past rest days. A proposal that went to consultation before
    the compound had a minimum (no snapshot) may advance at once."""
    if proposal.consultation_opened_at is None or not proposal.consultation_days:
        return proposal.consultation_opened_at or proposal.created_at
    return period_after(proposal.consultation_opened_at, proposal.consultation_days).ends_at


def notice_period(proposal: Proposal) -> Period | None:
    if proposal.notice_published_at is None or not proposal.notice_period_days:
        return None
    return period_after(proposal.notice_published_at, proposal.notice_period_days)


def objection_period(proposal: Proposal, closed_at: datetime) -> Period | None:
    """The objection window (异议期) after voting closes at `closed_at`: the days kept on the
    proposal at its notice, counted like the notice period (民法典 201–203)."""
    if proposal.kind not in OBJECTION_KINDS or not proposal.objection_days:
        return None
    return period_after(closed_at, proposal.objection_days)


def uncovered_years(period: Period) -> list[int]:
    """The years of the period's days that the official holiday calendar has no data for."""
    years, day = set(), local_date(period.start) + timedelta(days=1)
    while day <= period.last_day:
        if not is_rest_day(day)[1]:
            years.add(day.year)
        day += timedelta(days=1)
    return sorted(years)


@dataclass(frozen=True)
class CalendarWarning:
    what: str
    years: list[int]

    def __str__(self) -> str:
        return str(_l("节假日数据缺少 %(years)s 年，请人工核对%(what)s的截止日期。",
                      years="、".join(str(y) for y in self.years), what=self.what))


def calendar_warnings(proposal: Proposal, *, closes_at: datetime | None = None) \
        -> list[CalendarWarning]:
    """Warnings for the proposal's notice period and objection window whose days fall in a
    year the holiday calendar does not cover yet: staff must check those dates by hand.
    `closes_at` gives the objection window of a vote not closed yet (when the notice is
    published)."""
    periods = [(_l("公告期"), notice_period(proposal))]
    closed = proposal.voting_closed_at or closes_at
    if closed is not None:
        periods.append((_l("异议期"), objection_period(proposal, closed)))
    return [CalendarWarning(str(what), uncovered_years(p))
            for what, p in periods if p is not None and not p.calendar_complete]


def review_too_early(proposal: Proposal, ends_at: datetime) -> str:
    """The refusal of an early submit_review: the rule and the day it may go."""
    return str(lazy_ngettext("本小区议事规则规定征求意见不少于 %(days)s 日，本议案自 %(date)s 起"
                             "方可提交党组织审议。",
                             "本小区议事规则规定征求意见不少于 %(days)s 日，本议案自 %(date)s 起"
                             "方可提交党组织审议。",
                             proposal.consultation_days, days=proposal.consultation_days,
                             date=cn_date(advance_date(ends_at))))


def advance_date(moment: datetime) -> date:
    """The day (China time) from which a stage ending at `moment` (24:00) may advance."""
    return local_date(moment)
