"""No relationship of the app loads lazily: each is lazy="raise" (or "raise_on_sql"), so that
a page says in its query what it reads, and a new relationship cannot slip in as a hidden
query per row."""
import pytest
from sqlalchemy.exc import InvalidRequestError

from app.compounds.roster import unit_state
from app.extensions import db
from tests.factories import make_compound, make_unit

RAISING = ("raise", "raise_on_sql")


def test_every_relationship_raises_instead_of_loading_lazily(app):
    lazy = [f"{mapper.class_.__name__}.{rel.key} (lazy={rel.lazy!r})"
            for mapper in db.Model.registry.mappers for rel in mapper.relationships
            if rel.lazy not in RAISING]
    assert not lazy, "relationships that load lazily: " + ", ".join(lazy)


def test_a_lazy_read_in_app_code_raises(app):
    """The test harness lets a test's own reads load lazily (tests/lazy_loads.py); a read in
    app code still raises, as it does in production."""
    unit = make_unit(make_compound())
    db.session.commit()  # expires the unit: its building is no longer loaded
    with pytest.raises(InvalidRequestError, match="lazy='raise'"):
        unit_state(unit)  # app code reading unit.holding
    assert unit.building.name  # the test's own read loads
