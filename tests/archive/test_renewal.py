"""The scheduled renewal of archival time stamps, with the real test PKI/TSA and real stores.

The test PKI's first TSA certificate expires on 01.01.2035; its next one (``tsa-renewed``) on
31.12.2039. With a renewal margin reaching past 2035 the records stamped under the first are due
today, so nothing needs the clock moved (the S3 servers would refuse requests from 2034).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from asn1crypto import pem
from django.utils import timezone

from service.archive.catalog import DjangoCatalog
from service.archive.models import AuditEvent, Entry
from service.jobs.models import ScheduledRun
from service.jobs.schedule import DUTY_BY_TASK
from service.jobs.scheduler import overview, run_duty
from signing.levels import Level
from signing.pades import SigningOptions, sign_pdf
from signing.validate import validate
from storage.archive import Archive
from storage.retention import load_schedule
from storage.stores.base import Store
from tests.fixtures.signing import SchoolPki
from tests.storage.helpers import meta

pytestmark = pytest.mark.django_db(transaction=True)

TASK = "care.renew_timestamps"
FIRST_TSA_EXPIRES = dt.datetime(2035, 1, 1, tzinfo=dt.UTC)
NEXT_TSA_EXPIRES = dt.datetime(2039, 12, 31, tzinfo=dt.UTC)


@pytest.fixture
def archive(store_pair: tuple[Store, Store]) -> Archive:
    """Stores A and B (two S3 servers with object lock, or two directories), Django catalog."""
    return Archive(store_pair[0], store_pair[1], DjangoCatalog(), load_schedule())


def _sign(pdf: bytes, pki: SchoolPki, level: Level) -> bytes:
    options = SigningOptions(
        level=level,
        tsa_url=pki.tsa_url if level.needs_tsa else None,
        trust_roots=(pki.root,) if level.embeds_revocation else (),
    )
    return sign_pdf(pdf, pki.signer("director"), options)


def _run(due: dt.datetime, archive: Archive) -> ScheduledRun:
    run = run_duty(DUTY_BY_TASK[TASK], due, now=due, archive=archive)
    assert run is not None
    return run


def _read(archive: Archive, document_id: str, version: int) -> bytes:
    stream = archive.read(document_id, version)
    try:
        return stream.read()
    finally:
        stream.close()


def _vri_keys(pdf: bytes) -> set[str]:
    """The DSS's validation-related-information keys (one per signature it holds data for)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    vri = PdfFileReader(io.BytesIO(pdf)).root["/DSS"].get("/VRI")
    return {str(k) for k in vri} if vri else set()


@pytest.fixture
def renewal_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, test_pki: SchoolPki
) -> pytest.MonkeyPatch:
    root = tmp_path / "root.pem"
    root.write_bytes(pem.armor("CERTIFICATE", test_pki.root.dump()))
    monkeypatch.setenv("VEDOMOST_TRUST_ROOTS", str(root))
    monkeypatch.setenv("VEDOMOST_TSA_URL", test_pki.tsa_service_url("tsa-renewed"))
    monkeypatch.delenv("VEDOMOST_TIMESTAMP_RENEWAL_DAYS", raising=False)
    return monkeypatch


