"""Detached CAdES-BES signatures (``.sig`` beside the file), DER out, DER or Base64 in."""

from __future__ import annotations

import base64
import binascii

from asn1crypto import cms
from pyhanko.sign.timestamps import TimeStamper

from ..errors import SigningError
from . import backend
from .signer import GostSigner

__all__ = ["decode_signature", "sign_detached"]


def sign_detached(
    signer: GostSigner, content: bytes, timestamper: TimeStamper | None = None
) -> bytes:
    """Return a DER detached CAdES-BES (CAdES-T with ``timestamper``) of the whole ``content``."""
    message_digest = backend.digest(content, signer.algorithm)
    return signer.sign_content_digest(message_digest, timestamper=timestamper)


def decode_signature(data: bytes) -> cms.ContentInfo:
    """Read a detached signature: DER, Base64, or PEM (``-----BEGIN CMS-----`` / PKCS7)."""
    raw = data
    if not data[:1] == b"\x30":
        text = b"".join(
            line for line in data.splitlines() if line.strip() and not line.startswith(b"-----")
        )
        try:
            raw = base64.b64decode(text, validate=False)
        except (binascii.Error, ValueError) as exc:
            raise SigningError("Файл подписи не читается: ни DER, ни Base64") from exc
    try:
        info = cms.ContentInfo.load(raw)
        if info["content_type"].native != "signed_data":
            raise ValueError("not SignedData")
        _ = info["content"]["signer_infos"][0]
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise SigningError("Файл подписи не читается: это не подпись CMS") from exc
    return info
