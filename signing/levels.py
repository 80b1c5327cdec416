"""PAdES levels (B-B, B-T, B-LT, B-LTA), trust and time-stamp set-up, archival renewal."""

from __future__ import annotations

import enum
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

import requests
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko.sign.timestamps import TimestampRequestError
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko_certvalidator import ValidationContext

from .errors import SigningError, UnreadablePdf


class Level(enum.StrEnum):
    """PAdES baseline levels."""

    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"
    B_LTA = "B-LTA"

    @property
    def needs_tsa(self) -> bool:
        """Whether this level needs a time-stamp authority."""
        return self is not Level.B_B

    @property
    def embeds_revocation(self) -> bool:
        """Whether revocation data is embedded (B-LT and above)."""
        return self in (Level.B_LT, Level.B_LTA)


class KeepAliveTimeStamper(RequestsHTTPTimeStamper):
    """RFC 3161 client that keeps one HTTP connection open across a batch."""

    def __init__(self, url: str, timeout: int = 10) -> None:
        super().__init__(url, timeout=timeout)
        self._http = requests.Session()

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        """Post one time-stamp request over the shared session."""
        import asyncio

        def task() -> tsp.TimeStampResp:
            try:
                res = self._http.post(
                    self.url, req.dump(), headers=self.request_headers(), timeout=self.timeout
                )
            except OSError as exc:
                raise TimestampRequestError("Error in communication with timestamp server") from exc
            if res.headers.get("Content-Type") != "application/timestamp-reply":
                raise TimestampRequestError("Timestamp server response is malformed.", res)
            return tsp.TimeStampResp.load(res.content)

        return await asyncio.to_thread(task)


def timestamper_for(url: str | None, level: Level) -> KeepAliveTimeStamper | None:
    """Return a time-stamp client for levels that need one; refuse B-T+ without a URL."""
    if not level.needs_tsa:
        return None
    if not url:
        raise SigningError(f"Для уровня {level.value} нужен адрес службы штампов времени (TSA)")
    return KeepAliveTimeStamper(url)


def load_trust_roots(
    roots: Iterable[asn1_x509.Certificate | bytes | Path],
) -> list[asn1_x509.Certificate]:
    """Load trust anchors given as certificates, DER/PEM bytes or file paths."""
    from asn1crypto import pem
    from pyhanko.keys import load_cert_from_pemder

    result: list[asn1_x509.Certificate] = []
    for item in roots:
        if isinstance(item, asn1_x509.Certificate):
            result.append(item)
        elif isinstance(item, Path):
            result.append(load_cert_from_pemder(str(item)))
        else:
            data = pem.unarmor(item)[2] if pem.detect(item) else item
            result.append(asn1_x509.Certificate.load(data))
    return result


def validation_context(
    trust_roots: Sequence[asn1_x509.Certificate],
    *,
    other_certs: Iterable[asn1_x509.Certificate] = (),
    fetch: bool = False,
    revocation_mode: str = "soft-fail",
) -> ValidationContext:
    """Build a pyHanko validation context over the given trust anchors."""
    return ValidationContext(
        trust_roots=list(trust_roots),
        other_certs=list(other_certs),
        allow_fetching=fetch,
        revocation_mode=revocation_mode,
    )


def update_archival_timestamp_chain(
    pdf: bytes,
    tsa_url: str,
    trust_roots: Sequence[asn1_x509.Certificate],
) -> bytes:
    """Renew a B-LTA document: fresh revocation data for the last time-stamp, then a new one."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf))
    except Exception as exc:  # pyHanko raises several types for broken files
        raise UnreadablePdf("Файл не является читаемым PDF") from exc
    vc = validation_context(trust_roots, fetch=True, revocation_mode="hard-fail")
    stamper = PdfTimeStamper(KeepAliveTimeStamper(tsa_url))
    out = io.BytesIO()
    try:
        stamper.update_archival_timestamp_chain(reader, vc, in_place=False, output=out)
    except (PyHankoSigningError, TimestampRequestError) as exc:
        raise SigningError(f"Не удалось обновить архивный штамп времени: {exc}") from exc
    return out.getvalue()
