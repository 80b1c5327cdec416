"""Typed readers for ``VEDOMOST_*`` environment variables.

Every setting the application reads from the environment goes through these helpers so that a
bad value stops start-up with a message naming the variable, instead of failing later.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from service.errors import EXIT_BAD_CONFIG, UserError

if TYPE_CHECKING:
    from storage.config import StoreConfig

PREFIX = "VEDOMOST_"


class ConfigError(UserError):
    """A ``VEDOMOST_*`` variable has a value the application cannot use."""

    exit_code = EXIT_BAD_CONFIG
    heading = "Ошибка конфигурации"

    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        self.problem = problem
        super().__init__(f"{variable}: {problem}")

    def user_message(self) -> str:
        """The variable and what is wrong with it."""
        return f"переменная {self.variable}: {self.problem}"


def _raw(name: str, env: Mapping[str, str] | None) -> str | None:
    source = os.environ if env is None else env
    value = source.get(PREFIX + name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(
    name: str, default: str | None = None, env: Mapping[str, str] | None = None
) -> str | None:
    """Return ``VEDOMOST_<name>`` as a string, or ``default`` when unset or empty."""
    value = _raw(name, env)
    return default if value is None else value


def env_bool(name: str, default: bool, env: Mapping[str, str] | None = None) -> bool:
    """Return ``VEDOMOST_<name>`` as a boolean (1/0, true/false, yes/no, on/off)."""
    value = _raw(name, env)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(PREFIX + name, f"expected a boolean (true/false), got {value!r}")


def env_int(
    name: str,
    default: int,
    env: Mapping[str, str] | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """Return ``VEDOMOST_<name>`` as an integer within the given bounds."""
    value = _raw(name, env)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(PREFIX + name, f"expected an integer, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ConfigError(PREFIX + name, f"must be at least {minimum}, got {number}")
    if maximum is not None and number > maximum:
        raise ConfigError(PREFIX + name, f"must be at most {maximum}, got {number}")
    return number


def env_path(name: str, default: Path, env: Mapping[str, str] | None = None) -> Path:
    """Return ``VEDOMOST_<name>`` as an absolute path (relative paths are taken from the cwd)."""
    value = _raw(name, env)
    path = default if value is None else Path(value).expanduser()
    return path.resolve()


# The embedded catalog is shared by the web server, the worker and spawned render processes.
# WAL lets readers go on beside one writer; the timeout makes a writer wait for the lock instead
# of failing. "database is locked" with WAL and a timeout comes from a *deferred* transaction that
# read first and then tried to write while another process had written: SQLite cannot wait there
# (the snapshot is stale) and fails at once. IMMEDIATE transactions take the write lock at BEGIN,
# where the busy timeout applies.
SQLITE_OPTIONS: dict[str, object] = {
    "timeout": 30,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}


@dataclass(frozen=True)
class DatabaseConfig:
    """Django ``DATABASES['default']`` parts parsed from a URL."""

    engine: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    def as_django(self) -> dict[str, object]:
        """Return the mapping Django expects in ``DATABASES``."""
        settings: dict[str, object] = {"ENGINE": self.engine, "NAME": self.name}
        if self.engine.endswith("sqlite3"):
            settings["OPTIONS"] = SQLITE_OPTIONS
        else:
            settings.update(
                USER=self.user,
                PASSWORD=self.password,
                HOST=self.host,
                PORT=self.port,
                CONN_MAX_AGE=60,
            )
        return settings


def parse_database_url(url: str, variable: str = PREFIX + "DATABASE_URL") -> DatabaseConfig:
    """Parse ``postgresql://user:pass@host:port/name`` or ``sqlite:///path``."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ConfigError(variable, "the PostgreSQL URL names no database (…/DBNAME)")
        try:
            port = parts.port
        except ValueError:
            raise ConfigError(variable, "the port is not a number") from None
        return DatabaseConfig(
            engine="django.db.backends.postgresql",
            name=name,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            host=parts.hostname or "",
            port=str(port or ""),
        )
    if scheme == "sqlite":
        path = unquote(parts.path)
        if parts.netloc:
            raise ConfigError(variable, "write SQLite URLs as sqlite:///absolute/path.db")
        if not path:
            raise ConfigError(variable, "the SQLite URL names no file")
        return DatabaseConfig(engine="django.db.backends.sqlite3", name=path)
    raise ConfigError(
        variable, f"unsupported database scheme {parts.scheme!r} (use postgresql:// or sqlite:///)"
    )


