"""Staff pages of a vote: entering paper ballots (纸质票) with their scans, registering written
authorisations (委托书), and opening the stored documents. Routes are added to the proposals
blueprint."""
import re

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.uploads import MIME_TYPES, absolute_path, address, read_document, store
from app.proposals import ballots, election_results, elections, pages, proxies
from app.proposals.forms import PaperBallotForm, ProxyForm, ProxyRevokeForm
from app.proposals.labels import choice_items, group_receipt
from app.proposals.views_voting import MARKS, marked_places
from app.proposals.web import bp, load, require_staff

SHA256 = re.compile(r"[0-9a-f]{64}")


@bp.route("/<int:proposal_id>/paper", methods=["GET", "POST"])
@login_required
def paper(compound_id: int, proposal_id: int):
    compound, proposal = load(compound_id, proposal_id)
    require_staff(compound)
    form = PaperBallotForm()
    election = elections.is_election(proposal)
    form.choice.choices = [(MARKS, "")] if election else choice_items(proposal)
    if not form.validate_on_submit():
        return render_paper(compound, proposal, form, 400 if form.errors else 200)
    try:
        # A paper election ballot ticking more than the seats is entered as invalid: it
        # still counts as taking part (the owner voted), for nobody.
        choice = (elections.paper_choice(marked_places(), proposal.seats) if election
                  else form.choice.data)
        scan = read_document(form.scan.data, field="scan")
        with unit_of_work():
            member = ballots.find_member(proposal, form.member.data)
            receipt = ballots.cast_paper(current_user, proposal.id, member.id, choice,
                                         paper_ref=form.paper_ref.data, scan=address(*scan))
            store(*scan)  # only once the ballot was accepted: a refused one leaves no file
    except ServiceError as exc:
        show_error(form, exc)
        return render_paper(compound, proposal, form, exc.status)
    flash(_("纸质票 %(ref)s 已录入，回执码 %(code)s（只显示这一次，请抄在纸质票存根上）。",
            ref=form.paper_ref.data, code=group_receipt(receipt)), "success")
    return redirect(url_for(".paper", compound_id=compound.id, proposal_id=proposal.id))


def render_paper(compound, proposal, form, status):
    listed = election_results.ballot_list(proposal) if elections.is_election(proposal) else []
    return render_template("proposals/paper.html", compound=compound, proposal=proposal,
                           form=form, recent=pages.paper_ballots(proposal), candidates=listed,
                           marks=MARKS,
                           marked=request.form.getlist("mark") if form.is_submitted() else []
                           ), status


@bp.route("/<int:proposal_id>/proxies", methods=["GET", "POST"])
@login_required
def proxy_register(compound_id: int, proposal_id: int):
    compound, proposal = load(compound_id, proposal_id)
    require_staff(compound)
    form = ProxyForm()
    if not form.validate_on_submit():
        return render_proxies(compound, proposal, form, 400 if form.errors else 200)
    try:
        document = read_document(form.document.data, field="document")
        with unit_of_work():
            member = ballots.find_member(proposal, form.member.data)
            proxies.register(current_user, proposal, member, form.proxy_mobile.data,
                             address(*document), is_guardian=form.is_guardian.data)
            store(*document)  # only once the authorisation was accepted
    except ServiceError as exc:
        show_error(form, exc)
        return render_proxies(compound, proposal, form, exc.status)
    flash(_("委托已登记，受托人登录后可在投票页为这位业主投票。"), "success")
    return redirect(url_for(".proxy_register", compound_id=compound.id,
                            proposal_id=proposal.id))


@bp.post("/<int:proposal_id>/proxies/<int:authorisation_id>/revoke")
@login_required
def proxy_revoke(compound_id: int, proposal_id: int, authorisation_id: int):
    compound, proposal = load(compound_id, proposal_id)
    require_staff(compound)
    form = ProxyRevokeForm()
    status = 400
    if form.validate_on_submit():
        try:
            with unit_of_work():
                proxies.revoke(current_user, proposal, authorisation_id, form.reason.data)
        except ServiceError as exc:
            show_error(form, exc)
            status = exc.status
        else:
            flash(_("委托已撤销，受托人不能再为这位业主投票，也不能再查看这个议案。"), "success")
            return redirect(url_for(".proxy_register", compound_id=compound.id,
                                    proposal_id=proposal.id))
    return render_proxies(compound, proposal, ProxyForm(formdata=None), status,
                          revoke_form=form, failed_revoke=authorisation_id)


def render_proxies(compound, proposal, form, status, *, revoke_form=None, failed_revoke=None):
    return render_template("proposals/proxies.html", compound=compound, proposal=proposal,
                           form=form, rows=proxies.authorisations(proposal),
                           limit=compound.max_proxies_per_holder,
                           revoke_form=revoke_form or ProxyRevokeForm(formdata=None),
                           failed_revoke=failed_revoke), status


@bp.get("/<int:proposal_id>/documents/<sha>")
@login_required
def document(compound_id: int, proposal_id: int, sha: str):
    """A stored scan or authorisation, for staff only."""
    compound, proposal = load(compound_id, proposal_id)
    require_staff(compound)
    relative = pages.document_path(proposal, sha) if SHA256.fullmatch(sha) else None
    if relative is None:
        abort(404)
    path = absolute_path(relative)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype=MIME_TYPES.get(path.suffix.lstrip("."),
                                                   "application/octet-stream"))
