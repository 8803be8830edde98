"""Rendering the covenant and version pages, shared by the pages themselves and by forms that
come back with errors (so what was typed stays)."""
from flask import render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.compounds.access import has_role, roles_in
from app.core.ids import arg_id
from app.covenants import household, queries
from app.covenants.adoption import RESULT_PUBLIC, passed
from app.covenants.diff import summary
from app.covenants.forms import (
    ArticlesForm,
    CommentForm,
    CommitmentForm,
    LinkForm,
    PublishForm,
    ReasonForm,
)
from app.covenants.lifecycle import DRAFTERS, PUBLISHERS, REVIEWERS
from app.extensions import db
from app.proposals.lifecycle import PROPOSERS
from app.proposals.lifecycle import STATE_LABELS as PROPOSAL_STATE_LABELS
from app.proposals.models import Proposal


def render_covenant(compound, covenant, *, commitment_form=None, status=200):
    versions = queries.versions_of(covenant)
    current = queries.in_force(versions)
    base, changes = queries.changes_from_base(current) if current else (None, None)
    commitments, badges = queries.commitments(compound, covenant)
    mine = household.household_signature(current_user, covenant, current) if current else None
    signed, households = household.signing_counts(current, compound)
    committed = any(c.user_id == current_user.id for c in commitments)
    return render_template(
        "covenants/show.html", compound=compound, covenant=covenant, versions=versions,
        current=current, base=base, changes=changes,
        counts=summary(changes) if changes else None, open_version=queries.open_version(versions),
        signed=signed, households=households, mine=mine,
        can_sign=current is not None and "resident" in roles_in(current_user, compound),
        can_draft=has_role(current_user, compound, *DRAFTERS),
        commitments=commitments, badges=badges,
        can_commit=household.may_commit(current_user, covenant) and not committed,
        commitment_form=commitment_form or CommitmentForm(formdata=None)), status


def render_version(compound, covenant, version, *, comment_form=None, articles_form=None,
                   reason_form=None, link_form=None, publish_form=None, status=200):
    comments, badges, n_comments = queries.comments_by_article(compound, version)
    base, changes = queries.changes_from_base(version)
    proposal = (db.session.get(Proposal, version.proposal_id,
                                   options=[selectinload(Proposal.options)],
                               populate_existing=True)
                if version.proposal_id else None)
    comment_form = comment_form or CommentForm(formdata=None)
    chosen = comment_form.article.data
    if chosen is None:
        chosen = arg_id("article") or 0
    if articles_form is None:
        articles_form = ArticlesForm(formdata=None)
        articles_form.articles.data = "\n\n".join(queries.bodies(version))
    return render_template(
        "covenants/version.html", compound=compound, covenant=covenant, version=version,
        comments=comments, badges=badges, n_comments=n_comments, base=base, changes=changes,
        counts=summary(changes) if changes else None, proposal=proposal,
        proposal_state_labels=PROPOSAL_STATE_LABELS, result_public=RESULT_PUBLIC,
        proposal_passed=proposal is not None and passed(proposal),
        is_resident="resident" in roles_in(current_user, compound),
        can_draft=has_role(current_user, compound, *DRAFTERS),
        can_review=has_role(current_user, compound, *REVIEWERS),
        can_propose=has_role(current_user, compound, *PROPOSERS, "staff"),
        can_create_proposal=has_role(current_user, compound, *PROPOSERS),
        can_publish=has_role(current_user, compound, *PUBLISHERS),
        comment_form=comment_form, chosen_article=chosen, articles_form=articles_form,
        reason_form=reason_form or ReasonForm(formdata=None),
        link_form=link_form or LinkForm(formdata=None),
        publish_form=publish_form or PublishForm(formdata=None)), status
