"""Residents' opinions on a proposal: who may give them and when, stances and options,
anonymity, moderation, search, and the consultation summary that review waits for."""
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.core.errors import PermissionDenied, ServiceError
from app.core.time import utcnow
from app.extensions import db
from app.issues import comments
from app.issues.models import Comment
from app.moderation import services as moderation
from app.proposals import discussion, services, summary
from tests.conftest import count_queries
from tests.factories import make_compound, make_resident, make_unit, make_user
from tests.proposals.helpers import REVIEW_OPINION, World, summarise
from tests.proposals.web import open_now, url

TENANT = "租客小孙"


class Discussion(World):
    """A World with a tenant, and a proposal in consultation with two options."""

    def __init__(self):
        super().__init__(n_owners=3)
        self.tenant = make_user(name=TENANT)
        make_resident(self.tenant, make_unit(self.compound, building="5", room="501"), "tenant")
        db.session.commit()
        self.p = services.create(self.party, self.compound, title="中心花园改造",
                                 body="两个方案", kind="consultation",
                                 options=["方案一：儿童游乐", "方案二：健身步道"])
        # Opened a month ago, so the compound's minimum consultation has run.
        services.transition(self.party, self.p, "open_consultation",
                            now=utcnow() - timedelta(days=30))
        db.session.commit()

    def say(self, who, text, **kw):
        option = kw.pop("option", None)
        row = comments.post_comment(who, discussion.proposal_subject(self.p, option), text, **kw)
        db.session.commit()
        return row

    def step(self, name):
        if name == "submit_review" and summary.get_summary(self.p) is None:
            summarise(self.party, self.p)
        if name == "approve_review":  # by a party-cell member who did not propose it
            services.transition(self.party_deputy, self.p, name, REVIEW_OPINION)
        else:
            services.transition(self.party, self.p, name)
        db.session.commit()


@pytest.fixture
def d(app):
    return Discussion()


def _text(response) -> str:
    return response.get_data(as_text=True)


def _post(client, d, **data):
    return client.post(url(d.p, "comments"), data={"body": "意见", **data})


def test_tenants_give_opinions_outsiders_get_403(d, client, login_as):
    login_as(d.tenant)
    response = _post(client, d, body="支持方案二", stance="support")
    assert response.status_code == 302
    row = db.session.scalar(select(Comment).where(Comment.proposal_id == d.p.id))
    assert row.stance == "support" and row.author_id == d.tenant.id and row.issue_id is None
    assert "支持方案二" in _text(client.get(url(d.p)))

    outsider = make_user(name="外人")
    make_resident(outsider, make_unit(make_compound("别的小区"), room="101"))
    db.session.commit()
    login_as(outsider)
    assert _post(client, d).status_code == 403
    assert client.get(url(d.p)).status_code == 403


def test_a_member_who_is_not_a_resident_nor_official_may_not_comment(d):
    with pytest.raises(PermissionDenied):
        d.say(d.council[0], "我只是议事会成员")  # no unit here, no official role
    assert d.say(d.committee, "业委会意见").id  # an official role may


@pytest.mark.parametrize("steps,open_", [
    ((), True), (("submit_review",), True), (("submit_review", "approve_review"), True)])
def test_discussion_open_from_consultation_to_deliberation(d, steps, open_):
    for name in steps:
        d.step(name)
    assert d.say(d.owners[0], f"在{d.p.state}阶段的意见").id


def test_discussion_open_at_notice_and_read_only_once_voting_opens(d, client, login_as):
    d.say(d.owners[0], "投票前的意见")
    for name in ("submit_review", "approve_review"):
        d.step(name)
    p = open_now(d, d.p)
    with pytest.raises(ServiceError) as refused:
        d.say(d.owners[1], "太晚了")
    assert refused.value.status == 409
    login_as(d.owners[1])
    page = _text(client.get(url(p)))
    assert "投票前的意见" in page and "投票已经开始，讨论已结束" in page
    assert 'id="comment-form"' not in page and "发表回复" not in page
    response = _post(client, d)
    assert response.status_code == 409 and "投票已经开始" in _text(response)


