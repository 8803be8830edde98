"""Every GET route of the app with real ids of the demo compound, and who asks for it.

`DemoIds` finds the ids by queries on the seeded demo (the first proposal in voting, the first
issue with comments, ...), plus the few rows seed-demo does not make (a photo, a draft proposal
with an attachment), added through the services. `PAGES` lists, per URL rule, the paths to
request and the status each person gets."""
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.accounts.models import User
from app.compounds.demo import demo_compound
from app.compounds.models import Building, Community, Compound, RosterUpload
from app.core.paper_links import paper_token
from app.covenants.models import Covenant, CovenantVersion
from app.dispatch.models import Grid, Ticket, TicketPhoto
from app.extensions import db
from app.funds.models import Fund, FundStatement, FundVoucher, LedgerEntry
from app.issues.models import Comment, Issue, IssuePhoto
from app.meetings.models import Meeting, Minutes, MinutesRevision
from app.microprojects.models import MicroProject, ProjectPhoto
from app.moderation.models import Report
from app.notices.models import Notice
from app.proposals.models import Ballot, Proposal, ProposalAttachment, ProposalResult
from app.trustbooks.models import TrustAnnualAccount, TrustBudget

# seed-demo's accounts (app.compounds.demo.ACCOUNTS)
MOBILES = {"owner": "19900010001", "staff": "19900000002", "party": "19900000003",
           "committee": "19900010005", "council": "19900010003", "property": "19900000004",
           "tenant": "19900000006", "admin": "19900000001", "grid": "19900000005",
           "subdistrict": "19900000007",
           "city": "19900000008",  # app.dispatch.demo's 城管 handler
           "reporter": "19900020001"}  # the author of the demo's first dispatched issue
WHO = ("visitor", *MOBILES)


def _first(stmt):
    # The same row on every database: a statement's own order first, then its first column.
    found = db.session.scalar(stmt.order_by(stmt.selected_columns[0]).limit(1))
    assert found is not None, f"the demo has no row for {stmt}"
    return found


