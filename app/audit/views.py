from flask import Blueprint, render_template
from flask_login import current_user, login_required

from app.audit.chains import COMPOUND
from app.audit.labels import action_label, object_label
from app.audit.queries import compound_trail
from app.audit.services import head_row
from app.audit.stamps import chain_stamp, stamp_of
from app.compounds.access import require_member
from app.compounds.roles import ROLE_LABELS
from app.core.ids import arg_id
from app.issues.queries import sees_who

bp = Blueprint("audit", __name__)
# Results and minutes print their stamped head by its chain (templates/_macros/audit_stamp.html).
bp.add_app_template_global(stamp_of, "audit_stamp_of")


@bp.get("/c/<int:compound_id>/audit")
@login_required
def trail(compound_id: int):
    compound = require_member(compound_id)
    before = arg_id("before")
    page = compound_trail(compound.id, before=before,
                          sees_anonymous=sees_who(current_user, compound),
                          viewer_id=current_user.id)
    head = chain_stamp(COMPOUND, compound.id, head_row(compound.id))
    return render_template("audit/trail.html", compound=compound, page=page, before=before,
                           head=head, action_label=action_label,
                           role_labels=ROLE_LABELS, object_label=object_label)
