"""The site joins the domains; the domains do not know it. app/compounds, the ground the other
domains are built on, imports none of them."""
import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
BUILT_ON_COMPOUNDS = ("proposals", "issues", "meetings", "covenants", "notices", "moderation",
                      "site")


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)  # `from app.x import y` may import the module app.x.y
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def test_compounds_imports_no_domain_built_on_it():
    offending = sorted(
        f"{path.relative_to(APP)}: {module}"
        for path in (APP / "compounds").rglob("*.py") for module in _imports(path)
        if module.split(".")[:2] in [["app", d] for d in BUILT_ON_COMPOUNDS])
    assert not offending, offending


def test_no_domain_imports_the_site():
    """Only the factory (app/__init__.py) and the site itself name app.site."""
    offending = sorted(
        f"{path.relative_to(APP)}: {module}"
        for path in APP.rglob("*.py")
        if path.relative_to(APP).parts[0] != "site" and path != APP / "__init__.py"
        for module in _imports(path) if module == "app.site" or module.startswith("app.site."))
    assert not offending, offending


def test_the_walk_sees_imports():
    """The walk would notice an import: the site's own modules import the domains."""
    assert "app.proposals.todo" in _imports(APP / "site" / "todo.py")
