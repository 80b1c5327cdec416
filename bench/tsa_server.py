"""Small RFC 3161 time-stamp server for the benchmark.

Run: ``python -m bench.tsa_server CERT KEY PORT``.

It signs tokens with pyHanko's in-memory time-stamper (certificate and key loaded from DER once),
so the benchmark measures the signing client rather than certomancer's slower demo TSA.
"""

from __future__ import annotations

import functools
import sys
import types
from pathlib import Path

from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign import general
from pyhanko.sign.timestamps import dummy_client
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


def main() -> None:
    """Serve time-stamps on 127.0.0.1:PORT until terminated."""
    cert_path, key_path, port = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    cert = asn1_x509.Certificate.load(cert_path.read_bytes())
    # The ESS signing-certificate attribute is the same for every token: encode it once
    # (rebuilding it costs ~150 ms a token in asn1crypto).
    ess_der = general.as_signing_certificate(cert).dump()
    general.as_signing_certificate = lambda _cert: tsp.SigningCertificate.load(ess_der)
    # The demo time-stamper re-loads its private key for every token (~100 ms of RSA key
    # checks); a real TSA keeps it loaded, so this one does too.
    real_load = serialization.load_der_private_key
    load_cached = functools.lru_cache(maxsize=4)(
        lambda data, password=None: real_load(data, password=password)
    )
    dummy_client.serialization = types.SimpleNamespace(  # type: ignore[assignment]
        load_der_private_key=load_cached
    )
    stamper = DummyTimeStamper(
        tsa_cert=cert,
        tsa_key=keys.PrivateKeyInfo.load(key_path.read_bytes()),
    )

    @Request.application  # type: ignore[arg-type]
    def app(request: Request) -> Response:
        req = tsp.TimeStampReq.load(request.get_data())
        body = stamper.request_tsa_response(req).dump()
        return Response(body, mimetype="application/timestamp-reply")

    make_server("127.0.0.1", port, app).serve_forever()


if __name__ == "__main__":
    main()
