"""Every GET page of the app, with real ids of the demo compound, as the people who ask for it:
the expected status and at most BUDGET SQL statements (BEGIN/COMMIT not counted). A GET route
this file does not know fails the coverage test. The demo is seeded once per backend; each
request starts with an empty session, as a real request does."""
import secrets
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import User, UserSession
from app.accounts.recovery import prove
from app.accounts.services import register_user
from app.accounts.session import SESSION_KEY, _hash
from app.compounds import claims
from app.compounds.demo import DEMO_PASSWORD, demo_compound
from app.compounds.models import Compound, HoldingOwner, InviteCode, Residency, Unit
from app.core.time import utcnow
from app.extensions import db
from app.issues import comments
from app.issues import services as issue_services
from app.issues.models import Comment, Issue
from app.notices import services as notice_services
from app.proposals import ballots, discussion
from app.proposals.models import Ballot, ElectorateMember, Proposal
from tests.conftest import BACKENDS, count_queries, make_app
from tests.seeded import seed_demo_once
from tests.site.budget_pages import PAGES, DemoIds, add_rows_the_demo_lacks

BUDGET = 12


class Site:
    def __init__(self, app, ids: DemoIds):
        self.app, self.ids, self.clients = app, ids, {"visitor": app.test_client()}
        for who, user_id in ids.users.items():
            self.clients[who] = self.login(user_id)

    def login(self, user_id: int):
        client, token = self.app.test_client(), secrets.token_urlsafe(32)
        db.session.add(UserSession(user_id=user_id, token_hash=_hash(token)))
        db.session.commit()
        with client.session_transaction() as sess:
            sess[SESSION_KEY], sess["_user_id"], sess["_fresh"] = token, str(user_id), True
        return client

    def measure(self, who: str, path: str, headers: dict | None = None):
        """The status and statements of a request after a warm-up one (first-request work is
        not what we measure), each with an empty session like a real request's."""
        client = self.clients[who]
        db.session.remove()
        client.get(path, headers=headers)
        db.session.remove()
        with count_queries() as q:
            response = client.get(path, headers=headers)
        db.session.remove()
        return response.status_code, q


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, tmp_path_factory):
    app = make_app(request.param, tmp_path_factory.mktemp("budgets"))
    ctx = app.app_context()
    ctx.push()
    seed_demo_once()
    compound_id = demo_compound().id
    add_rows_the_demo_lacks(compound_id)
    yield Site(app, DemoIds.find(compound_id))
    db.session.remove()
    ctx.pop()
    with app.app_context():
        db.engine.dispose()


CASES = [(page, who) for page in PAGES for who in page.statuses]


def _case_id(case) -> str:
    page, who = case
    return f"{page.rule}{' (' + page.label + ')' if page.label else ''} as {who}"


def test_every_get_route_is_measured(site):
    rules = {r.rule for r in site.app.url_map.iter_rules()
             if "GET" in r.methods and r.endpoint != "static"}
    known = {page.rule for page in PAGES}
    assert rules - known == set(), "GET routes with no ids here: add them to PAGES"
    assert known - rules == set(), "routes that no longer exist"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_page_status_and_statement_budget(site, case):
    page, who = case
    path = page.path(site.ids)
    status, q = site.measure(who, path, page.headers)
    assert status == page.statuses[who], path
    assert q.count <= BUDGET, f"{path} as {who}: {q.count} statements\n" + \
        "\n".join(q.statements)


# --- whatever the number of rows -----------------------------------------------------------

GROWING = [  # (who, path) of the lists and pages that show rows of a kind added below
    ("owner", lambda d: "/"),
    ("owner", lambda d: f"/c/{d.c}/"),
    ("staff", lambda d: f"/c/{d.c}/"),
    ("owner", lambda d: f"/c/{d.c}/issues/"),
    ("owner", lambda d: f"/c/{d.c}/issues/{d.issue}"),
    ("party", lambda d: f"/c/{d.c}/issues/{d.issue}"),
    ("owner", lambda d: f"/c/{d.c}/proposals/"),
    ("owner", lambda d: f"/c/{d.c}/proposals/{d.voting}/"),
    ("owner", lambda d: f"/c/{d.c}/proposals/{d.consultation}/"),
    ("owner", lambda d: f"/c/{d.c}/notices/"),
    ("staff", lambda d: f"/c/{d.c}/notices/"),
    ("owner", lambda d: f"/c/{d.c}/meetings/"),
    ("owner", lambda d: "/notifications/"),
    ("owner", lambda d: f"/c/{d.c}/members"),
    ("staff", lambda d: f"/c/{d.c}/roles"),
]


