"""The typed ``VEDOMOST_*`` readers refuse bad values, naming the variable."""

from pathlib import Path

import pytest

from service.config import (
    ConfigError,
    broker_url,
    database_config,
    env_bool,
    env_int,
    parse_database_url,
)


def test_database_defaults_to_sqlite_under_data_dir(tmp_path: Path) -> None:
    cfg = database_config(tmp_path, env={})
    assert cfg.engine == "django.db.backends.sqlite3"
    assert cfg.name == str(tmp_path / "vedomost.sqlite3")


def test_postgres_url_is_parsed() -> None:
    cfg = parse_database_url("postgresql://postgres:s%40cret@127.0.0.1:5432/vedomost")
    assert (cfg.engine, cfg.user, cfg.password, cfg.host, cfg.port, cfg.name) == (
        "django.db.backends.postgresql", "postgres", "s@cret", "127.0.0.1", "5432", "vedomost",
    )


@pytest.mark.parametrize(
    "url", ["mysql://x@h/db", "postgresql://h:5432/", "postgresql://h:port/db", "sqlite://host/x"]
)
def test_bad_database_url_names_the_variable(url: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        database_config(tmp_path, env={"VEDOMOST_DATABASE_URL": url})
    assert info.value.variable == "VEDOMOST_DATABASE_URL"


def test_bool_and_int_readers() -> None:
    assert env_bool("DEBUG", False, env={"VEDOMOST_DEBUG": "yes"}) is True
    assert env_bool("DEBUG", True, env={}) is True
    with pytest.raises(ConfigError, match="VEDOMOST_DEBUG"):
        env_bool("DEBUG", False, env={"VEDOMOST_DEBUG": "maybe"})
    assert env_int("WORKERS", 2, env={"VEDOMOST_WORKERS": "4"}, minimum=1) == 4
    with pytest.raises(ConfigError, match="at least 1"):
        env_int("WORKERS", 2, env={"VEDOMOST_WORKERS": "0"}, minimum=1)


def test_broker_url_absent_means_in_process_and_bad_scheme_is_refused() -> None:
    assert broker_url(env={}) is None
    assert broker_url(env={"VEDOMOST_BROKER_URL": "redis://127.0.0.1:6379/0"}).startswith("redis")
    with pytest.raises(ConfigError, match="VEDOMOST_BROKER_URL"):
        broker_url(env={"VEDOMOST_BROKER_URL": "http://example"})
