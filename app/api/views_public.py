"""What anyone may read: the list of compounds and, per compound, its published notices,
results (with their recount exports), published minutes, covenants in force and audit heads.
A token is optional here; with one, the answer is private (and a member of the compound gets
a secret ballot's anonymous votes in the export, as the site shows them)."""
import json

from flask import Response, abort

from app.api import public, public_audit
from app.api.caller import caller_user
from app.api.paging import envelope, paged
from app.api.schemas import (
    AnchorSchema,
    AuditSchema,
    CompoundSchema,
    CovenantSchema,
    ExportSchema,
    MinutesSchema,
    MinutesSummary,
    NoticeSchema,
    NoticeSummary,
    PageArgs,
    ResultSchema,
    ResultSummary,
    page_of,
)
from app.api.web import documented_errors
from app.api.web import public_bp as blp
from app.compounds.access import may_read
from app.extensions import db
from app.proposals.results import export_document

COMMON = (304, 401, 429)
PAGED = (*COMMON, 422)
ONE = (*COMMON, 404)


def _compound(compound_id: int):
    row = public.compound_row(compound_id)
    if row is None:
        abort(404)
    return row


@blp.route("/compounds")
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, page_of(CompoundSchema, "CompoundPage"))
@documented_errors(blp, *PAGED)
def compounds(page: int, per_page: int):
    """Every compound, with the links to what it publishes."""
    rows, total = paged(public.COMPOUNDS, page, per_page)
    return envelope([public.compound_dict(r) for r in rows], page, per_page, total)


@blp.route("/compounds/<int:compound_id>")
@blp.response(200, CompoundSchema)
@documented_errors(blp, *ONE)
def compound(compound_id: int):
    """One compound."""
    return public.compound_dict(_compound(compound_id))


@blp.route("/compounds/<int:compound_id>/notices")
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, page_of(NoticeSummary, "NoticePage"))
@documented_errors(blp, *PAGED, 404)
def notices(compound_id: int, page: int, per_page: int):
    """Published notices (公告/公示), newest first; withdrawn ones say so."""
    _compound(compound_id)
    rows, total = paged(public.notices_of(compound_id), page, per_page)
    return envelope([public.notice_dict(n, r) for n, r in rows], page, per_page, total)


@blp.route("/compounds/<int:compound_id>/notices/<int:notice_id>")
@blp.response(200, NoticeSchema)
@documented_errors(blp, *ONE)
def notice(compound_id: int, notice_id: int):
    """A published notice with its text as last published."""
    found = public.notice_in(compound_id, notice_id)
    if found is None:
        abort(404)
    return public.notice_dict(*found, full=True)


@blp.route("/compounds/<int:compound_id>/results")
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, page_of(ResultSummary, "ResultPage"))
@documented_errors(blp, *PAGED, 404)
def results(compound_id: int, page: int, per_page: int):
    """Vote results: the final one once published, else the preliminary one (objection
    period), newest first."""
    _compound(compound_id)
    rows, total = paged(public.results_of(compound_id), page, per_page)
    return envelope([public.result_dict(p, r) for p, r in rows], page, per_page, total)


@blp.route("/compounds/<int:compound_id>/results/<int:proposal_id>")
@blp.response(200, ResultSchema)
@documented_errors(blp, *ONE)
def result(compound_id: int, proposal_id: int):
    """One result with every figure as computed."""
    found = public.result_in(compound_id, proposal_id)
    if found is None:
        abort(404)
    return public.result_dict(*found, full=True)


@blp.route("/compounds/<int:compound_id>/results/<int:proposal_id>/export")
@blp.response(200, ExportSchema)
@documented_errors(blp, *ONE)
def result_export(compound_id: int, proposal_id: int):
    """The recount file: save it and run `flask --app wsgi tally compute FILE`. Units,
    areas and voter keys, never names or phones. A secret ballot's anonymous votes are left
    out for anyone but the compound's members."""
    found = public.result_in(compound_id, proposal_id)
    if found is None:
        abort(404)
    document = export_document(found[0])
    user = caller_user()
    if user is None or not may_read(user, compound_id):
        document = public.public_export(document)
    db.session.rollback()  # nothing was written; end the read before the body is sent
    return Response(json.dumps(document, ensure_ascii=False, indent=2),
                    mimetype="application/json")


@blp.route("/compounds/<int:compound_id>/minutes")
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, page_of(MinutesSummary, "MinutesPage"))
@documented_errors(blp, *PAGED, 404)
def minutes(compound_id: int, page: int, per_page: int):
    """Published meeting minutes (会议纪要), newest first."""
    _compound(compound_id)
    rows, total = paged(public.minutes_of(compound_id), page, per_page)
    return envelope([public.minutes_dict(*r) for r in rows], page, per_page, total)


@blp.route("/compounds/<int:compound_id>/minutes/<int:meeting_id>")
@blp.response(200, MinutesSchema)
@documented_errors(blp, *ONE)
def minutes_one(compound_id: int, meeting_id: int):
    """The published minutes of one meeting, as currently corrected."""
    found = public.minutes_in(compound_id, meeting_id)
    if found is None:
        abort(404)
    return public.minutes_dict(*found, full=True)


@blp.route("/compounds/<int:compound_id>/covenants")
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, page_of(CovenantSchema, "CovenantPage"))
@documented_errors(blp, *PAGED, 404)
def covenants(compound_id: int, page: int, per_page: int):
    """The covenants in force (居民公约, 管理规约) with their articles; never who signed."""
    _compound(compound_id)
    rows, total = paged(public.covenants_of(compound_id), page, per_page)
    return envelope([public.covenant_dict(c, v) for c, v in rows], page, per_page, total)


@blp.route("/compounds/<int:compound_id>/audit")
@blp.response(200, AuditSchema)
@documented_errors(blp, *ONE)
def audit(compound_id: int):
    """The compound's own audit chain: its head, the anchor chain's head and its latest
    anchors. The stamp printed on a result or minutes names this chain and an entry of it."""
    _compound(compound_id)
    return public_audit.audit_dict(compound_id)


@blp.route("/audit/anchors")
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, page_of(AnchorSchema, "AnchorPage"))
@documented_errors(blp, *PAGED)
def anchors(page: int, per_page: int):
    """The global anchor chain in order: each anchor holds a chain's head (its name, seq and
    hash) and links to the previous anchor by its hash, so anyone can re-walk it."""
    rows, total = paged(public_audit.ANCHORS_IN_ORDER, page, per_page)
    return envelope([public_audit.anchor_dict(*row) for row in rows], page, per_page, total)