def test_notice_stage_still_open(d):
    d.step("submit_review")
    d.step("approve_review")
    from app.proposals.periods import earliest_voting_start
    d.council_decides(d.p, at=utcnow())
    opens = earliest_voting_start(utcnow(), 15)
    services.publish_notice(d.committee, d.p, opens_at=opens, closes_at=opens + timedelta(days=3),
                            opinion="同意付诸表决。")
    db.session.commit()
    assert d.p.state == "notice" and d.say(d.owners[0], "公告期的意见").id


def test_draft_and_withdrawn_proposals_take_no_opinions(d):
    draft = services.create(d.party, d.compound, title="草稿", body="", kind="consultation")
    db.session.commit()
    with pytest.raises(ServiceError):
        comments.post_comment(d.party, discussion.proposal_subject(draft), "早了")
    services.transition(d.party, d.p, "withdraw", reason="暂缓")
    db.session.commit()
    with pytest.raises(ServiceError) as refused:
        d.say(d.owners[0], "撤回后")
    assert "已撤回" in str(refused.value.message)


def test_replies_take_no_stance_and_follow_their_option(d):
    option = d.p.options[1]
    top = d.say(d.owners[0], "喜欢步道", stance="support", option=option)
    reply = d.say(d.owners[1], "同意", stance="oppose", parent=top)
    assert top.option_id == option.id and reply.option_id == option.id
    assert reply.stance is None and reply.parent_id == top.id
    with pytest.raises(ServiceError):
        d.say(d.owners[2], "回复的回复", parent=reply)


def test_option_comments_are_labelled_and_options_are_the_proposals_own(d, client, login_as):
    login_as(d.owners[0])
    option = d.p.options[0]
    assert _post(client, d, body="孩子们需要", option_id=str(option.id)).status_code == 302
    assert "关于：方案一：儿童游乐" in _text(client.get(url(d.p)))
    other = services.create(d.party, d.compound, title="别的", body="", kind="consultation",
                            options=["甲", "乙"])
    db.session.commit()
    response = _post(client, d, option_id=str(other.options[0].id))
    assert response.status_code == 400  # not a choice of this proposal
    assert db.session.scalar(select(Comment.option_id).where(
        Comment.body_source == "意见")) is None


def test_anonymous_opinion_never_shows_the_name_to_other_residents(d, client, login_as):
    login_as(d.tenant)
    assert _post(client, d, body="花园晚上太吵", anonymous="y",
                 stance="other").status_code == 302
    row = db.session.scalar(select(Comment).where(Comment.proposal_id == d.p.id))
    assert row.show_as == "anonymous" and row.anonymous_label == "某居民"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "comment.create"))
    assert entry.data["anonymous_as"] == "某居民"
    for viewer in (d.owners[0], d.council[0]):
        login_as(viewer)
        page = _text(client.get(url(d.p)))
        assert "花园晚上太吵" in page and "某居民" in page and TENANT not in page
        found = _text(client.get(f"/c/{d.compound.id}/issues/search?q=晚上太吵"))
        assert "中心花园改造" in found and "某居民" in found and TENANT not in found
        trail = _text(client.get(f"/c/{d.compound.id}/audit"))
        assert "某居民" in trail and "租*" not in trail and TENANT not in trail
    for viewer in (d.staff, d.party):
        login_as(viewer)
        assert TENANT in _text(client.get(url(d.p)))
    assert verify().ok


