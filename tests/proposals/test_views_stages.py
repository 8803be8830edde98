"""The stage rules on the proposal page: the review button is not offered to the proposer, the
opinions are asked for in labelled fields and shown on the timeline with who gave them, a
refused early submission says from when, and missing holiday data is pointed out."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import update

from app.core.time import utcnow
from app.extensions import db
from app.proposals import services
from app.proposals.models import Proposal
from app.proposals.periods import CST, earliest_voting_start
from tests.proposals.helpers import COUNCIL_OPINION, World, summarise
from tests.proposals.web import url

REVIEW = "同意提交议事会商议，请在公告中写明施工期间的安全措施。"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _in_review(w):
    p = services.create(w.party, w.compound, title="更换电梯", body="理由", kind="owners",
                        matter=4)
    services.transition(w.party, p, "open_consultation", now=utcnow() - timedelta(days=30))
    summarise(w.party, p)
    services.transition(w.party, p, "submit_review")
    db.session.commit()
    return p


def test_an_early_submission_is_refused_with_the_date_it_may_go(app, client, login_as):
    w = World(n_owners=1)
    p = services.create(w.party, w.compound, title="更换电梯", body="理由", kind="owners",
                        matter=4)
    db.session.commit()
    login_as(w.party)
    assert client.post(url(p, "act/open_consultation")).status_code == 302
    response = client.post(url(p, "act/submit_review"))
    assert response.status_code == 409
    assert "不少于 7 日" in _text(response) and "方可提交党组织审议" in _text(response)
    db.session.expire_all()
    assert p.state == "consultation"


def test_the_proposer_is_not_offered_the_review_and_is_refused(app, client, login_as):
    w = World(n_owners=1)
    p = _in_review(w)
    login_as(w.party)
    page = _text(client.get(url(p)))
    assert "审议通过，交议事会商议" not in page and "须由党支部其他成员审议" in page
    response = client.post(url(p, "act/approve_review"), data={"reason": "同意"})
    assert response.status_code == 403 and "不能由您审议" in _text(response)
    db.session.expire_all()
    assert p.state == "review"


def test_opinions_are_required_and_shown_with_name_and_role(app, client, login_as):
    w = World(n_owners=1)
    p = _in_review(w)
    login_as(w.party_deputy)
    page = _text(client.get(url(p)))
    assert "审议通过，交议事会商议" in page and "审议意见（必填）" in page
    response = client.post(url(p, "act/approve_review"), data={"reason": " "})
    assert response.status_code == 400 and "请填写审议意见" in _text(response)
    assert client.post(url(p, "act/approve_review"), data={"reason": REVIEW}).status_code == 302
    w.council_decides(p)

    login_as(w.committee)
    page = _text(client.get(url(p)))
    # The council sees the party cell's opinion where it deliberates, and must write its own.
    assert "此前各环节的意见" in page and REVIEW in page and "议事会商议意见（必填）" in page
    opens = earliest_voting_start(utcnow(), 15).astimezone(CST)
    form = {"opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (opens + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")}
    response = client.post(url(p, "notice"), data=form)
    assert response.status_code == 400 and "请填写议事会商议意见" in _text(response)
    db.session.expire_all()
    assert p.state == "deliberation"
    assert client.post(url(p, "notice"), data={**form, "opinion": COUNCIL_OPINION}) \
        .status_code == 302

    login_as(w.owners[0])
    page = _text(client.get(url(p)))
    assert f"审议意见：{REVIEW}" in page and f"商议意见：{COUNCIL_OPINION}" in page
    assert "小区党支部" in page and "业委会成员" in page
    assert "党支部委员" not in page and "党****" in page  # names masked on the public timeline


def test_missing_holiday_data_is_pointed_out_to_staff_and_on_the_page(app, client, login_as):
    w = World(n_owners=1)
    p = w.proposal()
    w.council_decides(p)
    login_as(w.committee)
    opens = earliest_voting_start(utcnow(), 15).astimezone(CST)
    closes = datetime(2028, 1, 20, 17, tzinfo=CST)  # the window ends in a year with no data
    response = client.post(url(p, "notice"), data={
        "opinion": COUNCIL_OPINION, "opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": closes.strftime("%Y-%m-%dT%H:%M")}, follow_redirects=True)
    assert response.status_code == 200
    assert "节假日数据缺少 2028 年，请人工核对异议期的截止日期" in _text(response)
    login_as(w.owners[0])
    assert "节假日数据缺少 2028 年" in _text(client.get(url(p)))
    # Once the result is published the windows have run: no more warning.
    db.session.execute(update(Proposal).where(Proposal.id == p.id).values(
        state="published", voting_closes_at=datetime(2026, 1, 1, tzinfo=timezone.utc)))
    db.session.commit()
    assert "节假日数据缺少" not in _text(client.get(url(p)))
