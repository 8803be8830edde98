from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.extensions import db


def test_create_admin_with_password_option(app):
    result = app.test_cli_runner().invoke(args=[
        "accounts", "create-admin", "13100000001", "系统管理员", "--password", "Admin-pass-2026"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert user.is_admin and user.mobile == "13100000001" and user.display_name == "系统管理员"
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))
    assert actions == ["account.registered", "account.admin_created"]
    assert verify().ok
    login = app.test_client().post("/login", data={"mobile": "13100000001",
                                                   "password": "Admin-pass-2026"})
    assert login.status_code == 302


def test_create_admin_prompts_for_the_password(app):
    result = app.test_cli_runner().invoke(
        args=["accounts", "create-admin", "13100000002", "管理员"],
        input="Admin-pass-2026\nAdmin-pass-2026\n")
    assert result.exit_code == 0, result.output
    assert "Admin-pass-2026" not in result.output
    assert db.session.scalar(select(User)).is_admin


def test_create_admin_refuses_a_weak_password_or_a_taken_number(app):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["accounts", "create-admin", "13100000003", "管理员",
                               "--password", "password"])
    assert weak.exit_code != 0 and "太常见" in weak.output
    assert db.session.scalar(select(User)) is None
    ok = runner.invoke(args=["accounts", "create-admin", "13100000003", "管理员",
                             "--password", "Admin-pass-2026"])
    assert ok.exit_code == 0
    again = runner.invoke(args=["accounts", "create-admin", "13100000003", "管理员",
                                "--password", "Admin-pass-2026"])
    assert again.exit_code != 0 and "已经注册过" in again.output
