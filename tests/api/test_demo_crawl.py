"""An anonymous client walks every public list and item of the seeded demo through the links
the API gives, each answer checked against the OpenAPI document: minutes, covenants, notices,
results and exports of every kind, and never a phone number or a secret ballot's votes."""
import re

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from tests.seeded import seeded


@pytest.fixture
def demo(app):
    def seed():
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output

    seeded("everything", seed)


def _walk(api, start: str) -> dict[str, dict]:
    mobiles = set(db.session.scalars(select(User.mobile)))
    seen, queue = {}, [start]
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        response = api.get(path)
        assert response.status_code == 200, path
        seen[path] = body = response.get_json()
        text = response.get_data(as_text=True)
        assert not any(mobile in text for mobile in mobiles), path
        for item in [body, *(body.get("items") or [])] if isinstance(body, dict) else []:
            queue += [link for name, link in (item.get("links") or {}).items()
                      if link and name not in ("first", "prev", "self") or
                      (name == "self" and item is not body)]
    return seen


def test_anonymous_walks_every_public_answer_of_the_demo(app, api, demo):
    seen = _walk(api, "/api/v1/compounds")
    kinds = {re.sub(r"/\d+", "/N", p.split("?")[0]) for p in seen}
    for expected in ("/api/v1/compounds/N/minutes/N", "/api/v1/compounds/N/notices/N",
                     "/api/v1/compounds/N/results/N/export", "/api/v1/compounds/N/covenants",
                     "/api/v1/compounds/N/audit"):
        assert expected in kinds, expected
    exports = {p: body for p, body in seen.items() if p.endswith("/export")}
    secret = [e for e in exports.values() if e.get("secret")]
    assert secret and all("votes" not in e for e in secret)
    names = set(db.session.scalars(select(User.display_name).where(User.mobile.like("1990001%"))))
    for path, body in exports.items():
        # Only the names the published result itself carries (an election's candidates).
        shown = str(seen[path.removesuffix("/export")]["result"])
        assert not [n for n in names if n in str(body) and n not in shown], path
    covenants = next(b for p, b in seen.items() if p.endswith("/covenants"))
    assert covenants["items"] and covenants["items"][0]["articles"]
    minutes = [b for p, b in seen.items() if "/minutes/" in p]
    assert minutes and all(m["items"] and len(m["digest"]) == 64 for m in minutes)
    assert api.checked == len(seen)
