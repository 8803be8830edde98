"""Publishing a final result or an implementation report puts its 公示 notice on the board,
in the same transaction, linked both ways: the notice names its proposal, and the proposal's
page lists its notices (app.core.related)."""
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select

from app.compounds.models import Compound
from app.core import events, related
from app.core.i18n import lazy_gettext as _l
from app.core.time import utcnow
from app.extensions import db
from app.notices import services as notices
from app.notices.models import Notice
from app.proposals.lifecycle import proposal_path
from app.proposals.models import Proposal
from app.proposals.services import final_result

# A result entered long after it was published on paper (the demo's history) is not news.
NEWS_WINDOW = timedelta(days=1)
NOTICE_LABELS = {"vote_result": _l("表决结果公示"), "implementation": _l("实施结果公示")}


def _verdict(proposal: Proposal) -> str:
    final = final_result(proposal)
    passed = final.result.get("passed") if final is not None else None
    # The notice's text is the compound's record, in the compound's language.
    if passed is None:
        return "意见征集结果已公布。"
    return "表决结果：通过。" if passed else "表决结果：未通过。"


def _announce(actor, proposal: Proposal, now: datetime, *, kind: str, title: str,
              body: str) -> Notice:
    compound = db.session.get(Compound, proposal.compound_id)
    notice = notices.create_draft(actor, compound, kind=kind, title=title[:120], body=body,
                                  proposal_id=proposal.id)
    return notices.publish(actor, notice, now=now, announce=utcnow() - now < NEWS_WINDOW)


def on_result_published(obj: Proposal, actor, now: datetime, **_) -> None:
    proposal = obj
    page = proposal_path(proposal) + "/result"
    _announce(actor, proposal, now, kind="vote_result",
              title=f"表决结果公告：{proposal.title}",
              body=f"{_verdict(proposal)}\n\n计票、适用规则和核验方法见[表决结果页]({page})。")


def on_implementation_published(obj: Proposal, actor, now: datetime, step, **_) -> None:
    proposal = obj
    page = proposal_path(proposal)
    report = step.fields.get("reason", "").strip() or "实施已完成。"
    _announce(actor, proposal, now, kind="implementation",
              title=f"实施结果公示：{proposal.title}",
              body=f"{report}\n\n议案和实施过程见[议案页]({page})。")


_NOTICES_OF_PROPOSAL = (select(Notice.id, Notice.compound_id, Notice.kind, Notice.title)
                        .where(Notice.proposal_id == bindparam("proposal_id"),
                               Notice.status == "published").order_by(Notice.id))


def notices_of_proposal(proposal_id: int) -> list[related.RelatedLink]:
    rows = db.session.execute(_NOTICES_OF_PROPOSAL, {"proposal_id": proposal_id}).all()
    return [related.RelatedLink(str(NOTICE_LABELS.get(kind, _l("公告"))), title,
                                f"/c/{compound_id}/notices/{notice_id}")
            for notice_id, compound_id, kind, title in rows]


def set_up() -> None:
    events.subscribe("proposal.publish_result", on_result_published)
    events.subscribe("proposal.publish_implementation", on_implementation_published)
    related.provide("proposal", notices_of_proposal)
