"""The embedded SQLite catalog under concurrent writers: WAL, a busy timeout and IMMEDIATE
transactions make a second writer wait instead of failing with «database is locked»."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler

from service.config import DatabaseConfig


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker) -> object:
    """These tests open their own SQLite files, not the test database."""
    with django_db_blocker.unblock():
        yield


def _connection(path: Path, **options: object):
    settings = DatabaseConfig(engine="django.db.backends.sqlite3", name=str(path)).as_django()
    settings["OPTIONS"] = {**settings["OPTIONS"], **options}  # type: ignore[dict-item]
    return ConnectionHandler({"default": settings})["default"]


def _race(path: Path, **options: object) -> Exception | None:
    """A holds the write lock for a moment; B reads, then writes. B's error, if any."""
    setup = _connection(path)
    with setup.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS t (n INTEGER)")
    setup.close()
    a_holds, b_read = threading.Event(), threading.Event()

    def writer_a() -> None:
        conn = _connection(path)
        with conn.cursor() as cur:
            cur.execute("BEGIN IMMEDIATE")
            cur.execute("INSERT INTO t VALUES (1)")
            a_holds.set()
            b_read.wait(10)
            threading.Event().wait(0.5)  # B is now waiting for the lock
            cur.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=writer_a)
    thread.start()
    a_holds.wait(10)
    conn = _connection(path, **options)
    error: Exception | None = None
    try:
        with _atomic(conn):
            with conn.cursor() as cur:
                cur.execute("SELECT count(*) FROM t").fetchone()
                b_read.set()
                cur.execute("INSERT INTO t VALUES (2)")
    except OperationalError as exc:
        error = exc
    finally:
        b_read.set()
        thread.join(10)
        conn.close()
    return error


class _atomic:
    """BEGIN/COMMIT on one wrapper as ``transaction.atomic`` would, honouring transaction_mode."""

    def __init__(self, conn) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.ensure_connection()
        # what transaction.atomic() does on SQLite: an explicit BEGIN <transaction_mode>
        self.conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)

    def __exit__(self, kind, exc, tb) -> None:
        if kind is None:
            self.conn.commit()
        else:
            self.conn.rollback()
        self.conn.set_autocommit(True)


def test_settings_turn_on_wal_and_a_busy_timeout(tmp_path: Path) -> None:
    conn = _connection(tmp_path / "c.sqlite3")
    with conn.cursor() as cur:
        assert cur.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cur.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000
    conn.close()


def test_a_second_writer_waits_instead_of_failing(tmp_path: Path) -> None:
    """GIVEN one process writing WHEN another reads then writes THEN it waits and succeeds."""
    assert _race(tmp_path / "wait.sqlite3") is None


def test_the_deferred_mode_was_the_cause(tmp_path: Path) -> None:
    """With DEFERRED transactions the same race fails at once, busy timeout or not."""
    error = _race(tmp_path / "deferred.sqlite3", transaction_mode="DEFERRED")
    assert error is not None and "locked" in str(error)
