"""The community and subdistrict desks: every figure against a hand-computed fixture, the
charts, the monthly .xlsx, and who may read them (403 for everyone else).

The fixture (China time; "now" is 2026-12-05), community 1 unless said:
  T1 created 10-10 09:00, due 10-15 18:00, finished 10-14 10:00 (on time), rated 满意 and
     archived 10-16 10:00 (6 days 1 hour)
  T2 created 10-20 08:00, due 10-25 18:00, finished 10-28 12:00 (late), 不满意, redone,
     finished again 11-02, second rating 基本满意 archived 11-03 08:00 (14 days)
  T3 created 11-01, due 11-05 18:00, finished exactly 11-05 18:00 (on time), 不满意 (waiting
     for the 回访: no final rating yet)
  T4 created 11-03 09:00, due 11-10 18:00, finished 11-12 09:00 (late), 不满意, redone, second
     rating 不满意 archived 11-20 06:36 (16.9 days)
  T5 created 10-25, due 11-02 18:00, finished 11-01 00:30 (on time; still October in UTC)
  T6 community 2 of the same subdistrict: finished and archived 满意 in November
  T7 declined, T8 withdrawn, T9 assigned and past due (overdue; compound B), T10 taken, due
     next week (compound B)
October: finished 2 (T1, T2), on time 1 -> 50.00%; final ratings 1 (T1), good 1 -> 100.00%;
  archived 1 -> median 6.04 days -> "6.0".
November: finished 3 (T3, T4, T5), on time 2 -> 66.67%; final ratings 2 (T2 基本满意, T4
  不满意) -> 50.00%; archived 2 (14 and 16.9 days) -> median 15.45 -> "15.5" (half-up).
Now: open 4 (T3, T5, T9, T10), overdue 1 (T9), archived 3, declined 1, withdrawn 1."""
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from app.compounds import levels
from app.compounds.models import Community, Subdistrict
from app.core.time import CHINA
from app.dispatch import desk
from app.dispatch.models import Ticket, TicketEvent
from app.extensions import db
from tests.factories import make_compound, make_staff, make_user

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=CHINA).astimezone(timezone.utc)


def cn(month, day, hour=0, minute=0, year=2026):
    return datetime(year, month, day, hour, minute, tzinfo=CHINA).astimezone(timezone.utc)


class DeskWorld:
    def __init__(self):
        self.a = make_compound("锦华苑")
        self.community = db.session.get(Community, self.a.community_id)
        self.b = make_compound("锦华二期", community=self.community)
        self.subdistrict = db.session.get(Subdistrict, self.community.subdistrict_id)
        self.other_community = Community(subdistrict_id=self.subdistrict.id, name="东路社区")
        db.session.add(self.other_community)
        db.session.flush()
        self.c = make_compound("东苑", community=self.other_community)
        self.staff = make_staff(self.a, make_user(name="王社工"))
        self.other_staff = make_staff(self.c, make_user(name="钱社工"))
        self.reporter = make_user(name="李小明")
        self.admin = make_user(name="管理员", is_admin=True)
        self.sub_staff = make_user(name="陈科长")
        self.nobody = make_user(name="路人甲")
        db.session.commit()
        levels.assign_subdistrict_staff(self.admin, self.subdistrict, self.sub_staff)
        self.tickets = {}
        self._make()
        db.session.commit()

    def ticket(self, name, compound, state, created, due=None, events=(), first=None,
               second=None):
        t = Ticket(source="patrol", compound_id=compound.id,
                   community_id=compound.community_id, title=f"工单{name}", state=state,
                   reporter_id=self.reporter.id, created_at=created, updated_at=created,
                   due_at=due, rating_first=first, rating_second=second,
                   revisited_at=created if second else None,
                   redone_at=created if second else None)
        db.session.add(t)
        db.session.flush()
        for action, to_state, at in events:
            db.session.add(TicketEvent(ticket_id=t.id, action=action, to_state=to_state,
                                       created_at=at))
        self.tickets[name] = t
        return t

    def _make(self):
        a, b = self.a, self.b
        self.ticket("T1", a, "archived", cn(10, 10, 9), cn(10, 15, 18),
                    [("finish", "finished", cn(10, 14, 10)),
                     ("rate", "archived", cn(10, 16, 10))], first="satisfied")
        self.ticket("T2", a, "archived", cn(10, 20, 8), cn(10, 25, 18),
                    [("finish", "finished", cn(10, 28, 12)),
                     ("dissatisfy", "unsatisfied", cn(10, 29, 9)),
                     ("finish", "finished", cn(11, 2, 9)),
                     ("rate", "archived", cn(11, 3, 8))],
                    first="unsatisfied", second="basic")
        self.ticket("T3", a, "unsatisfied", cn(11, 1), cn(11, 5, 18),
                    [("finish", "finished", cn(11, 5, 18)),
                     ("dissatisfy", "unsatisfied", cn(11, 6, 9))], first="unsatisfied")
        self.ticket("T4", a, "archived", cn(11, 3, 9), cn(11, 10, 18),
                    [("finish", "finished", cn(11, 12, 9)),
                     ("dissatisfy", "unsatisfied", cn(11, 13, 9)),
                     ("finish", "finished", cn(11, 18, 9)),
                     ("rate", "archived", cn(11, 20, 6, 36))],
                    first="unsatisfied", second="unsatisfied")
        self.ticket("T5", a, "finished", cn(10, 25), cn(11, 2, 18),
                    [("finish", "finished", cn(11, 1, 0, 30))])
        self.ticket("T6", self.c, "archived", cn(11, 4), cn(11, 9, 18),
                    [("finish", "finished", cn(11, 5)), ("rate", "archived", cn(11, 6))],
                    first="satisfied")
        self.ticket("T7", a, "declined", cn(11, 7))
        self.ticket("T8", a, "withdrawn", cn(11, 8))
        self.ticket("T9", b, "assigned", cn(11, 20), cn(12, 1, 18))
        self.ticket("T10", b, "taken", cn(12, 1), cn(12, 10, 18))


