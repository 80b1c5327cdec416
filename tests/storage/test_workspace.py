"""Work files of running jobs in a store (S3, directory): whole files by key, removed by folder."""

from __future__ import annotations

import threading

import pytest

from storage.errors import ObjectMissing
from storage.stores.base import Store
from storage.workspace import WorkFiles


def test_work_files_are_read_by_key_rewritten_whole_and_removed_by_folder(
    store_pair: tuple[Store, Store],
) -> None:
    """GIVEN a close's rendered file written twice WHEN read THEN the latest whole file; WHEN the
    close's folder is removed THEN every version is gone and another close's files stay."""
    files = WorkFiles(store_pair[0])
    key = files.key("closes", "c-1", "rendered", "journal-printout|class=5А.pdf")
    assert key.startswith("work/closes/c-1/rendered/") and "5А" not in key
    assert not files.exists(key)
    files.put(key, b"%PDF-first")
    files.put(key, b"%PDF-second, longer")
    other = files.key("closes", "c-2", "signed", "doc.pdf")
    files.put(other, b"%PDF-other")
    assert files.exists(key) and files.get(key) == b"%PDF-second, longer"

    assert files.remove(files.key("closes", "c-1")) == 2  # both versions
    with pytest.raises(ObjectMissing):
        files.get(key)
    assert files.get(other) == b"%PDF-other"


def test_a_reader_never_sees_half_a_file(store_pair: tuple[Store, Store]) -> None:
    """GIVEN a writer putting 1 MiB files again and again WHEN another thread reads the key THEN
    every read is one whole file (all bytes the same), never a mix or a part."""
    files = WorkFiles(store_pair[0])
    key = files.key("closes", "c-3", "signed", "doc.pdf")
    files.put(key, b"a" * 1024 * 1024)
    stop = threading.Event()

    def write() -> None:
        for n in range(8):
            files.put(key, bytes([98 + n % 2]) * (1024 * 1024 + n))
        stop.set()

    writer = threading.Thread(target=write)
    writer.start()
    reads = 0
    while not stop.is_set() or reads == 0:
        data = files.get(key)
        assert len(set(data)) == 1 and len(data) >= 1024 * 1024
        reads += 1
    writer.join()
