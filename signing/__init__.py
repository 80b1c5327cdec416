"""PAdES signing for Vedomost on pyHanko: signers, levels, the ГОСТ stamp, batches, validation.

This package never imports ``service``; the application composes it.
"""

from __future__ import annotations

from pathlib import Path

from .batch import BatchItem, BatchResult, sign_batch, sign_directory
from .deferred import DeferredSigning, finish_deferred, prepare_deferred
from .errors import SignerUnavailable, SigningError, UnreadablePdf
from .gost.signer import GostSigner
from .levels import Level, load_trust_roots, update_archival_timestamp_chain
from .pades import SigningOptions, sign_pdf
from .report import SignatureReport, ValidationReport
from .signers import KeyReusingSigner, Signer, load_pkcs12, open_pkcs11
from .validate import validate

__all__ = [
    "BatchItem",
    "BatchResult",
    "DeferredSigning",
    "GostSigner",
    "KeyReusingSigner",
    "Level",
    "SignatureReport",
    "Signer",
    "SignerUnavailable",
    "SigningError",
    "SigningOptions",
    "UnreadablePdf",
    "ValidationReport",
    "demo_signer",
    "demo_trust_root",
    "finish_deferred",
    "load_pkcs12",
    "load_trust_roots",
    "open_pkcs11",
    "prepare_deferred",
    "sign_batch",
    "sign_directory",
    "sign_pdf",
    "update_archival_timestamp_chain",
    "validate",
]


def demo_signer(data_dir: Path) -> KeyReusingSigner | GostSigner:
    """Return the demo director's PKCS#12 signer, creating the demo PKI under ``data_dir/keys``."""
    from .demo_pki import ensure_demo_pki

    pki = ensure_demo_pki(Path(data_dir) / "keys")
    return load_pkcs12(pki.director_p12, pki.director_password())


def demo_trust_root(data_dir: Path) -> Path | None:
    """Return the demo root certificate under ``data_dir/keys`` if the demo PKI exists."""
    path = Path(data_dir) / "keys" / "root.pem"
    return path if path.exists() else None
