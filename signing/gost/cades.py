"""CAdES-BES containers with ГОСТ Р 34.10-2012 signatures, assembled with asn1crypto.

The signed attributes are those CAdES-BES requires: content type, message digest (Streebog),
signing time and ``signingCertificateV2`` holding the Streebog hash of the signer's certificate.
Algorithm identifiers follow RFC 9215 and what OpenSSL's gost engine writes: digest
``id-tc26-gost3411-12-256/512`` with NULL parameters, SignerInfo signature algorithm the key
algorithm ``id-tc26-gost3410-12-256/512``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509

from .backend import GostAlgorithm, GostPrivateKey, digest

__all__ = ["CadesTemplate", "build_signed_data", "signed_attributes", "signer_info_for"]


def digest_algorithm(algorithm: GostAlgorithm) -> algos.DigestAlgorithm:
    """The Streebog AlgorithmIdentifier (NULL parameters, as OpenSSL writes it)."""
    return algos.DigestAlgorithm({"algorithm": algorithm.digest_oid, "parameters": core.Null()})


def signed_attributes(
    message_digest: bytes,
    certificate: asn1_x509.Certificate,
    algorithm: GostAlgorithm,
    signing_time: dt.datetime,
) -> cms.CMSAttributes:
    """The CAdES-BES signed attributes for one signature."""
    ess_cert = tsp.ESSCertIDv2(
        {
            "hash_algorithm": {"algorithm": algorithm.digest_oid},
            "cert_hash": digest(certificate.dump(), algorithm),
            "issuer_serial": {
                "issuer": [asn1_x509.GeneralName({"directory_name": certificate.issuer})],
                "serial_number": certificate.serial_number,
            },
        }
    )
    return cms.CMSAttributes(
        [
            cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
            cms.CMSAttribute(
                {"type": "signing_time", "values": [cms.Time({"utc_time": signing_time})]}
            ),
            cms.CMSAttribute({"type": "message_digest", "values": [message_digest]}),
            cms.CMSAttribute(
                {
                    "type": "signing_certificate_v2",
                    "values": [tsp.SigningCertificateV2({"certs": [ess_cert]})],
                }
            ),
        ]
    )


def attributes_to_sign(attrs: cms.CMSAttributes) -> bytes:
    """DER of the signed attributes as a SET OF (the bytes the signature covers)."""
    return attrs.dump()


def signer_info_for(
    certificate: asn1_x509.Certificate,
    algorithm: GostAlgorithm,
    attrs: cms.CMSAttributes,
    signature: bytes,
) -> cms.SignerInfo:
    """The SignerInfo naming the certificate by issuer and serial number."""
    return cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": {
                        "issuer": certificate.issuer,
                        "serial_number": certificate.serial_number,
                    }
                }
            ),
            "digest_algorithm": digest_algorithm(algorithm),
            "signed_attrs": attrs,
            "signature_algorithm": {"algorithm": algorithm.key_oid, "parameters": core.Null()},
            "signature": signature,
        }
    )


class CadesTemplate:
    """The parts of a signer's CAdES that do not change between documents, encoded once.

    asn1crypto re-encodes a freshly built structure on every ``dump()``; parts loaded back from
    their DER are copied as bytes, which keeps one signature in a batch cheap.
    """

    def __init__(
        self,
        key: GostPrivateKey,
        certificate: asn1_x509.Certificate,
        chain: Sequence[asn1_x509.Certificate],
    ) -> None:
        self.key = key
        self.algorithm = key.algorithm
        self.certificate = certificate
        probe = signed_attributes(b"", certificate, self.algorithm, dt.datetime.now(dt.UTC))
        self._content_type = cms.CMSAttribute.load(probe[0].dump())
        self._ess = cms.CMSAttribute.load(probe[3].dump())
        self._digest_algorithm = algos.DigestAlgorithm.load(digest_algorithm(self.algorithm).dump())
        self._certificates = cms.CertificateSet.load(
            cms.CertificateSet([certificate, *chain]).dump()
        )
        info = signer_info_for(certificate, self.algorithm, probe, b"")
        self._sid = cms.SignerIdentifier.load(info["sid"].dump())
        self._signature_algorithm = cms.SignedDigestAlgorithm.load(
            info["signature_algorithm"].dump()
        )

    def sign(
        self,
        message_digest: bytes,
        signing_time: dt.datetime | None = None,
        timestamp: Callable[[bytes], cms.ContentInfo] | None = None,
    ) -> bytes:
        """Sign a content digest; return the DER of a detached CAdES ``ContentInfo``.

        With ``timestamp`` (signature value → RFC 3161 token) the result is CAdES-T: the token
        goes into the unsigned attribute signature-time-stamp-token.
        """
        moment = (signing_time or dt.datetime.now(dt.UTC)).replace(microsecond=0)
        attrs = cms.CMSAttributes(
            [
                self._content_type,
                cms.CMSAttribute(
                    {"type": "signing_time", "values": [cms.Time({"utc_time": moment})]}
                ),
                cms.CMSAttribute({"type": "message_digest", "values": [message_digest]}),
                self._ess,
            ]
        )
        signature = self.key.sign_digest(digest(attributes_to_sign(attrs), self.algorithm))
        signer_info = cms.SignerInfo(
            {
                "version": "v1",
                "sid": self._sid,
                "digest_algorithm": self._digest_algorithm,
                "signed_attrs": attrs,
                "signature_algorithm": self._signature_algorithm,
                "signature": signature,
            }
        )
        if timestamp is not None:
            signer_info["unsigned_attrs"] = cms.CMSAttributes(
                [
                    cms.CMSAttribute(
                        {"type": "signature_time_stamp_token", "values": [timestamp(signature)]}
                    )
                ]
            )
        signed_data = cms.SignedData(
            {
                "version": "v1",
                "digest_algorithms": [self._digest_algorithm],
                "encap_content_info": {"content_type": "data"},
                "certificates": self._certificates,
                "signer_infos": [signer_info],
            }
        )
        return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()


def build_signed_data(
    message_digest: bytes,
    key: GostPrivateKey,
    certificate: asn1_x509.Certificate,
    chain: Sequence[asn1_x509.Certificate],
    *,
    signing_time: dt.datetime | None = None,
) -> cms.ContentInfo:
    """Sign a content digest and return a detached CAdES-BES ``ContentInfo``."""
    der = CadesTemplate(key, certificate, chain).sign(message_digest, signing_time)
    return cms.ContentInfo.load(der)