def database_config(data_dir: Path, env: Mapping[str, str] | None = None) -> DatabaseConfig:
    """The catalog database: ``VEDOMOST_DATABASE_URL`` or SQLite under the data directory."""
    url = env_str("DATABASE_URL", env=env)
    if url is None:
        return DatabaseConfig(
            engine="django.db.backends.sqlite3", name=str(data_dir / "vedomost.sqlite3")
        )
    return parse_database_url(url)


def broker_url(env: Mapping[str, str] | None = None) -> str | None:
    """The Celery broker URL, or ``None`` to run tasks in-process (the embedded default)."""
    url = env_str("BROKER_URL", env=env)
    if url is None:
        return None
    scheme = urlsplit(url).scheme.lower()
    if scheme not in {"redis", "rediss", "amqp", "amqps", "pyamqp"}:
        raise ConfigError(
            PREFIX + "BROKER_URL", f"unsupported broker scheme {scheme!r} (use redis:// or amqp://)"
        )
    return url


def job_window(env: Mapping[str, str] | None = None) -> int:
    """How many tasks of one job may wait in the broker at once: ``VEDOMOST_JOB_WINDOW``.

    Each job keeps at most this many of its items queued and sends the next as one finishes, so
    the jobs of several schools take turns on the workers. Set it to at least the number of
    worker processes of the installation, or one job alone cannot keep every worker busy.
    """
    return env_int("JOB_WINDOW", 8, env, minimum=1, maximum=100_000)


def trust_roots(env: Mapping[str, str] | None = None) -> tuple[Path, ...]:
    """Extra trusted root certificates for verification: ``VEDOMOST_TRUST_ROOTS``, PEM paths."""
    value = env_str("TRUST_ROOTS", env=env) or ""
    return tuple(Path(p.strip()).expanduser() for p in value.split(",") if p.strip())


def tsa_url(env: Mapping[str, str] | None = None) -> str | None:
    """``VEDOMOST_TSA_URL``: the RFC 3161 time-stamp authority (B-T and above, renewal), or None."""
    return env_str("TSA_URL", env=env)


def timestamp_renewal_days(env: Mapping[str, str] | None = None) -> int:
    """``VEDOMOST_TIMESTAMP_RENEWAL_DAYS``: renew an archival time stamp this many days before
    its TSA certificate expires (default 365)."""
    return env_int("TIMESTAMP_RENEWAL_DAYS", 365, env=env, minimum=1, maximum=3650)


# --- the school policy (service/policy.py) -------------------------------------------------


def policy_file(env: Mapping[str, str] | None = None) -> Path | None:
    """``VEDOMOST_POLICY``: the school policy file, or ``None`` for the packaged one."""
    value = env_str("POLICY", env=env)
    return Path(value).expanduser().resolve() if value else None


def medal_criteria_file(env: Mapping[str, str] | None = None) -> Path | None:
    """``VEDOMOST_MEDAL_CRITERIA``: a medal criteria file replacing the policy's ``medal``."""
    value = env_str("MEDAL_CRITERIA", env=env)
    return Path(value).expanduser().resolve() if value else None


def homework_hours(env: Mapping[str, str] | None = None) -> float | None:
    """``VEDOMOST_HOMEWORK_HOURS`` (a comma allowed), or ``None`` to keep the policy's value."""
    value = env_str("HOMEWORK_HOURS", env=env)
    if value is None:
        return None
    try:
        hours = float(value.replace(",", "."))
    except ValueError:
        raise ConfigError(PREFIX + "HOMEWORK_HOURS", "ожидается число часов, например 2") from None
    if hours < 0:
        raise ConfigError(PREFIX + "HOMEWORK_HOURS", "число часов не может быть отрицательным")
    return hours


