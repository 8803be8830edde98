"""Every action a service can record and every table an entry can point at has a Chinese label
with an English translation: the audit trail shows words, never codes like "issue.create"."""
import ast
import re
from pathlib import Path

from flask_babel import force_locale
from sqlalchemy import select

from app.audit.labels import ACTION_LABELS, OBJECT_LABELS
from app.audit.models import AuditEntry
from app.core.workflow import WORKFLOWS
from app.extensions import db
from tests.seeded import seed_demo_once
from tests.test_i18n import compiled_catalogue  # noqa: F401  (autouse: a fresh .mo)

APP = Path(__file__).resolve().parents[2] / "app"
CODE = re.compile(r"[a-z_]+\.[a-z_]+")
CJK = re.compile(r"[\u4e00-\u9fff]")
# Actions whose name is built from a variable: the variable's possible values, by family.
MINUTES_RESPONSES = ("confirm", "comment")  # app.meetings.minutes._respond's kinds
NOT_RECORDED = {"audit_entries", "audit_chains", "audit_anchors"}  # the chains themselves


def _name(func) -> str | None:
    return getattr(func, "id", None) or getattr(func, "attr", None)


def _literal_strings(node):
    return [n.value for n in ast.walk(node)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _scanned_actions() -> set[str]:
    """Action names written in the source: literals given to record(), plus each family whose
    name is an f-string, expanded from the table of its possible values: every transition of
    every workflow is recorded as "<domain>.<transition>"."""
    actions = set()
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            if _name(node.func) == "record" and len(node.args) >= 3:
                actions |= {s for s in _literal_strings(node.args[2]) if CODE.fullmatch(s)}
    assert {"proposal", "issue", "covenant", "minutes", "notice"} <= set(WORKFLOWS)
    actions |= {f"{w.domain}.{name}" for w in WORKFLOWS.values() for name in w.transitions}
    actions |= {f"minutes.{kind}" for kind in MINUTES_RESPONSES}
    return actions


def _assert_labelled(codes, labels):
    missing = sorted(code for code in codes if code not in labels)
    assert not missing, f"no label for {missing}"
    with force_locale("en"):
        untranslated = sorted(code for code in codes if CJK.search(str(labels[code])))
    assert not untranslated, f"no English label for {untranslated}"


def test_every_action_in_the_source_has_a_label_in_both_languages(app):
    actions = _scanned_actions()
    assert {"issue.create", "proposal.open_voting", "minutes.confirm"} <= actions
    _assert_labelled(actions, ACTION_LABELS)


def test_every_table_has_a_label_in_both_languages(app):
    _assert_labelled(set(db.metadata.tables) - NOT_RECORDED, OBJECT_LABELS)


def test_every_action_the_demo_records_has_a_label(app):
    seed_demo_once()  # every domain's demo
    rows = db.session.execute(select(AuditEntry.action, AuditEntry.object_type).distinct()).all()
    assert len(rows) > 20
    _assert_labelled({action for action, _ in rows}, ACTION_LABELS)
    _assert_labelled({table for _, table in rows if table}, OBJECT_LABELS)
