"""The typed ``VEDOMOST_*`` readers refuse bad values, naming the variable."""

from pathlib import Path

import pytest

from service.config import (
    ConfigError,
    broker_url,
    database_config,
    env_bool,
    env_int,
    job_window,
    parse_database_url,
    retention_schedule_file,
    signer_p12,
    signer_secret,
    stamp_font,
    statement_cache,
    store_configs,
    trust_roots,
)


def test_database_defaults_to_sqlite_under_data_dir(tmp_path: Path) -> None:
    cfg = database_config(tmp_path, env={})
    assert cfg.engine == "django.db.backends.sqlite3"
    assert cfg.name == str(tmp_path / "vedomost.sqlite3")


def test_postgres_url_is_parsed() -> None:
    cfg = parse_database_url("postgresql://postgres:s%40cret@127.0.0.1:5432/vedomost")
    assert (cfg.engine, cfg.user, cfg.password, cfg.host, cfg.port, cfg.name) == (
        "django.db.backends.postgresql",
        "postgres",
        "s@cret",
        "127.0.0.1",
        "5432",
        "vedomost",
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


def test_job_window_defaults_to_8_and_refuses_zero() -> None:
    assert job_window(env={}) == 8
    assert job_window(env={"VEDOMOST_JOB_WINDOW": "3"}) == 3
    with pytest.raises(ConfigError, match="VEDOMOST_JOB_WINDOW"):
        job_window(env={"VEDOMOST_JOB_WINDOW": "0"})


def test_stores_default_to_two_directories_and_take_credentials_from_variables(
    tmp_path: Path,
) -> None:
    a, b = store_configs(tmp_path, env={})
    assert (a.kind, a.path, b.path) == ("file", tmp_path / "archive-a", tmp_path / "archive-b")
    a, _ = store_configs(
        tmp_path,
        env={
            "VEDOMOST_STORE_A": "s3://h:9000/archive-a?secure=false",
            "VEDOMOST_STORE_A_ACCESS_KEY": "ak",
            "VEDOMOST_STORE_A_SECRET_KEY": "s/k",
        },
    )
    assert (a.endpoint, a.bucket, a.access_key, a.secret_key, a.secure) == (
        "h:9000",
        "archive-a",
        "ak",
        "s/k",
        False,
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"VEDOMOST_STORE_B": "s3://h:9000/b"}, "VEDOMOST_STORE_B"),
        ({"VEDOMOST_STORE_A": "ftp://h/b"}, "VEDOMOST_STORE_A"),
        (
            {"VEDOMOST_STORE_A": "s3://k:s@h:9000/b", "VEDOMOST_STORE_B": "s3://x:y@H:9000/b"},
            "VEDOMOST_STORE_A, VEDOMOST_STORE_B",
        ),
    ],
)
def test_bad_store_configuration_is_a_config_error_naming_the_variable(
    env: dict[str, str], variable: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError) as info:
        store_configs(tmp_path, env=env)
    assert info.value.variable == variable


def test_path_settings_are_none_when_unset() -> None:
    assert retention_schedule_file(env={}) is None
    assert signer_p12(env={}) is None
    assert stamp_font(env={}) is None
    assert trust_roots(env={}) == ()
    assert signer_p12(env={"VEDOMOST_SIGNER_P12": " /keys/d.p12 "}) == Path("/keys/d.p12")
    assert retention_schedule_file(env={"VEDOMOST_RETENTION_SCHEDULE": "/s.yaml"}) == Path(
        "/s.yaml"
    )


def test_trust_roots_are_a_comma_separated_list_of_paths() -> None:
    env = {"VEDOMOST_TRUST_ROOTS": "/a/root.pem, /b/root.pem,,"}
    assert trust_roots(env=env) == (Path("/a/root.pem"), Path("/b/root.pem"))


def test_stamp_font_must_be_an_existing_file(tmp_path: Path) -> None:
    font = tmp_path / "font.ttf"
    font.write_bytes(b"")
    assert stamp_font(env={"VEDOMOST_STAMP_FONT": str(font)}) == font
    with pytest.raises(ConfigError, match="VEDOMOST_STAMP_FONT"):
        stamp_font(env={"VEDOMOST_STAMP_FONT": str(tmp_path / "missing.ttf")})


def test_statement_cache_is_on_unless_turned_off() -> None:
    assert statement_cache(env={}) is True
    assert statement_cache(env={"VEDOMOST_STATEMENT_CACHE": "0"}) is False
    with pytest.raises(ConfigError, match="VEDOMOST_STATEMENT_CACHE"):
        statement_cache(env={"VEDOMOST_STATEMENT_CACHE": "maybe"})


def test_signer_secret_is_kept_exactly_and_empty_counts_as_set() -> None:
    assert signer_secret("SIGNER_PASSWORD", env={}) is None
    assert signer_secret("SIGNER_PASSWORD", env={"VEDOMOST_SIGNER_PASSWORD": ""}) == ""
    assert signer_secret("SIGNER_PIN", env={"VEDOMOST_SIGNER_PIN": " 1234 "}) == " 1234 "


def test_work_store_defaults_beside_store_a_and_refuses_an_archive_store(tmp_path: Path) -> None:
    """The work store: ``work/`` in the data dir on the embedded default; on an S3 store A its own
    bucket ``<A>-work`` on A's server with A's keys; an explicit URL; never store A or B."""
    from service.config import work_store_config

    config = work_store_config(tmp_path, env={})
    assert (config.kind, config.path) == ("file", tmp_path / "work")
    s3 = {
        "VEDOMOST_STORE_A": "s3://ak:sk@h:9000/archive-a?secure=false",
        "VEDOMOST_STORE_B": "s3://bk:bs@g:9000/archive-b",
    }
    config = work_store_config(tmp_path, env=s3)
    assert (config.endpoint, config.bucket, config.access_key, config.secure) == (
        "h:9000",
        "archive-a-work",
        "ak",
        False,
    )
    config = work_store_config(
        tmp_path,
        env={
            **s3,
            "VEDOMOST_WORK_STORE": "s3://w:9000/work",
            "VEDOMOST_WORK_STORE_ACCESS_KEY": "x",
            "VEDOMOST_WORK_STORE_SECRET_KEY": "y",
        },
    )
    assert (config.endpoint, config.bucket, config.access_key) == ("w:9000", "work", "x")
    for bad in ("s3://bk:bs@G:9000/archive-b", "s3://ak:sk@h:9000/archive-a"):
        with pytest.raises(ConfigError) as info:
            work_store_config(tmp_path, env={**s3, "VEDOMOST_WORK_STORE": bad})
        assert info.value.variable == "VEDOMOST_WORK_STORE"


def test_broker_visibility_timeout_is_seconds_or_unset() -> None:
    from service.config import broker_visibility_timeout

    assert broker_visibility_timeout(env={}) is None
    assert broker_visibility_timeout(env={"VEDOMOST_BROKER_VISIBILITY_TIMEOUT": "30"}) == 30
    with pytest.raises(ConfigError, match="VEDOMOST_BROKER_VISIBILITY_TIMEOUT"):
        broker_visibility_timeout(env={"VEDOMOST_BROKER_VISIBILITY_TIMEOUT": "1"})
