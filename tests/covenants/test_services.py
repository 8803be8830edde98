"""Covenant services: the version flow, adoption only by the right vote, frozen text,
household signatures and party commitments, each change in the audit chain."""
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.covenants import adoption, household, services
from app.covenants.models import (
    CovenantArticle,
    CovenantComment,
    CovenantSignature,
    CovenantVersion,
)
from app.extensions import db
from app.proposals import services as proposal_services
from tests.covenants.helpers import CovenantWorld


@pytest.fixture
def w(app):
    return CovenantWorld()


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.like("covenant.%")).order_by(AuditEntry.seq)))


@pytest.mark.both_databases
def test_every_step_of_a_covenant_is_in_the_audit_chain(w):
    version = w.draft()
    services.comment(w.owners[2], version, 2, "建议写明**具体时间**。")
    services.comment(w.tenant, version, 0, "整体赞成。")
    services.save_articles(w.party, version, "爱护公共设施。\n\n垃圾分类投放。")
    w.approved(version)
    p = w.vote(version)
    adoption.adopt(w.party, version)
    adoption.publish(w.staff, version, "街备1号")
    household.sign(w.owners[0], version_covenant(version))
    household.withdraw(w.owners[0], version_covenant(version))
    household.commit(w.member, version_covenant(version), "带头文明养犬。")
    second = services.start_version(w.party, version_covenant(version))
    db.session.commit()
    assert _actions() == [
        "covenant.create", "covenant.comment", "covenant.comment", "covenant.articles_save",
        "covenant.close_consultation", "covenant.submit_review", "covenant.approve_review",
        "covenant.link_proposal", "covenant.adopt", "covenant.publish", "covenant.sign",
        "covenant.withdraw_signature", "covenant.commitment", "covenant.version_start"]
    assert version.state == "published" and version.proposal_id == p.id
    assert [a.body for a in second.articles] == ["爱护公共设施。", "垃圾分类投放。"]
    assert verify().ok


def version_covenant(version):
    from app.covenants.lifecycle import covenant_of
    return covenant_of(version)


def test_publish_supersedes_the_previous_version(w):
    first = w.in_force()
    covenant = version_covenant(first)
    second = services.start_version(w.party, covenant)
    with pytest.raises(Conflict):
        services.start_version(w.party, covenant)  # one version worked on at a time
    services.save_articles(w.party, second, "爱护公共设施。\n\n新增一条：节约用水。")
    w.approved(second)
    w.vote(second)
    adoption.adopt(w.party, second)
    adoption.publish(w.staff, second)
    db.session.commit()
    db.session.refresh(first)
    assert (first.state, second.state) == ("superseded", "published")
    assert first.superseded_at is not None
    assert household.in_force(covenant).id == second.id


def test_adoption_is_refused_until_a_passing_result_is_published(w):
    version = w.approved(w.draft())
    with pytest.raises(ServiceError):
        adoption.adopt(w.party, version)  # no vote yet
    p = adoption.create_proposal(w.party, version, kind="consultation")
    db.session.commit()
    with pytest.raises(ServiceError, match="最终结果尚未公布"):
        adoption.adopt(w.party, version)
    db.session.rollback()
    db.session.refresh(version)
    assert version.state == "voting" and version.adopted_at is None
    assert p.state == "draft"


def test_a_failed_vote_cannot_adopt_and_the_draft_can_go_back(w):
    version = w.approved(w.draft())
    w.vote(version, yes=False)
    before = len(_actions())
    with pytest.raises(ServiceError, match="表决未通过"):
        adoption.adopt(w.party, version)
    db.session.rollback()
    db.session.refresh(version)
    assert version.state == "voting" and len(_actions()) == before
    services.return_to_draft(w.party, version, "表决未通过，重新征求意见")
    db.session.commit()
    assert version.state == "drafting" and version.proposal_id is None


def test_consultation_needs_half_of_residents_taking_part(w):
    version = w.approved(w.draft())
    w.vote(version, share=0.3)  # 2 of 6 residents take part, both agree
    with pytest.raises(ServiceError, match="表决未通过"):
        adoption.adopt(w.party, version)


def test_management_rules_only_by_owners_decision_on_matter_two(w):
    version = w.approved(w.draft(kind="management", title="锦华苑管理规约"))
    for kind, matter in (("consultation", None), ("owners", 1), ("owners", 9),
                         ("council", None)):
        p = proposal_services.create(w.party, w.compound, title="表决", body="", kind=kind,
                                     matter=matter)
        with pytest.raises(ServiceError, match="管理规约只能由业主共同决定"):
            adoption.link_proposal(w.party, version, p)
    db.session.rollback()
    db.session.refresh(version)
    assert version.state == "approved" and version.proposal_id is None
    w.vote(version, kind="owners")
    adoption.adopt(w.party, version)
    db.session.commit()
    assert version.state == "adopted"


def test_a_linked_proposal_edited_to_another_matter_cannot_adopt(w):
    version = w.approved(w.draft(kind="management", title="管理规约"))
    p = adoption.create_proposal(w.party, version, kind="owners")
    assert p.matter == 2
    proposal_services.update_draft(w.party, p, title=p.title, body="", kind="owners", matter=4,
                                   council_body=None, is_secret=False, allows_changes=False,
                                   shows_split_while_open=False, ballot_text="x",
                                   voting_method="")
    db.session.commit()
    with pytest.raises(ServiceError, match="管理规约只能由业主共同决定"):
        adoption.adopt(w.party, version)