@dataclass
class DemoIds:
    users: dict[str, int]  # who -> user id
    c: int  # the compound
    building: int
    issue: int  # with comments, one by the owner
    issue_comment: int  # the owner's
    photo_issue: int
    photo: int
    voting: int  # a proposal in voting
    consultation: int  # a proposal under discussion
    consultation_comment: int  # an opinion on it, by the owner
    passed: int  # a proposal with a published result (not an election)
    election: int  # the committee's election, closed
    draft: int  # a draft proposal with an attachment
    attachment: int
    scan_sha: str  # a paper ballot's scan
    meeting: int  # with published minutes, revised (a diff to show)
    revision: int
    notice: int  # published
    draft_notice: int | None
    covenant: int
    version: int
    report_kind: str
    report_target: int
    upload: int
    papers: dict[str, tuple[int, int]] = field(default_factory=dict)
    survey: int = 0  # the closed satisfaction survey (a consultation with questions)
    # app.dispatch.demo: community, grid, the issue's ticket (revisited, with an after-photo),
    # the patrol ticket, that photo
    dispatch: dict[str, int] = field(default_factory=dict)
    # app.microprojects.demo: the round, its finished and running projects, a milestone photo
    micro: dict[str, int] = field(default_factory=dict)
    community: int = 0  # the compound's community and subdistrict
    subdistrict: int = 0
    # app.funds.demo: the 公共收益 fund, its first entry (with a voucher added here), the
    # first published statement's year and month
    funds: dict[str, int] = field(default_factory=dict)
    # app.trustbooks.demo: this year's 物业费 fund and last year's published annual account
    trust: dict[str, int] = field(default_factory=dict)

    @classmethod
    def find(cls, compound_id: int) -> "DemoIds":
        users = {who: db.session.scalar(select(User.id).where(User.mobile == mobile))
                 for who, mobile in MOBILES.items()}
        c = compound_id
        in_c = Proposal.compound_id == c
        owners_comment = db.session.execute(
            select(Comment.id, Comment.issue_id).join(Issue, Comment.issue_id == Issue.id)
            .where(Issue.compound_id == c, Comment.author_id == users["owner"])
            .order_by(Comment.id).limit(1)).one()
        issue = owners_comment.issue_id
        photo = db.session.execute(select(IssuePhoto.id, IssuePhoto.issue_id)
                                   .order_by(IssuePhoto.id).limit(1)).one()
        consultation = _first(select(Proposal.id).where(in_c, Proposal.state == "consultation"))
        draft = _first(select(Proposal.id).where(in_c, Proposal.state == "draft"))
        passed = _first(select(Proposal.id).where(in_c, Proposal.result_published_at.is_not(None),
                                                  Proposal.seats.is_(None))
                        .order_by(Proposal.id))
        meeting = _first(select(Meeting.id).join(Minutes, Minutes.meeting_id == Meeting.id)
                         .join(MinutesRevision, MinutesRevision.minutes_id == Minutes.id)
                         .where(Meeting.compound_id == c, Minutes.status == "published")
                         .group_by(Meeting.id).having(func.count(MinutesRevision.id) >= 2)
                         .order_by(Meeting.id))
        notice = _first(select(Notice.id).where(Notice.compound_id == c,
                                                Notice.status == "published")
                        .order_by(Notice.id))
        covenant = _first(select(Covenant.id).where(Covenant.compound_id == c)
                          .order_by(Covenant.id))
        report = db.session.execute(select(Report.target_type, Report.target_id)
                                    .where(Report.compound_id == c).order_by(Report.id)
                                    .limit(1)).one()
        result_version = _first(select(ProposalResult.id).where(
            ProposalResult.proposal_id == passed).order_by(ProposalResult.id.desc()))
        minutes_version = _first(select(MinutesRevision.number).join(
            Minutes, Minutes.published_revision_id == MinutesRevision.id)
            .where(Minutes.meeting_id == meeting))
        ids = cls(
            users=users, c=c,
            building=_first(select(Building.id).where(Building.compound_id == c)
                            .order_by(Building.id)),
            issue=issue,
            issue_comment=owners_comment.id,
            photo_issue=photo.issue_id, photo=photo.id,
            voting=_first(select(Proposal.id).where(in_c, Proposal.state == "voting")
                          .order_by(Proposal.id)),
            consultation=consultation,
            consultation_comment=_first(select(Comment.id).where(
                Comment.proposal_id == consultation, Comment.parent_id.is_(None),
                Comment.author_id == users["owner"])),
            passed=passed, draft=draft,
            election=_first(select(Proposal.id).where(in_c, Proposal.seats.is_not(None))),
            attachment=_first(select(ProposalAttachment.id).where(
                ProposalAttachment.proposal_id == draft)),
            scan_sha=_first(select(Ballot.scan_sha256).where(
                Ballot.proposal_id == passed, Ballot.scan_sha256.is_not(None))),
            meeting=meeting,
            revision=_first(select(Minutes.published_revision_id)
                            .where(Minutes.meeting_id == meeting)),
            notice=notice,
            draft_notice=db.session.scalar(select(Notice.id).where(
                Notice.compound_id == c, Notice.status == "draft").limit(1)),
            covenant=covenant,
            version=_first(select(CovenantVersion.id).where(
                CovenantVersion.covenant_id == covenant).order_by(CovenantVersion.id)),
            report_kind=report.target_type, report_target=report.target_id,
            upload=_first(select(RosterUpload.id).where(RosterUpload.compound_id == c)))
        ids.survey = _first(select(Proposal.id).where(
            in_c, Proposal.title.like("物业服务满意度测评%")).order_by(Proposal.id))
        ids.papers = {"notice": (notice, 1), "result": (passed, result_version),
                      "minutes": (meeting, minutes_version)}
        ticket = _first(select(Ticket.id).where(Ticket.compound_id == c,
                                                Ticket.source == "issue").order_by(Ticket.id))
        ids.dispatch = {
            "community": _first(select(Compound.community_id).where(Compound.id == c)),
            "grid": _first(select(Grid.id).where(Grid.worker_id == users["grid"])),
            "ticket": ticket,
            "patrol": _first(select(Ticket.id).where(Ticket.compound_id == c,
                                                     Ticket.source == "patrol",
                                                     Ticket.state == "reported")),
            "photo": _first(select(TicketPhoto.id).where(TicketPhoto.ticket_id == ticket)),
            "escalated": _first(select(Ticket.id).where(Ticket.compound_id == c,
                                                        Ticket.level == "subdistrict"))}
        fund = _first(select(Fund.id).where(Fund.compound_id == c,
                                            Fund.source == "public_income"))
        year, month = db.session.execute(select(FundStatement.year, FundStatement.month).where(
            FundStatement.fund_id == fund).order_by(FundStatement.id).limit(1)).one()
        ids.funds = {"fund": fund, "year": year, "month": month, "voucher": _first(
            select(FundVoucher.id).join(LedgerEntry, LedgerEntry.id == FundVoucher.entry_id)
            .where(LedgerEntry.fund_id == fund, LedgerEntry.seq == 1))}
        running = _first(select(MicroProject).where(MicroProject.compound_id == c,
                                                    MicroProject.state == "implementing"))
        ids.micro = {"round": running.round_id, "running": running.id,
                     "done": _first(select(MicroProject.id).where(
                         MicroProject.compound_id == c, MicroProject.state == "disclosed")),
                     "photo": _first(select(ProjectPhoto.id).where(
                         ProjectPhoto.project_id == running.id))}
        ids.trust = {
            "fund": _first(select(TrustBudget.fund_id).where(TrustBudget.compound_id == c)
                           .order_by(TrustBudget.fund_id.desc())),
            "account": _first(select(TrustAnnualAccount.id).where(
                TrustAnnualAccount.compound_id == c))}
        ids.community, ids.subdistrict = db.session.execute(
            select(Community.id, Community.subdistrict_id).join(
                Compound, Compound.community_id == Community.id).where(Compound.id == c)).one()
        return ids

    def paper(self, kind: str) -> str:
        item, version = self.papers[kind]
        return f"/v/{kind}/{item}/{version}/{paper_token(kind, item, version)}"


@dataclass(frozen=True)
class Page:
    rule: str
    path: Callable[[DemoIds], str]
    statuses: dict[str, int]  # who -> expected status
    label: str = ""  # when a rule has several pages
    headers: dict[str, str] = field(default_factory=dict)


