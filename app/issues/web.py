"""The issues blueprint, shared by the page modules that add routes to it."""
from flask import Blueprint

from app.issues.labels import category_label

bp = Blueprint("issues", __name__, url_prefix="/c/<int:compound_id>/issues")
# Issue badges appear on other domains' pages too (search, the home's to-do).
bp.add_app_template_filter(category_label, "issue_category")