def _month(m):
    return (m.finished, m.on_time, m.on_time_rate, m.rated, m.satisfied, m.satisfaction_rate,
            m.archived, m.median_days)


@pytest.mark.both_databases
def test_monthly_figures_against_the_hand_computed_fixture(app):
    w = DeskWorld()
    october, november, december = desk.monthly([w.community.id],
                                               ["2026-10", "2026-11", "2026-12"])
    assert _month(october) == (2, 1, "50.00%", 1, 1, "100.00%", 1, "6.0")
    assert _month(november) == (3, 2, "66.67%", 2, 1, "50.00%", 2, "15.5")
    assert _month(december) == (0, 0, "—", 0, 0, "—", 0, "—")
    # Exact: the median is a Fraction of microseconds, 15.45 days.
    assert november.median_close / (86_400 * 10**6) == pytest.approx(15.45, abs=1e-12)
    # The subdistrict adds community 2's T6 (on time, 满意, 2 days).
    sub_nov = desk.monthly(desk.community_ids_of(w.subdistrict.id), ["2026-11"])[0]
    assert _month(sub_nov) == (4, 3, "75.00%", 3, 2, "66.67%", 3, "14.0")


@pytest.mark.both_databases
def test_counts_now_by_compound_and_in_total(app):
    w = DeskWorld()
    found = desk.counts([w.community.id], NOW)
    t = found.total
    assert (t.open, t.overdue, t.closed, t.declined, t.withdrawn) == (4, 1, 3, 1, 1)
    by = {c.name: (c.open, c.overdue, c.closed) for c in found.by["compound"]}
    assert by == {"锦华苑": (2, 0, 3), "锦华二期": (2, 1, 0)}
    sub = desk.counts(desk.community_ids_of(w.subdistrict.id), NOW)
    assert {c.name: c.closed for c in sub.by["community"]} == {
        w.community.name: 3, "东路社区": 1}


def test_month_arithmetic():
    assert desk.last_months(NOW)[0] == "2026-01" and desk.last_months(NOW)[-1] == "2026-12"
    assert desk.last_months(cn(1, 1, 0, 5, year=2027))[:2] == ["2026-02", "2026-03"]
    assert desk.month_key(cn(11, 1, 0, 30)) == "2026-11"  # 10-31 16:30 UTC
    assert desk.parse_month("2026-13") is None and desk.parse_month("26-11") is None
    assert desk.days_text(None) == "—"
    assert desk.median([3, 1, 2]) == 2 and desk.median([1, 2]) == desk.median([2, 1])


def test_the_charts_say_twelve_months_in_words(app):
    w = DeskWorld()
    with app.test_request_context():
        months = desk.monthly([w.community.id], desk.last_months(NOW))
        charts = desk.charts(months)
    svg = str(charts["on_time"])
    label = re.search(r'aria-label="([^"]*)"', svg).group(1)
    parts = label.split("：", 1)[1].split("；")
    assert len(parts) == 12
    assert parts[9] == "2026年10月 50.00%" and parts[10] == "2026年11月 66.67%"
    assert parts[11] == "2026年12月 —"
    assert svg.count("<rect") == 2 and 'role="img"' in svg and "<title>" in svg
    assert "2026年11月 15.5" in str(charts["median"])
    assert "2026年11月 50.00%" in str(charts["satisfaction"])


def _get(client, login_as, user, url):
    if user is not None:
        login_as(user)
    return client.get(url)


def test_desks_show_the_figures_with_links(app, client, login_as):
    w = DeskWorld()
    login_as(w.staff)
    page = client.get(f"/community/{w.community.id}/").get_data(as_text=True)
    cid = w.community.id
    assert f"/dispatch/community/{cid}/tickets?open=1" in page
    assert f"/dispatch/community/{cid}/tickets?overdue=1" in page
    assert "<svg" in page and 'role="img"' in page
    assert f'compound={w.b.id}' in page
    login_as(w.sub_staff)
    page = client.get(f"/subdistrict/{w.subdistrict.id}/").get_data(as_text=True)
    assert "东路社区" in page and "<svg" in page
    assert "/dispatch/community/" not in page  # not theirs to open


