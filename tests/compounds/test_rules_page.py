"""The compound's rules page (议事规则设置): every member reads it, community staff or the
owners' committee change it, within bounds; each save that changes something is one audit
entry listing old → new, and a save that changes nothing writes nothing."""
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.extensions import db
from app.meetings import rules as meeting_rules
from app.site import rules as settings
from tests.proposals.helpers import World

DEFAULTS = {"min_consultation_days": 7, "second_threshold": 10, "notice_days": 15,
            "temporary_notice_days": 7, "objection_days": 3, "council_notice_days": 3,
            "committee_notice_days": 7, "residents_notice_days": 7, "confirm_days": 3,
            "candidate_nominators": 1}


def _text(response) -> str:
    return response.get_data(as_text=True)


def _entries():
    return db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "compound.rules").order_by(AuditEntry.id)).all()


def _url(w):
    return f"/c/{w.compound.id}/rules"


def test_every_member_reads_the_rules_and_only_staff_or_committee_change_them(
        app, client, login_as):
    w = World(n_owners=1)
    login_as(w.owners[0])
    page = _text(client.get(_url(w)))
    assert "议事规则设置" in page and "征求意见期不少于" in page
    assert 'name="objection_days"' not in page  # read only
    assert "议事规则设置" in _text(client.get(f"/c/{w.compound.id}/"))  # linked from the compound
    for who in (w.owners[0], w.party, w.council[0]):
        login_as(who)
        assert client.post(_url(w), data={**DEFAULTS, "objection_days": 5}).status_code == 403
    db.session.expire_all()
    assert w.compound.objection_days == 3 and _entries() == []
    for who, days in ((w.staff, 5), (w.committee, 6)):
        login_as(who)
        assert client.get(_url(w)).status_code == 200
        assert client.post(_url(w), data={**DEFAULTS, "objection_days": days}).status_code == 302
        db.session.expire_all()
        assert w.compound.objection_days == days


def test_one_audit_entry_per_save_with_old_and_new_and_none_when_nothing_changed(
        app, client, login_as):
    w = World(n_owners=1)
    login_as(w.staff)
    data = {**DEFAULTS, "min_consultation_days": 10, "notice_days": 20, "council_notice_days": 5,
            "allows_silent_majority": "y"}
    assert client.post(_url(w), data=data).status_code == 302
    [entry] = _entries()
    assert entry.data["changes"] == {"min_consultation_days": [7, 10], "notice_days": [15, 20],
                                     "council_notice_days": [3, 5],
                                     "allows_silent_majority": [False, True]}
    db.session.expire_all()
    assert w.compound.min_consultation_days == 10 and w.compound.allows_silent_majority
    assert meeting_rules.notice_days(w.compound, "council") == 5
    response = client.post(_url(w), data=data, follow_redirects=True)
    assert "没有修改任何设置" in _text(response)
    assert len(_entries()) == 1
    assert client.post(_url(w), data={**data, "confirm_days": 4}).status_code == 302
    assert [e.data["changes"] for e in _entries()][1] == {"confirm_days": [3, 4]}
    assert verify().ok


def test_bounds_are_refused_in_plain_words_and_change_nothing(app, client, login_as):
    w = World(n_owners=1)
    login_as(w.staff)
    for field, value, words in (
            ("notice_days", 14, "不得少于 15 日"),
            ("temporary_notice_days", 6, "不得少于 7 日"),
            ("temporary_notice_days", 16, "不能长于一般表决公告期"),
            ("objection_days", 0, "异议期须在 1 到 30 日之间"),
            ("min_consultation_days", 0, "征求意见期须在 1 到 90 日之间"),
            ("confirm_days", 0, "纪要确认期须在 1 到 60 日之间"),
            ("second_threshold", 0, "附议户数须在 1 到 1000 之间"),
            ("candidate_nominators", 0, "所需业主人数须在 1 到 50 之间")):
        response = client.post(_url(w), data={**DEFAULTS, field: value})
        assert response.status_code == 400, field
        assert words in _text(response), field
    db.session.expire_all()
    assert settings.current(w.compound) == {
        **DEFAULTS, "allows_temporary_meeting": False, "allows_silent_majority": False,
        "parking_counts_in_area": False, "council_two_thirds": False}
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "compound.rules")) == 0
