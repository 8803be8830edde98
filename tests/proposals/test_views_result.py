"""The result page explains itself; objections; staff publish the final result; the cron
command that opens and closes votes."""
from datetime import timedelta

from sqlalchemy import select, update

from app.core.time import utcnow
from app.extensions import db
from app.proposals import services
from app.proposals.models import Proposal, ProposalEvent
from app.proposals.periods import earliest_voting_start
from tests.proposals.helpers import COUNCIL_OPINION, World
from tests.proposals.web import open_now, url, vote_now


def _text(response) -> str:
    return response.get_data(as_text=True)


def _closed(w, proposal, votes):
    open_now(w, proposal)
    for owner, choice in zip(w.owners, votes, strict=False):
        vote_now(proposal, owner, choice)
    services.close_voting(proposal, now=proposal.voting_closes_at)
    db.session.commit()
    return proposal


def test_result_page_explains_each_figure_against_its_threshold(app, client, login_as):
    w = World(n_owners=6)
    p = _closed(w, w.proposal(matter=4), ["yes", "yes", "yes", "no", "abstain"])
    login_as(w.owners[5])
    page = _text(client.get(url(p, "result")))
    assert "初步结果" in page and "表决结果：通过" in page
    assert "参与表决的专有部分面积：<strong class=\"figure-value\">500.00 m²</strong> / 600.00 m²" \
        "（83.33%）" in page
    assert "要求三分之二以上（≥ 2/3）" in page and "要求过半数（" in page
    assert "同意的业主人数（占参与表决人数）：<strong class=\"figure-value\">3</strong> / 5" in page
    assert "民法典 第二百七十八条" in page and "第一千二百五十九条" in page
    assert "如何核验" in page and "哈希" not in page


def test_quorum_failure_and_special_majority_are_spelled_out(app, client, login_as):
    w = World(n_owners=6)
    p = _closed(w, w.proposal(matter=6), ["yes", "yes", "yes"])
    login_as(w.owners[0])
    page = _text(client.get(url(p, "result")))
    assert "表决结果：未通过（参与表决未达到法定要求）" in page
    assert "四分之三以上（≥ 3/4）" in page and "未达到" in page


def test_silent_majority_shows_raw_and_deemed_side_by_side(app, client, login_as):
    w = World(n_owners=6)
    w.compound.allows_silent_majority = True
    db.session.commit()
    p = _closed(w, w.proposal(matter=1), ["yes", "yes", "no"])
    login_as(w.owners[0])
    page = _text(client.get(url(p, "result")))
    assert "实际投票" in page and "未投票视为同意多数" in page
    assert "未投票的业主计入多数意见“同意”" in page
    raw, deemed = page.split('id="deemed-h"')
    assert "300.00 m²</strong> / 600.00 m²" in raw  # 3 of 6 took part: no quorum on the raw tally
    assert "600.00 m²</strong> / 600.00 m²" in deemed


def test_option_ballot_result_names_each_option_escaped(app, client, login_as):
    w = World(n_owners=4)
    p = _closed(w, w.proposal(matter=4, options=["甲物业", "<script>alert(1)</script>乙"]),
                ["opt1", "opt1", "opt1", "opt2"])
    login_as(w.owners[0])
    for path in ("result", "print", "ballots", ""):
        page = _text(client.get(url(p, path)))
        assert "<script>alert(1)" not in page, path
    page = _text(client.get(url(p, "result")))
    assert "选项“甲物业”" in page and "选项“&lt;script&gt;alert(1)&lt;/script&gt;乙”" in page
    assert "表决结果：通过" in page