def _add_members(compound: Compound, n: int) -> list:
    """n new tenants, verified with unused invite letters (a tenant needs no roster match)."""
    codes = db.session.scalars(select(InviteCode.code).join(InviteCode.unit).where(
        InviteCode.used_at.is_(None), InviteCode.revoked_at.is_(None),
        InviteCode.unit.has(compound_id=compound.id)).limit(n)).all()
    people = []
    for i, code in enumerate(codes):
        user = register_user(f"1380000{i:04d}", f"新住户{i}", DEMO_PASSWORD, consented=True)
        prove(user, "demo_seed")
        claims.claim_by_code(user, code, "tenant")
        people.append(user)
    return people


def _add_rows(ids: DemoIds, n: int = 12) -> None:
    compound = db.session.get(Compound, ids.c)
    owner, staff = (db.session.get(User, ids.users[who]) for who in ("owner", "staff"))
    people = _add_members(compound, n)
    issue = db.session.get(Issue, ids.issue)
    for i, person in enumerate(people):
        top = comments.post_comment(person, issue, f"我也同意 {i}")
        comments.post_comment(owner, issue, f"谢谢 {i}", parent=top)
        issue_services.post_issue(person, compound, title=f"新的问题 {i}", body="详情",
                                  category="公共设施")
        comments.post_comment(person, discussion.proposal_subject(
            db.session.get(Proposal, ids.consultation)), f"意见 {i}", stance="support")
        notice = notice_services.create_draft(staff, compound, kind="general",
                                              title=f"通知 {i}", body="内容")
        notice_services.publish(staff, notice)
    voted = select(Ballot.member_id).where(Ballot.proposal_id == ids.voting)
    members = db.session.scalars(select(ElectorateMember).where(
        ElectorateMember.proposal_id == ids.voting, ElectorateMember.id.not_in(voted))
        .limit(n)).all()
    scan = db.session.execute(select(Ballot.scan_path, Ballot.scan_sha256).where(
        Ballot.scan_sha256.is_not(None)).limit(1)).one()
    when = utcnow() - timedelta(minutes=5)
    for i, member in enumerate(members):
        ballots.cast(ids.voting, member.id, staff, "yes", channel="paper",
                     paper_ref=f"GROW-{i:04d}", scan=tuple(scan), now=when, actor_role="staff")
    db.session.commit()
    assert db.session.scalar(select(Comment.id).where(Comment.body_source == "谢谢 0"))
    assert db.session.scalar(select(Residency.id).where(Residency.user_id == people[0].id))


def test_statements_do_not_grow_with_rows(site):
    ids = site.ids
    before = {(who, make(ids)): site.measure(who, make(ids)) for who, make in GROWING}
    _add_rows(ids)
    after = {key: site.measure(*key) for key in before}
    grew = {key: (before[key][1].count, after[key][1].count) for key in before
            if after[key][1].count != before[key][1].count or after[key][0] != 200}
    assert not grew, grew


def _unused_codes(compound_id: int, n: int) -> list[str]:
    return db.session.scalars(
        select(InviteCode.code).join(Unit, Unit.id == InviteCode.unit_id)
        .where(Unit.compound_id == compound_id, InviteCode.used_at.is_(None),
               InviteCode.revoked_at.is_(None)).order_by(InviteCode.id).limit(n)).all()


def test_claim_lists_do_not_grow_with_claims(site):
    """A person's claims say whether their number is on each unit's roster (two different
    hints) without a statement per claim, on their home and on their claims page."""
    mobile, code = db.session.execute(
        select(HoldingOwner.mobile, InviteCode.code)
        .join(Unit, Unit.holding_id == HoldingOwner.holding_id)
        .join(InviteCode, InviteCode.unit_id == Unit.id)
        .where(Unit.compound_id == site.ids.c, InviteCode.used_at.is_(None),
               InviteCode.revoked_at.is_(None), HoldingOwner.mobile.not_in(select(User.mobile)))
        .order_by(InviteCode.id).limit(1)).one()
    claimant = register_user(mobile, "待核实业主", DEMO_PASSWORD, consented=True)  # not proven
    claims.claim_by_code(claimant, code, "owner")
    db.session.commit()
    claimant_id = claimant.id
    site.clients["claimant"] = site.login(claimant_id)
    pages = ("/c/my-claims", "/")
    before = {path: site.measure("claimant", path) for path in pages}
    claimant = db.session.get(User, claimant_id)
    for other in _unused_codes(site.ids.c, 12):
        claims.claim_by_code(claimant, other, "owner")
    db.session.commit()
    for path in pages:
        status, counted = site.measure("claimant", path)
        assert (status, counted.count) == (200, before[path][1].count), path
        page = site.clients["claimant"].get(path).get_data(as_text=True)
        assert page.count("认证时您的手机号还没有通过短信验证") == 1, path
        assert page.count("您的手机号不在该房屋的业主名册中") == 12, path
