"""The issues blueprint, shared by the page modules that add routes to it."""
from flask import Blueprint

bp = Blueprint("issues", __name__, url_prefix="/c/<int:compound_id>/issues")
