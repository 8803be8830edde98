"""A proposal's discussion (opinions during consultation, until voting opens) and its
consultation summary, on the proposals blueprint. The forms are plain posts."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.compounds.access import has_role, is_member
from app.compounds.viewkit import user_key
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.ids import arg_page
from app.extensions import limiter
from app.issues import comments, queries
from app.issues.comments import OFFICIAL_ROLES, REVISION_READERS
from app.issues.forms import EditCommentForm
from app.issues.models import Comment
from app.moderation.mutes import may_moderate
from app.proposals import discussion, summary
from app.proposals.forms_discussion import ProposalCommentForm, SummaryForm
from app.proposals.labels_discussion import STANCE_LABELS
from app.proposals.lifecycle import PROPOSERS
from app.proposals.web import bp, load

SHOWN_PROMINENTLY = ("review", "deliberation")  # the party cell reviews, the council deliberates


def discussion_context(compound, proposal, comment_form=None) -> dict:
    """What the proposal page needs for its discussion and summary, for members only (a
    proxy from outside the compound comes to vote, not to discuss)."""
    if not is_member(current_user, compound):
        return {"discussion": False}
    page = arg_page()
    if comment_form is None:
        comment_form = ProposalCommentForm(formdata=None)
    comment_form.set_options(proposal)
    written = summary.get_summary(proposal)
    may_write = summary.may_write(current_user, compound, proposal)
    thread = queries.thread_of(Comment.proposal_id, proposal.id, compound, page)
    return {
        "discussion": True, "thread": thread,
        "page": page, "per_page": queries.COMMENTS_PER_PAGE, "comment_form": comment_form,
        "sees": queries.sees_who(current_user, compound),
        "may_official": has_role(current_user, compound, *OFFICIAL_ROLES),
        "may_revisions": has_role(current_user, compound, *REVISION_READERS),
        "may_moderate": may_moderate(current_user, compound),
        "can_post": discussion.may_comment(current_user, compound, proposal),
        "closed_note": discussion.closed_reason(proposal),
        "option_labels": {o.id: o.label for o in proposal.options},
        "stance_labels": STANCE_LABELS, "summary": written, "may_write_summary": may_write,
        "summary_answers": _answers(proposal, written, thread, page),
        "summary_first": written is not None and proposal.state in SHOWN_PROMINENTLY,
        "author_name": queries.author_name, "hides_author": queries.hides_author,
    }


def _answers(proposal, written, thread, page: int) -> list:
    """The official answers the summary lists: those written by the time it was. Official
    replies lead the first page of the thread, so that page has them at no cost."""
    if written is None:
        return []
    every_official_here = (len(thread.comments) < queries.COMMENTS_PER_PAGE
                           or not thread.comments[-1].is_official)
    if page == 1 and every_official_here:
        return [c for c in thread.comments if c.is_official and not c.is_hidden
                and c.created_at <= written.written_at]
    return summary.official_answers(proposal, written.written_at)


def _back(proposal, anchor: str = ""):
    return redirect(url_for(".show", compound_id=proposal.compound_id,
                            proposal_id=proposal.id) + anchor)


def _comment_limit() -> str:
    return current_app.config.get("ISSUE_COMMENT_LIMIT", "20 per 10 minutes")


@bp.post("/<int:proposal_id>/comments")
@login_required
@limiter.limit(_comment_limit, key_func=user_key, methods=["POST"])
def comment(compound_id: int, proposal_id: int):
    from app.proposals.views import render_show  # the page module imports this one

    compound, proposal = load(compound_id, proposal_id)
    form = ProposalCommentForm()
    form.set_options(proposal)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                parent = (comments.get_comment(discussion.proposal_subject(proposal),
                                               form.parent_id.data)
                          if form.parent_id.data else None)
                option = discussion.option_of(proposal, form.option_id.data)
                row = comments.post_comment(
                    current_user, discussion.proposal_subject(proposal, option),
                    form.body.data, parent=parent, official=form.official.data,
                    stance=form.stance.data or None,
                    show_as="anonymous" if form.anonymous.data else "name")
        except ServiceError as exc:
            show_error(form, exc)
            return render_show(compound, proposal, comment_form=form, status=exc.status)
        flash(_("意见已发表。"), "success")
        return _back(proposal, f"#c{row.id}")
    return render_show(compound, proposal, comment_form=form, status=400)


@bp.route("/<int:proposal_id>/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_comment(compound_id: int, proposal_id: int, comment_id: int):
    compound, proposal = load(compound_id, proposal_id)
    row = comments.get_comment(discussion.proposal_subject(proposal), comment_id)
    if row.author_id != current_user.id:
        abort(403)
    form = EditCommentForm(data={"body": row.body_source} if request.method == "GET" else None)
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            with unit_of_work():
                comments.edit_comment(current_user, row, form.body.data)
        except ServiceError as exc:
            show_error(form, exc)
            status = exc.status
        else:
            flash(_("评论已修改。"), "success")
            return _back(proposal, f"#c{row.id}")
    return render_template("discussion/edit_comment.html", compound=compound,
                           comment=row, form=form, **_back_to(proposal)), status


@bp.get("/<int:proposal_id>/comments/<int:comment_id>/revisions")
@login_required
def revisions(compound_id: int, proposal_id: int, comment_id: int):
    compound, proposal = load(compound_id, proposal_id)
    if not has_role(current_user, compound, *REVISION_READERS):
        abort(403)
    row = comments.get_comment(discussion.proposal_subject(proposal), comment_id)
    return render_template("discussion/revisions.html", compound=compound, comment=row,
                           revisions=comments.revisions(row), **_back_to(proposal))


def _back_to(proposal) -> dict:
    return {"back_url": url_for("proposals.show", compound_id=proposal.compound_id,
                                proposal_id=proposal.id), "back_title": proposal.title}


@bp.route("/<int:proposal_id>/summary", methods=["GET", "POST"])
@login_required
def write_summary(compound_id: int, proposal_id: int):
    """征求意见情况: the counts and the official answers are shown, the text is written."""
    compound, proposal = load(compound_id, proposal_id)
    if not has_role(current_user, compound, *PROPOSERS):
        abort(403)
    if not summary.may_write(current_user, compound, proposal):
        abort(409)  # frozen once review starts
    written = summary.get_summary(proposal)
    form = SummaryForm(data={"body": written.body_source} if written and
                       request.method == "GET" else None)
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            with unit_of_work():
                summary.write_summary(current_user, proposal, form.body.data)
        except ServiceError as exc:
            show_error(form, exc)
            status = exc.status
        else:
            flash(_("征求意见情况已保存。"), "success")
            return _back(proposal, "#summary")
    return render_template("proposals/summary_form.html", compound=compound, proposal=proposal,
                           form=form, counts=summary.stance_counts(proposal),
                           answers=summary.official_answers(proposal),
                           stance_labels=STANCE_LABELS), status
