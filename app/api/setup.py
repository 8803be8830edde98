"""Binds the API to the app: flask-smorest's Api (the OpenAPI 3.1 document at
/api/v1/openapi.json), JSON errors, ETag/Cache-Control and the per-token rate limit."""
from http import HTTPStatus

from flask import Flask, current_app, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from app.api import caller
from app.api.schemas import ErrorSchema
from app.core.errors import ServiceError
from app.core.i18n import lazy_gettext as _l
from app.extensions import db, limiter

PREFIX = "/api/v1"
DEFAULT_RATE = "120 per minute"


class YishiApi(Api):
    # Every error an operation can answer is listed with it: a status the document does not
    # name fails the tests' check of each response, instead of hiding behind "default".
    DEFAULT_ERROR_RESPONSE_NAME = None
    ERROR_SCHEMA = ErrorSchema


# What each refusal says, in the site's language (Chinese first; English with the catalogue).
MESSAGES = {
    400: _l("请求有误。"),
    401: _l("需要有效的数据接口令牌：令牌不存在、已被撤销，或没有提供。"),
    403: _l("这个令牌的主人无权查看这个小区的这些内容。"),
    404: _l("没有这项内容，或者它没有公开。"),
    405: _l("数据接口只能读取（GET）。"),
    422: _l("参数有误：page 须为正整数，per_page 须在 1 到 100 之间。"),
    429: _l("请求太频繁，请稍后再试。"),
    500: _l("系统暂时出现问题，请稍后再试。"),
}


def rate_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT") or DEFAULT_RATE


def json_error(exc):
    db.session.rollback()
    if isinstance(exc, ServiceError):
        code, message = exc.status, str(exc.message)
    else:
        if exc.code is None or exc.code < 400:
            return exc
        code = exc.code
        message = str(MESSAGES.get(code, MESSAGES[400]))
    payload = {"code": code, "status": HTTPStatus(code).name, "message": message}
    data = getattr(exc, "data", None) or {}
    if data.get("messages"):
        payload["errors"] = data["messages"]
    headers = {"Cache-Control": "no-store"}
    if code == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="yishi"'
    return payload, code, headers


def unexpected_error(exc: Exception):
    db.session.rollback()
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    if current_app.config.get("PROPAGATE_EXCEPTIONS") and current_app.testing:
        raise exc
    return ({"code": 500, "status": "INTERNAL_SERVER_ERROR", "message": str(MESSAGES[500])},
            500, {"Cache-Control": "no-store"})


def cache_headers(response):
    """ETag from the body (If-None-Match answers 304 without it); anonymous answers are the
    same for everyone and may sit in shared caches, a token's only in its holder's."""
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        private = caller.current_caller() is not None
        response.headers["Cache-Control"] = ("private, no-cache" if private
                                             else "public, max-age=60")
        response.vary.add("Authorization")
        response.add_etag()
        response.make_conditional(request)
        if response.status_code in (200, 304):
            caller.note_use()
    return response


def set_up(blueprints) -> None:
    """Every blueprint's hooks and limits, once, where the blueprints are made (they are
    module-level and shared by every app the process builds)."""
    for blp in blueprints:
        limiter.limit(rate_limit, key_func=caller.rate_key)(blp)
        blp.before_request(caller.check_token)
        blp.after_request(cache_headers)
        blp.register_error_handler(HTTPException, json_error)
        blp.register_error_handler(ServiceError, json_error)
        blp.register_error_handler(Exception, unexpected_error)


def init_api(app: Flask, blueprints) -> Api:
    """Call before app.core.web.init_web: flask-smorest registers an app-wide JSON handler for
    HTTP errors, which the site's own HTML one then replaces; the API's blueprints keep theirs."""
    for key, value in {"API_TITLE": "Yishi open data API", "API_VERSION": "v1",
                       "OPENAPI_VERSION": "3.1.0", "OPENAPI_URL_PREFIX": PREFIX,
                       "OPENAPI_JSON_PATH": "openapi.json"}.items():
        app.config.setdefault(key, value)
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": (
            "Read-only JSON about each compound. Anonymous clients read what the site shows "
            "anyone (published notices, results and their recount exports, published "
            "minutes, covenants in force, audit heads). A member's personal token, made on "
            "/me/api-tokens and sent as `Authorization: Bearer ...`, adds what that person "
            "may read on the site. Lists take page and per_page (at most 100).")},
        "components": {"securitySchemes": {"bearerToken": {"type": "http",
                                                           "scheme": "bearer"}}}})
    api = YishiApi(app)
    for blp in blueprints:
        api.register_blueprint(blp)
    return api
