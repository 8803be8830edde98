"""What anyone may read, shaped for the API: only what the site already shows without a login
(the page behind a printed paper's QR code: published notices, results, published minutes)
plus the texts of covenants in force and the audit heads. No phone numbers, no per-person
votes of a secret ballot, names only as the posted papers carry them."""
from flask import url_for
from sqlalchemy import and_, select
from sqlalchemy.orm import selectinload

from app.compounds.models import Community, Compound, Subdistrict
from app.covenants.models import Covenant, CovenantVersion
from app.extensions import db
from app.meetings.minutes import readable_items
from app.meetings.models import Meeting, Minutes, MinutesRevision
from app.notices.models import Notice, NoticeRevision
from app.notices.queries import phase, revision_digest
from app.proposals.exports import result_digest
from app.proposals.models import Proposal, ProposalResult

# --- compounds ----------------------------------------------------------------------------

COMPOUNDS = (select(Compound.id, Compound.name, Community.name, Subdistrict.name)
             .join(Community, Community.id == Compound.community_id)
             .join(Subdistrict, Subdistrict.id == Community.subdistrict_id)
             .order_by(Compound.id))


def compound_row(compound_id: int):
    return db.session.execute(COMPOUNDS.where(Compound.id == compound_id)).first()


def compound_dict(row) -> dict:
    cid, name, community, subdistrict = row
    links = {"self": url_for("api_public.compound", compound_id=cid)}
    for part in ("notices", "results", "minutes", "covenants", "audit"):
        links[part] = url_for(f"api_public.{part}", compound_id=cid)
    return {"id": cid, "name": name, "community": community, "subdistrict": subdistrict,
            "links": links}


# --- notices ------------------------------------------------------------------------------

# A published (or since withdrawn) notice with the text of its latest published version.
NOTICES = (select(Notice, NoticeRevision)
           .join(NoticeRevision, and_(NoticeRevision.notice_id == Notice.id,
                                      NoticeRevision.number == Notice.revision_count))
           .where(Notice.status.in_(("published", "withdrawn")),
                  Notice.published_at.is_not(None))
           .order_by(Notice.published_at.desc(), Notice.id.desc()))


def notices_of(compound_id: int):
    return NOTICES.where(Notice.compound_id == compound_id)


def notice_in(compound_id: int, notice_id: int):
    return db.session.execute(notices_of(compound_id).where(Notice.id == notice_id)).first()


def notice_dict(notice: Notice, revision: NoticeRevision, *, full: bool = False) -> dict:
    out = {"id": notice.id, "kind": notice.kind, "title": revision.title,
           "phase": phase(notice), "published_at": notice.published_at,
           "starts_at": notice.starts_at, "ends_at": notice.ends_at,
           "revision": notice.revision_count,
           "digest": revision_digest(revision),
           "links": {"self": url_for("api_public.notice", compound_id=notice.compound_id,
                                     notice_id=notice.id)}}
    if full:
        out.update(body_markdown=revision.body_source, body_html=revision.body_html,
                   proposal_id=notice.proposal_id, withdrawn_at=notice.withdrawn_at,
                   withdrawal_reason=notice.withdrawal_reason or "")
    return out


# --- results ------------------------------------------------------------------------------

# Each proposal's stored result that counts: the final one once published, else the
# preliminary one (as app.proposals.pages.stored_result and the posted paper).
_final = ProposalResult.__table__.alias("final_result")
RESULTS = (select(Proposal, ProposalResult)
           .join(ProposalResult, ProposalResult.proposal_id == Proposal.id)
           .where(~select(_final.c.id).where(
               _final.c.proposal_id == Proposal.id, _final.c.stage == "final",
               ProposalResult.stage == "preliminary").exists())
           .options(selectinload(Proposal.options))  # the export names the options
           .order_by(ProposalResult.created_at.desc(), Proposal.id.desc()))


def results_of(compound_id: int):
    return RESULTS.where(Proposal.compound_id == compound_id)


def result_in(compound_id: int, proposal_id: int):
    return db.session.execute(results_of(compound_id).where(Proposal.id == proposal_id)).first()