def test_ingest_records_level_and_time_stamp_expiry(
    archive: Archive, test_pki: SchoolPki, two_page_pdf: bytes
) -> None:
    """GIVEN B-LTA, B-LT, B-T, B-B and unsigned PDFs WHEN archived THEN the catalog knows each
    one's level and the expiry of the B-LTA's last document time stamp (the TSA certificate's
    end)."""
    lta = archive.archive(_sign(two_page_pdf, test_pki, Level.B_LTA), meta("lta"), "year-statement")
    bb = archive.archive(_sign(two_page_pdf, test_pki, Level.B_B), meta("bb"), "year-statement")
    plain = archive.archive(two_page_pdf, meta("plain"), "period-summary")
    bt = archive.archive(_sign(two_page_pdf, test_pki, Level.B_T), meta("bt"), "year-statement")
    blt = archive.archive(_sign(two_page_pdf, test_pki, Level.B_LT), meta("blt"), "year-statement")

    assert (lta.signature_level, lta.timestamp_expires, lta.timestamp_hash) == (
        "B-LTA",
        FIRST_TSA_EXPIRES,
        "sha256",
    )
    assert (bb.signature_level, bb.timestamp_expires) == ("B-B", None)
    assert (plain.signature_level, plain.timestamp_expires) == ("none", None)
    assert (bt.signature_level, blt.signature_level) == ("B-T", "B-LT")
    assert bt.timestamp_expires is None and blt.timestamp_expires is None
    stored = Entry.objects.get(document_id="lta")  # the database row, not only the dataclass
    assert stored.signature_level == "B-LTA" and stored.timestamp_expires == FIRST_TSA_EXPIRES


def test_renewal_duty_stamps_due_records_anew_as_new_versions(
    archive: Archive, test_pki: SchoolPki, two_page_pdf: bytes, renewal_env: pytest.MonkeyPatch
) -> None:
    """GIVEN a B-LTA record (TSA certificate to 01.01.2035) archived before the catalog kept
    signature levels WHEN the weekly duty runs with a one-year margin THEN it only reads the
    record's level; WHEN the margin reaches 2035 THEN version 2 has one more document time stamp
    under the next TSA certificate, validates, keeps version 1 and the lock; a further run
    renews nothing."""
    signed = _sign(two_page_pdf, test_pki, Level.B_LTA)
    first = archive.archive(signed, meta("lta-1", year="2025/2026"), "year-statement")
    archive.archive(_sign(two_page_pdf, test_pki, Level.B_B), meta("bb-1"), "year-statement")
    # As if archived before the catalog kept signature levels: the duty must read it lazily.
    Entry.objects.filter(id=first.id).update(signature_level="", timestamp_expires=None)
    today = timezone.now().replace(microsecond=0)

    quiet = _run(today, archive)
    assert quiet.outcome == "ok", quiet.summary
    assert quiet.summary.startswith("нечего продлевать"), quiet.summary
    assert "сведения о подписях прочитаны, документов: 1" in quiet.summary
    assert "365 дней" in quiet.summary
    assert archive.catalog.find_document("lta-1").signature_level == "B-LTA"
    assert [e.version for e in archive.versions("lta-1")] == [1]

    renewal_env.setenv("VEDOMOST_TIMESTAMP_RENEWAL_DAYS", "3000")
    run = _run(today + dt.timedelta(days=7), archive)
    assert run.outcome == "ok", run.summary
    assert run.summary == "метка времени продлена, документов: 1"
    assert run.details["renewed"][0]["new_version"] == 2

    old, new = archive.versions("lta-1")
    assert new.reason == (
        "продление метки времени: сертификат службы штампов времени истекает 01.01.2035"
    )
    assert new.replaces_id == old.id and new.state == "archived"
    assert new.version_a and new.version_b  # both copies written and read back
    assert (new.lock_mode, new.retain_until) == (old.lock_mode, old.retain_until)
    assert (new.signature_level, new.timestamp_expires) == ("B-LTA", NEXT_TSA_EXPIRES)
    assert _read(archive, "lta-1", 1) == signed  # the earlier version is kept as it was
    renewed = _read(archive, "lta-1", 2)
    assert renewed.startswith(signed)  # an incremental update of the archived bytes
    report = validate(renewed, [test_pki.root])
    assert report.valid, report.to_text()
    assert [s.kind for s in report.signatures] == [
        "signature",
        "document-timestamp",
        "document-timestamp",
    ]
    assert [s.kind for s in validate(signed, [test_pki.root]).signatures].count(
        "document-timestamp"
    ) == 1
    # Validation data for the earlier time stamp went into the DSS before the new stamp.
    assert _vri_keys(signed) < _vri_keys(renewed)
    assert len(_vri_keys(renewed)) == len(_vri_keys(signed)) + 1
    event = AuditEvent.objects.filter(kind="signature-renewal", document_id="lta-1").get()
    assert event.detail["version"] == 2 and event.detail["replaces_version"] == 1
    assert [e.version for e in archive.versions("bb-1")] == [1]  # B-B is not renewed

    again = _run(today + dt.timedelta(days=14), archive)
    assert again.summary.startswith("нечего продлевать"), again.summary
    assert [e.version for e in archive.versions("lta-1")] == [1, 2]

    (status,) = [s for s in overview() if s.duty.task == TASK]
    assert status.last is not None and status.last.summary == again.summary


