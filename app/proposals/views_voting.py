"""Voting pages: the voter's ballots (their own, and those of the owners they represent by
written authorisation), the receipt shown once, the running turnout, and the public ballot
list. Routes are added to the proposals blueprint."""
from flask import redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from app.compounds.access import is_member
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.i18n import lazy_gettext as _l
from app.core.ids import arg_page, parse_id
from app.extensions import htmx
from app.proposals import (
    ballots,
    election_results,
    elections,
    pages,
    proxies,
    standing,
    survey_questions,
)
from app.proposals.forms import VoteForm
from app.proposals.labels import choice_items
from app.proposals.web import (
    advance_on_access,
    bp,
    is_closed,
    load_for_voter,
    may_enter_vote,
    turnout_context,
)

RECEIPT_KEY = "ballot_receipt"
MARKS = "marks"  # the choice an election ballot posts: its ticks are in `mark`


@bp.route("/<int:proposal_id>/vote", methods=["GET", "POST"])
@login_required
def vote(compound_id: int, proposal_id: int):
    form = VoteForm()
    error = None
    # The casting path loads nothing it does not need: the service checks the proposal (of
    # this compound), the voter and the choice in one statement. Anything else falls through
    # to the page, which gives the 404, 403 or refusal with the form as typed.
    if form.validate_on_submit() and may_enter_vote(compound_id, proposal_id):
        try:
            with unit_of_work():
                receipt = _cast(compound_id, proposal_id, form)
        except ServiceError as exc:
            error = exc
        else:
            # Post/redirect/get: the receipt page shows the code once, from the session.
            session[RECEIPT_KEY] = {"proposal": proposal_id, "code": receipt}
            return redirect(url_for(".receipt", compound_id=compound_id,
                                    proposal_id=proposal_id))
    compound, proposal = load_for_voter(compound_id, proposal_id)
    if proposal.kind == "consultation" and survey_questions.has_questions(proposal.id):
        # A consultation with a questionnaire is answered there, not with one choice.
        return redirect(url_for(".survey_answer", compound_id=compound_id,
                                proposal_id=proposal_id))
    if request.method == "GET":
        advance_on_access(proposal)
    form.choice.choices = choice_items(proposal)
    if error is not None:
        show_error(form, error)  # a refused choice beside the choice, the rest above the form
        return render_vote(compound, proposal, form, status=error.status)
    return render_vote(compound, proposal, form, status=400 if form.errors else 200)


def _cast(compound_id: int, proposal_id: int, form: VoteForm) -> str:
    choice = submitted_choice(form.choice.data)
    if form.as_proxy.data:
        return proxies.cast(proposal_id, form.member_id.data, current_user, choice,
                            compound_id=compound_id)
    return ballots.cast_in_person(proposal_id, form.member_id.data, current_user,
                                  choice, compound_id=compound_id)


def marked_places() -> list[int]:
    """The ballot places an election ballot ticks (`mark`), checked to be numbers; ticking
    nobody must be said in so many words (`mark_none`), so a slip of the thumb casts nothing."""
    places = [parse_id(value) for value in request.form.getlist("mark")]
    if None in places:
        raise ServiceError(_l("请只勾选名单上的候选人。"), field="choice")
    if not places and not request.form.get("mark_none"):
        raise ServiceError(_l("请勾选候选人；一个也不选的，请勾选“不选任何候选人”。"),
                           field="choice")
    if places and request.form.get("mark_none"):
        raise ServiceError(_l("已勾选候选人时，不能同时勾选“不选任何候选人”。"), field="choice")
    return places


def submitted_choice(choice: str) -> str:
    """An election ballot posts choice=marks and its ticks; any other ballot its one choice."""
    if choice != MARKS:
        return choice
    return elections.election_choice(marked_places())


def render_vote(compound, proposal, form, *, status=200):
    own, proxied = [], []
    if proposal.state == "voting":
        if is_member(current_user, compound):
            own = ballots.members_for_voter(proposal, current_user)
        if proposal.kind != "council":
            own_ids = {m.id for m in own}
            proxied = [m for m in proxies.members_for_proxy(proposal, current_user)
                       if m.id not in own_ids]
    items = [(m, False) for m in own] + [(m, True) for m in proxied]
    voted = ballots.voted_member_ids(proposal, [m.id for m, _ in items])
    outsider = None
    if proposal.state == "voting" and not items:
        outsider = standing.standing(proposal, current_user, compound).reason
    listed = election_results.ballot_list(proposal) if elections.is_election(proposal) \
        and items else []
    return render_template(
        "proposals/vote.html", compound=compound, proposal=proposal, items=items, voted=voted,
        outsider_reason=outsider, candidates=listed, marks=MARKS,
        marked=request.form.getlist("mark") if form.is_submitted() else [],
        choices=choice_items(proposal), form=form,
        failed_member=form.member_id.data if form.is_submitted() else None), status


@bp.get("/<int:proposal_id>/receipt")
@login_required
def receipt(compound_id: int, proposal_id: int):
    compound, proposal = load_for_voter(compound_id, proposal_id)
    stored = session.pop(RECEIPT_KEY, None)
    code = None
    if stored and stored.get("proposal") == proposal.id:
        code = stored.get("code")
    elif stored:
        session[RECEIPT_KEY] = stored  # another proposal's receipt, not yet seen
    return render_template("proposals/receipt.html", compound=compound, proposal=proposal,
                           code=code, mine=standing.my_open_receipts(proposal, current_user))


@bp.get("/<int:proposal_id>/turnout")
@login_required
def turnout(compound_id: int, proposal_id: int):
    """The turnout partial, polled by htmx; without JavaScript, the proposal page."""
    compound, proposal = load_for_voter(compound_id, proposal_id)
    if not htmx:
        return redirect(url_for(".show", compound_id=compound.id, proposal_id=proposal.id,
                                _anchor="turnout"))
    advance_on_access(proposal)
    return render_template("proposals/_partials/_turnout.html", compound=compound,
                           proposal=proposal, **turnout_context(proposal))


@bp.route("/<int:proposal_id>/ballots", methods=["GET", "POST"])
@login_required
def ballot_list(compound_id: int, proposal_id: int):
    """The public ballot list: receipts, unit numbers and areas, never names or phones (a
    proxy checks the receipt of the ballot they cast here). The lookup form posts the receipt
    so that it stays out of URLs, access logs and browser history, where it could tie a
    person to a secret vote's choice (a link with ?receipt= still works)."""
    compound, proposal = load_for_voter(compound_id, proposal_id)
    advance_on_access(proposal)
    page = arg_page()
    typed = request.form.get("receipt") if request.method == "POST" else \
        request.args.get("receipt")
    code = "".join(ch for ch in (typed or "").upper() if ch.isalnum())[:64]
    closed = is_closed(proposal)
    context = {"compound": compound, "proposal": proposal, "closed": closed, "page": page,
               "page_size": pages.BALLOTS_PAGE_SIZE, "code": code,
               "found": pages.find_receipt(proposal, code) if code else None}
    if proposal.is_secret:
        context.update(participants=pages.participations(proposal, page),
                       total=pages.count_participations(proposal),
                       votes=pages.secret_votes(proposal, page) if closed else [])
    else:
        context.update(rows=pages.open_ballots(proposal, page),
                       total=pages.count_open_ballots(proposal))
    return render_template("proposals/ballots.html", **context)
