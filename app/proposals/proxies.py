"""委托投票 (DESIGN §3): staff register a written authorisation naming a proxy for one member
of the electorate; the proxy then votes for that member. One person may hold at most
`compound.max_proxies_per_holder` authorisations per proposal: the unique index on
(proposal, proxy, slot) enforces it without a check-then-insert race. Council and committee
resolutions take no proxies."""
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.accounts.services import find_by_mobile
from app.audit.services import record
from app.compounds.access import is_staff, primary_role
from app.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.i18n import lazy_ngettext
from app.core.time import utcnow
from app.extensions import db
from app.proposals import ballots
from app.proposals.lifecycle import proposal_compound
from app.proposals.models import ElectorateMember, Proposal, ProxyAuthorisation

NO_COUNCIL_PROXY = _l("议事会、业委会决议须由成员本人表决，不能委托。")
REVOKE_REASON_MAX = 200


def register(staff, proposal: Proposal, member: ElectorateMember, proxy_mobile: str,
             document: tuple[str, str], *, is_guardian: bool = False,
             now: datetime | None = None) -> ProxyAuthorisation:
    """Record an authorisation (委托书, or a guardian's document) for `member`. The proxy must
    have an account. The slot is the proxy's count + 1, inserted in a savepoint; if another
    registration took that slot meanwhile we count again once, then refuse."""
    compound = proposal_compound(proposal)
    if not is_staff(staff, compound):
        raise PermissionDenied(_l("只有社区工作人员可以登记委托书。"))
    if proposal.kind == "council":
        raise ServiceError(NO_COUNCIL_PROXY, status=409)
    if proposal.state != "voting":
        raise ServiceError(_l("只能在投票期间登记委托。"), status=409)
    if member.proposal_id != proposal.id:
        raise NotFound(_l("本次表决的投票人名单中没有这位业主。"), field="member")
    proxy = find_by_mobile(proxy_mobile or "")
    if proxy is None:
        raise ServiceError(_l("这个手机号还没有注册账户，请受托人先注册。"), field="proxy_mobile")
    path, sha = document
    limit = compound.max_proxies_per_holder
    for attempt in (1, 2):
        used = db.session.scalar(select(func.count(ProxyAuthorisation.id)).where(
            ProxyAuthorisation.proposal_id == proposal.id,
            ProxyAuthorisation.proxy_user_id == proxy.id))
        if used >= limit:
            raise Conflict(lazy_ngettext("每位受托人在一次表决中最多代理 %(n)s 位业主。",
                                         "每位受托人在一次表决中最多代理 %(n)s 位业主。",
                                         limit, n=limit),
                           field="proxy_mobile")
        auth = ProxyAuthorisation(proposal_id=proposal.id, member_id=member.id,
                                  proxy_user_id=proxy.id, slot=used + 1, document_path=path,
                                  document_sha256=sha, registered_by_id=staff.id,
                                  is_guardian=is_guardian, created_at=now or utcnow())
        try:
            with db.session.begin_nested():
                db.session.add(auth)
                db.session.flush()
            break
        except IntegrityError as exc:
            if "slot" not in str(exc.orig):
                raise Conflict(_l("这位业主已经登记过委托人。"), field="member") from None
            if attempt == 2:
                raise Conflict(_l("同时有其他委托在登记，请稍后重试。")) from None
    record(staff, compound, "proxy.register", auth,
           {"proposal": proposal.id, "member": member.id, "proxy": proxy.id,
            "slot": auth.slot, "guardian": is_guardian, "document_sha256": sha},
           actor_role=primary_role(staff, compound))
    return auth


def revoke(staff, proposal: Proposal, authorisation_id: int, reason: str,
           now: datetime | None = None) -> ProxyAuthorisation:
    """Withdraw a written authorisation (the owner took it back, or it was registered in
    error), with a written reason. From then on the proxy can neither vote for the member nor
    open the proposal's pages; a ballot already cast under it stands (a ballot is final once
    cast, DESIGN §3). The conditional UPDATE makes two revocations at once succeed once."""
    compound = proposal_compound(proposal)
    if not is_staff(staff, compound):
        raise PermissionDenied(_l("只有社区工作人员可以撤销委托。"))
    auth = db.session.get(ProxyAuthorisation, authorisation_id)
    if auth is None or auth.proposal_id != proposal.id:
        raise NotFound(_l("没有找到这份委托。"))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("请写明撤销委托的理由。"), field="reason")
    if len(reason) > REVOKE_REASON_MAX:
        raise ServiceError(_l("理由不能超过 200 个字。"), field="reason")
    revoked = db.session.execute(
        update(ProxyAuthorisation)
        .where(ProxyAuthorisation.id == auth.id, ProxyAuthorisation.revoked_at.is_(None))
        .values(revoked_at=now or utcnow()).execution_options(synchronize_session=False))
    if revoked.rowcount != 1:
        raise Conflict(_l("这份委托已经撤销了。"))
    db.session.refresh(auth)
    record(staff, compound, "proxy.revoke", auth,
           {"proposal": proposal.id, "member": auth.member_id, "proxy": auth.proxy_user_id,
            "reason": reason}, actor_role=primary_role(staff, compound))
    return auth


def cast(proposal_id: int, member_id: int, proxy_user, choice: str,
         now: datetime | None = None, compound_id: int | None = None) -> str:
    """The proxy casts the member's ballot (channel "proxy") under a live authorisation."""
    proposal = db.session.get(Proposal, proposal_id, options=[selectinload(Proposal.options)],
                              populate_existing=True)
    if proposal is None or compound_id not in (None, proposal.compound_id):
        raise NotFound(_l("没有这项表决。"))
    if proposal.kind == "council":
        raise PermissionDenied(NO_COUNCIL_PROXY)
    auth = db.session.scalar(select(ProxyAuthorisation).where(
        ProxyAuthorisation.proposal_id == proposal_id,
        ProxyAuthorisation.member_id == member_id,
        ProxyAuthorisation.proxy_user_id == proxy_user.id,
        ProxyAuthorisation.revoked_at.is_(None)))
    if auth is None:
        raise PermissionDenied(_l("您没有这位业主的有效委托书。"))
    return ballots.cast(proposal_id, member_id, proxy_user, choice, channel="proxy", proxy=auth,
                        now=now, actor_role="proxy", compound_id=compound_id)


def members_for_proxy(proposal: Proposal, user) -> list[ElectorateMember]:
    """The members this person holds a live authorisation for."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return list(db.session.scalars(
        select(ElectorateMember)
        .join(ProxyAuthorisation, ProxyAuthorisation.member_id == ElectorateMember.id)
        .where(ProxyAuthorisation.proposal_id == proposal.id,
               ProxyAuthorisation.proxy_user_id == user.id,
               ProxyAuthorisation.revoked_at.is_(None))
        .order_by(ElectorateMember.id)))


def authorisations(proposal: Proposal) -> list[tuple[ProxyAuthorisation, ElectorateMember, User]]:
    """Every authorisation of a proposal, for staff."""
    return list(db.session.execute(
        select(ProxyAuthorisation, ElectorateMember, User)
        .join(ElectorateMember, ElectorateMember.id == ProxyAuthorisation.member_id)
        .join(User, User.id == ProxyAuthorisation.proxy_user_id)
        .where(ProxyAuthorisation.proposal_id == proposal.id)
        .order_by(ProxyAuthorisation.id)).tuples())
