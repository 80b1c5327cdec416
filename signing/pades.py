"""Sign one PDF at a PAdES level into a named signature field (created only when missing)."""

from __future__ import annotations

import asyncio
import io
import logging
import threading
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields
from pyhanko.sign._session_scope import run_and_release
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko.stamp import BaseStampStyle
from pyhanko.stamp.noop import NoOpStampStyle
from pyhanko_certvalidator.errors import PathError, ValidationError

from .errors import SigningError, UnreadablePdf
from .levels import KeepAliveTimeStamper, Level, timestamper_for, validation_context
from .signed_attributes import use_pades_signed_attributes
from .stamp import DEFAULT_STAMP_BOX, gost_stamp_style, stamp_fields

log = logging.getLogger(__name__)

ROLE_NAMES = {"director": "директор", "class_teacher": "классный руководитель"}
ROLE_REASONS = {
    "director": "Правильность переноса данных заверяю",
    "class_teacher": "Согласовано",
}
# Space for signed attributes, ASN.1 framing and a margin, on top of certificates and signature.
_CMS_OVERHEAD = 4096
_TIMESTAMP_TOKEN = 8192


@dataclass(frozen=True)
class SigningOptions:
    """What kind of signature to make."""

    level: Level = Level.B_B
    field_name: str = "director"
    stamp: bool = False
    tsa_url: str | None = None
    trust_roots: tuple[asn1_x509.Certificate, ...] = ()
    lock: bool = False
    reason: str | None = None
    location: str | None = None
    stamp_box: tuple[int, int, int, int] = DEFAULT_STAMP_BOX
    #: Font file of the visible stamp; ``None`` finds PT Serif on this machine.
    stamp_font: Path | None = None
    extra_certs: tuple[asn1_x509.Certificate, ...] = field(default=())
    time_zone: str = "UTC"
    """IANA time zone the stamp shows the signing date and time in (the school's)."""

    def __post_init__(self) -> None:
        if self.level.embeds_revocation and not self.trust_roots:
            raise SigningError(
                f"Для уровня {self.level.value} нужны доверенные корневые сертификаты"
            )


@runtime_checkable
class SignsWholePdf(Protocol):
    """A signer that assembles its own CMS for a PDF (pyHanko prepares the field and stamp)."""

    def sign_pdf(
        self,
        pdf: bytes,
        options: SigningOptions,
        stamp_style: BaseStampStyle | None,
        timestamper: TimeStamper | None,
    ) -> bytes:
        """Sign ``pdf`` and return the signed bytes."""
        ...


@dataclass
class PreparedSigner:
    """A pyHanko ``PdfSigner`` set up once for many documents (same key, level and style)."""

    signer: Signer
    options: SigningOptions
    timestamper: KeepAliveTimeStamper | None
    stamp_style: BaseStampStyle | None
    bytes_reserved: int | None


def estimate_reserve(signer: Signer, options: SigningOptions) -> int | None:
    """Bytes to reserve for the CMS so no trial signature is needed; None if unknown."""
    try:
        cert = signer.signing_cert
    except Exception:  # PKCS#11 certificates may be loaded lazily
        return None
    if cert is None:
        return None
    certs = [cert, *signer.cert_registry] if signer.cert_registry is not None else [cert]
    size = sum(len(c.dump()) for c in certs) + 512 + _CMS_OVERHEAD
    if options.level.needs_tsa:
        size += _TIMESTAMP_TOKEN
    return (size + 1023) // 1024 * 1024


def prepare(signer: Signer, options: SigningOptions) -> PreparedSigner:
    """Resolve the time-stamp client, stamp style and reserved size once for a run."""
    return PreparedSigner(
        signer=signer,
        options=options,
        timestamper=timestamper_for(options.tsa_url, options.level),
        stamp_style=gost_stamp_style(options.stamp_font) if options.stamp else None,
        bytes_reserved=estimate_reserve(signer, options),
    )


