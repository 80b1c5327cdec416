"""Renewing the archival time-stamp chain of a B-LTA document."""

from __future__ import annotations

import datetime as dt

import time_machine

from signing.levels import Level, update_archival_timestamp_chain
from signing.pades import SigningOptions, sign_pdf
from signing.validate import validate
from tests.fixtures.signing import SchoolPki


def test_renewal_adds_a_later_document_timestamp(two_page_pdf: bytes, test_pki: SchoolPki) -> None:
    """GIVEN a B-LTA from January 2027 WHEN renewed in June THEN two archival stamps validate."""
    start = dt.datetime(2027, 1, 15, 10, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=True):
        signed = sign_pdf(
            two_page_pdf,
            test_pki.signer("director"),
            SigningOptions(
                level=Level.B_LTA, tsa_url=test_pki.tsa_url, trust_roots=(test_pki.root,)
            ),
        )
    later = dt.datetime(2027, 6, 20, 10, 0, tzinfo=dt.UTC)
    with time_machine.travel(later, tick=True):
        renewed = update_archival_timestamp_chain(signed, test_pki.tsa_url, [test_pki.root])
        report = validate(renewed, [test_pki.root])

    assert renewed.startswith(signed)  # incremental: the archived bytes are untouched
    assert report.valid, report.to_text()
    kinds = [s.kind for s in report.signatures]
    assert kinds == ["signature", "document-timestamp", "document-timestamp"]
    first_ts, second_ts = (s.timestamp_time for s in report.signatures[1:])
    assert first_ts is not None and first_ts.startswith("2027-01-15")
    assert second_ts is not None and second_ts.startswith("2027-06-20")
    assert report.signatures[0].pades_level == "B-LTA"


def test_b_lt_signature_outlives_its_certificate(two_page_pdf: bytes, test_pki: SchoolPki) -> None:
    """GIVEN a B-LT signature from 2027-01 WHEN validated in 2028 (cert expired) THEN valid.

    The TSA's certificate is checked online now (its CRL embedded in 2027 is stale by 2028; keeping
    that offline is what B-LTA renewal is for); the director's chain is checked as of the
    signature time-stamp from the revocation data embedded at signing.
    """
    with time_machine.travel(dt.datetime(2027, 1, 15, 10, 0, tzinfo=dt.UTC), tick=True):
        signed = sign_pdf(
            two_page_pdf,
            test_pki.signer("director"),
            SigningOptions(
                level=Level.B_LT, tsa_url=test_pki.tsa_url, trust_roots=(test_pki.root,)
            ),
        )
        bb = sign_pdf(two_page_pdf, test_pki.signer("director"), SigningOptions())
    with time_machine.travel(dt.datetime(2028, 1, 10, 10, 0, tzinfo=dt.UTC), tick=True):
        report = validate(signed, [test_pki.root], fetch=True)
        plain = validate(bb, [test_pki.root])
    assert report.valid, report.to_text()
    assert report.signatures[0].ltv_ok is True
    assert not plain.valid  # without a time-stamp and revocation data it cannot be proven
    assert plain.signatures[0].trust_problem == "Срок действия сертификата истёк"
