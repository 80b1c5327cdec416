"""Typed readers for ``VEDOMOST_*`` environment variables.

Every setting the application reads from the environment goes through these helpers so that a
bad value stops start-up with a message naming the variable, instead of failing later.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

PREFIX = "VEDOMOST_"


class ConfigError(Exception):
    """A ``VEDOMOST_*`` variable has a value the application cannot use."""

    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        self.problem = problem
        super().__init__(f"{variable}: {problem}")


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
            settings["OPTIONS"] = {"timeout": 30}
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


def trust_roots(env: Mapping[str, str] | None = None) -> tuple[Path, ...]:
    """Extra trusted root certificates for verification: ``VEDOMOST_TRUST_ROOTS``, PEM paths."""
    value = env_str("TRUST_ROOTS", env=env) or ""
    return tuple(Path(p.strip()).expanduser() for p in value.split(",") if p.strip())


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