def result_dict(proposal: Proposal, stored: ProposalResult, *, full: bool = False) -> dict:
    passed = stored.result.get("passed") if isinstance(stored.result, dict) else None
    out = {"proposal_id": proposal.id, "title": proposal.title, "kind": proposal.kind,
           "matter": proposal.matter, "scope": proposal.scope_label or None,
           "secret": bool(proposal.is_secret), "stage": stored.stage,
           "passed": passed if isinstance(passed, bool) else None,
           "computed_at": stored.created_at, "digest": result_digest(stored),
           "audit_head": stored.audit_head,
           "links": {"self": url_for("api_public.result", compound_id=proposal.compound_id,
                                     proposal_id=proposal.id),
                     "export": url_for("api_public.result_export",
                                       compound_id=proposal.compound_id,
                                       proposal_id=proposal.id)}}
    if full:
        out.update(voting_opens_at=proposal.voting_opens_at,
                   voting_closes_at=proposal.voting_closes_at,
                   objection_ends_at=proposal.objection_ends_at, result=stored.result)
    return out


WITHHELD_VOTES = (
    "Secret ballot: the anonymous votes (receipt and choice) are shown to the compound's "
    "members only, so that a receipt cannot be checked by anyone a voter shows it to. "
    "'participants' and 'totals' are complete; recount with the members' export.")


def public_export(document: dict) -> dict:
    """The recount file as anyone may read it: a secret ballot's list of anonymous votes is
    left out (members read it with their token), everything else is as exported."""
    if document.get("secret") is not True:
        return document
    return {**{k: v for k, v in document.items() if k != "votes"},
            "votes_withheld": WITHHELD_VOTES}


# --- minutes ------------------------------------------------------------------------------

# Published minutes with the revision that is current now: the published one, or the latest
# correction after it (a correction is itself public: the paper page shows it).
MINUTES = (select(Meeting, Minutes, MinutesRevision)
           .join(Minutes, Minutes.meeting_id == Meeting.id)
           .join(MinutesRevision, MinutesRevision.id == Minutes.current_revision_id)
           .where(Minutes.status == "published")
           .order_by(Minutes.published_at.desc(), Meeting.id.desc()))


def minutes_of(compound_id: int):
    return MINUTES.where(Meeting.compound_id == compound_id)


def minutes_in(compound_id: int, meeting_id: int):
    return db.session.execute(minutes_of(compound_id).where(Meeting.id == meeting_id)).first()


def minutes_dict(meeting: Meeting, minutes: Minutes, revision: MinutesRevision, *,
                 full: bool = False) -> dict:
    out = {"meeting_id": meeting.id, "title": meeting.title, "body": meeting.body,
           "starts_at": meeting.starts_at, "published_at": minutes.published_at,
           "revision": revision.number, "corrected": revision.kind == "correction",
           "digest": revision.sha256,
           "links": {"self": url_for("api_public.minutes_one", compound_id=meeting.compound_id,
                                     meeting_id=meeting.id)}}
    if full:
        out.update(audit_head=revision.audit_head or minutes.audit_head,
                   correction_reason=revision.reason if revision.kind == "correction" else "",
                   items=[{**item.as_dict(), "due": item.due} for item in readable_items(revision)],
                   markdown=revision.source, html=revision.html)
    return out


# --- covenants and audit ------------------------------------------------------------------

COVENANTS_IN_FORCE = (select(Covenant, CovenantVersion)
                      .join(CovenantVersion, CovenantVersion.covenant_id == Covenant.id)
                      .where(CovenantVersion.state == "published")
                      .order_by(Covenant.kind.desc(), Covenant.id))


def covenants_of(compound_id: int):
    return COVENANTS_IN_FORCE.where(Covenant.compound_id == compound_id).options(
        selectinload(CovenantVersion.articles))


def covenant_dict(covenant: Covenant, version: CovenantVersion) -> dict:
    """The text in force: its articles, never the signatures or commitments (those name
    households and people)."""
    return {"id": covenant.id, "kind": covenant.kind, "title": covenant.title,
            "version": version.number, "adopted_at": version.adopted_at,
            "published_at": version.published_at, "proposal_id": version.proposal_id,
            "filing_ref": version.filing_ref or "",
            "articles": [{"number": a.number, "body": a.body} for a in version.articles]}
