"""Searching the compound's issues and comments: a plain GET page that htmx may refresh in
place (the results partial alone)."""
from flask import render_template, request
from flask_login import current_user, login_required

from app.compounds.access import require_member
from app.core.errors import ServiceError
from app.core.ids import arg_id, arg_page
from app.extensions import htmx
from app.issues import queries, search, services
from app.issues.models import STATUSES
from app.issues.web import bp


@bp.get("/search")
@login_required
def search_page(compound_id: int):
    compound = require_member(compound_id)
    q = request.args.get("q", "")[:search.MAX_QUERY * 2]
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    category = request.args.get("category", "")[:16]
    building_id = arg_id("building") or 0
    page = arg_page()
    error = None
    try:
        words = search.parse_query(q)
    except ServiceError as exc:
        words, error = [], exc.message
    results = search.search(compound, words, status=status, category=category,
                            building_id=building_id, page=page)
    context = {"compound": compound, "q": q, "status": status, "category": category,
               "building_id": building_id, "results": results, "error": error,
               "page_size": search.PAGE_SIZE, "sees": queries.sees_who(current_user, compound),
               "highlight": search.highlight, "snippet": search.snippet}
    if htmx and htmx.target == "search-results":
        return render_template("issues/_partials/_search_results.html", **context)
    return render_template("issues/search.html", categories=services.categories_for(compound),
                           buildings=services.buildings_of(compound), **context)
