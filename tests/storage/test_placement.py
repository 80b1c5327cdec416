"""Two stores, two places: a warning when stores A and B share a device or an S3 host."""

from __future__ import annotations

from pathlib import Path

from storage.config import default_store_url, parse_store_url, separate
from storage.placement import RULE, placement_warning

KEYS = {"access_key": "k", "secret_key": "s"}


def _s3_pair(url_a: str, url_b: str):  # type: ignore[no-untyped-def]
    return (
        parse_store_url(url_a, "VEDOMOST_STORE_A", **KEYS),
        parse_store_url(url_b, "VEDOMOST_STORE_B", **KEYS),
    )


def test_two_directories_on_one_device_warn(tmp_path: Path) -> None:
    """GIVEN the embedded default (both stores under the data directory) THEN a warning quoting
    the Положение; a store directory not created yet is judged by its parent."""
    a, b = separate(
        parse_store_url(default_store_url(tmp_path, "A"), "VEDOMOST_STORE_A"),
        parse_store_url(default_store_url(tmp_path, "B"), "VEDOMOST_STORE_B"),
    )
    assert not a.path.exists()  # type: ignore[union-attr]
    warning = placement_warning(a, b)
    assert warning is not None
    assert "на одном устройстве" in warning.message
    assert "«на двух носителях ... в разных помещениях»" in warning.message
    assert RULE in warning.message and "VEDOMOST_STORE_B" in warning.message


def test_s3_on_two_hosts_does_not_warn() -> None:
    """Two S3 servers on different hosts are two places."""
    a, b = _s3_pair("s3://school-nas.local:9000/archive-a", "s3://s3.edu-city.ru/archive-b")
    assert placement_warning(a, b) is None


def test_s3_on_one_host_with_two_ports_warns() -> None:
    """Two ports of one host are one machine in one room."""
    a, b = _s3_pair("s3://Minio.School.local:9000/a", "s3://minio.school.local:9100/b")
    warning = placement_warning(a, b)
    assert warning is not None and "на одном сервере S3 (minio.school.local)" in warning.message


def test_a_file_store_and_an_s3_store_do_not_warn(tmp_path: Path) -> None:
    """A local directory beside a remote S3 bucket is two places."""
    a = parse_store_url(f"file://{tmp_path}/a", "VEDOMOST_STORE_A", **KEYS)
    b = parse_store_url("s3://s3.edu-city.ru/archive-b", "VEDOMOST_STORE_B", **KEYS)
    assert placement_warning(a, b) is None


def test_directories_on_two_devices_do_not_warn(tmp_path: Path) -> None:
    """A store on a second disk (here a memory file system, when the machine has one) is fine."""
    import os
    import tempfile

    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        import pytest

        pytest.skip("на этой машине нет второго устройства для каталога")
    with tempfile.TemporaryDirectory(dir=shm) as other:
        a = parse_store_url(f"file://{tmp_path}/a", "VEDOMOST_STORE_A", **KEYS)
        b = parse_store_url(f"file://{other}/b", "VEDOMOST_STORE_B", **KEYS)
        assert placement_warning(a, b) is None
