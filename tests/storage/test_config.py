"""Store configuration parsed from store URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.config import StoreConfigError, default_store_url, parse_store_url, separate


def test_defaults_are_two_directories_under_the_data_dir(tmp_path: Path) -> None:
    a, b = separate(
        parse_store_url(default_store_url(tmp_path, "A"), "A"),
        parse_store_url(default_store_url(tmp_path, "B"), "B"),
    )
    assert (a.kind, a.path, b.path) == ("file", tmp_path / "archive-a", tmp_path / "archive-b")


def test_s3_url_with_credentials_in_variables() -> None:
    cfg = parse_store_url(
        "s3://minio.school.local:9000/archive-a?secure=false",
        "VEDOMOST_STORE_A",
        access_key="ak",
        secret_key="s/k",
    )
    assert (cfg.endpoint, cfg.bucket, cfg.secure, cfg.access_key, cfg.secret_key) == (
        "minio.school.local:9000",
        "archive-a",
        False,
        "ak",
        "s/k",
    )
    assert "s/k" not in repr(cfg)


def test_s3_url_with_credentials_inline_and_region() -> None:
    cfg = parse_store_url("s3://ak:se%40cret@h:9000/b?region=ru-1", "VEDOMOST_STORE_B")
    assert (cfg.access_key, cfg.secret_key, cfg.region, cfg.secure) == (
        "ak",
        "se@cret",
        "ru-1",
        True,
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        (
            {"VEDOMOST_STORE_A": "s3://k:s@h:9000/b", "VEDOMOST_STORE_B": "s3://x:y@H:9000/b"},
            "VEDOMOST_STORE_A, VEDOMOST_STORE_B",
        ),
        (
            {"VEDOMOST_STORE_A": "file:///srv/arch", "VEDOMOST_STORE_B": "file:///srv/arch/"},
            "VEDOMOST_STORE_A, VEDOMOST_STORE_B",
        ),
        (
            {"VEDOMOST_STORE_A": "file:///srv/arch", "VEDOMOST_STORE_B": "file:///srv/arch/b"},
            "VEDOMOST_STORE_A, VEDOMOST_STORE_B",
        ),
        ({"VEDOMOST_STORE_B": "s3://h:9000/b"}, "VEDOMOST_STORE_B"),
        ({"VEDOMOST_STORE_A": "ftp://h/b"}, "VEDOMOST_STORE_A"),
        ({"VEDOMOST_STORE_A": "s3://k:s@h:port/b"}, "VEDOMOST_STORE_A"),
        ({"VEDOMOST_STORE_A": "s3://k:s@h:9000/"}, "VEDOMOST_STORE_A"),
        ({"VEDOMOST_STORE_A": "s3://k:s@h:9000/b?secure=maybe"}, "VEDOMOST_STORE_A"),
    ],
)
def test_bad_configuration_names_the_variable(
    env: dict[str, str], variable: str, tmp_path: Path
) -> None:
    with pytest.raises(StoreConfigError) as caught:
        separate(
            *(
                parse_store_url(
                    env.get(name) or default_store_url(tmp_path, name[-1]),
                    name,
                    access_key=env.get(name + "_ACCESS_KEY", ""),
                    secret_key=env.get(name + "_SECRET_KEY", ""),
                )
                for name in ("VEDOMOST_STORE_A", "VEDOMOST_STORE_B")
            )
        )
    assert caught.value.variable == variable
