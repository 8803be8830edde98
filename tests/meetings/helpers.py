"""A compound with a council of five, a committee of three, the party cell, the property
manager, staff, two residents, and another compound with its own member."""
from datetime import date, timedelta

from app.core.time import utcnow
from app.extensions import db
from app.meetings import minutes, services
from tests.factories import grant, make_compound, make_resident, make_staff, make_unit, make_user


class MeetingWorld:
    def __init__(self, council=5):
        self.compound = make_compound("锦华苑会议")
        self.party = make_user(name="周书记")
        grant(self.party, self.compound, "party_cell")
        self.council = []
        for i in range(council):
            user = make_user(name=f"议事员{i}")
            grant(user, self.compound, "council")
            make_resident(user, make_unit(self.compound, building="1"), "owner")
            self.council.append(user)
        self.committee = []
        for i in range(3):
            user = make_user(name=f"业委{i}")
            grant(user, self.compound, "committee")
            self.committee.append(user)
        self.property = make_user(name="物业李经理")
        grant(self.property, self.compound, "property")
        self.staff = make_staff(self.compound, make_user(name="社区王芳"))
        self.resident = make_user(name="居民老陈")
        make_resident(self.resident, make_unit(self.compound, building="2"), "owner")
        self.other = make_compound("别的小区")
        self.outsider = make_user(name="外小区业主")
        make_resident(self.outsider, make_unit(self.other), "owner")
        grant(self.outsider, self.other, "council")
        db.session.commit()

    @property
    def recorder(self):
        return self.council[0]

    def convene(self, *, days_ahead=5, body="council", now=None, **kw):
        now = now or utcnow()
        data = services.ConveneInput(
            body=body, title=kw.pop("title", "第三季度议事会"), place="社区活动室",
            starts_at=now + timedelta(days=days_ahead), recorder_id=self.recorder.id,
            free_items=kw.pop("free_items", ["电动车充电桩选址", "通报上次决定落实情况"]),
            invitee_ids=[self.property.id], **kw)
        meeting = services.convene(self.party, self.compound, data, now=now)
        db.session.commit()
        return meeting

    def held(self, meeting, present=3):
        """Attendance taken at the meeting: the first `present` council members came."""
        at = meeting.starts_at + timedelta(minutes=5)
        rows = services.attendance_of(meeting)
        statuses = {}
        for row in rows:
            if row.is_member:
                index = [u.id for u in self.council].index(row.user_id)
                statuses[row.id] = "present" if index < present else "excused"
            else:
                statuses[row.id] = "present"
        services.record_attendance(self.recorder, self.compound, meeting, statuses, now=at)
        db.session.commit()
        return at

    def items(self, meeting, decision="安装8个充电桩", responsible="物业", due=None):
        first, second = meeting.agenda[0], meeting.agenda[1]
        return [minutes.ItemText(first.position, first.title, "大家同意在南门设置。", decision,
                                 responsible, due or date(2027, 1, 31)),
                minutes.ItemText(second.position, second.title, "路灯已修好。")]

    def published(self, meeting=None):
        """A meeting held, minutes saved twice, confirmed by all present and published."""
        meeting = meeting or self.convene()
        at = self.held(meeting)
        minutes.save_draft(self.recorder, self.compound, meeting, self.items(meeting,
                           decision="安装6个充电桩"), now=at + timedelta(hours=1))
        minutes.save_draft(self.recorder, self.compound, meeting, self.items(meeting),
                           now=at + timedelta(hours=2))
        minutes.submit_for_confirmation(self.recorder, self.compound, meeting,
                                        now=at + timedelta(hours=3))
        for row in minutes.present_attendees(meeting):
            from app.accounts.models import User
            minutes.confirm(db.session.get(User, row.user_id), self.compound, meeting,
                            now=at + timedelta(hours=4))
        minutes.publish(self.party, self.compound, meeting, now=at + timedelta(hours=5))
        db.session.commit()
        return meeting
