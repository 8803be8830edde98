"""What awaits a person in meetings (app.core.todo): meetings they are convened to, minutes
waiting for their confirmation, and minutes overdue for publication (the meeting began more
than OVERDUE_DAYS days ago and its decisions are still not public), for the convener and
recorder; the compound home shows the overdue ones to everyone (`OVERDUE`)."""
from datetime import timedelta
from types import SimpleNamespace

from flask import url_for
from sqlalchemy import Integer, and_, bindparam, exists, or_, select

from app.core.i18n import lazy_gettext as _l
from app.core.todo import NOW, USER_ID, TodoItem, columns, ids
from app.core.types import UTCDateTime
from app.meetings.models import Attendance, Meeting, Minutes, MinutesResponse

OVERDUE_DAYS = 3


# Meetings that began before this are overdue if their minutes are not public (`params`).
_OVERDUE_BEFORE = bindparam("overdue_before", type_=UTCDateTime)


def params(now) -> dict:
    return {"overdue_before": now - timedelta(days=OVERDUE_DAYS)}


def _overdue(in_compounds):
    unpublished = ~exists().where(Minutes.meeting_id == Meeting.id,
                                  Minutes.status == "published")
    return and_(in_compounds, Meeting.status != "cancelled",
                Meeting.starts_at < _OVERDUE_BEFORE, unpublished)


def queries(scopes) -> list:
    if "member" not in scopes:
        return []
    convened = (select(*columns("meetings.convened", Meeting.compound_id, Meeting.id,
                                Meeting.title, Meeting.starts_at))
                .join(Attendance, Attendance.meeting_id == Meeting.id)
                .where(Meeting.compound_id.in_(ids("member")), Meeting.starts_at >= NOW,
                       Meeting.status != "cancelled", Attendance.user_id == USER_ID))
    confirmed = exists().where(MinutesResponse.minutes_id == Minutes.id,
                               MinutesResponse.revision_id == Minutes.current_revision_id,
                               MinutesResponse.user_id == USER_ID,
                               MinutesResponse.kind == "confirm")
    to_confirm = (select(*columns("meetings.confirm", Meeting.compound_id, Meeting.id,
                                  Meeting.title, Minutes.confirm_ends_at))
                  .join(Minutes, Minutes.meeting_id == Meeting.id)
                  .join(Attendance, and_(Attendance.meeting_id == Meeting.id,
                                         Attendance.user_id == USER_ID,
                                         Attendance.status == "present"))
                  .where(Meeting.compound_id.in_(ids("member")), Minutes.status == "confirming",
                         ~confirmed))
    overdue = (select(*columns("meetings.overdue", Meeting.compound_id, Meeting.id,
                               Meeting.title, Meeting.starts_at))
               .where(_overdue(Meeting.compound_id.in_(ids("member"))),
                      or_(Meeting.convener_id == USER_ID, Meeting.recorder_id == USER_ID)))
    return [convened, to_confirm, overdue]


_COMPOUND_ID = bindparam("compound_id", type_=Integer)

# The compound's meetings still to come, for its home page (`detail`: the place); bind
# parameters `compound_id` and `now`.
UPCOMING = (select(*columns("meetings.upcoming", Meeting.compound_id, Meeting.id,
                            Meeting.title, Meeting.starts_at, detail=Meeting.place))
            .where(Meeting.compound_id == _COMPOUND_ID, Meeting.starts_at >= NOW,
                   Meeting.status != "cancelled"))


def upcoming_from(rows, limit: int = 3) -> list[SimpleNamespace]:
    """UPCOMING's rows as the meetings card reads them (id, title, starts_at, place)."""
    ordered = sorted((r for r in rows if r["kind"] == "meetings.upcoming"),
                     key=lambda r: (r["due_at"], r["ref_id"]))
    return [SimpleNamespace(id=r["ref_id"], title=r["title"], starts_at=r["due_at"],
                            place=r["detail"]) for r in ordered[:limit]]


# Every meeting of the compound (`compound_id`) whose minutes are overdue, whoever looks;
# with `params()`.
OVERDUE = (select(*columns("meetings.overdue", Meeting.compound_id, Meeting.id,
                           Meeting.title, Meeting.starts_at))
           .where(_overdue(Meeting.compound_id == _COMPOUND_ID)))


def item(row) -> TodoItem | None:
    cid, mid = row["compound_id"], row["ref_id"]
    if row["kind"] == "meetings.convened":
        return TodoItem(row["kind"], _l("参加会议"), row["title"],
                        url_for("meetings.show", compound_id=cid, meeting_id=mid), cid,
                        row["due_at"])
    if row["kind"] == "meetings.confirm":
        return TodoItem(row["kind"], _l("确认会议纪要"), row["title"],
                        url_for("meetings.minutes", compound_id=cid, meeting_id=mid)
                        + "#actions", cid, row["due_at"])
    return TodoItem(row["kind"], _l("会议纪要逾期未公开"), row["title"],
                    url_for("meetings.show", compound_id=cid, meeting_id=mid), cid,
                    row["due_at"] + timedelta(days=OVERDUE_DAYS), overdue=True)
