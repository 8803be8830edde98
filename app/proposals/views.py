"""Proposal pages: the list, the draft form, the proposal with its timeline and its lifecycle
buttons, and the voting notice. Voting, results and staff pages live in their own modules,
which add their routes to the same blueprint."""
from datetime import timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.compounds.access import has_role, is_member, require_member, require_role
from app.core import workflow
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.ids import arg_id, arg_page
from app.core.periods import CST, earliest_voting_start, period_after
from app.core.related import related
from app.core.time import utcnow
from app.issues import services as issue_services
from app.meetings.queries import vote_decision_for
from app.proposals import (
    attachments,
    pages,
    services,
    stages,
    standing,
    survey_template,
    views_discussion,
    views_survey,
)
from app.proposals import views_election as _election_routes  # noqa: F401  (routes on bp)
from app.proposals import views_result as _result_routes  # noqa: F401
from app.proposals import views_staff as _staff_routes  # noqa: F401
from app.proposals import views_voting as _voting_routes  # noqa: F401
from app.proposals.forms import ActionForm, NoticeForm, ProposalForm, proposal_form_data
from app.proposals.labels import ACTION_LABELS
from app.proposals.lifecycle import PROPOSERS, TRANSITIONS, WORKFLOW, allowed_actions
from app.proposals.views_attachments import render_form
from app.proposals.web import (
    DRAFT_READERS,
    advance_on_access,
    bp,
    load,
    load_for_voter,
    turnout_context,
)

__all__ = ["bp"]

# The written reason is required where the transition table says so.
REASON_ACTIONS = tuple(name for name, t in TRANSITIONS.items() if "reason" in t.required)
WINDOW_STATES = ("notice", "voting", "objection")  # a period or window still to run
OPINION_ACTIONS = ("approve_review",)  # the written opinion (审议意见) is required
NOTE_ACTIONS = ("start_implementation", "publish_implementation", "close")  # optional note
OWN_FORMS = ("publish_notice",)  # its own form: the voting window (notice() below)


@bp.get("/")
@login_required
def index(compound_id: int):
    compound = require_member(compound_id)
    page = arg_page()
    proposals, total = pages.list_for(
        compound, include_drafts=has_role(current_user, compound, *DRAFT_READERS), page=page)
    return render_template("proposals/index.html", compound=compound, proposals=proposals,
                           standings=standing.standings(proposals, current_user, compound),
                           verdicts=standing.verdicts(proposals),
                           total=total, page=page, page_size=pages.PAGE_SIZE,
                           can_create=has_role(current_user, compound, *PROPOSERS),
                           can_survey=has_role(current_user, compound,
                                               *survey_template.TEMPLATE_ROLES))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(compound_id: int):
    compound = require_role(compound_id, *PROPOSERS)
    # ?origin_issue_id=: the proposal takes up an on-agenda issue (议题 → 议案).
    issue = issue_services.issue_for_proposal(current_user, compound,
                                              arg_id("origin_issue_id"))
    form = ProposalForm(data={"title": issue.title, "body": issue.body_source} if issue else None)
    if form.validate_on_submit():
        origin = {"origin": "issue", "origin_issue_id": issue.id} if issue else {}
        try:
            with unit_of_work():
                proposal = services.create(current_user, compound, **form.service_fields(),
                                           **origin)
                if issue:
                    issue_services.mark_proposal(current_user, issue, proposal)
        except ServiceError as exc:
            show_error(form, exc)
            return render_form(compound, None, form, status=exc.status)
        flash(_("议案草稿已保存。"), "success")
        return redirect(url_for(".show", compound_id=compound.id, proposal_id=proposal.id))
    return render_form(compound, None, form, status=400 if form.errors else 200)


