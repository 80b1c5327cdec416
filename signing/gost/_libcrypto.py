"""ctypes bindings to the system OpenSSL 3 ``libcrypto`` with Debian's ``gost`` engine loaded.

Only the handful of functions the ГОСТ backend needs are declared, each with exact argument and
result types, so a wrong call fails in Python instead of corrupting memory. Every object created
here is freed by the caller through the matching ``*_free`` function.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import threading
from typing import Any

_ENGINE_METHOD_ALL = 0xFFFF
_lock = threading.Lock()

vp = ctypes.c_void_p
cp = ctypes.c_char_p
sz = ctypes.c_size_t
c_int = ctypes.c_int

_SIGNATURES: dict[str, tuple[Any, list[Any]]] = {
    "ENGINE_by_id": (vp, [cp]),
    "ENGINE_init": (c_int, [vp]),
    "ENGINE_set_default": (c_int, [vp, ctypes.c_uint]),
    "ENGINE_free": (c_int, [vp]),
    "EVP_get_digestbyname": (vp, [cp]),
    "EVP_Digest": (c_int, [cp, sz, cp, ctypes.POINTER(ctypes.c_uint), vp, vp]),
    "EVP_MD_CTX_new": (vp, []),
    "EVP_MD_CTX_free": (None, [vp]),
    "EVP_DigestInit_ex": (c_int, [vp, vp, vp]),
    "EVP_DigestUpdate": (c_int, [vp, cp, sz]),
    "EVP_DigestFinal_ex": (c_int, [vp, cp, ctypes.POINTER(ctypes.c_uint)]),
    "EVP_PKEY_free": (None, [vp]),
    "EVP_PKEY_get_bits": (c_int, [vp]),
    "EVP_PKEY_CTX_new": (vp, [vp, vp]),
    "EVP_PKEY_CTX_free": (None, [vp]),
    "EVP_PKEY_sign_init": (c_int, [vp]),
    "EVP_PKEY_sign": (c_int, [vp, cp, ctypes.POINTER(sz), cp, sz]),
    "EVP_PKEY_verify_init": (c_int, [vp]),
    "EVP_PKEY_verify": (c_int, [vp, cp, sz, cp, sz]),
    "BIO_new_mem_buf": (vp, [cp, c_int]),
    "BIO_free": (c_int, [vp]),
    "PEM_read_bio_PrivateKey": (vp, [vp, vp, vp, vp]),
    "d2i_PKCS12_bio": (vp, [vp, vp]),
    "PKCS12_free": (None, [vp]),
    "PKCS12_parse": (c_int, [vp, cp, ctypes.POINTER(vp), ctypes.POINTER(vp), ctypes.POINTER(vp)]),
    "d2i_X509": (vp, [vp, ctypes.POINTER(ctypes.c_char_p), ctypes.c_long]),
    "i2d_X509": (c_int, [vp, ctypes.POINTER(ctypes.c_char_p)]),
    "X509_free": (None, [vp]),
    "X509_get0_pubkey": (vp, [vp]),
    "X509_verify": (c_int, [vp, vp]),
    "OPENSSL_sk_num": (c_int, [vp]),
    "OPENSSL_sk_value": (vp, [vp, c_int]),
    "OPENSSL_sk_pop_free": (None, [vp, vp]),
    "CRYPTO_free": (None, [vp, cp, c_int]),
    "ERR_clear_error": (None, []),
}


class GostUnavailable(RuntimeError):
    """The system OpenSSL or its gost engine is missing."""


@functools.cache
def lib() -> Any:
    """Return ``libcrypto`` with the gost engine initialised and made the default for ГОСТ."""
    with _lock:
        name = ctypes.util.find_library("crypto") or "libcrypto.so.3"
        try:
            handle = ctypes.CDLL(name)
        except OSError as exc:
            raise GostUnavailable(f"libcrypto not found: {exc}") from exc
        for func, (restype, argtypes) in _SIGNATURES.items():
            try:
                fn = getattr(handle, func)
            except AttributeError as exc:
                raise GostUnavailable(f"libcrypto lacks {func}") from exc
            fn.restype = restype
            fn.argtypes = argtypes
        engine = handle.ENGINE_by_id(b"gost")
        if not engine:
            handle.ERR_clear_error()
            raise GostUnavailable("OpenSSL gost engine not installed")
        # The engine stays initialised for the life of the process: its algorithms are
        # registered globally, and only for ГОСТ identifiers.
        if (
            handle.ENGINE_init(engine) != 1
            or handle.ENGINE_set_default(engine, _ENGINE_METHOD_ALL) != 1
        ):
            handle.ERR_clear_error()
            raise GostUnavailable("OpenSSL gost engine failed to initialise")
        return handle


def x509_from_der(der: bytes) -> int:
    """Parse a DER certificate into an ``X509*`` (free with ``X509_free``); 0 on error."""
    buf = ctypes.c_char_p(der)
    ptr = ctypes.cast(buf, ctypes.c_char_p)
    cert = lib().d2i_X509(None, ctypes.byref(ptr), len(der))
    return int(cert or 0)


def x509_to_der(cert: int) -> bytes:
    """Encode an ``X509*`` as DER."""
    out = ctypes.c_char_p()
    n = lib().i2d_X509(cert, ctypes.byref(out))
    if n <= 0:
        raise ValueError("i2d_X509 failed")
    try:
        return ctypes.string_at(out, n)
    finally:
        lib().CRYPTO_free(ctypes.cast(out, vp), b"gost", 0)
