from datetime import datetime, timezone

from app import create_app
from app.core.time import utcnow


def test_clock_offset_only_moves_a_testing_app(tmp_path):
    day = 86400
    for testing, moved in [(True, True), (False, False)]:
        app = create_app({"TESTING": testing, "SECRET_KEY": "x", "CLOCK_OFFSET_SECONDS": day,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/c{testing}.db"})
        with app.app_context():
            ahead = (utcnow() - datetime.now(timezone.utc)).total_seconds()
        assert (ahead > day - 60) is moved
