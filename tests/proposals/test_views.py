"""The proposal pages over HTTP: list, drafts, lifecycle buttons, notice, timeline, the
first-access open/close, tenant isolation and the query budget."""
import re
from datetime import timedelta

from sqlalchemy import func, insert, select, update

from app.core.time import cn_time, utcnow
from app.extensions import db
from app.issues.models import Comment
from app.proposals import ballots, services
from app.proposals.models import (
    Ballot,
    ElectorateMember,
    Objection,
    Proposal,
    ProposalAttachment,
    ProposalEvent,
    ProposalResult,
)
from app.proposals.periods import CST, earliest_voting_start
from tests.conftest import count_queries
from tests.factories import make_compound, make_resident, make_unit, make_user
from tests.proposals.helpers import COUNCIL_OPINION, World
from tests.proposals.web import deliberate_over_http, open_now, shown, url, vote_now

NEW_PROPOSAL = {"title": "加装电梯", "body": "**理由**：老人上下楼不便", "kind": "owners",
                "matter": "7", "council_body": "council", "ballot_type": "simple",
                "options": "", "ballot_text": "是否同意在 3 栋加装电梯",
                "voting_method": "网上投票"}


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_party_cell_creates_a_draft_that_only_writers_see(app, client, login_as):
    w = World(n_owners=2)
    login_as(w.party)
    response = client.post(f"/c/{w.compound.id}/proposals/new", data=NEW_PROPOSAL)
    assert response.status_code == 302
    proposal = db.session.scalar(select(Proposal))
    assert response.headers["Location"].endswith(url(proposal))
    assert proposal.matter == 7 and proposal.state == "draft"
    page = client.get(url(proposal))
    assert page.status_code == 200
    assert "<strong>理由</strong>" in _text(page)  # sanitised Markdown
    assert "四分之三以上" in _text(page)
    assert "加装电梯" in _text(client.get(f"/c/{w.compound.id}/proposals/"))

    login_as(w.owners[0])
    assert "加装电梯" not in _text(client.get(f"/c/{w.compound.id}/proposals/"))
    assert client.get(url(proposal)).status_code == 403
    assert client.get(f"/c/{w.compound.id}/proposals/new").status_code == 403
    assert client.post(f"/c/{w.compound.id}/proposals/new",
                       data=NEW_PROPOSAL).status_code == 403


def test_form_errors_keep_what_was_typed(app, client, login_as):
    w = World(n_owners=1)
    login_as(w.party)
    base = f"/c/{w.compound.id}/proposals/new"
    response = client.post(base, data={**NEW_PROPOSAL, "matter": "0"})
    assert response.status_code == 400
    assert "第二百七十八条所列事项" in _text(response)
    assert "是否同意在 3 栋加装电梯" in _text(response)  # nothing typed is lost
    response = client.post(base, data={**NEW_PROPOSAL, "kind": "council",
                                       "ballot_type": "options", "options": "甲\n乙"})
    assert response.status_code == 400 and "只能以同意、反对、弃权表决" in _text(response)
    response = client.post(base, data={**NEW_PROPOSAL, "is_secret": "y",
                                       "allows_changes": "y"})
    assert response.status_code == 400 and "不能更改" in _text(response)
    assert db.session.scalar(select(func.count(Proposal.id))) == 0


def test_edit_draft_with_options_then_frozen_after_notice(app, client, login_as):
    w = World(n_owners=1)
    p = services.create(w.party, w.compound, title="物业选聘", body="", kind="owners", matter=4)
    db.session.commit()
    login_as(w.party)
    form = client.get(url(p, "edit"))
    assert form.status_code == 200 and "物业选聘" in _text(form)
    response = client.post(url(p, "edit"), data={
        **NEW_PROPOSAL, "title": "选聘物业公司", "matter": "4", "ballot_type": "options",
        "options": "甲物业\n乙物业\n"})
    assert response.status_code == 302
    db.session.expire_all()
    assert p.title == "选聘物业公司" and [o.label for o in p.options] == ["甲物业", "乙物业"]
    deliberate_over_http(client, login_as, w, p)
    opens = earliest_voting_start(utcnow(), 15)
    w.council_decides(p)
    services.publish_notice(w.committee, p, opinion=COUNCIL_OPINION,
                            opens_at=opens, closes_at=opens + timedelta(days=3))
    db.session.commit()
    assert client.get(url(p, "edit")).status_code == 409


