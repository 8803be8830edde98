"""Page/per_page pagination with links, for every list of the API."""
from flask import request, url_for
from sqlalchemy import func, select

from app.extensions import db


def page_links(page: int, per_page: int, total: int) -> dict:
    args = dict(request.view_args or {})

    def link(n: int) -> str:
        return url_for(request.endpoint, **args, page=n, per_page=per_page)

    last = max(1, -(-total // per_page))
    return {"self": link(page), "first": link(1),
            "prev": link(min(page - 1, last)) if page > 1 else None,
            "next": link(page + 1) if page < last else None}


def paged(stmt, page: int, per_page: int) -> tuple[list, int]:
    """One page of `stmt`'s rows and the count of them all (two statements)."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return rows, int(total or 0)


def envelope(items: list, page: int, per_page: int, total: int) -> dict:
    return {"items": items, "page": page, "per_page": per_page, "total": total,
            "links": page_links(page, per_page, total)}