@bp.route("/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(compound_id: int, proposal_id: int):
    compound, proposal = load(compound_id, proposal_id)
    if not has_role(current_user, compound, *PROPOSERS):
        abort(403)
    if proposal.state not in services.EDITABLE:
        abort(409)
    form = ProposalForm(obj=proposal_form_data(proposal))
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.update_draft(current_user, proposal, **form.service_fields())
        except ServiceError as exc:
            show_error(form, exc)
            return render_form(compound, proposal, form, status=exc.status)
        flash(_("议案已修改。"), "success")
        return redirect(url_for(".show", compound_id=compound.id, proposal_id=proposal.id))
    return render_form(compound, proposal, form, status=400 if form.errors else 200)


@bp.get("/<int:proposal_id>/")
@login_required
def show(compound_id: int, proposal_id: int):
    compound, proposal = load_for_voter(compound_id, proposal_id)
    advance_on_access(proposal)
    return render_show(compound, proposal)


@bp.post("/<int:proposal_id>/act/<action>")
@login_required
def act(compound_id: int, proposal_id: int, action: str):
    compound, proposal = load(compound_id, proposal_id)
    transition = workflow.button(WORKFLOW, action, skip=OWN_FORMS)
    if transition is None:
        abort(404)
    if not workflow.may(WORKFLOW, transition, proposal, current_user, compound):
        abort(403)
    form = ActionForm()
    if not form.validate_on_submit():
        return render_show(compound, proposal, failed=action, action_form=form, status=400)
    try:
        with unit_of_work():
            workflow.expect(WORKFLOW, proposal, form.seen.data)
            services.advance(current_user, proposal, action,
                             **workflow.form_fields(WORKFLOW, action, form))
    except ServiceError as exc:
        show_error(form, exc)
        return render_show(compound, proposal, failed=action, action_form=form,
                           status=exc.status)
    flash(_("已完成：%(action)s。", action=ACTION_LABELS[action]), "success")
    target = ".result" if action == "publish_result" else ".show"
    return redirect(url_for(target, compound_id=compound.id, proposal_id=proposal.id))


@bp.post("/<int:proposal_id>/notice")
@login_required
def notice(compound_id: int, proposal_id: int):
    compound, proposal = load(compound_id, proposal_id)
    if not has_role(current_user, compound, *TRANSITIONS["publish_notice"].roles):
        abort(403)
    form = NoticeForm()
    if not form.validate_on_submit():
        return render_show(compound, proposal, notice_form=form, status=400)
    now, opens_at = utcnow(), form.opens_at.data.replace(tzinfo=CST)
    if services.notice_days(proposal, compound) == 0:
        opens_at = max(opens_at, now)  # no notice period: a start already past means now
    try:
        with unit_of_work():
            workflow.expect(WORKFLOW, proposal, form.seen.data)
            services.publish_notice(current_user, proposal, opens_at=opens_at,
                                    closes_at=form.closes_at.data.replace(tzinfo=CST),
                                    opinion=form.opinion.data, temporary=form.temporary.data,
                                    now=now)
    except ServiceError as exc:
        show_error(form, exc)
        return render_show(compound, proposal, notice_form=form, status=exc.status)
    flash(_("表决公告已发布。"), "success")
    for warning in stages.calendar_warnings(proposal, closes_at=proposal.voting_closes_at):
        flash(str(warning), "error")
    return redirect(url_for(".show", compound_id=compound.id, proposal_id=proposal.id))


def _notice_context(compound, proposal, form):
    """The notice form with the earliest opening time the law allows from now."""
    now = utcnow()
    days = compound.notice_days if proposal.kind == "owners" else 0
    earliest = earliest_voting_start(now, days) if days else now
    temporary = None
    if proposal.kind == "owners" and compound.allows_temporary_meeting:
        temporary = earliest_voting_start(now, compound.temporary_notice_days)
    if form is None:
        # Rounded up to the minute (the field has no seconds): never before the earliest.
        opens = (earliest + timedelta(seconds=59)).astimezone(CST).replace(
            tzinfo=None, second=0, microsecond=0)
        form = NoticeForm(formdata=None, opens_at=opens, closes_at=opens + timedelta(days=7))
    # Official holiday data may not cover the year the period ends in yet: say so.
    calendar_complete = period_after(now, days).calendar_complete if days else True
    return {"notice_form": form, "earliest": earliest, "earliest_temporary": temporary,
            "notice_days": days, "calendar_complete": calendar_complete}


def render_show(compound, proposal, *, failed=None, action_form=None, notice_form=None,
                comment_form=None, status=200):
    actions = allowed_actions(proposal, current_user)
    # No one reviews a proposal they proposed: the button is not offered to its proposer.
    own_review = "approve_review" in actions and proposal.created_by_id == current_user.id
    if own_review:
        actions.remove("approve_review")
    events = pages.timeline(proposal)
    context = {
        "compound": compound, "proposal": proposal, "events": events,
        "attachments": attachments.listed(proposal),
        "actions": [a for a in actions if a != "publish_notice"], "failed": failed,
        "action_form": action_form, "reason_actions": REASON_ACTIONS,
        "note_actions": NOTE_ACTIONS, "opinion_actions": OPINION_ACTIONS,
        "own_review": own_review,
        "calendar_warnings": stages.calendar_warnings(
            proposal, closes_at=proposal.voting_closes_at)
        if proposal.state in WINDOW_STATES else [],
        # What the earlier stages wrote, shown to whoever acts now (party cell, council).
        "opinions": [(e, name) for e, name in events if e.reason],
        "is_staff": has_role(current_user, compound, "staff"),
        "is_member": is_member(current_user, compound),
        "standing": standing.standing(proposal, current_user, compound),
        "related_links": related("proposal", proposal.id),
        "can_edit": proposal.state in services.EDITABLE
        and has_role(current_user, compound, *PROPOSERS),
        **turnout_context(proposal),
        **views_survey.survey_context(proposal),
        "deliberation": vote_decision_for(proposal) if proposal.state == "deliberation"
        else None,
    }
    # The notice form appears once a held meeting decided to put it to a vote (or to show
    # why a post was refused); until then the page says what is missing instead.
    decided = context["deliberation"] is not None and context["deliberation"].ok
    if "publish_notice" in actions and (decided or notice_form is not None):
        context.update(_notice_context(compound, proposal, notice_form))
    context.update(views_discussion.discussion_context(compound, proposal, comment_form))
    return render_template("proposals/show.html", **context), status
