"""Signed records are locked in COMPLIANCE mode on the real S3 server: no bypass deletes them."""

from __future__ import annotations

import uuid

import pytest
from minio.deleteobjects import DeleteObject

from service.archive.catalog import DjangoCatalog
from signing.pades import SigningOptions, sign_pdf
from storage.archive import Archive
from storage.retention import load_schedule
from storage.signature_scan import has_pdf_signature
from tests.fixtures.storage import s3_store
from tests.storage.helpers import doc_bytes, meta

pytestmark = [pytest.mark.s3, pytest.mark.django_db]


@pytest.fixture
def s3_archive(seaweed_pair) -> Archive:
    a, b = seaweed_pair
    bucket = f"h-{uuid.uuid4().hex[:12]}"
    return Archive(
        s3_store(a, bucket, "A"), s3_store(b, bucket, "B"), DjangoCatalog(), load_schedule()
    )


@pytest.fixture(scope="module")
def signed_pdf(test_pki, two_page_pdf: bytes) -> bytes:
    return sign_pdf(two_page_pdf, test_pki.signer("director"), SigningOptions())


def _bypass_delete(store, key: str, version_id: str) -> list[str]:
    """Delete one version as a privileged user would: with the governance bypass header."""
    errors = store.client.remove_objects(
        store.bucket, [DeleteObject(key, version_id)], bypass_governance_mode=True
    )
    return [str(e.code) for e in errors]


def test_signature_is_found_in_the_bytes(signed_pdf: bytes, two_page_pdf: bytes) -> None:
    import io

    assert has_pdf_signature(io.BytesIO(signed_pdf))
    assert not has_pdf_signature(io.BytesIO(two_page_pdf))
    assert not has_pdf_signature(io.BytesIO(b"not a pdf /ByteRange [0 1 2 3]"))


def test_signed_pdf_without_signer_metadata_is_compliance_locked(
    s3_archive: Archive, signed_pdf: bytes
) -> None:
    """GIVEN a signed PDF archived with no ``signer`` metadata (as `archive put` does)
    WHEN a privileged user deletes a copy with the governance bypass THEN the server refuses."""
    entry = s3_archive.archive(signed_pdf, meta("signed-1"), "journal-printout")
    assert entry.lock_mode == "COMPLIANCE"
    for letter, store in s3_archive.stores.items():
        version = entry.copy_version(letter) or ""
        assert store.head(entry.key, version).lock.mode == "COMPLIANCE"
        assert _bypass_delete(store, entry.key, version), "a locked version was deleted"
        assert b"".join(store.iter_chunks(entry.key, version)) == signed_pdf


def test_unsigned_record_stays_governance_and_bypass_is_real(s3_archive: Archive) -> None:
    """The control: GOVERNANCE on an unsigned record is what the bypass header does lift."""
    entry = s3_archive.archive(doc_bytes(1), meta("plain-1"), "journal-printout")
    assert entry.lock_mode == "GOVERNANCE"
    store = s3_archive.stores["A"]
    assert _bypass_delete(store, entry.key, entry.copy_version("A") or "") == []