def test_official_answers_are_named_and_listed_in_the_summary(d, client, login_as):
    d.say(d.owners[0], "支持", stance="support")
    d.say(d.owners[1], "反对", stance="oppose")
    d.say(d.owners[2], "建议加灯", stance="suggest")
    d.say(d.tenant, "支持二", stance="support", show_as="anonymous")
    d.say(d.owners[0], "没态度")
    with pytest.raises(ServiceError) as refused:  # an official answer is signed
        d.say(d.committee, "业委会答复：两个方案都可做", official=True, show_as="anonymous")
    assert refused.value.field == "show_as"
    db.session.rollback()
    answer = d.say(d.committee, "业委会答复：两个方案都可做", official=True)
    assert answer.is_official and answer.show_as == "name"
    login_as(d.party)
    form = client.get(url(d.p, "summary"))
    assert form.status_code == 200
    assert "支持：2" in _text(form) and "业委会答复" in _text(form)
    assert client.post(url(d.p, "summary"), data={"body": "多数支持"}).status_code == 302
    row = summary.get_summary(d.p)
    assert (row.support_count, row.oppose_count, row.suggest_count, row.other_count,
            row.comment_count) == (2, 1, 1, 0, 6)
    login_as(d.owners[1])
    page = _text(client.get(url(d.p)))
    assert "征求意见情况" in page and "多数支持" in page and "支持 2" in page
    assert "两个方案都可做" in page


def test_review_waits_for_the_summary(d, client, login_as):
    login_as(d.party)
    response = client.post(url(d.p, "act/submit_review"))
    assert response.status_code == 409
    assert "请先填写征求意见情况" in _text(response) and url(d.p, "summary") in _text(response)
    db.session.expire_all()
    assert d.p.state == "consultation"
    assert client.post(url(d.p, "summary"), data={"body": "已归纳"}).status_code == 302
    assert client.post(url(d.p, "act/submit_review")).status_code == 302
    db.session.expire_all()
    assert d.p.state == "review"


def test_only_proposers_write_the_summary(d, client, login_as):
    with pytest.raises(PermissionDenied):
        summary.write_summary(d.owners[0], d.p, "我来写")
    login_as(d.owners[0])
    assert client.get(url(d.p, "summary")).status_code == 403


def test_summary_is_audited_and_frozen_once_review_starts(d, client, login_as):
    summarise(d.party, d.p, "第一稿")
    summarise(d.committee, d.p, "第二稿")
    db.session.commit()
    assert summary.get_summary(d.p).body_source == "第二稿"
    d.step("submit_review")
    with pytest.raises(ServiceError) as refused:
        summary.write_summary(d.party, d.p, "审议中改")
    assert refused.value.status == 409
    db.session.rollback()
    login_as(d.party)
    assert client.get(url(d.p, "summary")).status_code == 409
    d.say(d.owners[0], "审议阶段的新意见", stance="oppose")
    row = summary.get_summary(d.p)
    assert row.body_source == "第二稿" and row.oppose_count == 0  # counts as written
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action == "proposal.summary")).all()
    assert len(actions) == 2
    page = _text(client.get(url(d.p)))
    # At review the summary leads the page, ahead of the proposal's text.
    assert page.index("征求意见情况") < page.index("议案内容")
    assert verify().ok


def test_moderation_hides_an_opinion_and_the_counts_skip_it(d, client, login_as):
    rude = d.say(d.owners[1], "全是骗子", stance="oppose")
    d.say(d.owners[0], "支持", stance="support")
    login_as(d.owners[2])
    report = client.post(f"/c/{d.compound.id}/moderation/report/comment/{rude.id}",
                         data={"reason": "人身攻击"})
    assert report.status_code == 302 and report.location.endswith(f"#c{rude.id}")
    login_as(d.party)
    item = client.get(f"/c/{d.compound.id}/moderation/comment/{rude.id}")
    assert item.status_code == 200 and "议案：" in _text(item) and "全是骗子" in _text(item)
    hidden = client.post(f"/c/{d.compound.id}/moderation/comment/{rude.id}/hide",
                         data={"hide-reason": "人身攻击"})
    assert hidden.status_code == 302
    assert moderation.get_target(d.compound, "comment", rude.id).row.is_hidden
    login_as(d.owners[2])
    page = _text(client.get(url(d.p)))
    assert "全是骗子" not in page and "已被党支部隐藏：人身攻击" in page
    assert "全是骗子" not in _text(client.get(f"/c/{d.compound.id}/issues/search?q=骗子"))
    counts = summary.stance_counts(d.p)
    assert counts["oppose"] == 0 and counts["support"] == 1
    login_as(d.party)
    hidden_list = _text(client.get(f"/c/{d.compound.id}/moderation/"))
    assert "中心花园改造" in hidden_list
    assert verify().ok


