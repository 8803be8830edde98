"""Every kind of notification a service sends has a label of its own or of its family, declared
by its domain (app/<domain>/labels.py) and gathered at app setup; the audit labels are
gathered the same way."""
import ast
import re
from pathlib import Path

import pytest

from app.audit import labels as audit_labels
from app.issues.labels import AUDIT_ACTIONS as ISSUE_ACTIONS
from app.notifications.labels import KIND_LABELS, UNKNOWN_KIND, kind_label

APP = Path(__file__).resolve().parents[2] / "app"
KIND = re.compile(r"[a-z_]+\.[a-z_{}]+")


def _sent_kinds() -> set[str]:
    """Kinds written in the source: notify()'s third argument, notify_followers()'s fourth
    (an f-string family such as f"proposal.{name}" counts as "proposal.*")."""
    kinds = set()
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            index = {"notify": 2, "notify_followers": 3}.get(name)
            if index is None or len(node.args) <= index:
                continue
            arg = node.args[index]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                kinds.add(arg.value)
            elif isinstance(arg, ast.JoinedStr):
                head = arg.values[0]
                if isinstance(head, ast.Constant) and str(head.value).endswith("."):
                    kinds.add(f"{head.value}*")
    return {k for k in kinds if KIND.fullmatch(k) or k.endswith(".*")}


def test_every_kind_sent_has_a_label(app):
    kinds = _sent_kinds()
    assert {"proposal.vote_open", "claim.approved", "proposal.*"} <= kinds
    missing = sorted(k for k in kinds if kind_label(k.replace("*", "x")) is UNKNOWN_KIND)
    assert not missing, f"no label for {missing}"
    assert str(kind_label("proposal.approve_review")) == str(KIND_LABELS["proposal.*"])


def test_the_audit_registry_holds_what_the_domains_declare(app):
    assert audit_labels.ACTION_LABELS["issue.create"] is ISSUE_ACTIONS["issue.create"]
    with pytest.raises(ValueError):
        audit_labels.register({"issue.create": "另一个名字"}, {})
