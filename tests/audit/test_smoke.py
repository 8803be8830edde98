import pytest

from app.audit.services import record
from app.audit.verification import verify
from app.extensions import db
from tests.factories import make_compound, make_user

pytestmark = pytest.mark.both_databases


def test_record_and_verify(app):
    user = make_user()
    compound = make_compound()
    record(user, compound, "test.touch", user, {"x": 1})
    record(user, compound, "test.touch", compound, {"x": 2})
    db.session.commit()
    result = verify()
    assert result.ok, result.problems
    assert result.count == 2