def test_residents_covenant_refuses_a_council_resolution(w):
    version = w.approved(w.draft())
    p = proposal_services.create(w.party, w.compound, title="决议", body="", kind="council")
    with pytest.raises(ServiceError, match="居民公约须由"):
        adoption.link_proposal(w.party, version, p)


@pytest.mark.both_databases
def test_adopted_articles_cannot_be_changed_in_place(w):
    version = w.in_force()
    article_id = version.articles[0].id
    original = version.articles[0].body
    db.session.commit()
    statements = [
        ("UPDATE covenant_articles SET body = 'x' WHERE id = :id", {"id": article_id}),
        ("DELETE FROM covenant_articles WHERE id = :id", {"id": article_id}),
        ("INSERT INTO covenant_articles (version_id, number, body) VALUES (:v, 99, 'x')",
         {"v": version.id}),
        ("UPDATE covenant_versions SET state = 'drafting' WHERE id = :v", {"v": version.id}),
    ]
    for sql, params in statements:
        with pytest.raises(DBAPIError, match="adopted covenant text cannot be changed"):
            db.session.execute(text(sql), params)
        db.session.rollback()
    db.session.expire_all()
    assert db.session.get(CovenantArticle, article_id).body == original
    assert db.session.get(CovenantVersion, version.id).state == "published"
    with pytest.raises(ServiceError):
        services.save_articles(w.party, version, "改掉")


@pytest.mark.both_databases
def test_draft_articles_can_still_be_edited(w):
    version = w.draft()
    db.session.execute(text("UPDATE covenant_articles SET body = 'y' WHERE version_id = :v"),
                       {"v": version.id})
    db.session.commit()
    assert {a.body for a in db.session.scalars(select(CovenantArticle))} == {"y"}


@pytest.mark.both_databases
def test_signatures_count_households_not_people(w):
    version = w.in_force()
    covenant = version_covenant(version)
    household.sign(w.owners[0], covenant)
    db.session.commit()
    with pytest.raises(Conflict):
        household.sign(w.family, covenant)  # same unit: one household
    db.session.rollback()
    household.sign(w.owners[2], covenant)
    household.sign(w.tenant, covenant)
    db.session.commit()
    assert household.signed_households(version) == 3
    assert household.total_households(w.compound) == 5
    # The database itself refuses a second current signature of one household.
    with pytest.raises(IntegrityError):
        db.session.add(CovenantSignature(version_id=version.id, unit_id=w.units[0].id,
                                         user_id=w.family.id))
        db.session.flush()
    db.session.rollback()
    assert household.signed_households(version) == 3


def test_only_the_signer_withdraws_then_the_household_may_sign_again(w):
    covenant = version_covenant(w.in_force())
    household.sign(w.owners[0], covenant)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        household.withdraw(w.family, covenant)
    db.session.rollback()
    household.withdraw(w.owners[0], covenant)
    household.sign(w.family, covenant)
    db.session.commit()
    rows = db.session.scalars(select(CovenantSignature).order_by(CovenantSignature.id)).all()
    assert [(r.user_id, r.withdrawn_at is not None) for r in rows] == [
        (w.owners[0].id, True), (w.family.id, False)]


def test_signing_needs_a_verified_resident_and_a_version_in_force(w):
    version = w.draft()
    covenant = version_covenant(version)
    with pytest.raises(ServiceError):
        household.sign(w.owners[0], covenant)
    with pytest.raises(PermissionDenied):
        household.sign(w.staff, covenant)
    db.session.rollback()
    assert db.session.scalar(select(func.count(CovenantSignature.id))) == 0


def test_party_commitment_needs_a_confirmed_shown_badge(w):
    covenant = version_covenant(w.in_force())
    w.member.shows_party_badge = False
    db.session.commit()
    with pytest.raises(PermissionDenied):
        household.commit(w.member, covenant, "承诺")
    with pytest.raises(PermissionDenied):
        household.commit(w.owners[0], covenant, "承诺")  # not a party member
    w.member.shows_party_badge = True
    household.commit(w.member, covenant, "带头遵守公约。")
    db.session.commit()
    with pytest.raises(Conflict):
        household.commit(w.member, covenant, "再来一条")


def test_comments_only_from_residents_during_consultation(w):
    version = w.draft()
    with pytest.raises(PermissionDenied):
        services.comment(w.staff, version, 1, "意见")
    with pytest.raises(ServiceError):
        services.comment(w.owners[0], version, 9, "不存在的条")
    services.comment(w.owners[0], version, 1, "<script>alert(1)</script>好")
    services.close_consultation(w.party, version)
    db.session.commit()
    with pytest.raises(ServiceError, match="征集民意已经结束"):
        services.comment(w.owners[0], version, 1, "晚了")
    db.session.rollback()
    rows = db.session.scalars(select(CovenantComment)).all()
    assert len(rows) == 1 and "<script>" not in rows[0].body_html


def test_review_is_for_staff_and_returning_needs_a_reason(w):
    version = w.draft()
    services.close_consultation(w.party, version)
    services.submit_review(w.party, version)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        services.approve_review(w.party, version)
    with pytest.raises(ServiceError):
        services.return_to_draft(w.staff, version, "  ")
    db.session.rollback()
    db.session.refresh(version)
    assert version.state == "review"
    services.return_to_draft(w.staff, version, "第二条表述不清")
    assert version.state == "drafting"


@pytest.mark.both_databases
def test_one_covenant_of_each_kind_per_compound(w):
    w.draft()
    with pytest.raises(Conflict):
        w.draft(title="另一份居民公约")
