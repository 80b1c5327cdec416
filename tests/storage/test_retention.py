"""The retention schedule is data; locks are computed from it and never shortened."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from minio.error import S3Error

from storage.archive import Archive
from storage.errors import ObjectLocked
from storage.memory_catalog import MemoryCatalog
from storage.retention import (
    DEFAULT_SCHEDULE,
    ScheduleError,
    case_closed_year,
    decide,
    load_schedule,
)
from storage.stores.s3 import S3Store
from tests.fixtures.seaweed import WeedServer
from tests.fixtures.storage import s3_store
from tests.storage.helpers import doc_bytes, meta

KINDS = {
    "journal-printout",
    "period-summary",
    "year-statement",
    "medal-sheet",
    "honours-list",
    "substitution-log",
    "parent-statement",
    "control-report",
    "order-main",
    "order-students",
    "regulation",
    "consent-pd",
    "application-edelivery",
    "refusal-letter",
    "order-register",
    "catalog-backup",
    "archive-inventory",
    "year-inventory",
    "disposal-act",
}


def test_schedule_has_every_kind_with_basis_and_confirm_flag() -> None:
    schedule = load_schedule()
    assert set(schedule.rules) == KINDS
    assert schedule.rule("journal-printout").status_label == "основание уточнить"
    assert schedule.rule("order-main").permanent
    assert schedule.rule("year-statement").years == 25
    with pytest.raises(ScheduleError):
        schedule.rule("unknown-kind")


def test_period_counts_from_first_january_after_the_case_closes() -> None:
    rule = load_schedule().rule("journal-printout")
    assert case_closed_year("2025/2026", None, datetime.now(UTC).date()) == 2026
    decision = decide(rule, closed_year=2026, signed=False, now=datetime(2026, 6, 1, tzinfo=UTC))
    assert (
        decision.retain_until == datetime(2032, 1, 1, tzinfo=UTC) and decision.mode == "GOVERNANCE"
    )
    assert decide(rule, closed_year=2026, signed=True).mode == "COMPLIANCE"
    expired = decide(rule, closed_year=2010, signed=True, now=datetime(2026, 6, 1, tzinfo=UTC))
    assert expired.mode is None  # nothing to lock any more


def test_malformed_schedule_row_is_named(tmp_path: Path) -> None:
    data = yaml.safe_load(DEFAULT_SCHEDULE.read_text(encoding="utf-8"))
    data["kinds"]["medal-sheet"]["years"] = "five"
    bad = tmp_path / "r.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ScheduleError, match=r"medal-sheet\.years"):
        load_schedule(bad)


def _schedule_with(tmp_path: Path, kind: str, years: int) -> Path:
    data = yaml.safe_load(DEFAULT_SCHEDULE.read_text(encoding="utf-8"))
    data["kinds"][kind]["years"] = years
    path = tmp_path / f"{kind}-{years}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.s3
def test_schedule_change_lengthens_but_never_shortens_a_compliance_lock(
    seaweed_pair: tuple[WeedServer, WeedServer], tmp_path: Path
) -> None:
    a, b = seaweed_pair
    bucket = f"ret-{tmp_path.name[-8:].lower().replace('_', '-')}"
    archive = Archive(
        s3_store(a, bucket, "A"), s3_store(b, bucket, "B"), MemoryCatalog(), load_schedule()
    )
    entry = archive.archive(doc_bytes(1), meta("r-1", signer="cert-1"), "control-report")
    assert entry.retain_until == datetime(2032, 1, 1, tzinfo=UTC)

    longer = archive.reapply_schedule(load_schedule(_schedule_with(tmp_path, "control-report", 10)))
    assert [e.retain_until for e in longer] == [datetime(2037, 1, 1, tzinfo=UTC)]
    for letter, store in archive.stores.items():
        assert store.head(entry.key, entry.copy_version(letter)).lock.retain_until == datetime(
            2037, 1, 1, tzinfo=UTC
        )

    assert (
        archive.reapply_schedule(load_schedule(_schedule_with(tmp_path, "control-report", 2))) == []
    )
    kept = archive.catalog.get_entry(entry.id)
    assert kept is not None and kept.retain_until == datetime(2037, 1, 1, tzinfo=UTC)
    # and the server itself refuses to shorten it
    with pytest.raises(ObjectLocked):
        archive.stores["A"].set_retention(
            entry.key, entry.version_a or "", "COMPLIANCE", datetime(2030, 1, 1, tzinfo=UTC)
        )


@pytest.mark.s3
def test_s3_server_itself_refuses_to_delete_a_locked_document(
    seaweed_pair: tuple[WeedServer, WeedServer],
) -> None:
    """Shown with the plain minio client, not the archive's code."""
    a, b = seaweed_pair
    bucket = "locked-proof"
    archive = Archive(
        s3_store(a, bucket, "A"), s3_store(b, bucket, "B"), MemoryCatalog(), load_schedule()
    )
    entry = archive.archive(doc_bytes(2), meta("lock-1", signer="cert-1"), "year-statement")
    held = archive.archive(doc_bytes(3), meta("lock-2"), "order-main")
    client = a.client()
    for e in (entry, held):
        with pytest.raises(S3Error) as refused:
            client.remove_object(bucket, e.key, version_id=e.version_a)
        assert refused.value.code == "AccessDenied"
        assert client.stat_object(bucket, e.key, version_id=e.version_a).size == e.size
    store = archive.stores["A"]
    assert isinstance(store, S3Store)
    assert (
        client.get_object_retention(bucket, entry.key, version_id=entry.version_a).mode
        == "COMPLIANCE"
    )
    assert client.is_object_legal_hold_enabled(bucket, held.key, version_id=held.version_a)
