"""Adoption of a covenant version by a vote (提请表决 → 通过生效 → 备案公布).

Which votes can adopt which covenant:
- 管理规约: only an owners' joint decision on matter (2) of 民法典 第二百七十八条
  (制定和修改管理规约), passed by that article's ordinary majority. Any other kind or matter
  is refused.
- 居民公约: it is made by the 居民会议 (城市居民委员会组织法 第十五条: 居民公约由居民会议讨论制定),
  whose voice in the software is the resident consultation (every verified resident, tenants
  included, one person one vote). A consultation has no legal verdict of its own, so we apply
  the 居民会议's rule (组织法 第十条): more than half of the electorate take part and more than
  half of those taking part agree. Where the compound chooses to let owners decide instead,
  an owners' joint decision on matter (9) (其他重大事项) is accepted with its own verdict.
  A council resolution is never enough: the covenant binds every resident.
In both cases the vote must be a plain 同意/反对/弃权 ballot whose final result is published.
"""
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from app.compounds.access import primary_role
from app.core.errors import ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.time import utcnow
from app.covenants.articles import current_articles
from app.covenants.lifecycle import (
    check,
    compound_of,
    covenant_of,
    move,
)
from app.covenants.models import Covenant, CovenantVersion
from app.extensions import db
from app.proposals import services as proposal_services
from app.proposals.models import Proposal
from app.proposals.tally import YES

RESULT_PUBLIC = ("published", "implementation", "implementation_published", "closed")
DEAD = ("withdrawn", "returned", "closed")


def check_kind(covenant: Covenant, proposal: Proposal) -> None:
    """Refuse a proposal whose kind or matter can't adopt this covenant (see module doc)."""
    if proposal.options:
        raise ServiceError(_l("通过公约的表决须为同意、反对、弃权的表决，不能是多选一。"),
                           field="proposal")
    if covenant.kind == "management":
        if proposal.kind != "owners" or proposal.matter != 2:
            raise ServiceError(_l("管理规约只能由业主共同决定通过（《民法典》第二百七十八条第二项"
                                  "“制定和修改管理规约”）。"), field="proposal")
        return
    if proposal.kind == "consultation":
        return
    if proposal.kind == "owners" and proposal.matter == 9:
        return
    raise ServiceError(_l("居民公约须由居民意见征集（居民会议）表决，或由业主共同决定"
                          "（第二百七十八条第九项）表决。"), field="proposal")


def passed(proposal: Proposal) -> bool:
    """Whether the proposal's final, published result adopts the text (see module doc)."""
    if proposal.state not in RESULT_PUBLIC:
        return False
    final = proposal_services.final_result(proposal)
    if final is None:
        return False
    result = final.result
    if proposal.kind == "consultation":
        total = int(result.get("total_voters") or 0)
        taking_part = int(result.get("participating") or 0)
        agree = int((result.get("counts") or {}).get(YES, 0))
        return taking_part * 2 > total and agree * 2 > taking_part
    return result.get("passed") is True


def _ballot_text(covenant: Covenant, version: CovenantVersion) -> str:
    return f"是否同意《{covenant.title}》（第{version.number}版）"


def create_proposal(actor, version: CovenantVersion, *, kind: str) -> Proposal:
    """Draft the proposal that puts an approved version to the vote, and link it."""
    covenant = covenant_of(version)
    compound = compound_of(covenant)
    matter = None
    if kind == "owners":
        matter = 2 if covenant.kind == "management" else 9
    body = "\n\n".join(f"**第{a.number}条** {a.body}" for a in current_articles(version))
    proposal = proposal_services.create(
        actor, compound, title=f"关于通过《{covenant.title}》（第{version.number}版）的议案",
        body=body, kind=kind, matter=matter, origin=primary_role(actor, compound),
        ballot_text=_ballot_text(covenant, version))
    link_proposal(actor, version, proposal)
    return proposal


def link_proposal(actor, version: CovenantVersion, proposal: Proposal) -> CovenantVersion:
    """提请表决: an approved version is tied to the proposal that will decide it."""
    covenant = covenant_of(version)
    compound = compound_of(covenant)
    check(actor, version, "link_proposal")
    if proposal.compound_id != compound.id:
        raise ServiceError(_l("找不到这个议案。"), field="proposal", status=404)
    if proposal.state in DEAD:
        raise ServiceError(_l("这个议案已撤回、退回或结束，不能用于表决公约。"), field="proposal")
    check_kind(covenant, proposal)
    taken = db.session.scalar(select(CovenantVersion.id).where(
        CovenantVersion.proposal_id == proposal.id, CovenantVersion.id != version.id))
    if taken:
        raise ServiceError(_l("这个议案已用于表决另一版公约。"), field="proposal", status=409)
    return move(actor, version, "link_proposal", values={"proposal_id": proposal.id},
                data={"proposal_id": proposal.id})


def adopt(actor, version: CovenantVersion) -> CovenantVersion:
    """通过生效: only when the linked proposal's final result is published and adopts the text.
    From here on the version's articles are frozen (database triggers)."""
    covenant = covenant_of(version)
    check(actor, version, "adopt")
    proposal = (db.session.get(Proposal, version.proposal_id,
                                   options=[selectinload(Proposal.options)],
                               populate_existing=True)
                if version.proposal_id else None)
    if version.state != "voting" or proposal is None:
        raise ServiceError(_l("这一版本还没有提请表决。"), status=409)
    check_kind(covenant, proposal)  # the draft proposal may have been edited since linking
    if proposal.state not in RESULT_PUBLIC:
        raise ServiceError(_l("表决的最终结果尚未公布，公约不能生效。"), status=409)
    if not passed(proposal):
        raise ServiceError(_l("表决未通过，公约不能生效。可退回修改后重新提请表决。"), status=409)
    final = proposal_services.final_result(proposal)
    return move(actor, version, "adopt", values={"adopted_at": utcnow()},
                data={"proposal_id": proposal.id, "result": final.id,
                      "audit_head": final.audit_head})


def publish(actor, version: CovenantVersion, filing_ref: str = "") -> CovenantVersion:
    """备案公布: staff record the filing and publish; the previous version is superseded."""
    covenant = covenant_of(version)
    check(actor, version, "publish")
    now = utcnow()
    previous = db.session.scalar(select(CovenantVersion).where(
        CovenantVersion.covenant_id == covenant.id, CovenantVersion.state == "published"))
    if previous is not None:
        db.session.execute(update(CovenantVersion).where(CovenantVersion.id == previous.id)
                           .values(state="superseded", superseded_at=now)
                           .execution_options(synchronize_session=False))
        db.session.refresh(previous)
    ref = (filing_ref or "").strip()[:80]
    move(actor, version, "publish", values={"published_at": now, "filing_ref": ref},
         data={"filing_ref": ref, "superseded": previous.id if previous else None},
         also=[previous] if previous else [])
    return version
