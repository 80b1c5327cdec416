"""Is the certificate's owner the person a document names as its signer?

Documents name people as «И. О. Фамилия» or «Фамилия Имя Отчество»; qualified certificates carry
the surname and given names (ФИО) in separate attributes. Two names are the same person when the
surnames agree and the initials they both give agree, ignoring case, dots and ё/е.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509

from .stamp import certificate_owner

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*\.?")


@dataclass(frozen=True, slots=True)
class NameKey:
    """A name reduced to what is compared: the surname and the initials, lower case, е for ё."""

    surname: str
    initials: str


def _fold(text: str) -> str:
    return text.casefold().replace("ё", "е")


def name_key(name: str) -> NameKey | None:
    """Reduce «И. О. Фамилия», «Фамилия И.О.» or «Фамилия Имя Отчество»; None if no name.

    Initials are one-letter words (with or without a dot, «И.О.» too); the surname is the
    word that is not an initial. A name of full words reads as «Фамилия Имя Отчество».
    """
    words = [_fold(w) for w in _WORD.findall(name.replace(".", ". "))]
    if not words:
        return None
    initials = [w.rstrip(".") for w in words if len(w.rstrip(".")) == 1]
    others = [w.rstrip(".") for w in words if len(w.rstrip(".")) > 1]
    if initials and others:
        return NameKey(others[0], "".join(initials))
    if others:
        return NameKey(others[0], "".join(w[0] for w in others[1:]))
    return None


def same_person(first: str, second: str) -> bool:
    """Whether two written names name the same person (surname and the initials both give)."""
    a, b = name_key(first), name_key(second)
    if a is None or b is None or a.surname != b.surname:
        return False
    shared = min(len(a.initials), len(b.initials))
    return a.initials[:shared] == b.initials[:shared]


def certificate_matches(cert: asn1_x509.Certificate, name: str) -> bool:
    """Whether ``cert``'s owner is the person named ``name`` on a document."""
    return same_person(certificate_owner(cert), name)