def test_lifecycle_buttons_check_role_and_state(app, client, login_as):
    w = World(n_owners=1)
    p = services.create(w.party, w.compound, title="议案", body="", kind="council")
    services.transition(w.party, p, "open_consultation", now=utcnow() - timedelta(days=30))
    db.session.commit()
    login_as(w.owners[0])
    page = client.get(url(p))
    assert page.status_code == 200 and "提交党组织审议" not in _text(page)
    assert client.post(url(p, "act/submit_review")).status_code == 403
    assert client.post(url(p, "act/no_such_action")).status_code == 404
    login_as(w.party)
    assert "提交党组织审议" in _text(client.get(url(p)))
    response = client.post(url(p, "act/open_consultation"))  # already past it
    assert response.status_code == 409 and "不能进行这项操作" in _text(response)
    assert client.post(url(p, "summary"), data={"body": "无异议"}).status_code == 302
    assert client.post(url(p, "act/submit_review")).status_code == 302
    db.session.expire_all()
    assert p.state == "review"


def test_withdraw_needs_a_reason_and_the_timeline_shows_who_when_why(app, client, login_as):
    w = World(n_owners=1)
    p = services.create(w.party, w.compound, title="议案", body="", kind="owners", matter=1)
    services.transition(w.party, p, "open_consultation")
    db.session.commit()
    login_as(w.party)
    response = client.post(url(p, "act/withdraw"), data={"reason": "  "})
    assert response.status_code == 400 and "请写明理由" in _text(response)
    db.session.expire_all()
    assert p.state == "consultation"
    assert client.post(url(p, "act/withdraw"),
                       data={"reason": "与第 3 号议案重复"}).status_code == 302
    event = db.session.scalar(select(ProposalEvent).where(ProposalEvent.action == "withdraw"))
    page = _text(client.get(url(p)))
    assert "与第 3 号议案重复" in page and "已撤回" in page
    assert "党**" in page and "党支部书记" not in page  # masked actor name
    assert "小区党支部" in page  # role label
    assert cn_time(event.created_at) in page  # 12月5日 18:30, China time


