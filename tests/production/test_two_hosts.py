"""Two app hosts, one truth: two gunicorn servers started as `make serve` starts them, sharing
one PostgreSQL database (made for this test, migrated by `flask db upgrade`) and one Redis
(under a key prefix of this run, removed afterwards).

- a login on one host is valid on the other, and a logout on one ends it on both;
- failed logins and comments count across both hosts (the limiters' counters are in Redis);
- 200 racing ballots for one owner, split across the hosts, store exactly one and no 500;
- the audit chain verifies afterwards, and every log line either host wrote is JSON with no
  phone number in it.

Needs TEST_DATABASE_URL and TEST_REDIS_URL (.ci/run sets both); skipped without them."""
import json
import os
import secrets
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL
from tests.production.hosts import (
    Browser,
    request,
    run_flask,
    start_host,
    stop_hosts,
    wait_until_healthy,
)
from tests.production.seeding import OTHER_MOBILE, OWNER_MOBILE, PASSWORD, seed

REDIS_URL = os.environ.get("TEST_REDIS_URL")
RACING_BALLOTS = 200

pytestmark = [
    pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL: set TEST_DATABASE_URL"),
    pytest.mark.skipif(not REDIS_URL, reason="needs Redis: set TEST_REDIS_URL "
                                             "(e.g. redis://127.0.0.1:6379/15)"),
]


@contextmanager
def dedicated_database():
    url = make_url(PG_URL)
    name = f"{url.database}_hosts_{uuid.uuid4().hex[:8]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(drivername="postgresql", database=name).render_as_string(
            hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def redis_prefix():
    """A key prefix of this run; every key under it is deleted afterwards, nobody else's."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5, socket_connect_timeout=5)
    assert client.ping(), f"TEST_REDIS_URL {REDIS_URL} does not answer"
    prefix = f"yishi-test-{uuid.uuid4().hex[:12]}"
    try:
        yield client, prefix
    finally:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("two_hosts")
    uploads = folder / "uploads"
    uploads.mkdir()
    with dedicated_database() as url, redis_prefix() as (redis_client, prefix):
        env = {"YISHI_CONFIG": "production", "DATABASE_URL": url, "REDIS_URL": REDIS_URL,
               "REDIS_KEY_PREFIX": prefix, "SECRET_KEY": secrets.token_hex(32),
               "UPLOAD_DIR": str(uploads)}
        migrated = run_flask(env, "db", "upgrade")
        assert migrated.returncode == 0, migrated.stderr[-2000:]
        ids = seed(url)
        hosts = [start_host(env, folder / f"host{i}.log") for i in (1, 2)]
        try:
            for host in hosts:
                wait_until_healthy(host)
            yield {"hosts": hosts, "ids": ids, "env": env, "url": url,
                   "redis": redis_client, "prefix": prefix}
        finally:
            stop_hosts(hosts)


def test_two_hosts_share_one_truth(site):
    a, b = (host.port for host in site["hosts"])
    ids = site["ids"]
    for port in (a, b):
        health = request(port, "GET", "/healthz")
        assert (health.status, json.loads(health.body)) == (
            200, {"status": "ok", "database": "ok", "redis": "ok"})
        assert request(port, "GET", "/readyz").status == 200

    # A login on one host is valid on the other; a logout on one ends it on both.
    phone = Browser(client_ip="203.0.113.21")
    assert phone.login(a, OWNER_MOBILE, PASSWORD).status == 302
    signed_in = dict(phone.cookies)
    assert phone.send(b, "GET", "/me").status == 200
    assert phone.send(a, "GET", "/me").status == 200
    token = phone.csrf(b, "/me")
    assert phone.send(b, "POST", "/logout", {"csrf_token": token}).status == 302
    for port in (a, b):  # the cookie of before the logout, replayed: the session is over
        stale = Browser(client_ip="203.0.113.21", cookies=dict(signed_in))
        answer = stale.send(port, "GET", "/me")
        assert answer.status == 302 and "/login" in answer.headers["location"], port

    # Failed passwords for one account from one address: 5 per 15 minutes, whichever host.
    guesser = Browser(client_ip="203.0.113.66")
    for attempt in range(5):
        answer = guesser.login((a, b)[attempt % 2], OTHER_MOBILE, "wrong-password")
        assert answer.status == 400, (attempt, answer.status)
    assert guesser.login(b, OTHER_MOBILE, "wrong-password").status == 429
    assert guesser.login(a, OTHER_MOBILE, PASSWORD).status == 429  # even the right one waits
    elsewhere = Browser(client_ip="198.51.100.7")  # the owner's own phone is not locked out
    assert elsewhere.login(a, OTHER_MOBILE, PASSWORD).status == 302

    # Comments: 20 per 10 minutes per person, counted across both hosts.
    phone = Browser(client_ip="203.0.113.21")
    assert phone.login(b, OWNER_MOBILE, PASSWORD).status == 302
    issue_path = f"/c/{ids.compound}/issues/{ids.issue}"
    token = phone.csrf(a, issue_path)
    for n in range(20):
        answer = phone.send((a, b)[n % 2], "POST", f"{issue_path}/comments",
                            {"body": f"第{n + 1}条意见", "csrf_token": token})
        assert answer.status == 302, (n, answer.status)
    assert phone.send(a, "POST", f"{issue_path}/comments",
                      {"body": "再说一句", "csrf_token": token}).status == 429
    assert phone.send(b, "POST", f"{issue_path}/comments",
                      {"body": "再说一句", "csrf_token": token}).status == 429

    # 200 racing ballots for the one owner (two units, one ballot), split across the hosts.
    vote_path = f"/c/{ids.compound}/proposals/{ids.proposal}/vote"
    token = phone.csrf(a, vote_path)
    form = {"member_id": str(ids.member), "choice": "yes", "csrf_token": token}

    def cast(n: int) -> int:
        return request((a, b)[n % 2], "POST", vote_path, data=form, cookies=phone.cookies,
                       client_ip="203.0.113.21").status

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(cast, range(RACING_BALLOTS), timeout=120))
    assert statuses.count(302) == 1, sorted(set(statuses))
    assert set(statuses) <= {302, 409}, sorted(set(statuses))
    with psycopg.connect(site["url"]) as conn:
        stored = conn.execute("SELECT count(*) FROM ballots WHERE proposal_id = %s",
                              (ids.proposal,)).fetchone()[0]
    assert stored == 1

    # The limiters kept their counters in Redis, under this run's prefix.
    assert list(site["redis"].scan_iter(match=f"{site['prefix']}:*", count=500))

    verified = run_flask(site["env"], "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr

    _logs_are_json_without_phones(site["hosts"])


def _logs_are_json_without_phones(hosts) -> None:
    request_lines = 0
    for host in hosts:
        for line in host.log_lines():
            entry = json.loads(line)  # every line, gunicorn's included
            assert OWNER_MOBILE not in line and OTHER_MOBILE not in line, line
            assert PASSWORD not in line and "wrong-password" not in line, line
            if entry.get("logger") == "yishi.request":
                request_lines += 1
                assert len(entry["request_id"]) >= 8
                assert {"method", "path", "status", "duration_ms", "user_id"} <= entry.keys()
                assert "?" not in entry["path"]
    assert request_lines >= RACING_BALLOTS
