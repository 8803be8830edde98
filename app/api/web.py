"""The API's blueprints: the public one and the one for members' tokens."""
from flask_smorest import Blueprint

from app.api.setup import PREFIX, set_up

public_bp = Blueprint("api_public", __name__, url_prefix=PREFIX,
                      description="What anyone may read, per compound.")
member_bp = Blueprint("api_member", __name__, url_prefix=PREFIX,
                      description="What a member reads with their personal token.")
set_up((public_bp, member_bp))


def documented_errors(blp, *codes: int):
    """List the error statuses an operation answers in the OpenAPI document (with flask-smorest's
    response components: the error schema, or no body for 304)."""
    from http import HTTPStatus

    def decorate(view):
        for code in codes:
            view = blp.alt_response(code, response=HTTPStatus(code).name)(view)
        return view
    return decorate
