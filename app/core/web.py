"""Request-wide behaviour: security headers, error pages, template helpers."""
from flask import Flask, render_template, request, session
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.core.errors import ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.input_rules import request_breaks_input_rules
from app.core.paper_links import short_digest
from app.core.phones import mask_mobile, mask_name
from app.core.sanitize import render_markdown
from app.core.time import china_time, cn_date, cn_time
from app.extensions import db

ERROR_TEXT = {
    400: (_l("请求有误"), _l("提交的内容无法处理，请返回上一页检查后重试。")),
    403: (_l("没有权限"), _l("您没有查看或操作此页面的权限。如需帮助，请联系社区工作人员。")),
    404: (_l("页面不存在"), _l("您要找的页面不存在或已被移除。")),
    405: (_l("操作不允许"), _l("此页面不支持这种操作。")),
    409: (_l("操作冲突"), _l("这项操作已经完成过，不能重复进行。")),
    413: (_l("文件太大"), _l("上传的文件超过了大小限制，请压缩后重试。")),
    429: (_l("操作太频繁"), _l("您的操作过于频繁，请稍后再试。")),
    500: (_l("系统出错了"), _l("很抱歉，系统暂时出现问题，您的操作没有生效。请稍后再试。")),
}

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'")


def render_error(status: int, message=None):
    title, default_message = ERROR_TEXT.get(status, ERROR_TEXT[500])
    if request.headers.get("HX-Request"):
        return render_template("errors/_error.html", status=status, title=title,
                               message=message or default_message), status
    return render_template("errors/error.html", status=status, title=title,
                           message=message or default_message), status


def init_web(app: Flask) -> None:
    @app.before_request
    def refuse_what_no_request_may_carry():
        # The one place control characters and absurd field names are refused (the rules:
        # app.core.input_rules).
        if request_breaks_input_rules():
            return render_error(400)
        return None

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", CSP)
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        db.session.rollback()
        return render_error(400, _l("页面已过期，请刷新页面后重新提交。"))

    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        db.session.rollback()
        return render_error(exc.status, exc.message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        db.session.rollback()
        if exc.code is None or exc.code < 400:
            return exc
        return render_error(exc.code if exc.code in ERROR_TEXT else 400)

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if app.config.get("PROPAGATE_EXCEPTIONS") and app.testing:
            raise exc
        return render_error(500)

    @app.context_processor
    def template_helpers():
        return {
            "large_text": session.get("large_text", False),
            "current_lang": session.get("lang") or app.config["YISHI_LOCALE"],
        }

    app.jinja_env.filters["mask_mobile"] = mask_mobile
    app.jinja_env.filters["mask_name"] = mask_name
    app.jinja_env.filters["cst"] = china_time
    app.jinja_env.filters["cn_date"] = cn_date
    app.jinja_env.filters["cn_time"] = cn_time
    app.jinja_env.filters["short_digest"] = short_digest
    app.jinja_env.filters["markdown"] = render_markdown  # Markup: sanitised by the module