def school_time_zone(env: Mapping[str, str] | None = None) -> str:
    """``VEDOMOST_TIME_ZONE``: the school's IANA time zone (``Europe/Moscow`` by default)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    zone = env_str("TIME_ZONE", "Europe/Moscow", env=env) or "Europe/Moscow"
    try:
        ZoneInfo(zone)
    except (ValueError, ZoneInfoNotFoundError):
        raise ConfigError(PREFIX + "TIME_ZONE", f"неизвестный часовой пояс {zone!r}") from None
    return zone


# --- import limits ------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportLimits:
    """Bounds on one journal import; each is a ``VEDOMOST_IMPORT_*`` variable (docs/limits.md).

    Attributes:
        max_bytes: bytes of one import after unpacking (a file, a folder or a zip).
        max_cell_chars: characters of one CSV or XLSX cell.
        max_xlsx_cells: cells of one workbook, counted as written in its sheets.
        max_sheet_rows: the last row a value may stand in.
        max_sheet_columns: the last column a value may stand in.
    """

    max_bytes: int = 512 << 20
    max_cell_chars: int = 10_000
    max_xlsx_cells: int = 2_000_000
    max_sheet_rows: int = 100_000
    max_sheet_columns: int = 2_000


def import_limits(env: Mapping[str, str] | None = None) -> ImportLimits:
    """The import limits from ``VEDOMOST_IMPORT_MAX_MB``, ``…_CELL_CHARS``, ``…_XLSX_CELLS``…"""
    d = ImportLimits()
    return ImportLimits(
        max_bytes=env_int("IMPORT_MAX_MB", d.max_bytes >> 20, env, minimum=1, maximum=4096) << 20,
        # the csv module refuses fields over 131,072 characters by itself
        max_cell_chars=env_int(
            "IMPORT_MAX_CELL_CHARS", d.max_cell_chars, env, minimum=100, maximum=100_000
        ),
        max_xlsx_cells=env_int(
            "IMPORT_MAX_XLSX_CELLS", d.max_xlsx_cells, env, minimum=1_000, maximum=50_000_000
        ),
        max_sheet_rows=env_int(
            "IMPORT_MAX_SHEET_ROWS", d.max_sheet_rows, env, minimum=100, maximum=1_048_576
        ),
        max_sheet_columns=env_int(
            "IMPORT_MAX_SHEET_COLUMNS", d.max_sheet_columns, env, minimum=10, maximum=16_384
        ),
    )


def store_configs(
    data_dir: Path, env: Mapping[str, str] | None = None
) -> tuple[StoreConfig, StoreConfig]:
    """Stores A and B: ``VEDOMOST_STORE_A`` / ``_B`` (with ``_ACCESS_KEY`` / ``_SECRET_KEY``).

    Defaults are two directories under the data directory. Raises :class:`ConfigError` naming the
    variable when a URL is wrong or both stores are the same place.
    """
    from storage.config import StoreConfigError, default_store_url, parse_store_url, separate

    configs = []
    for letter in ("A", "B"):
        name = f"STORE_{letter}"
        url = env_str(name, env=env) or default_store_url(data_dir, letter)
        try:
            configs.append(
                parse_store_url(
                    url,
                    PREFIX + name,
                    access_key=env_str(f"{name}_ACCESS_KEY", "", env=env) or "",
                    secret_key=env_str(f"{name}_SECRET_KEY", "", env=env) or "",
                )
            )
        except StoreConfigError as exc:
            raise ConfigError(exc.variable, exc.problem) from None
    try:
        return separate(configs[0], configs[1])
    except StoreConfigError as exc:
        raise ConfigError(exc.variable, exc.problem) from None


def work_store_config(data_dir: Path, env: Mapping[str, str] | None = None) -> StoreConfig:
    """The store of running jobs' work files (a close's rendered and signed PDFs, previews).

    ``VEDOMOST_WORK_STORE`` (with ``_ACCESS_KEY`` / ``_SECRET_KEY``); unset: a bucket of its own
    beside store A on an S3 store A (``<bucket A>-work``, same server and keys), or the directory
    ``work`` under the data directory on the embedded default. It must be neither store A nor B.
    """
    from dataclasses import replace

    from storage.config import StoreConfigError, parse_store_url

    a, b = store_configs(data_dir, env)
    name = "WORK_STORE"
    url = env_str(name, env=env)
    if url is None:
        if a.kind == "s3":
            config = replace(a, variable=PREFIX + name, bucket=f"{a.bucket}-work")
        else:
            config = parse_store_url(f"file://{(data_dir / 'work').resolve()}", PREFIX + name)
    else:
        try:
            config = parse_store_url(
                url,
                PREFIX + name,
                access_key=env_str(f"{name}_ACCESS_KEY", "", env=env) or "",
                secret_key=env_str(f"{name}_SECRET_KEY", "", env=env) or "",
            )
        except StoreConfigError as exc:
            raise ConfigError(exc.variable, exc.problem) from None
    for archive_store in (a, b):
        if config.identity() == archive_store.identity():
            raise ConfigError(
                PREFIX + name,
                f"рабочие файлы не могут храниться в хранилище архива ({archive_store.variable}):"
                " укажите отдельную корзину или каталог",
            )
    return config


def broker_visibility_timeout(env: Mapping[str, str] | None = None) -> int | None:
    """``VEDOMOST_BROKER_VISIBILITY_TIMEOUT``: seconds after which a Redis task that a dead worker
    had taken goes to another worker (``None``: the broker's default, an hour)."""
    value = env_str("BROKER_VISIBILITY_TIMEOUT", env=env)
    if value is None:
        return None
    return env_int("BROKER_VISIBILITY_TIMEOUT", 3600, env, minimum=5, maximum=86_400)


def retention_schedule_file(env: Mapping[str, str] | None = None) -> Path | None:
    """``VEDOMOST_RETENTION_SCHEDULE``: another retention schedule (YAML), or ``None``."""
    value = env_str("RETENTION_SCHEDULE", env=env)
    return None if value is None else Path(value).expanduser()


def signer_p12(env: Mapping[str, str] | None = None) -> Path | None:
    """``VEDOMOST_SIGNER_P12``: the director's PKCS#12 for period-end signing, or ``None``."""
    value = env_str("SIGNER_P12", env=env)
    return None if value is None else Path(value).expanduser()


def signer_secret(name: str, env: Mapping[str, str] | None = None) -> str | None:
    """``VEDOMOST_<name>`` (``SIGNER_PASSWORD``, ``SIGNER_PIN``) exactly as set, or ``None``.

    Not stripped, and an empty value counts as set: a key file may have an empty password.
    """
    source = os.environ if env is None else env
    return source.get(PREFIX + name)


def statement_cache(env: Mapping[str, str] | None = None) -> bool:
    """``VEDOMOST_STATEMENT_CACHE``: keep rendered parent statements on disk (default on)."""
    return env_bool("STATEMENT_CACHE", True, env=env)


def stamp_font(env: Mapping[str, str] | None = None) -> Path | None:
    """``VEDOMOST_STAMP_FONT``: the font file of the visible signature stamp, or ``None``.

    ``None`` lets ``signing`` find PT Serif itself. A path that is not a file is refused.
    """
    value = env_str("STAMP_FONT", env=env)
    if value is None:
        return None
    path = Path(value).expanduser()
    if not path.is_file():
        raise ConfigError(PREFIX + "STAMP_FONT", f"нет такого файла шрифта: {path}")
    return path


# --- the weekly paper statements for families without internet --------------------------------

_WEEKDAY_WORDS = {
    **{w: i for i, w in enumerate(("пн", "вт", "ср", "чт", "пт", "сб", "вс"))},
    **{
        w: i
        for i, w in enumerate(
            ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")
        )
    },
    **{w: i for i, w in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{str(i + 1): i for i in range(7)},
}


@dataclass(frozen=True)
class WeeklyTime:
    """A day of the week (0 = Monday) and a local time."""

    weekday: int
    hour: int
    minute: int


def paper_statements_time(env: Mapping[str, str] | None = None) -> WeeklyTime:
    """``VEDOMOST_PAPER_STATEMENTS_AT``: when the weekly paper batch runs, «пт 14:00» by default.

    The day is a Russian name or abbreviation («пятница», «пт»), an English one («fri») or a
    number 1–7 (1 = Monday); the time is ЧЧ:ММ in the school's time zone.
    """
    variable = PREFIX + "PAPER_STATEMENTS_AT"
    value = (env_str("PAPER_STATEMENTS_AT", "пт 14:00", env=env) or "пт 14:00").strip().lower()
    day, _, time = value.replace(",", " ").partition(" ")
    weekday = _WEEKDAY_WORDS.get(day.rstrip("."))
    if weekday is None:
        raise ConfigError(variable, f"неизвестный день недели {day!r}; пример: «пт 14:00»")
    hour_text, sep, minute_text = time.strip().partition(":")
    try:
        hour, minute = int(hour_text), int(minute_text)
    except ValueError:
        raise ConfigError(
            variable, f"время {time.strip()!r} не в виде ЧЧ:ММ; пример: «пт 14:00»"
        ) from None
    if not sep or not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ConfigError(variable, f"время {time.strip()!r} не в виде ЧЧ:ММ; пример: «пт 14:00»")
    return WeeklyTime(weekday, hour, minute)


def payroll_dir(data_dir: Path, env: Mapping[str, str] | None = None) -> Path:
    """``VEDOMOST_PAYROLL_DIR``: where the payroll exports (``ГГГГ-ММ.csv``) are kept.

    Defaults to ``payroll/`` in the data directory; ``vedomost close month --payroll`` copies the
    accounting department's file there, and the monthly duty reads it from there.
    """
    return env_path("PAYROLL_DIR", data_dir / "payroll", env=env)
