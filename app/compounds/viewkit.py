"""Small helpers for the compounds views: a route table that view modules fill and views.py
registers on the blueprint (keeps views.py short without import cycles), and the one way a
service refusal reaches the form."""
from flask_login import current_user

from app.core.errors import ServiceError


class RouteTable:
    """Collects routes like a blueprint does; `register(bp)` adds them under the function
    names, so endpoints are `compounds.<function>`."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, object, dict]] = []

    def route(self, rule: str, **options):
        def decorator(view):
            self.routes.append((rule, view, options))
            return view
        return decorator

    def register(self, bp) -> None:
        for rule, view, options in self.routes:
            bp.add_url_rule(rule, view.__name__, view, **options)


def status_of(form, exc: ServiceError | None = None) -> int:
    """HTTP status for a re-rendered form: the refusal's, 400 for invalid input, else 200."""
    if exc is not None:
        return exc.status
    return 400 if form is not None and form.errors else 200


def user_key() -> str:
    """Rate-limit key for per-account limits (Flask-Limiter key_func)."""
    return f"user:{current_user.get_id()}"