_LOOPS = threading.local()
T = TypeVar("T")


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on this thread's long-lived event loop.

    ``asyncio.run`` per document costs ~15 ms here: on exit it restores the SIGINT handler, and
    CPython formats the previous handler — a partial holding the finished task — with ``%r``,
    which makes asn1crypto dump the whole CMS result. One loop per thread avoids both.
    """
    loop = getattr(_LOOPS, "loop", None)
    if loop is None or loop.is_closed():
        loop = asyncio.new_event_loop()
        _LOOPS.loop = loop
    return loop.run_until_complete(coro)


def open_writer(pdf: bytes) -> IncrementalPdfFileWriter:
    try:
        return IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except (PdfError, ValueError, KeyError, IndexError) as exc:
        raise UnreadablePdf("Файл не является читаемым PDF") from exc


def _existing_fields(writer: IncrementalPdfFileWriter) -> dict[str, bool]:
    """Map signature field names to whether they are already signed."""
    result: dict[str, bool] = {}
    for name, value, _ref in fields.enumerate_sig_fields(writer.prev, filled_status=None):
        result[name] = value is not None
    return result


def _page_count(writer: IncrementalPdfFileWriter) -> int:
    return int(writer.root["/Pages"]["/Count"])


def build_pdf_signer(
    prepared: PreparedSigner, writer: IncrementalPdfFileWriter, *, post_sign_levels: bool = True
) -> tuple[PdfSigner, dict[str, str] | None]:
    """Set up the target field and a pyHanko ``PdfSigner`` for one document.

    With ``post_sign_levels=False`` the LT/LTA steps are left to the caller (deferred signing).
    """
    options = prepared.options
    existing = _existing_fields(writer)
    if existing.get(options.field_name):
        raise SigningError(f"Поле подписи «{options.field_name}» уже подписано")
    has_signatures = any(existing.values())
    certify = options.lock and not has_signatures
    locks_as_approval = options.lock and has_signatures
    if locks_as_approval and options.field_name in existing:
        # Adding /Lock to a field that predates earlier signatures would break their difference
        # analysis; a template that wants the lock must reserve the field with it (see docs).
        locks_as_approval = False

    field_spec = fields.SigFieldSpec(
        sig_field_name=options.field_name,
        on_page=_page_count(writer) - 1,
        box=options.stamp_box if options.stamp else None,
        field_mdp_spec=(
            fields.FieldMDPSpec(action=fields.FieldMDPAction.ALL) if locks_as_approval else None
        ),
        doc_mdp_update_value=fields.MDPPerm.NO_CHANGES if locks_as_approval else None,
    )
    vc = None
    if options.level.embeds_revocation and post_sign_levels:
        vc = validation_context(
            options.trust_roots,
            other_certs=options.extra_certs,
            fetch=True,
            revocation_mode="hard-fail",
        )
    meta = PdfSignatureMetadata(
        field_name=options.field_name,
        md_algorithm="sha256",
        reason=options.reason or ROLE_REASONS.get(options.field_name),
        location=options.location,
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=certify,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES if options.lock else fields.MDPPerm.FILL_FORMS,
        embed_validation_info=vc is not None,
        use_pades_lta=options.level is Level.B_LTA and post_sign_levels,
        validation_context=vc,
        signer_key_usage={"non_repudiation"},
    )
    style: BaseStampStyle | None = prepared.stamp_style if options.stamp else NoOpStampStyle()
    use_pades_signed_attributes(prepared.signer)
    pdf_signer = PdfSigner(
        meta,
        signer=prepared.signer,
        timestamper=prepared.timestamper,
        stamp_style=style,
        new_field_spec=field_spec,
    )
    params = None
    if options.stamp:
        cert = prepared.signer.signing_cert
        if cert is None:
            raise SigningError("Сертификат подписанта недоступен")
        params = stamp_fields(cert, time_zone=options.time_zone).as_params()
    return pdf_signer, params


def extend_earlier_signatures(pdf: bytes, options: SigningOptions) -> bytes:
    """Embed certificates and revocation data of signatures already in ``pdf`` into its DSS.

    A B-LT signature added to a countersigned document must not leave the earlier signatures
    without revocation data: offline validators would then find the DSS's OCSP responses and
    reject the earlier signer for lack of a matching one.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import add_validation_info

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    names = [s.field_name for s in reader.embedded_signatures if s.sig_object_type == "/Sig"]
    for name in names:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        sig = next(s for s in reader.embedded_signatures if s.field_name == name)
        vc = validation_context(
            options.trust_roots,
            other_certs=options.extra_certs,
            fetch=True,
            revocation_mode="hard-fail",
        )
        out = io.BytesIO()
        try:
            add_validation_info(sig, vc, output=out)
        except (PyHankoSigningError, ValueError, PathError, ValidationError) as exc:
            # An earlier signer outside our trust roots must not block this signature; the
            # validation report will show that earlier signature as not proven.
            log.warning(
                "no revocation data added for earlier signature field %s: %s",
                name,
                type(exc).__name__,
            )
            continue
        pdf = out.getvalue()
    return pdf


def sign_with(prepared: PreparedSigner, pdf: bytes) -> bytes:
    """Sign one PDF with a prepared signer and return the signed bytes."""
    if isinstance(prepared.signer, SignsWholePdf):
        # pyHanko cannot hash with every algorithm (ГОСТ: Streebog): such signers build the CMS.
        return prepared.signer.sign_pdf(
            pdf, prepared.options, prepared.stamp_style, prepared.timestamper
        )
    if prepared.options.level.embeds_revocation:
        pdf = extend_earlier_signatures(pdf, prepared.options)
    writer = open_writer(pdf)
    pdf_signer, params = build_pdf_signer(prepared, writer)
    out = io.BytesIO()
    try:
        run_sync(
            run_and_release(
                pdf_signer.async_sign_pdf(
                    writer,
                    output=out,
                    bytes_reserved=prepared.bytes_reserved,
                    appearance_text_params=params,
                ),
                pdf_signer.signature_meta.validation_context,
            )
        )
    except TimestampRequestError as exc:
        raise SigningError("Служба штампов времени недоступна или ответила ошибкой") from exc
    except PyHankoSigningError as exc:
        raise SigningError(f"Подпись не создана: {exc}") from exc
    except (PathError, ValidationError) as exc:
        raise SigningError(
            "Подпись не создана: сертификат подписанта не удалось проверить "
            "(нет цепочки до доверенного корня или нет данных о его статусе)"
        ) from exc
    return out.getvalue()


def sign_pdf(pdf: bytes, signer: Signer, options: SigningOptions) -> bytes:
    """Sign one PDF (bytes in, signed bytes out) at the requested level."""
    return sign_with(prepare(signer, options), pdf)


def role_title(field_name: str) -> str:
    """Return the Russian role name for a signature field name."""
    return ROLE_NAMES.get(field_name, field_name)


def certificates_of(signer: Signer) -> Sequence[asn1_x509.Certificate]:
    """Return the signer's certificate followed by the chain it knows."""
    cert = signer.signing_cert
    chain = list(signer.cert_registry) if signer.cert_registry is not None else []
    return [cert, *chain] if cert is not None else chain