def test_the_list_filters_the_desk_links_to(app, client, login_as):
    w = DeskWorld()
    login_as(w.staff)
    base = f"/dispatch/community/{w.community.id}/tickets"

    def titles(query):
        page = client.get(f"{base}?{query}").get_data(as_text=True)
        return set(re.findall(r"工单T\d+", page))
    assert titles("open=1") == {"工单T3", "工单T5", "工单T9", "工单T10"}
    assert titles(f"compound={w.b.id}&open=1") == {"工单T9", "工单T10"}
    assert titles("finished=2026-11") == {"工单T3", "工单T4", "工单T5"}
    assert titles("archived=2026-11") == {"工单T2", "工单T4"}
    # A filter that is not one is left out, not an error.
    assert client.get(f"{base}?finished=2026-13&compound=x").status_code == 200


def test_who_may_read_the_desks_and_reports(app, client, login_as):
    w = DeskWorld()
    c, s = w.community.id, w.subdistrict.id
    expected = {
        f"/community/{c}/": {"staff": 200, "admin": 200, "sub_staff": 200,
                             "other_staff": 403, "reporter": 403, "nobody": 403},
        f"/community/{c}/report.xlsx?month=2026-11": {
            "staff": 200, "admin": 200, "sub_staff": 200, "other_staff": 403,
            "reporter": 403, "nobody": 403},
        f"/subdistrict/{s}/": {"sub_staff": 200, "admin": 200, "staff": 403,
                               "other_staff": 403, "reporter": 403, "nobody": 403},
        f"/subdistrict/{s}/report.xlsx?month=2026-11": {
            "sub_staff": 200, "admin": 200, "staff": 403, "other_staff": 403,
            "reporter": 403, "nobody": 403},
    }
    for url, statuses in expected.items():
        assert app.test_client().get(url).status_code == 302, url
        for who, status in statuses.items():
            login_as(getattr(w, who))
            assert client.get(url).status_code == status, (url, who)


def _sheets(response):
    book = load_workbook(io.BytesIO(response.data))
    return [[list(r) for r in sheet.iter_rows(values_only=True)] for sheet in book.worksheets], \
        book.sheetnames


def test_the_monthly_report(app, client, login_as):
    w = DeskWorld()
    login_as(w.staff)
    response = client.get(f"/community/{w.community.id}/report.xlsx?month=2026-11")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    (figures, tickets), names = _sheets(response)
    assert names == ["指标", "工单"]
    values = {row[0]: row[1] for row in figures if row and row[0]}
    assert values["按时办结率"] == "66.67%" and values["满意率"] == "50.00%"
    assert values["办结用时中位数（天）"] == "15.5" and values["本月首次办结的工单"] == 3
    assert values["月份"] == "2026-11"
    header, *rows = tickets
    assert header[0] == "编号" and "上报人" in header
    # November's tickets: reported in it, archived in it, or still open (T10 is December's).
    shown = {r[2] for r in rows}
    assert shown == {"工单T2", "工单T3", "工单T4", "工单T5", "工单T7", "工单T8", "工单T9"}
    assert {r[header.index("上报人")] for r in rows} == {"李小明"}
    # The subdistrict's staff read other communities' names masked.
    login_as(w.sub_staff)
    (_figures, tickets), _names = _sheets(
        client.get(f"/subdistrict/{w.subdistrict.id}/report.xlsx?month=2026-11"))
    header, *rows = tickets
    assert {r[header.index("上报人")] for r in rows} == {"李**"}
    assert "工单T6" in {r[2] for r in rows}


def test_a_month_that_is_not_one_is_refused_plainly(app, client, login_as):
    w = DeskWorld()
    login_as(w.staff)
    response = client.get(f"/community/{w.community.id}/report.xlsx?month=2026-1",
                          follow_redirects=True)
    assert response.status_code == 200 and "2026-11" in response.get_data(as_text=True)


def test_issues_waiting_for_acceptance_and_staff_todo(app, client, login_as):
    from tests.dispatch.helpers import DispatchWorld
    w = DispatchWorld()
    ticket = w.dispatched()
    login_as(w.staff)
    page = client.get(f"/community/{w.community.id}/").get_data(as_text=True)
    assert f"/dispatch/tickets/{ticket.id}" in page
    assert "待受理的诉求（1 条）" in page
    now = datetime.now(timezone.utc) + timedelta(days=1)
    assert desk.staff_todo([w.compound.id], w.staff, now) == []


def test_the_subdistrict_desk_lists_escalated_tickets(app, client, login_as):
    w = DeskWorld()
    up = w.ticket("T11", w.c, "accepted", cn(11, 25))
    up.level = "subdistrict"
    db.session.commit()
    assert [row[0] for row in desk.escalated(w.subdistrict.id)] == [up.id]
    login_as(w.sub_staff)
    page = client.get(f"/subdistrict/{w.subdistrict.id}/").get_data(as_text=True)
    assert "呼叫至街道的工单（1 张）" in page and f"/dispatch/tickets/{up.id}" in page