def page(rule: str, path: Callable[[DemoIds], str], label: str = "",
         headers: dict | None = None, **statuses: int) -> Page:
    return Page(rule, path, statuses, label, headers or {})


def _demo_compound_id() -> int:
    return demo_compound().id


def add_rows_the_demo_lacks(compound_id: int) -> None:
    """A photo under an issue, the owner's comment under an issue with comments, a draft
    proposal with an attachment and a draft notice: pages seed-demo has nothing for. Through
    the services, as real use makes them. Commits."""
    import io

    from PIL import Image

    from app.issues import comments, photos
    from app.issues import services as issue_services
    from app.notices import services as notice_services
    from app.proposals import attachments
    from app.proposals import services as proposal_services

    compound = db.session.get(Compound, compound_id)
    people = {who: db.session.scalar(select(User).where(User.mobile == mobile))
              for who, mobile in MOBILES.items()}
    jpeg = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(jpeg, "JPEG")
    photo = photos.prepare(photos.CheckedUpload(jpeg.getvalue(), 40 * 30))
    issue_services.post_issue(people["owner"], compound, title="楼道灯坏了",
                              body="2栋1单元楼道灯不亮。", category="公共设施",
                              photos=[photo])
    draft = proposal_services.create(
        people["committee"], compound, kind="owners", matter=8, title="更换小区门禁系统",
        body="门禁老化，拟更换。", ballot_text="是否同意更换小区门禁系统",
        voting_method="线上投票")
    discussed = db.session.scalar(select(Issue).join(Comment, Comment.issue_id == Issue.id)
                                  .where(Issue.compound_id == compound_id).order_by(Issue.id)
                                  .limit(1))
    comments.post_comment(people["owner"], discussed, "我也遇到过，希望尽快处理。")
    attachments.add(people["committee"], draft, b"%PDF-1.4\n%%EOF\n", "报价单.pdf")
    notice_services.create_draft(people["staff"], compound, kind="general", title="停水通知",
                                 body="周六上午停水。")
    from app.funds import services as fund_services
    from app.funds.vouchers import prepare_vouchers
    first = db.session.scalar(select(LedgerEntry).join(Fund, Fund.id == LedgerEntry.fund_id)
                              .where(Fund.compound_id == compound_id, LedgerEntry.seq == 1,
                                     Fund.source == "public_income"))
    fund_services.add_vouchers(first, people["committee"],
                               prepare_vouchers([("invoice.jpg", jpeg.getvalue())]))
    _add_owner_api_token(people["owner"])
    db.session.commit()


OWNER_API_TOKEN = "yst_budget-pages-owner"  # noqa: S105  (a test token, made below)
AS_OWNER_TOKEN = {"Authorization": f"Bearer {OWNER_API_TOKEN}"}


def _add_owner_api_token(owner) -> None:
    from app.api.models import ApiToken, ApiTokenUse
    from app.api.tokens import hash_token

    token = ApiToken(user_id=owner.id, name="budget", slot=1,
                     token_hash=hash_token(OWNER_API_TOKEN), prefix=OWNER_API_TOKEN[:10])
    db.session.add(token)
    db.session.flush()
    db.session.add(ApiTokenUse(token_id=token.id))


C = "/c/<int:compound_id>"
P = C + "/proposals/<int:proposal_id>"
MEET = C + "/meetings/<int:meeting_id>"
ISS = C + "/issues/<int:issue_id>"
NOT = C + "/notices/<int:notice_id>"
COV = C + "/covenants/<int:covenant_id>"


def _c(rest: str) -> Callable[[DemoIds], str]:
    return lambda d: f"/c/{d.c}{rest}"


def _p(which: str, rest: str = "/") -> Callable[[DemoIds], str]:
    return lambda d: f"/c/{d.c}/proposals/{getattr(d, which)}{rest}"


def _m(rest: str = "") -> Callable[[DemoIds], str]:
    return lambda d: f"/c/{d.c}/meetings/{d.meeting}{rest}"


def _n(rest: str = "") -> Callable[[DemoIds], str]:
    return lambda d: f"/c/{d.c}/notices/{d.notice}{rest}"


def _f(rest: str) -> Callable[[DemoIds], str]:
    return lambda d: f"/funds/{d.funds['fund']}{rest}"


def _s(rest: str) -> Callable[[DemoIds], str]:
    return lambda d: (f"/funds/{d.funds['fund']}/statements/{d.funds['year']}/"
                      f"{d.funds['month']}{rest}")
API = "/api/v1/compounds/<int:compound_id>"


def _api(rest: str) -> Callable[[DemoIds], str]:
    return lambda d: f"/api/v1/compounds/{d.c}{rest}"


def _api_p(which: str, rest: str = "") -> Callable[[DemoIds], str]:
    return lambda d: f"/api/v1/compounds/{d.c}/results/{getattr(d, which)}{rest}"


def _d(make: Callable[[dict], str]) -> Callable[[DemoIds], str]:
    return lambda d: make(d.dispatch)


MP = C + "/micro-projects"
MPP = MP + "/<int:round_id>/p/<int:project_id>"


