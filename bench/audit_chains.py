"""Per-compound audit chains under load: audited writes in 20 compounds at once against the
same number of writers in a single compound, on PostgreSQL.

    .venv/bin/python bench/audit_chains.py [--writers 1,2,4,8] [--duration 5]
        [--rounds 3] [--url postgresql://postgres@127.0.0.1:5432/test_f_chains]

Each writer is a process of its own with the app and its own connection; each write is one
transaction through the real service (app.notifications.services.follow / unfollow: a row
written and record() appending to the compound's chain), then a commit. "20 compounds": writer
i writes in compounds i, i+N, i+2N… (mod 20) in turn; "one compound": every writer in the
same compound, queueing on that chain's row. Throughput counts commits in a fixed window after
a warm-up; the chain wait is the time each write spent in the UPDATE that takes its chain's
next number (waiting for the row while another transaction holds it). Each setting runs a few
times, the two modes interleaved, and the median counts: the machine is shared and its load
drifts. The chains are verified at the end. Traffic only to 127.0.0.1.
"""
import argparse
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

COMPOUNDS = 20
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test_f_chains"


def _ensure_database(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    assert parsed.host in ("127.0.0.1", "localhost"), "benchmarks run against 127.0.0.1 only"
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            (parsed.database,)).fetchone():
            conn.execute(f'CREATE DATABASE "{parsed.database}"')


def _populate(url: str, writers: int) -> tuple[list[int], list[int]]:
    """COMPOUNDS compounds and one account per writer; returns their ids."""
    from app.extensions import db
    from bench.server import app_on_empty_schema
    from tests.factories import make_compound, make_user

    app = app_on_empty_schema(url, {"TESTING": True, "SECRET_KEY": "bench"})
    with app.app_context():
        compounds = [make_compound(f"基准小区{i}").id for i in range(COMPOUNDS)]
        users = [make_user(name=f"写入{i}").id for i in range(writers)]
        db.session.commit()
        db.engine.dispose()
    return compounds, users


def _writer(url, user_id, targets, ready, warm, duration, counts, waits, slot):
    from sqlalchemy import event

    from app import create_app
    from app.accounts.models import User
    from app.extensions import db
    from app.notifications.services import follow, unfollow

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "bench",
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "max_overflow": 0}})
    waited = [0.0, False]  # seconds spent taking a chain's next number (its row's lock)

    with app.app_context():
        @event.listens_for(db.engine, "before_cursor_execute")
        def _before(conn, cursor, statement, *args):
            if statement.startswith("UPDATE audit_chains SET head_seq"):
                conn.info["taking"] = time.perf_counter()

        @event.listens_for(db.engine, "after_cursor_execute")
        def _after(conn, cursor, statement, *args):
            started = conn.info.pop("taking", None)
            if started is not None and waited[1]:
                waited[0] += time.perf_counter() - started

        user = db.session.get(User, user_id)
        db.session.commit()
        ready.wait()  # every writer has its app and connection: all start together
        warm_end = time.time() + warm
        end_at = warm_end + duration
        done, turn = 0, 0
        while True:
            now = time.time()
            if now >= end_at:
                break
            compound_id = targets[turn % len(targets)]
            if (turn // len(targets)) % 2 == 0:
                follow(user, compound_id, "issue", compound_id)
            else:
                unfollow(user, compound_id, "issue", compound_id)
            db.session.commit()
            turn += 1
            now = time.time()
            waited[1] = warm_end <= now < end_at  # the next write counts its wait
            if warm_end <= now < end_at:
                done += 1
        counts[slot] = done
        waits[slot] = waited[0]
        db.engine.dispose()


def run(url: str, users: list[int], compounds: list[int], writers: int, spread: bool,
        duration: float, warm: float = 1.5) -> tuple[float, float]:
    """(writes per second, mean ms per write spent taking the chain's next number)."""
    ctx = multiprocessing.get_context("spawn")
    counts = ctx.Array("l", writers)
    waits = ctx.Array("d", writers)
    ready = ctx.Barrier(writers)
    procs = []
    for i in range(writers):
        if spread:
            targets = [compounds[(i + k * writers) % COMPOUNDS] for k in range(COMPOUNDS)]
            targets = list(dict.fromkeys(targets))
        else:
            targets = [compounds[0]]
        procs.append(ctx.Process(target=_writer, args=(
            url, users[i], targets, ready, warm, duration, counts, waits, i)))
    for p in procs:
        p.start()
    for p in procs:
        p.join()
        assert p.exitcode == 0, "a writer failed"
    writes = sum(counts)
    return writes / duration, 1000 * sum(waits) / max(writes, 1)


def _median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    ranked = sorted(runs)
    return ranked[len(ranked) // 2]


def _verify(url: str) -> str:
    from app import create_app
    from app.audit.heads import chain_heads
    from app.audit.verification import verify
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "bench"})
    with app.app_context():
        result = verify()
        heads = chain_heads()
        db.engine.dispose()
    assert result.ok, result.problems[:5]
    return f"verified: {result.count} entries in {len(heads) - 1} chains, OK"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", default="1,2,4,8")
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    counts = [int(n) for n in args.writers.split(",")]
    if args.url.startswith("postgresql://"):
        args.url = "postgresql+psycopg://" + args.url.split("://", 1)[1]
    _ensure_database(args.url)
    compounds, users = _populate(args.url, max(counts))
    cores = multiprocessing.cpu_count()
    print(f"PostgreSQL at 127.0.0.1, {cores} cores, {args.duration:g} s windows, "
          f"{args.rounds} interleaved rounds each (median)")
    print("| writers | 20 compounds (writes/s) | one compound (writes/s) | ratio "
          "| chain wait per write, 20 compounds / one compound |")
    print("|---|---|---|---|---|")
    rows = []
    for n in counts:
        spread, single = [], []
        for r in range(args.rounds):  # alternate which goes first: the load drifts
            order = [(True, spread), (False, single)]
            for mode, into in (order if r % 2 == 0 else order[::-1]):
                into.append(run(args.url, users, compounds, n, mode, args.duration))
        (s_rate, s_wait), (o_rate, o_wait) = _median(spread), _median(single)
        rows.append((n, s_rate, o_rate))
        print(f"| {n} | {s_rate:,.0f} | {o_rate:,.0f} | {s_rate / o_rate:.2f} "
              f"| {s_wait:.2f} ms / {o_wait:.2f} ms |", flush=True)
    base_spread, base_single = rows[0][1], rows[0][2]
    print("scaling against", counts[0], "writer(s): "
          + "; ".join(f"{n}: 20 compounds ×{s / base_spread:.2f}, one compound "
                      f"×{o / base_single:.2f}" for n, s, o in rows))
    print(_verify(args.url))


if __name__ == "__main__":
    main()
