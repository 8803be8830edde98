"""The covenants blueprint, shared by the page modules that add routes to it."""
from flask import Blueprint

bp = Blueprint("covenants", __name__, url_prefix="/c/<int:compound_id>/covenants")