def test_council_and_consultation_results(app, client, login_as):
    w = World(n_owners=2)
    council = w.proposal(kind="council")
    open_now(w, council)
    for member, choice in zip(w.council, ["yes", "yes", "no"], strict=False):
        vote_now(council, member, choice)
    services.close_voting(council, now=council.voting_closes_at)
    db.session.commit()
    login_as(w.owners[0])
    page = _text(client.get(url(council, "result")))
    assert "参加表决的成员（占全体成员）" in page and "3</strong> / 5" in page
    assert "表决结果：未通过" in page  # 2 of 5 agree: not more than half of all members
    consultation = w.proposal(kind="consultation")
    open_now(w, consultation)
    vote_now(consultation, w.owners[0], "yes")
    services.close_voting(consultation, now=consultation.voting_closes_at)
    db.session.commit()
    page = _text(client.get(url(consultation, "result")))
    assert "仅供参考" in page and "同意：<strong class=\"figure-value\">1</strong>" in page


def test_objections_are_lodged_in_the_window_and_answered_by_staff(app, client, login_as):
    w = World(n_owners=3)
    p = _closed(w, w.proposal(), ["yes", "yes"])
    # The preliminary result was computed "at the deadline" (in two days): move the window
    # so that it is open now.
    db.session.execute(update(Proposal).where(Proposal.id == p.id).values(
        objection_ends_at=utcnow() + timedelta(days=3)))
    db.session.commit()
    login_as(w.owners[2])
    response = client.post(url(p, "objections"), data={"body": " "})
    assert response.status_code == 400 and "请写明异议内容" in _text(response)
    assert client.post(url(p, "objections"), data={"body": "计票有误"}).status_code == 302
    page = _text(client.get(url(p, "result")))
    assert "计票有误" in page and "等待社区工作人员答复" in page
    assert w.owners[2].display_name not in page  # masked for members
    login_as(w.staff)
    page = _text(client.get(url(p, "result")))
    assert w.owners[2].display_name in page and "发布答复" in page and "公布最终结果" in page
    objection_id = int(page.split("/objections/")[1].split("/")[0])
    response = client.post(url(p, f"objections/{objection_id}/answer"), data={"answer": ""})
    assert response.status_code == 400
    assert client.post(url(p, f"objections/{objection_id}/answer"),
                       data={"answer": "已复核"}).status_code == 302
    response = client.post(url(p, f"objections/{objection_id}/answer"), data={"answer": "再答"})
    assert response.status_code == 409
    assert client.post(url(p, "act/publish_result")).status_code == 409  # window still open
    db.session.execute(update(Proposal).where(Proposal.id == p.id).values(
        objection_ends_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    login_as(w.owners[2])
    assert client.post(url(p, "objections"), data={"body": "晚了"}).status_code == 409
    login_as(w.staff)
    assert client.post(url(p, "act/publish_result")).status_code == 302
    final = services.final_result(p)
    page = _text(client.get(url(p, "result")))
    assert "最终结果" in page and final.audit_head in page and "已复核" in page


def test_close_due_command_opens_and_closes_every_due_vote(app):
    w = World(n_owners=3)
    to_open, to_close, not_yet = w.proposal(), w.proposal(), w.proposal()
    published = utcnow() - timedelta(days=40)
    opens = earliest_voting_start(published, 15)
    w.council_decides(to_open, at=published)
    w.council_decides(not_yet)
    services.publish_notice(w.committee, to_open, opinion=COUNCIL_OPINION, opens_at=opens,
                            closes_at=utcnow() + timedelta(days=1), now=published)
    open_now(w, to_close, closes_in=timedelta(seconds=-1))
    later = earliest_voting_start(utcnow(), 15)
    services.publish_notice(w.committee, not_yet, opinion=COUNCIL_OPINION, opens_at=later,
                            closes_at=later + timedelta(days=1))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["proposals", "close-due"])
    assert result.exit_code == 0, result.output
    assert f"proposal {to_open.id}: notice -> voting" in result.output
    assert f"proposal {to_close.id}: voting -> objection" in result.output
    assert str(not_yet.id) + ":" not in result.output
    db.session.expire_all()
    assert (to_open.state, to_close.state, not_yet.state) == ("voting", "objection", "notice")
    again = app.test_cli_runner().invoke(args=["proposals", "close-due"])
    assert again.exit_code == 0 and "->" not in again.output
    assert len(db.session.scalars(select(ProposalEvent).where(
        ProposalEvent.action == "close_voting")).all()) == 1
