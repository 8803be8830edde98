"""Application factory."""
import os
from pathlib import Path

from flask import Flask, current_app, has_request_context, session

from app.core.flask_app import YishiFlask
from app.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate
from config import CONFIGS, DEFAULT_SECRET_KEY, Config


def _load_config(app: Flask, config) -> None:
    if config is None:
        config = os.environ.get("YISHI_CONFIG", "development")
    if isinstance(config, str):
        config = CONFIGS[config]
    overrides = {}
    if isinstance(config, dict):
        overrides, config = config, CONFIGS["testing" if config.get("TESTING") else "development"]
    app.config.from_object(config)
    Config.apply_env(app.config)
    app.config.update(overrides)
    app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or "memory://"
    if config.__name__ == "ProductionConfig" and app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY:
        raise RuntimeError("Refusing to start in production with the default SECRET_KEY; "
                           "set the SECRET_KEY environment variable.")
    if config.__name__ == "ProductionConfig" and app.config.get("SMS_DEV_PAGE"):
        raise RuntimeError("Refusing to start in production with SMS_DEV_PAGE on: it shows "
                           "one-time codes to anyone who opens it.")


def select_locale() -> str:
    chosen = session.get("lang") if has_request_context() else None
    return chosen or current_app.config["YISHI_LOCALE"]


def create_app(config=None) -> Flask:
    app = YishiFlask(__name__,
                     template_folder=str(Path(__file__).resolve().parent.parent / "templates"))
    _load_config(app, config)
    hops = int(app.config.get("TRUSTED_PROXIES", 0))
    if hops:
        # Behind the reverse proxy the client address comes from X-Forwarded-For; without this
        # every resident would share the proxy's address and its per-IP rate limits.
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///"):]).parent.mkdir(
            parents=True, exist_ok=True)

    from app import models  # noqa: F401  (every model, for migrations and the audit registry)
    from app.core import db as _db_events  # noqa: F401  (SQLite pragmas, BEGIN IMMEDIATE)
    from app.core.cookies import CookieSessionInterface
    from app.core.db import ping_after_idle
    from app.core.i18n import install_template_gettext

    db.init_app(app)
    app.session_interface = CookieSessionInterface()
    if app.config.get("POOL_PING_AFTER_IDLE_SECONDS"):
        with app.app_context():
            ping_after_idle(db.engine, app.config["POOL_PING_AFTER_IDLE_SECONDS"])
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    from app.core.ids import IdConverter

    # Before any blueprint: every `<int:...>` in a route becomes a bounded id (app.core.ids).
    app.url_map.converters["int"] = IdConverter

    from app.accounts.views import bp as accounts_bp
    from app.api import views_member, views_public  # noqa: F401  (the API's routes)
    from app.api.setup import init_api
    from app.api.token_views import bp as api_tokens_bp
    from app.api.web import member_bp, public_bp
    from app.audit.views import bp as audit_bp
    from app.board.views import bp as board_bp
    from app.compounds.level_views import bp as levels_bp
    from app.compounds.views import bp as compounds_bp
    from app.core.health import bp as health_bp
    from app.covenants.views import bp as covenants_bp
    from app.dispatch.views import bp as dispatch_bp
    from app.funds.views import bp as funds_bp
    from app.issues.views import bp as issues_bp
    from app.meetings.views import bp as meetings_bp
    from app.microprojects.views import bp as microprojects_bp
    from app.moderation.views import bp as moderation_bp
    from app.notices.views import bp as notices_bp
    from app.notifications.views import bp as notifications_bp
    from app.proposals.views import bp as proposals_bp
    from app.site.views import attach as attach_site
    from app.site.views import bp as main_bp
    from app.trustbooks.views import bp as trustbooks_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(compounds_bp)
    app.register_blueprint(levels_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(proposals_bp)
    app.register_blueprint(issues_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(covenants_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(notices_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(board_bp)
    app.register_blueprint(dispatch_bp)
    app.register_blueprint(funds_bp)
    app.register_blueprint(microprojects_bp)
    app.register_blueprint(health_bp)  # /healthz, /readyz: no login, no rate limit, no CSRF
    csrf.exempt(health_bp)
    app.register_blueprint(api_tokens_bp)
    init_api(app, (public_bp, member_bp))  # /api/v1/, before init_web (see init_api)
    app.register_blueprint(trustbooks_bp)
    from app.board.announcements import set_up as board_set_up
    board_set_up()
    from app.dispatch.services import set_up as dispatch_set_up

    dispatch_set_up()  # an issue's 派单 makes its ticket
    attach_site(app)  # the compound's home, /c/<id>/

    from app.accounts.cli import register_cli as accounts_cli
    from app.audit.cli import register_cli as audit_cli
    from app.core.cli import register_cli as uploads_cli
    from app.dispatch.cli import register_cli as dispatch_cli
    from app.funds.cli import register_cli as funds_cli
    from app.issues.cli import register_cli as issues_cli
    from app.operations.cli import register_cli as operations_cli
    from app.proposals.cli import register_cli as proposals_cli
    from app.site.demo import register_cli as demo_cli

    audit_cli(app)
    demo_cli(app)
    accounts_cli(app)
    proposals_cli(app)
    issues_cli(app)
    dispatch_cli(app)
    funds_cli(app)
    uploads_cli(app)
    operations_cli(app)

    from app.accounts.session import init_login
    from app.site.labels import install as install_labels

    install_labels()  # every domain's audit and notification labels, into their registries
    from app.core.request_log import init_request_log
    from app.core.web import init_web

    init_login(app)
    init_web(app)
    init_request_log(app)  # request ids and JSON lines; its first hook runs before all others
    return app