def test_renewal_under_the_same_expiring_tsa_is_refused_with_a_warning(
    archive: Archive, test_pki: SchoolPki, two_page_pdf: bytes, renewal_env: pytest.MonkeyPatch
) -> None:
    """GIVEN a due B-LTA record WHEN the only TSA still signs with the certificate that expires
    THEN no version is archived and the dashboard says to change the time-stamp service."""
    archive.archive(_sign(two_page_pdf, test_pki, Level.B_LTA), meta("lta-2"), "year-statement")
    renewal_env.setenv("VEDOMOST_TIMESTAMP_RENEWAL_DAYS", "3000")
    renewal_env.setenv("VEDOMOST_TSA_URL", test_pki.tsa_url)

    run = _run(timezone.now().replace(microsecond=0), archive)

    assert run.outcome == "warning"
    assert "не продлено документов: 1" in run.summary and "смените службу" in run.summary
    assert [e.version for e in archive.versions("lta-2")] == [1]


def test_renewal_without_a_tsa_warns_what_to_configure(
    archive: Archive, test_pki: SchoolPki, two_page_pdf: bytes, renewal_env: pytest.MonkeyPatch
) -> None:
    """GIVEN a due B-LTA record and no TSA configured THEN a warning names VEDOMOST_TSA_URL."""
    archive.archive(_sign(two_page_pdf, test_pki, Level.B_LTA), meta("lta-3"), "year-statement")
    renewal_env.setenv("VEDOMOST_TIMESTAMP_RENEWAL_DAYS", "3000")
    renewal_env.delenv("VEDOMOST_TSA_URL")

    run = _run(timezone.now().replace(microsecond=0), archive)

    assert run.outcome == "warning"
    assert run.summary == (
        "ждут продления метки времени документов: 1, но не задан адрес службы штампов "
        "времени (VEDOMOST_TSA_URL)"
    )


def test_renewal_with_a_root_that_does_not_reach_the_tsa_fails_visibly_and_goes_on(
    archive: Archive,
    test_pki: SchoolPki,
    two_page_pdf: bytes,
    renewal_env: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """GIVEN two due records and a trusted «root» that is not the TSA's WHEN the duty runs THEN
    the run fails naming VEDOMOST_TRUST_ROOTS for each record, and nothing is archived."""
    for name in ("lta-4", "lta-5"):
        archive.archive(_sign(two_page_pdf, test_pki, Level.B_LTA), meta(name), "year-statement")
    wrong = tmp_path / "wrong.pem"
    wrong.write_bytes(pem.armor("CERTIFICATE", test_pki.cert("director").dump()))
    renewal_env.setenv("VEDOMOST_TRUST_ROOTS", str(wrong))
    renewal_env.setenv("VEDOMOST_TIMESTAMP_RENEWAL_DAYS", "3000")

    run = _run(timezone.now().replace(microsecond=0), archive)

    assert run.outcome == "failed"
    assert [f["document_id"] for f in run.details["failed"]] == ["lta-4", "lta-5"]
    assert "ошибок: 2" in run.summary and "VEDOMOST_TRUST_ROOTS" in run.summary
    assert [e.version for e in archive.versions("lta-4")] == [1]
