"""Loading a notice for a page and rendering the notice page, shared by the page itself and by
the action forms that come back with errors (so what was typed stays)."""
from flask import abort, render_template
from flask_login import current_user

from app.compounds.access import require_member
from app.core.db import with_loaded, write_transaction
from app.notices import queries, reads, services
from app.notices.forms import EmptyForm, WithdrawForm
from app.notices.models import Notice


def load(compound_id: int, notice_id: int, *, publisher: bool = False):
    """The compound (403 for non-members) and the notice (404 when it is not this compound's,
    or a draft and the viewer does not publish); `publisher` demands the publishing role."""
    compound = require_member(compound_id)
    may = services.may_publish(current_user, compound)
    if publisher and not may:
        abort(403)
    notice = queries.load(compound, notice_id)
    if notice is None or (notice.status == "draft" and not may):
        abort(404)
    return compound, notice


def count_visit(notice, household) -> reads.Household:
    """A verified resident's first visit counts their household as having read it."""
    if household.unit_id is None or household.has_read or not reads.readable(notice):
        return household
    with write_transaction():
        reads.record_read(notice, current_user, household.unit_id)
    return reads.Household(household.unit_id, True, household.has_acked)


def ack_context(compound, notice, household, message=None, category="success") -> dict:
    acks = reads.counts([notice.id]).get(notice.id, (0, 0))[1]
    return {"compound": compound, "notice": notice, "household": household, "acks": acks,
            "can_ack": (household.unit_id is not None and not household.has_acked
                        and notice.status == "published"),
            "ack_form": EmptyForm(formdata=None), "message": message,
            "message_category": category}


def render_show(compound, notice, *, household=None, withdraw_form=None, status=200):
    # A visit counted, or an action, may have committed since the notice was loaded.
    with_loaded(notice, Notice.published_by, Notice.proposal)
    household = household or reads.household_of(current_user, notice)
    publisher = services.may_publish(current_user, compound)
    return render_template(
        "notices/show.html", phase=queries.phase(notice), publisher=publisher,
        revisions=queries.revisions(notice) if notice.revision_count > 1 else [],
        reach=reads.reach(notice) if publisher and notice.status != "draft" else None,
        publish_form=EmptyForm(formdata=None),
        withdraw_form=withdraw_form or WithdrawForm(formdata=None),
        **ack_context(compound, notice, household)), status
