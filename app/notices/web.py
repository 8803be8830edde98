"""The notices blueprint, shared by the page modules that add routes to it."""
from flask import Blueprint

bp = Blueprint("notices", __name__, url_prefix="/c/<int:compound_id>/notices")
