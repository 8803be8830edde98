"""Rendering the issue page, shared by the page itself and by discussion forms that come back
with errors (so what was typed stays)."""
from flask import render_template
from flask_login import current_user

from app.compounds.access import has_role, roles_in
from app.core.db import with_loaded
from app.core.ids import arg_page
from app.dispatch import labels as dispatch_labels
from app.dispatch import queries as dispatch_queries
from app.issues import lifecycle, queries
from app.issues.comments import OFFICIAL_ROLES, REVISION_READERS
from app.issues.forms import ActionForm, CommentForm, EmptyForm
from app.issues.models import Issue
from app.issues.services import has_seconded
from app.moderation.mutes import may_moderate
from app.notifications.services import is_following

# Status changes whose form has a note (the answer's is required; the others may say why).
NOTE_ACTIONS = ("acknowledge", "put_on_agenda", "dispatch", "answer", "confirm", "close")


def seconds_context(compound, issue) -> dict:
    resident = "resident" in roles_in(current_user, compound)
    return {"compound": compound, "issue": issue,
            "threshold": compound.second_threshold or 10,
            "seconded": resident and has_seconded(current_user, issue),
            "can_second": (resident and issue.author_id != current_user.id
                           and issue.status in lifecycle.SECONDABLE and not issue.is_hidden),
            "second_form": EmptyForm()}


def render_show(compound, issue, *, comment_form=None, failed=None, action_form=None,
                status=200):
    """The issue page; `failed`/`action_form` bring back a status change that did not happen,
    with what was typed and the errors next to their fields."""
    # After a refused action the issue may have been read again without what the page shows.
    with_loaded(issue, Issue.author, Issue.building, Issue.photos)
    page = arg_page()
    thread = queries.thread(issue, compound, page)
    events = queries.events(issue)
    # A dispatched issue's ticket steps, by organisation, never by person (app.dispatch).
    ticket_steps = (dispatch_queries.public_steps_of_issue(issue.id)
                    if any(e.action == "dispatch" for e in events) else [])
    return render_template(
        "issues/show.html", thread=thread, page=page,
        per_page=queries.COMMENTS_PER_PAGE, events=events, ticket_steps=ticket_steps,
        ticket_step_labels=dispatch_labels.STEP_LABELS, ticket_step_by=dispatch_labels.step_by,
        # The ticket page is the reporter's and staff's (a handler reaches it from their desk).
        ticket_link=bool(ticket_steps) and (issue.author_id == current_user.id
                                            or has_role(current_user, compound, "staff")),
        sees=queries.sees_who(current_user, compound),
        actions=lifecycle.allowed_actions(issue, current_user),
        action_form=action_form or ActionForm(formdata=None), failed=failed,
        note_actions=NOTE_ACTIONS, comment_form=comment_form or CommentForm(
            formdata=None), may_official=has_role(current_user, compound, *OFFICIAL_ROLES),
        may_revisions=has_role(current_user, compound, *REVISION_READERS),
        may_moderate=may_moderate(current_user, compound),
        following=is_following(current_user, "issue", issue.id),
        proposals=queries.linked_proposals(issue),
        may_propose=(issue.status == "on_agenda"
                     and has_role(current_user, compound, *lifecycle.PROPOSERS)),
        **seconds_context(compound, issue)), status