def _mp(rest: str = "", project: str = "") -> Callable[[DemoIds], str]:
    def path(d):
        base = f"/c/{d.c}/micro-projects/{d.micro['round']}"
        return base + (f"/p/{d.micro[project]}" if project else "") + rest
    return path


PAGES = [
    page(MP + "/", _c("/micro-projects/"), owner=200, staff=200, subdistrict=200, visitor=302),
    page(MP + "/new", _c("/micro-projects/new"), staff=200, owner=403, council=403,
         visitor=302),
    page(MP + "/<int:round_id>", _mp(), owner=200, staff=200, council=200, party=200,
         tenant=200, subdistrict=200, visitor=302),
    page(MP + "/<int:round_id>/result", _mp("/result"), owner=200, staff=200, visitor=302),
    page(MP + "/<int:round_id>/propose", _mp("/propose"), owner=200, tenant=200,
         staff=403, visitor=302),
    page(MPP, _mp(project="running"), owner=200, staff=200, property=200, council=200,
         visitor=302),
    page(MPP, _mp(project="done"), "finished, rated", owner=200, tenant=200, visitor=302),
    page(MPP + "/spending", _mp("/spending", "done"), owner=200, staff=200, visitor=302),
    page(MPP + "/photos/<int:photo_id>",
         lambda d: _mp(f"/photos/{d.micro['photo']}", "running")(d), owner=200,
         visitor=302),
    page(MPP + "/photos/<int:photo_id>/<any(thumb):size>",
         lambda d: _mp(f"/photos/{d.micro['photo']}/thumb", "running")(d), owner=200,
         visitor=302),
    page("/dispatch/community/<int:community_id>/tickets",
         _d(lambda x: f"/dispatch/community/{x['community']}/tickets"),
         staff=200, admin=200, owner=403, city=403, grid=403, visitor=302),
    page("/dispatch/community/<int:community_id>/tickets",
         _d(lambda x: f"/dispatch/community/{x['community']}/tickets?state=assigned&overdue=1"),
         "filtered", staff=200),
    page("/dispatch/community/<int:community_id>/settings",
         _d(lambda x: f"/dispatch/community/{x['community']}/settings"),
         staff=200, owner=403, property=403, visitor=302),
    page("/dispatch/subdistrict/<int:subdistrict_id>/tickets",
         lambda d: f"/dispatch/subdistrict/{d.subdistrict}/tickets",
         subdistrict=200, admin=200, staff=403, owner=403, city=403, visitor=302),
    page("/dispatch/subdistrict/<int:subdistrict_id>/tickets",
         lambda d: f"/dispatch/subdistrict/{d.subdistrict}/tickets?overdue=1", "overdue",
         subdistrict=200),
    page("/dispatch/subdistrict/<int:subdistrict_id>/settings",
         lambda d: f"/dispatch/subdistrict/{d.subdistrict}/settings",
         subdistrict=200, admin=200, staff=403, owner=403, visitor=302),
    page("/dispatch/tickets/<int:ticket_id>", _d(lambda x: f"/dispatch/tickets/{x['escalated']}"),
         "escalated, to assign", subdistrict=200, staff=200, admin=200, property=403),
    page("/dispatch/mine", lambda d: "/dispatch/mine",
         property=200, city=200, owner=403, staff=403, visitor=302),
    page("/dispatch/grids/<int:grid_id>", _d(lambda x: f"/dispatch/grids/{x['grid']}"),
         grid=200, owner=403, property=403, visitor=302),
    page("/dispatch/tickets/<int:ticket_id>", _d(lambda x: f"/dispatch/tickets/{x['ticket']}"),
         staff=200, property=200, grid=200, reporter=200, city=403, owner=403,
         subdistrict=403, visitor=302),
    page("/dispatch/tickets/<int:ticket_id>", _d(lambda x: f"/dispatch/tickets/{x['patrol']}"),
         "patrol, to accept", staff=200, grid=200, property=403),
    page("/dispatch/tickets/<int:ticket_id>/photos/<int:photo_id>",
         _d(lambda x: f"/dispatch/tickets/{x['ticket']}/photos/{x['photo']}"),
         staff=200, reporter=200, owner=403, visitor=302),
    page("/dispatch/tickets/<int:ticket_id>/photos/<int:photo_id>/<any(thumb):size>",
         _d(lambda x: f"/dispatch/tickets/{x['ticket']}/photos/{x['photo']}/thumb"),
         property=200, owner=403, visitor=302),
    page("/", lambda d: "/",
         owner=200, staff=200, party=200, visitor=200, subdistrict=200, admin=200),
    page("/admin/", lambda d: "/admin/",
         admin=200, staff=403, subdistrict=403, owner=403, visitor=302),
    page("/admin/subdistricts/<int:subdistrict_id>",
         lambda d: f"/admin/subdistricts/{d.subdistrict}",
         admin=200, staff=403, subdistrict=403, owner=403, visitor=302),
    page("/admin/communities/<int:community_id>", lambda d: f"/admin/communities/{d.community}",
         admin=200, staff=403, subdistrict=403, owner=403, visitor=302),
    page("/subdistrict/<int:subdistrict_id>/", lambda d: f"/subdistrict/{d.subdistrict}/",
         admin=200, subdistrict=200, staff=403, owner=403, visitor=302),
    page("/community/<int:community_id>/", lambda d: f"/community/{d.community}/",
         admin=200, subdistrict=200, staff=200, owner=403, visitor=302),
    page("/c/<int:compound_id>/funds", _c("/funds"),
         owner=200, tenant=200, committee=200, staff=200, visitor=302),
    page("/community/<int:community_id>/funds", lambda d: f"/community/{d.community}/funds",
         staff=200, owner=200, subdistrict=200, visitor=302),
    page("/funds/<int:fund_id>", _f(""),
         owner=200, tenant=200, committee=200, staff=200, visitor=302),
    page("/funds/<int:fund_id>", _f("?page=2"), "page 2", owner=200, visitor=302),
    page("/funds/<int:fund_id>/post", _f("/post"),
         committee=200, owner=403, property=403, visitor=302),
    page("/funds/<int:fund_id>/entries/<int:seq>", _f("/entries/1"),
         owner=200, committee=200, visitor=302),
    page("/funds/<int:fund_id>/entries/<int:seq>/vouchers/<int:voucher_id>",
         lambda d: f"/funds/{d.funds['fund']}/entries/1/vouchers/{d.funds['voucher']}",
         owner=200, visitor=302),
    page("/funds/<int:fund_id>/entries/<int:seq>/vouchers/<int:voucher_id>/<any(thumb):size>",
         lambda d: f"/funds/{d.funds['fund']}/entries/1/vouchers/{d.funds['voucher']}/thumb",
         owner=200, visitor=302),
    page("/funds/<int:fund_id>/statements/<int:year>/<int:month>", _s(""),
         owner=200, tenant=200, visitor=302),
    page("/funds/<int:fund_id>/statements/<int:year>/<int:month>/print", _s("/print"),
         owner=200, visitor=302),
    page("/funds/<int:fund_id>/statements/<int:year>/<int:month>.xlsx", _s(".xlsx"),
         owner=200, visitor=302),
    page("/funds/<int:fund_id>/ledger.json", _f("/ledger.json"), owner=200, visitor=302),
    page("/funds/<int:fund_id>/ledger.xlsx", _f("/ledger.xlsx"), owner=200, visitor=302),
    page("/funds/<int:fund_id>/print", _f("/print"), owner=200, visitor=302),
    page("/community/<int:community_id>/report.xlsx",
         lambda d: f"/community/{d.community}/report.xlsx?month=2026-11",
         admin=200, subdistrict=200, staff=200, owner=403, visitor=302),
    page("/subdistrict/<int:subdistrict_id>/report.xlsx",
         lambda d: f"/subdistrict/{d.subdistrict}/report.xlsx?month=2026-11",
         admin=200, subdistrict=200, staff=403, owner=403, visitor=302),
    page("/favicon.ico", lambda d: "/favicon.ico",
         owner=200, staff=200, party=200, visitor=200),
    page("/healthz", lambda d: "/healthz",
         owner=200, staff=200, party=200, visitor=200),
    # The test schema is made by create_all(), with no migration recorded: not ready.
    page("/readyz", lambda d: "/readyz",
         owner=503, staff=503, party=503, visitor=503),
    page("/login", lambda d: "/login",
         owner=302, staff=302, party=302, visitor=200),
    page("/login/unlock", lambda d: "/login/unlock",
         owner=200, staff=200, party=200, visitor=200),
    page("/login/unlock/code", lambda d: "/login/unlock/code",
         owner=200, staff=200, party=200, visitor=200),
    page("/register", lambda d: "/register",
         owner=302, staff=302, party=302, visitor=200),
    page("/privacy", lambda d: "/privacy",
         owner=200, staff=200, party=200, visitor=200),
    page("/start", lambda d: "/start",
         owner=302, staff=302, party=302, visitor=302),
    page("/dev/sms", lambda d: "/dev/sms",
         owner=404, staff=404, party=404, visitor=404),
    page("/password/forgot", lambda d: "/password/forgot",
         owner=200, staff=200, party=200, visitor=200),
    page("/password/reset", lambda d: "/password/reset",
         owner=200, staff=200, party=200, visitor=200),
    page("/me", lambda d: "/me",
         owner=200, staff=200, party=200, visitor=302),
    page("/me/data.json", lambda d: "/me/data.json",
         owner=200, staff=200, party=200, visitor=302),
    page("/me/delete", lambda d: "/me/delete",
         owner=200, staff=200, party=200, visitor=302),
    page("/me/password", lambda d: "/me/password",
         owner=200, staff=200, party=200, visitor=302),
    page("/me/phone", lambda d: "/me/phone",
         owner=200, staff=200, party=200, visitor=302),
    page("/notifications/", lambda d: "/notifications/",
         owner=200, staff=200, party=200, visitor=302),
    page("/c/claim", lambda d: "/c/claim",
         owner=200, staff=200, party=200, visitor=302),
    page("/c/claim/request", lambda d: "/c/claim/request",
         owner=200, staff=200, party=200, visitor=302),
    page("/c/my-claims", lambda d: "/c/my-claims",
         owner=200, staff=200, party=200, visitor=302),
    page("/v/<kind>/<int:item_id>/<int:version>/<token>", lambda d: d.paper("notice"), "notice",
         owner=200, staff=200, party=200, visitor=200),
    page("/v/<kind>/<int:item_id>/<int:version>/<token>", lambda d: d.paper("result"), "result",
         owner=200, staff=200, party=200, visitor=200),
    page("/v/<kind>/<int:item_id>/<int:version>/<token>", lambda d: d.paper("minutes"), "minutes",
         owner=200, staff=200, party=200, visitor=200),
    page(C + "/", _c("/"),
         owner=200, staff=200, party=200, visitor=302, subdistrict=200),
    page(C + "/audit", _c("/audit"),
         owner=200, staff=200, party=200, visitor=302),
    page(C + "/claims", _c("/claims"),
         owner=403, staff=200, party=403, visitor=302),
    page(C + "/letters", _c("/letters"),
         owner=403, staff=200, party=403, visitor=302),
    page(C + "/letters/<int:building_id>", lambda d: f"/c/{d.c}/letters/{d.building}",
         owner=403, staff=200, party=403, visitor=302),
    page(C + "/me", _c("/me"),
         owner=200, staff=200, party=200, visitor=302),
    page(C + "/members", _c("/members"),
         owner=200, staff=200, party=200, visitor=302),
    page(C + "/party", _c("/party"),
         owner=403, staff=200, party=200, visitor=302),
    page(C + "/proxy-register", _c("/proxy-register"),
         owner=403, staff=200, party=403, visitor=302),
    page(C + "/reset-code", _c("/reset-code"),
         owner=403, staff=200, party=403, visitor=302),
    page(C + "/roles", _c("/roles"),
         owner=403, staff=200, party=403, visitor=302),
    page(C + "/roster", _c("/roster"),
         owner=403, staff=200, party=403, visitor=302),
    page(C + "/roster/export.xlsx", _c("/roster/export.xlsx"),
         owner=403, staff=200, party=403, visitor=302),
    page(C + "/roster/import", _c("/roster/import"),
         owner=403, staff=200, party=403, visitor=302),
    page(C + "/roster/import/<int:upload_id>", lambda d: f"/c/{d.c}/roster/import/{d.upload}",
         owner=403, staff=200, party=403, visitor=302),
    page(C + "/roster/template.xlsx", _c("/roster/template.xlsx"),
         owner=403, staff=200, party=403, visitor=302),
    page(C + "/rules", _c("/rules"),
         owner=200, staff=200, party=200, visitor=302),
    page(C + "/covenants/", _c("/covenants/"),
         owner=200, staff=200, party=200, visitor=302),
    page(C + "/covenants/new", _c("/covenants/new"),
         owner=403, staff=200, party=200, visitor=302),
    page(COV, lambda d: f"/c/{d.c}/covenants/{d.covenant}",
         owner=200, staff=200, party=200, visitor=302),
    page(COV + "/print", lambda d: f"/c/{d.c}/covenants/{d.covenant}/print",
         owner=200, staff=200, party=200, visitor=302),
    page(COV + "/versions/<int:version_id>",
         lambda d: f"/c/{d.c}/covenants/{d.covenant}/versions/{d.version}",
         owner=200, staff=200, party=200, visitor=302),
    page(C + "/issues/", _c("/issues/"),
         owner=200, staff=200, party=200, visitor=302),
    page(C + "/issues/new", _c("/issues/new"),
         owner=200, staff=403, party=403, visitor=302),
    page(C + "/issues/search", _c("/issues/search?q=电梯"),
         owner=200, staff=200, party=200, visitor=302),
    page(ISS, lambda d: f"/c/{d.c}/issues/{d.issue}",
         owner=200, staff=200, party=200, visitor=302),
    page(ISS, lambda d: f"/c/{d.c}/issues/{d.photo_issue}", "with photo",
         owner=200, staff=200, party=200, visitor=302),
    page(ISS + "/comments/<int:comment_id>/edit",
         lambda d: f"/c/{d.c}/issues/{d.issue}/comments/{d.issue_comment}/edit",
         owner=200, staff=403, party=403, visitor=302),
    page(ISS + "/comments/<int:comment_id>/revisions",
         lambda d: f"/c/{d.c}/issues/{d.issue}/comments/{d.issue_comment}/revisions",
         owner=403, staff=200, party=200, visitor=302),
    page(ISS + "/photos/<int:photo_id>",
         lambda d: f"/c/{d.c}/issues/{d.photo_issue}/photos/{d.photo}",
         owner=200, staff=200, party=200, visitor=302),
    page(ISS + "/photos/<int:photo_id>/<any(thumb):size>",
         lambda d: f"/c/{d.c}/issues/{d.photo_issue}/photos/{d.photo}/thumb",
         owner=200, staff=200, party=200, visitor=302),
    page(C + "/meetings/", _c("/meetings/"),
         owner=200, staff=200, party=200, visitor=302),
    page(C + "/meetings/new", _c("/meetings/new"),
         owner=403, staff=200, party=200, visitor=302),
    page(C + "/meetings/rules", _c("/meetings/rules"),
         owner=301, staff=301, party=301, visitor=302),
    page(C + "/meetings/tasks", _c("/meetings/tasks"),
         owner=200, staff=200, party=200, visitor=302),
    page(MEET, _m(),
         owner=200, staff=200, party=200, visitor=302),
    page(MEET + "/minutes", _m("/minutes"),
         owner=200, staff=200, party=200, visitor=302),
    page(MEET + "/minutes/correct", _m("/minutes/correct"),
         owner=403, staff=200, party=200, visitor=302),
    page(MEET + "/minutes/diff", _m("/minutes/diff"),
         owner=200, staff=200, party=200, visitor=302),
    page(MEET + "/minutes/edit", _m("/minutes/edit"),
         owner=403, staff=403, party=403, visitor=302, council=302),
    page(MEET + "/minutes/print", _m("/minutes/print"),
         owner=200, staff=200, party=200, visitor=302),
    page(MEET + "/minutes/revisions/<int:revision_id>",
         lambda d: f"/c/{d.c}/meetings/{d.meeting}/minutes/revisions/{d.revision}",
         owner=200, staff=200, party=200, visitor=302),
    page(C + "/moderation/", _c("/moderation/"),
         owner=403, staff=200, party=200, visitor=302),
    page(C + "/moderation/log", _c("/moderation/log"),
         owner=200, staff=200, party=200, visitor=302),
    page(C + "/moderation/<any(issue,comment):kind>/<int:target_id>",
         lambda d: f"/c/{d.c}/moderation/{d.report_kind}/{d.report_target}",
         owner=403, staff=200, party=200, visitor=302),
    page(C + "/moderation/report/<any(issue,comment):kind>/<int:target_id>",
         lambda d: f"/c/{d.c}/moderation/report/issue/{d.issue}",
         owner=200, staff=200, party=200, visitor=302),
    page(C + "/notices/", _c("/notices/"),
         owner=200, staff=200, party=200, visitor=302),
    page(C + "/notices/new", _c("/notices/new"),
         owner=403, staff=200, party=200, visitor=302),
    page(NOT, _n(),
         owner=200, staff=200, party=200, visitor=302),
    page(NOT + "/correct", _n("/correct"),
         owner=403, staff=200, party=200, visitor=302),
    page(NOT + "/edit", lambda d: f"/c/{d.c}/notices/{d.draft_notice}/edit",
         owner=403, staff=200, party=200, visitor=302),
    page(NOT + "/print", _n("/print"),
         owner=200, staff=200, party=200, visitor=302),
    page(C + "/proposals/", _c("/proposals/"),
         owner=200, staff=200, party=200, visitor=302),
    page(C + "/proposals/new", _c("/proposals/new"),
         owner=403, staff=403, party=200, visitor=302),
    page(P + "/", _p("voting"), "voting",
         owner=200, staff=200, party=200, visitor=302),
    page(P + "/", _p("consultation"), "consultation",
         owner=200, staff=200, party=200, visitor=302),
    page(P + "/", _p("passed"), "passed",
         owner=200, staff=200, party=200, visitor=302),
    page(P + "/", _p("draft"), "draft",
         owner=403, staff=200, party=200, visitor=302),
    page(P + "/", _p("election"), "election",
         owner=200, staff=200, party=200, visitor=302),
    page(P + "/candidates", _p("election", "/candidates"),
         owner=200, staff=200, party=200, visitor=302),
    page(P + "/result", _p("election", "/result"), "election",
         owner=200, staff=200, party=200, visitor=302),
    page(P + "/attachments/<int:attachment_id>",
         lambda d: f"/c/{d.c}/proposals/{d.draft}/attachments/{d.attachment}",
         owner=403, staff=200, party=200, visitor=302),
    page(P + "/ballots", _p("passed", "/ballots"),
         owner=200, staff=200, party=200, visitor=302),
    page(P + "/comments/<int:comment_id>/edit",
         lambda d: f"/c/{d.c}/proposals/{d.consultation}/comments/{d.consultation_comment}/edit",
         owner=200, staff=403, party=403, visitor=302),
    page(P + "/comments/<int:comment_id>/revisions",
         lambda d: f"/c/{d.c}/proposals/{d.consultation}/comments/"
                   f"{d.consultation_comment}/revisions",
         owner=403, staff=200, party=200, visitor=302),
    page(P + "/documents/<sha>", lambda d: f"/c/{d.c}/proposals/{d.passed}/documents/{d.scan_sha}",
         owner=403, staff=200, party=403, visitor=302),
    page(P + "/edit", _p("draft", "/edit"),
         owner=403, staff=403, party=200, visitor=302),
    page(P + "/export.json", _p("passed", "/export.json"),
         owner=200, staff=200, party=200, visitor=302),
    page(P + "/export.xlsx", _p("passed", "/export.xlsx"),
         owner=200, staff=200, party=200, visitor=302),
    page(P + "/paper", _p("voting", "/paper"),
         owner=403, staff=200, party=403, visitor=302),
    page(P + "/print", _p("passed", "/print"),
         owner=200, staff=200, party=200, visitor=302),
    page(P + "/proxies", _p("voting", "/proxies"),
         owner=403, staff=200, party=403, visitor=302),
    page(P + "/receipt", _p("voting", "/receipt"),
         owner=200, staff=200, party=200, visitor=302),
    page(P + "/result", _p("passed", "/result"),
         owner=200, staff=200, party=200, visitor=302),
    page(P + "/summary", _p("consultation", "/summary"),
         owner=403, staff=403, party=200, visitor=302),
    page(P + "/turnout", _p("voting", "/turnout"),
         owner=302, staff=302, party=302, visitor=302),
    page(P + "/turnout", _p("voting", "/turnout"), "htmx", headers={"HX-Request": "true"},
         owner=200, staff=200, party=200, visitor=302),
    page(P + "/vote", _p("voting", "/vote"),
         owner=200, staff=200, party=200, visitor=302),
    page(P + "/", _p("survey"), "survey",
         owner=200, staff=200, party=200, visitor=302),
    page(P + "/survey", _p("survey", "/survey"),
         owner=200, staff=200, party=200, visitor=302),
    page(P + "/survey/questions", _p("survey", "/survey/questions"),
         owner=403, staff=200, party=200, visitor=302),
    page(P + "/survey/results", _p("survey", "/survey/results"),
         owner=200, staff=200, party=200, visitor=302),
    page(P + "/survey/moderation", _p("survey", "/survey/moderation"),
         owner=403, staff=200, party=200, visitor=302),
    page(P + "/survey/responses", _p("survey", "/survey/responses"),
         owner=403, staff=200, party=403, visitor=302),
    page(C + "/proposals/survey/satisfaction", _c("/proposals/survey/satisfaction"),
         owner=403, staff=200, party=200, visitor=302),
    # The open data API (app.api): the login cookie counts for nothing there, a token does.
    page("/api/v1/openapi.json", lambda d: "/api/v1/openapi.json", owner=200, visitor=200),
    page("/api/v1/compounds", lambda d: "/api/v1/compounds", owner=200, visitor=200),
    page(API, _api(""), owner=200, visitor=200),
    page(API + "/notices", _api("/notices"), visitor=200),
    page(API + "/notices/<int:notice_id>", lambda d: f"/api/v1/compounds/{d.c}/notices/{d.notice}",
         visitor=200),
    page(API + "/results", _api("/results"), visitor=200),
    page(API + "/results/<int:proposal_id>", _api_p("passed"), visitor=200),
    page(API + "/results/<int:proposal_id>/export", _api_p("passed", "/export"), visitor=200),
    page(API + "/results/<int:proposal_id>/export", _api_p("election", "/export"), "secret",
         headers=AS_OWNER_TOKEN, owner=200),
    page(API + "/minutes", _api("/minutes"), visitor=200),
    page(API + "/minutes/<int:meeting_id>",
         lambda d: f"/api/v1/compounds/{d.c}/minutes/{d.meeting}", visitor=200),
    page(API + "/covenants", _api("/covenants"), visitor=200),
    page(API + "/audit", _api("/audit"), visitor=200),
    page("/api/v1/audit/anchors", lambda d: "/api/v1/audit/anchors", owner=200, visitor=200),
    page("/api/v1/me", lambda d: "/api/v1/me", owner=401, visitor=401),
    page("/api/v1/me", lambda d: "/api/v1/me", "token", headers=AS_OWNER_TOKEN, owner=200),
    page(API + "/issues", _api("/issues"), owner=401, visitor=401),
    page(API + "/issues", _api("/issues"), "token", headers=AS_OWNER_TOKEN, owner=200),
    page(API + "/proposals", _api("/proposals"), visitor=401),
    page(API + "/proposals", _api("/proposals"), "token", headers=AS_OWNER_TOKEN, owner=200),
    page(API + "/meetings", _api("/meetings"), visitor=401),
    page(API + "/meetings", _api("/meetings"), "token", headers=AS_OWNER_TOKEN, owner=200),
    page("/me/api-tokens", lambda d: "/me/api-tokens", owner=200, staff=200, visitor=302),
]

