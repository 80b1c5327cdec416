"""Consistent dumps of the catalog database: SQLite's backup API or ``pg_dump``; and restores."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection

from service.errors import ConflictError


class RestoreRefused(ConflictError):
    """The target database is not empty (restore only into an empty catalog)."""


def engine_name(settings_dict: dict[str, Any] | None = None) -> str:
    """``sqlite`` or ``postgresql``."""
    engine = str((settings_dict or connection.settings_dict)["ENGINE"])
    return "sqlite" if engine.endswith("sqlite3") else "postgresql"


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict[str, Any]) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args


def dump_database(target: Path) -> None:
    """Write a consistent dump of the current database to ``target``."""
    db = connection.settings_dict
    if engine_name(db) == "sqlite":
        connection.ensure_connection()
        source = connection.connection
        with sqlite3.connect(target) as out:
            source.backup(out)
        out.close()
        return
    subprocess.run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(target),
            *_pg_args(db),
            str(db["NAME"]),
        ],
        check=True,
        env=_pg_env(db),
        capture_output=True,
    )


def restore_sqlite(source: Path, target: Path | sqlite3.Connection) -> None:
    """Copy a SQLite backup into ``target`` (a file path or an open connection)."""
    with sqlite3.connect(source) as src:
        if isinstance(target, sqlite3.Connection):
            src.backup(target)
        else:
            with sqlite3.connect(target) as dst:
                src.backup(dst)
            dst.close()
    src.close()


def restore_postgresql(source: Path, db: dict[str, Any]) -> None:
    """``pg_restore`` a custom-format dump into the database ``db`` (Django settings dict)."""
    subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--clean",
            "--if-exists",
            "--dbname",
            str(db["NAME"]),
            *_pg_args(db),
            str(source),
        ],
        check=True,
        env=_pg_env(db),
        capture_output=True,
    )


def restore_database(source: Path) -> None:
    """Restore a backup into the current database, which must hold no archived documents."""
    from service.archive.models import Entry

    if Entry.objects.exists():
        raise RestoreRefused(
            "каталог архива не пуст: восстановление выполняется только в пустую базу"
        )
    db = connection.settings_dict
    if engine_name(db) == "sqlite":
        connection.ensure_connection()
        restore_sqlite(source, connection.connection)
    else:
        connection.close()
        restore_postgresql(source, db)
