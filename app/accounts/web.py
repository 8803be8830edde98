"""The accounts blueprint, shared by its view modules (views.py, views_recovery.py)."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)
