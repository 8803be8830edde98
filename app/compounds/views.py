from flask import Blueprint

from app.compounds import member_views, roster_views, staff_views

bp = Blueprint("compounds", __name__, url_prefix="/c")
# Verification and roles: members, claims, roles, party declarations (their own modules).
member_views.routes.register(bp)
staff_views.routes.register(bp)
# Rosters (import, export) and invite letters.
roster_views.routes.register(bp)
# Names the compound templates use.
for _name, _value in member_views.TEMPLATE_GLOBALS.items():
    bp.add_app_template_global(_value, _name)