def test_edits_keep_revisions_until_voting(d, client, login_as):
    row = d.say(d.owners[0], "第一版")
    login_as(d.owners[0])
    edit = url(d.p, f"comments/{row.id}/edit")
    assert client.post(edit, data={"body": "第二版"}).status_code == 302
    login_as(d.party)
    history = client.get(url(d.p, f"comments/{row.id}/revisions"))
    assert history.status_code == 200 and "第一版" in _text(history)
    login_as(d.owners[1])
    assert client.get(url(d.p, f"comments/{row.id}/revisions")).status_code == 403
    assert client.post(edit, data={"body": "别人改"}).status_code == 403
    d.step("submit_review")
    d.step("approve_review")
    open_now(d, d.p)
    with pytest.raises(ServiceError):
        comments.edit_comment(d.owners[0], db.session.get(Comment, row.id), "投票时改")


def test_a_comment_id_of_another_proposal_is_not_found(d, client, login_as):
    other = services.create(d.party, d.compound, title="别的", body="", kind="consultation")
    services.transition(d.party, other, "open_consultation")
    db.session.commit()
    theirs = comments.post_comment(d.owners[0], discussion.proposal_subject(other), "别处")
    db.session.commit()
    login_as(d.owners[0])
    assert client.get(url(d.p, f"comments/{theirs.id}/edit")).status_code == 404
    response = _post(client, d, parent_id=str(theirs.id))
    assert response.status_code == 404


def test_proposal_page_with_many_opinions_stays_within_its_budget(d, client, login_as):
    d.say(d.committee, "官方", official=True)
    summarise(d.party, d.p)
    db.session.commit()
    login_as(d.owners[1])
    p_id, tenant_id = d.p.id, d.tenant.id
    people = [u.id for u in (*d.owners, d.tenant)]
    page = url(d.p)

    def measure():
        client.get(page)
        db.session.close()
        with count_queries() as q:
            assert client.get(page).status_code == 200
        return q.count

    few = measure()
    now = utcnow()
    tops = [Comment(proposal_id=p_id, author_id=people[i % 4], body_source=f"意见{i}",
                    body_html=f"<p>意见{i}</p>", stance="support", created_at=now,
                    show_as="anonymous" if i % 2 else "name",
                    anonymous_label="某业主 (1栋)" if i % 2 else "")
            for i in range(120)]
    db.session.add_all(tops)
    db.session.flush()
    db.session.add_all([Comment(proposal_id=p_id, parent_id=t.id, author_id=tenant_id,
                                body_source="回复", body_html="<p>回复</p>", created_at=now)
                        for t in tops])
    db.session.commit()
    many = measure()
    assert many == few, (few, many)
    assert many <= 20, many


def test_the_summary_is_in_the_proposals_spreadsheet(d, client, login_as):
    d.say(d.owners[0], "支持", stance="support")
    summarise(d.party, d.p, "居民多数支持方案二")
    db.session.commit()
    d.step("submit_review")
    d.step("approve_review")
    open_now(d, d.p)
    login_as(d.owners[1])
    data = client.get(url(d.p, "export.xlsx")).data
    rows = [tuple(c for c in row if c is not None) for row in
            load_workbook(io.BytesIO(data))["征求意见情况"].iter_rows(values_only=True)]
    assert ("支持", 1) in rows and ("提议人的归纳", "居民多数支持方案二") in rows


def test_a_muted_resident_gives_no_opinion(d):
    from app.moderation import mutes

    mutes.mute(d.party, d.compound, d.owners[0], 1, "连续辱骂")
    db.session.commit()
    with pytest.raises(PermissionDenied) as refused:
        d.say(d.owners[0], "我还要说")
    assert "禁言" in str(refused.value.message)
    assert d.say(d.owners[1], "我没被禁言").id
