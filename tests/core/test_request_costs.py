"""Work no longer done on every request, and what still happens when it has to."""
from datetime import timedelta

from app.compounds import letters
from app.core import cookies
from app.extensions import db
from app.notifications import services as notifications
from tests.factories import make_building, make_compound, make_staff, make_unit, make_user


def _signed_in(client, login_as):
    user = make_user()
    db.session.commit()
    login_as(user)
    with client.session_transaction() as sess:
        sess.permanent = True  # as after a real login
    client.get("/privacy")  # the first page adds the CSRF token: a change, sent
    return user


def test_an_unchanged_session_cookie_is_not_sent_again(client, login_as):
    _signed_in(client, login_as)
    response = client.get("/privacy")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_a_changed_session_is_sent_at_once(client, login_as):
    _signed_in(client, login_as)
    response = client.post("/prefs/large-text")
    assert response.headers["Set-Cookie"].startswith("session=")


def test_an_old_cookie_is_sent_again_to_move_its_expiry(client, login_as, monkeypatch):
    _signed_in(client, login_as)
    monkeypatch.setattr(cookies, "REFRESH_AFTER", timedelta(0))
    response = client.get("/privacy")
    assert response.headers["Set-Cookie"].startswith("session=")


def test_header_counts_are_read_again_once_a_notification_is_written(app):
    user = make_user()
    db.session.commit()
    notifications.remember_unread_counts(user.id, 5, 1)
    assert notifications.unread_counts(user) == (5, 1)
    notifications.notify([user.id], None, "test", "一条通知")
    assert notifications.unread_counts(user) == (1, 0)
    notifications.remember_unread_counts(user.id, 5, 1)
    notifications.mark_all_read(user)
    assert notifications.unread_counts(user) == (0, 0)


def test_qr_codes_are_drawn_once_per_code_and_forgotten_when_codes_are_replaced(
        app, monkeypatch):
    compound = make_compound(name="锦华苑")
    staff = make_staff(compound)
    for room in ("101", "102"):
        make_unit(compound, building="5", room=room)
    db.session.commit()
    b5 = make_building(compound, "5")
    drawn = []
    draw = letters.qr_data_uri
    monkeypatch.setattr(letters, "qr_data_uri", lambda url: drawn.append(url) or draw(url))
    letters.issue_codes(staff, compound, b5)
    db.session.commit()

    def claim_url(code):
        return f"https://yishi.example/c/claim?code={code}"

    first = letters.letters_for(compound, b5, claim_url)
    again = letters.letters_for(compound, b5, claim_url)
    assert len(drawn) == 2
    assert [x.qr for x in again] == [x.qr for x in first]
    old = {x.code for x in first}
    letters.issue_codes(staff, compound, b5, replace=True)
    db.session.commit()
    assert not old & set(letters._QR_CACHE)
    fresh = letters.letters_for(compound, b5, claim_url)
    assert len(drawn) == 4 and not old & {x.code for x in fresh}
    elsewhere = letters.letters_for(compound, b5, lambda code: f"https://other.example/{code}")
    assert len(drawn) == 6 and elsewhere[0].qr != fresh[0].qr