# The trust-model books (app.trustbooks): read by every member, tenants included.
TB = C + "/trust"


def _tb(rest: str) -> Callable[[DemoIds], str]:
    return lambda d: f"/c/{d.c}/trust/{d.trust['fund']}{rest}"


def _ta(rest: str = "") -> Callable[[DemoIds], str]:
    return lambda d: f"/c/{d.c}/trust/accounts/{d.trust['account']}{rest}"


PAGES += [
    page(TB + "/", _c("/trust/"), owner=200, tenant=200, committee=200, visitor=302),
    page(TB + "/<int:fund_id>/", _tb("/"), owner=200, tenant=200, property=200,
         visitor=302),
    page(TB + "/<int:fund_id>/", _tb("/?month=6"), "month", owner=200, committee=200,
         visitor=302),
    page(TB + "/<int:fund_id>/disputes", _tb("/disputes"), owner=200, committee=200,
         visitor=302),
    page(TB + "/<int:fund_id>/budget", _tb("/budget"), owner=200, committee=200,
         property=200, visitor=302),
    page(TB + "/accounts/<int:account_id>", _ta(), owner=200, tenant=200, visitor=302),
    page(TB + "/accounts/<int:account_id>.xlsx", _ta(".xlsx"), owner=200, visitor=302),
    page(TB + "/accounts/<int:account_id>/print", _ta("/print"), owner=200, visitor=302),
]
