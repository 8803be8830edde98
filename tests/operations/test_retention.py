"""flask maintenance run, with the clock moved forward: each kind of data is kept until its
period (config RETENTION_DAYS) has passed and cleared after it; a second run changes nothing;
every run that changed something is in the audit log, which still verifies."""
from dataclasses import asdict
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.accounts import phone_codes
from app.accounts.models import PhoneCode, UserSession
from app.accounts.services import record_login
from app.audit.models import AuditEntry
from app.audit.services import record
from app.audit.verification import verify
from app.compounds import roster
from app.compounds.models import RosterUpload
from app.core.time import utcnow
from app.core.uploads import store
from app.extensions import db
from app.operations.retention import run_retention
from tests.factories import make_compound, make_staff, make_user, roster_csv
from tests.test_i18n import compiled_catalogue  # noqa: F401  (autouse: a fresh .mo)

ROWS = [["1", "1", "101", "89.50", "登记", "陈志强", "19900010001", "否"]]
DAY = 86400


class World:
    """One of each kind, made at day 0."""

    def __init__(self, app):
        self.app = app
        compound = make_compound()
        staff = make_staff(compound)
        self.unconfirmed = roster.stage_upload(staff, compound, "a.csv", roster_csv(ROWS)).upload
        confirmed = roster.stage_upload(staff, compound, "b.csv", roster_csv(ROWS)).upload
        roster.apply_upload(staff, compound, confirmed.id)
        self.confirmed_id = confirmed.id
        person = make_user()
        phone_codes.issue(person, "verify", actor=person)
        self.live = UserSession(user_id=person.id, token_hash="a" * 64)
        self.ended = UserSession(user_id=person.id, token_hash="b" * 64)
        db.session.add_all([self.live, self.ended])
        db.session.flush()
        record_login(person, self.live)
        self.ended.revoked_at = utcnow()
        record(person, None, "account.logout", self.ended)
        self.orphan = Path(app.config["UPLOAD_DIR"]) / store(b"%PDF-1.4 orphan", "pdf")[0]
        db.session.commit()

    def run(self, days: float):
        self.app.config["CLOCK_OFFSET_SECONDS"] = int(days * DAY)
        before = db.session.scalar(select(func.count()).select_from(AuditEntry))
        counts = run_retention()
        db.session.commit()
        added = db.session.scalar(select(func.count()).select_from(AuditEntry)) - before
        result = verify()
        assert result.ok, result.problems
        return asdict(counts), added

    def present(self) -> dict:
        return {
            "unconfirmed": db.session.get(RosterUpload, self.unconfirmed.id) is not None,
            "confirmed": db.session.get(RosterUpload, self.confirmed_id) is not None,
            "code": db.session.scalar(select(func.count()).select_from(PhoneCode)) == 1,
            "live": db.session.scalar(select(UserSession.revoked_at).where(
                UserSession.id == self.live.id)) is None,
            "ended": db.session.get(UserSession, self.ended.id) is not None,
            "orphan": self.orphan.exists(),
        }


NOTHING = {"roster_uploads_deleted": 0, "one_time_codes_deleted": 0, "sessions_ended": 0,
           "ended_sessions_deleted": 0, "orphan_uploads_deleted": 0}


def _only(**counts) -> dict:
    return {**NOTHING, **counts}


@pytest.mark.both_databases
def test_each_kind_is_kept_before_its_period_and_cleared_after(app):
    world = World(app)
    keep = app.config["RETENTION_DAYS"]
    everything = dict.fromkeys(world.present(), True)
    assert world.present() == everything

    assert world.run(keep["one_time_code"] - 0.1) == (NOTHING, 0)
    assert world.present() == everything
    # The code expired 10 minutes after day 0; the orphan file was stored at day 0.
    assert world.run(keep["one_time_code"] + 0.1) == (
        _only(one_time_codes_deleted=1, orphan_uploads_deleted=1), 1)
    assert world.present() == {**everything, "code": False, "orphan": False}

    assert world.run(keep["roster_upload"] - 0.1) == (NOTHING, 0)
    counts, added = world.run(keep["roster_upload"] + 0.1)
    assert (counts, added) == (_only(roster_uploads_deleted=1), 2)  # the compound's, the run's
    assert world.present() == {**everything, "code": False, "orphan": False,
                               "unconfirmed": False}  # a confirmed upload stays

    assert world.run(keep["session"] - 0.1) == (NOTHING, 0)
    assert world.run(keep["session"] + 0.1) == (_only(sessions_ended=1), 1)
    assert world.present()["live"] is False and world.present()["ended"] is True
    assert world.run(keep["ended_session"] - 0.1) == (NOTHING, 0)
    assert world.run(keep["ended_session"] + 0.1) == (_only(ended_sessions_deleted=1), 1)
    assert world.present()["ended"] is False
    # The session ended by the job is deleted once its own period has passed.
    ended_by_job = keep["session"] + 0.1 + keep["ended_session"]
    assert world.run(ended_by_job - 0.2) == (NOTHING, 0)
    assert world.run(ended_by_job + 0.1) == (_only(ended_sessions_deleted=1), 1)
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_a_second_run_changes_nothing_and_records_nothing(app):
    world = World(app)
    far = max(app.config["RETENTION_DAYS"].values()) * 3
    counts, added = world.run(far)
    assert added == 2 and counts["roster_uploads_deleted"] == 1
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert entry.action == "maintenance.retention_run"
    assert entry.data["sessions_ended"] == 1 and entry.data["days"] == app.config[
        "RETENTION_DAYS"]
    assert world.run(far) == (NOTHING, 0)


def test_the_command_reports_counts_and_a_dry_run_changes_nothing(app):
    World(app)
    app.config["CLOCK_OFFSET_SECONDS"] = 2 * DAY
    dry = app.test_cli_runner().invoke(args=["maintenance", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "dry run: nothing was changed" in dry.output
    assert "one time codes deleted: 1" in dry.output
    assert db.session.scalar(select(func.count()).select_from(PhoneCode)) == 1
    done = app.test_cli_runner().invoke(args=["maintenance", "run"])
    assert done.exit_code == 0, done.output
    assert "one time codes deleted: 1" in done.output and "dry run" not in done.output
    assert db.session.scalar(select(func.count()).select_from(PhoneCode)) == 0


def test_the_privacy_page_states_the_periods_the_job_applies(app, client):
    app.config["RETENTION_DAYS"] = {**app.config["RETENTION_DAYS"], "roster_upload": 45,
                                    "ended_session": 200}
    html = client.get("/privacy").get_data(as_text=True)
    assert "45 天后删除" in html and "保存 200 天" in html
    world = World(app)
    assert world.run(31)[0]["roster_uploads_deleted"] == 0
    assert world.run(46)[0]["roster_uploads_deleted"] == 1
    with force_locale("en"):
        assert client.post("/prefs/language", data={"lang": "en", "next": "/"}).status_code == 302
        english = client.get("/privacy").get_data(as_text=True)
    assert "deleted after 45 days" in english and "for 200 days" in english
    assert "after 1 day " in english or "1 day after" in english


def test_a_missing_period_is_a_configuration_error(app):
    app.config["RETENTION_DAYS"] = {"roster_upload": 30}
    with pytest.raises(ValueError, match="one_time_code"):
        run_retention()
