"""The descriptor every order kind declares once, in its own module under ``kinds/``.

Everything the rest of the application knows about an order kind (its requisites and heading, the
register that numbers it, how long the archive keeps it, who signs it, which DOCX template prints
it, which variables that template may use and how they are computed) is read from its
:class:`OrderKind`; nothing else lists order kinds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from service.orders.schema import COMMON, Schema

if TYPE_CHECKING:
    from service.journal.snapshot import Snapshot
    from service.orders.context import ContextRequest


class Register(StrEnum):
    """Registers kept per school and year: orders (книги регистрации приказов) and outgoing mail."""

    MAIN = "main"
    STUDENTS = "students"
    OUTGOING = "outgoing"

    @property
    def label(self) -> str:
        """The register's name after «Книга регистрации приказов»."""
        return _REGISTER_LABELS[self]


_REGISTER_LABELS = {
    Register.MAIN: "по основной деятельности",
    Register.STUDENTS: "по контингенту обучающихся",
    Register.OUTGOING: "исходящих документов",
}

ContextBuilder = Callable[["ContextRequest"], dict[str, Any]]
SampleParams = Callable[["Snapshot"], Mapping[str, str]]


def no_sample_params(snapshot: Snapshot) -> Mapping[str, str]:
    """No parameters: the kind renders every part of its template from the snapshot alone."""
    return {}


@dataclass(frozen=True, slots=True)
class OrderKind:
    """An order kind, declared once in ``service/orders/kinds/<id with underscores>.py``.

    Attributes:
        id: The kind's name, as on the command line and in the catalog (``intro-journal``).
        kind_title: The document kind requisite printed above the heading: «ПРИКАЗ», «ПОЛОЖЕНИЕ»…
        title: The heading (заголовок к тексту).
        retention: Row of the retention schedule (``storage/retention.yaml``); also the kind the
            archive files the document under (``order-main``).
        schema: The variables the template may use beyond :data:`~service.orders.schema.COMMON`.
        build: Computes those variables from a snapshot, the parameters and the document meta.
        register: The order register that numbers it, or ``None`` when it is not numbered there.
        signers: Names of the empty signature fields the PDF carries (``director``…).
        per_family: One form per guardian (a ``forms`` list), printable for a whole class.
        sample_params: Parameters that make the sample school fill every part of the template.
    """

    id: str
    kind_title: str
    title: str
    retention: str
    schema: Schema
    build: ContextBuilder
    register: Register | None = None
    signers: tuple[str, ...] = ("director",)
    per_family: bool = False
    sample_params: SampleParams = no_sample_params

    @property
    def template(self) -> str:
        """The bundled template's file name in ``service/orders/templates/``."""
        return f"{self.id}.docx"

    @property
    def module_name(self) -> str:
        """The module under ``kinds/`` that declares this kind."""
        return self.id.replace("-", "_")

    @property
    def full_title(self) -> str:
        """The title in lists and the register: the heading, with the requisite when unnumbered.

        An order's heading reads alone («О переводе обучающихся…»); a regulation's or a letter's
        needs its kind in front («Положение об электронном классном журнале»).
        """
        if self.register is not None:
            return self.title
        return f"{self.kind_title.capitalize()} {self.title}"

    @property
    def full_schema(self) -> Schema:
        """The common variables plus this kind's own."""
        return {**COMMON, **self.schema}