def test_notice_form_shows_earliest_opening_and_refuses_earlier(app, client, login_as):
    w = World(n_owners=1)
    p = w.proposal()
    w.council_decides(p)
    login_as(w.committee)
    page = _text(client.get(url(p)))
    earliest = earliest_voting_start(utcnow(), 15).astimezone(CST)
    assert "发布表决公告" in page and cn_time(earliest) in page
    too_early = (earliest - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    closes = (earliest + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url(p, "notice"), data={"opens_at": too_early, "closes_at": closes,
                                                   "opinion": COUNCIL_OPINION})
    assert response.status_code == 400 and "至少 15 日" in _text(response)
    response = client.post(url(p, "notice"), data={
        "opens_at": earliest.strftime("%Y-%m-%dT%H:%M"), "closes_at": closes,
        "opinion": COUNCIL_OPINION})
    assert response.status_code == 302
    db.session.expire_all()
    assert p.state == "notice" and p.voting_opens_at == earliest
    login_as(w.owners[0])
    assert client.post(url(p, "notice"), data={"opens_at": closes,
                                               "closes_at": closes}).status_code == 403


def test_council_resolution_needs_no_notice_period(app, client, login_as):
    w = World(n_owners=1)
    p = w.proposal(kind="council")
    w.council_decides(p)
    login_as(w.committee)
    page = _text(client.get(url(p)))
    assert "没有法定公告期" in page
    now = utcnow().astimezone(CST)
    response = client.post(url(p, "notice"), data={
        "opinion": COUNCIL_OPINION,
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),  # this minute: already begun
        "closes_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    assert "表决中" in _text(client.get(url(p)))  # opened on the next visit


def test_first_visit_after_the_deadlines_opens_then_closes_voting(app, client, login_as):
    w = World(n_owners=3)
    p = w.proposal()
    published = utcnow() - timedelta(days=30)
    opens = earliest_voting_start(published, 15)
    w.council_decides(p, at=published)
    services.publish_notice(w.committee, p, opinion=COUNCIL_OPINION,
                            opens_at=opens, closes_at=utcnow() + timedelta(
        days=1), now=published)
    db.session.commit()
    login_as(w.owners[0])
    page = client.get(url(p))
    assert page.status_code == 200 and "表决中" in _text(page)
    db.session.expire_all()
    assert p.state == "voting"
    assert db.session.scalar(select(func.count(ElectorateMember.id))) == 3
    vote_now(p, w.owners[0])
    db.session.execute(update(Proposal).where(Proposal.id == p.id).values(
        voting_closes_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert "初步结果" in _text(client.get(url(p)))
    db.session.expire_all()
    assert p.state == "objection"
    assert db.session.scalar(select(func.count(ProposalResult.id))) == 1
    client.get(url(p))  # a second visit changes nothing
    assert db.session.scalar(select(func.count(ProposalEvent.id)).where(
        ProposalEvent.action == "close_voting")) == 1


def test_a_member_of_another_compound_gets_403_on_every_proposals_route(app, client,
                                                                          login_as):
    w = World(n_owners=2)
    p = w.proposal()
    open_now(w, p)
    receipt = vote_now(p, w.owners[0])
    objection = Objection(proposal_id=p.id, user_id=w.owners[1].id, body="x")
    attachment = ProposalAttachment(proposal_id=p.id, position=1, filename="图纸.pdf",
                                    stored_path="00/x.pdf", sha256="0" * 64, size=1,
                                    content_type="application/pdf", uploaded_by_id=w.party.id)
    comment = Comment(proposal_id=p.id, author_id=w.owners[1].id, body_source="x",
                      body_html="x")
    db.session.add_all([objection, attachment, comment])
    db.session.commit()
    other = make_compound("别的小区")
    outsider = make_user(name="外人")
    make_resident(outsider, make_unit(other, room="101"))
    from tests.factories import grant, make_staff
    grant(outsider, other, "party_cell")
    make_staff(other, outsider)  # staff of another community: still nothing here
    db.session.commit()
    login_as(outsider)
    values = {"compound_id": w.compound.id, "proposal_id": p.id, "objection_id": objection.id,
              "action": "withdraw", "sha": "0" * 64, "attachment_id": attachment.id,
              "authorisation_id": 1, "comment_id": comment.id, "candidate_id": 1,
              "step": "support", "question_id": 1}
    checked = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("proposals."):
            continue
        path = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method, data={"reason": "x", "choice": "yes"})
            assert response.status_code == 403, (method, path, response.status_code)
            assert shown(receipt) not in _text(response)
            checked.append(rule.endpoint)
    assert len(set(checked)) >= 22


def test_proposal_page_stays_within_its_query_budget(app, client, login_as):
    w = World(n_owners=2)
    p = w.proposal()
    open_now(w, p)
    # 300 more voters and their ballots, written directly (the page's cost is what we measure).
    db.session.execute(insert(ElectorateMember), [
        {"proposal_id": p.id, "voter_key": f"x{i}", "area": "80.00", "units_label": f"9-1-{i}"}
        for i in range(300)])
    ids = db.session.scalars(select(ElectorateMember.id).where(
        ElectorateMember.voter_key.like("x%"))).all()
    now = utcnow()
    db.session.execute(insert(Ballot), [
        {"proposal_id": p.id, "member_id": mid, "choice": "yes", "channel": "web",
         "receipt": f"R{mid:019d}", "cast_at": now} for mid in ids])
    db.session.execute(insert(ProposalEvent), [
        {"proposal_id": p.id, "to_state": "voting", "action": "open_voting",
         "actor_role": "system", "reason": "", "created_at": now} for _ in range(40)])
    db.session.commit()
    login_as(w.owners[0])
    client.get(url(p))  # warm-up (first request on a fresh app builds its caches)
    db.session.close()  # requests share the test's session: start from an empty identity map
    with count_queries() as q:
        response = client.get(url(p))
    assert response.status_code == 200
    assert "300 / 302" in _text(response)
    assert q.count <= 15, "\n".join(q.statements)  # 12, and the discussion's 3


def test_full_flow_over_http(app, client, login_as):
    """create → consultation → review → deliberation → notice → voting → cast → close →
    objection → answer → publish, each step by the person whose role it is."""
    w = World(n_owners=3)
    base = f"/c/{w.compound.id}/proposals"
    login_as(w.party)
    client.post(f"{base}/new", data={**NEW_PROPOSAL, "matter": "5"})
    p = db.session.scalar(select(Proposal))
    w.council_decides(p)
    deliberate_over_http(client, login_as, w, p)
    login_as(w.committee)
    opens = earliest_voting_start(utcnow(), 15).astimezone(CST)
    assert client.post(url(p, "notice"), data={
        "opinion": COUNCIL_OPINION, "opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (opens + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")}).status_code == 302
    # Fifteen days pass: the first visitor opens the vote.
    _shift(p, voting_opens_at=utcnow() - timedelta(seconds=1))
    for user, choice in zip(w.owners, ["yes", "yes", "no"], strict=True):
        login_as(user)
        page = client.get(url(p, "vote"))
        assert page.status_code == 200
        db.session.expire_all()
        member = ballots.members_for_voter(p, user)[0]
        response = client.post(url(p, "vote"), data={"member_id": member.id, "choice": choice})
        assert response.status_code == 302, _text(response)
        assert re.search(r"[0-9A-F]{4}(?: [0-9A-F]{4}){4}", _text(client.get(url(p, "receipt"))))
    _shift(p, voting_closes_at=utcnow() - timedelta(seconds=1))
    login_as(w.owners[2])
    page = _text(client.get(url(p, "result")))
    assert "初步结果" in page and "表决结果：通过" in page
    assert client.post(url(p, "objections"), data={"body": "我家没收到纸质通知"}).status_code == 302
    objection = db.session.scalar(select(Objection))
    assert client.post(url(p, f"objections/{objection.id}/answer"),
                       data={"answer": "x"}).status_code == 403
    login_as(w.staff)
    response = client.post(url(p, "act/publish_result"))
    assert response.status_code == 409  # the objection window has not run
    assert client.post(url(p, f"objections/{objection.id}/answer"),
                       data={"answer": "公告已于楼栋张贴"}).status_code == 302
    _shift(p, objection_ends_at=utcnow() - timedelta(seconds=1))
    login_as(w.owners[0])
    assert client.post(url(p, "act/publish_result")).status_code == 403
    login_as(w.staff)
    assert client.post(url(p, "act/publish_result")).status_code == 302
    db.session.expire_all()
    assert p.state == "published"
    final = services.final_result(p)
    page = _text(client.get(url(p, "result")))
    assert "最终结果" in page and final.audit_head in page and "公告已于楼栋张贴" in page


def _shift(proposal, **values):
    """Let time pass: move a deadline of the proposal into the past."""
    db.session.execute(update(Proposal).where(Proposal.id == proposal.id).values(**values))
    db.session.commit()
    db.session.expire_all()


def test_notice_form_warns_when_holiday_data_does_not_cover_the_period(app, client, login_as):
    """chinese-calendar has official rest days only up to its latest year; a notice period
    ending after that is counted on weekends and fixed holidays, and staff are told to check."""
    from datetime import datetime, timezone

    from app.core.time import utcnow as clock
    from tests.proposals.helpers import World

    w = World()
    proposal = w.proposal()
    w.council_decides(proposal, at=clock())  # the notice form shows once the council decided
    login_as(w.committee)
    url = f"/c/{w.compound.id}/proposals/{proposal.id}/"
    warning = "尚未收录国务院节假日安排"

    def page_on(moment):
        app.config["CLOCK_OFFSET_SECONDS"] = 0
        app.config["CLOCK_OFFSET_SECONDS"] = (moment - clock()).total_seconds()
        return client.get(url).get_data(as_text=True)

    page = page_on(datetime(2026, 6, 2, 10, tzinfo=timezone.utc))  # ends inside 2026
    assert "发布表决公告" in page and warning not in page
    assert warning in page_on(datetime(2026, 12, 28, 10, tzinfo=timezone.utc))  # ends in 2027


def test_the_notice_form_waits_for_the_councils_decision(app, client, login_as):
    """In 议事会商议 the page says what the council has yet to do, and offers the voting notice
    only once a held meeting decided to put the proposal to a vote."""
    from tests.proposals.helpers import World

    w = World()
    proposal = w.proposal()
    login_as(w.committee)
    url = f"/c/{w.compound.id}/proposals/{proposal.id}/"
    page = client.get(url).get_data(as_text=True)
    assert "还没有列入议事会会议的议程" in page and "发布表决公告" not in page
    w.council_decides(proposal, at=utcnow())
    page = client.get(url).get_data(as_text=True)
    assert "发布表决公告" in page
