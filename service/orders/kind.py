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
    """Order registers kept per school and year (книги регистрации приказов)."""

    MAIN = "main"
    STUDENTS = "students"

    @property
    def label(self) -> str:
        """The register's name after «Книга регистрации приказов»."""
        return _REGISTER_LABELS[self]


_REGISTER_LABELS = {
    Register.MAIN: "по основной деятельности",
    Register.STUDENTS: "по контингенту обучающихся",
}

ContextBuilder = Callable[["ContextRequest"], dict[str, Any]]
SampleParams = Callable[["Snapshot"], Mapping[str, str]]


class ParamType(StrEnum):
    """What a parameter holds; the web form offers a matching field (a date, a list of staff…)."""

    TEXT = "text"
    DATE = "date"
    STAFF = "staff"  # a staff id of the snapshot
    CLASS = "class"  # a class name of the snapshot
    CLASSES = "classes"  # class names, comma-separated
    GUARDIAN = "guardian"  # a guardian id of the snapshot
    STUDENT = "student"  # a student id of the snapshot
    FLAG = "flag"  # «1» when set


@dataclass(frozen=True, slots=True)
class Param:
    """A parameter a kind's ``build`` reads from ``ContextRequest.params``.

    Attributes:
        name: The key, as in ``--param name=value``.
        label: What the form calls it, in Russian.
        type: What it holds (:class:`ParamType`).
        required: Whether the document cannot be made without it.
        help: A Russian hint under the field: what happens when it is left empty.
    """

    name: str
    label: str
    type: ParamType = ParamType.TEXT
    required: bool = False
    help: str = ""


RESPONSIBLE_PARAMS = (
    Param(
        "administrator",
        "Администратор электронного журнала",
        ParamType.STAFF,
        help="Если не выбран — сотрудник, в должности которого есть «администратор».",
    ),
    Param(
        "deputy",
        "Заместитель директора",
        ParamType.STAFF,
        help="Если не выбран — первый заместитель директора по списку сотрудников.",
    ),
    Param(
        "effective_date",
        "Дата введения",
        ParamType.DATE,
        help="Если не указана — начало учебного года.",
    ),
)
"""Parameters of the kinds that name who keeps the journal (``context.responsibles``)."""

APPROVAL_PARAMS = (
    Param("approved_by", "Номер приказа об утверждении", help="Если не указан — «____»."),
    Param("approved_on", "Дата приказа об утверждении", ParamType.DATE),
)
"""Parameters of the regulations approved by an order (``context.approval``)."""

FAMILY_FORM_PARAMS = (
    Param("class", "Класс", ParamType.CLASS, required=True, help="Бланк для каждой семьи класса."),
    Param("fill_date", "Проставить дату документа в бланках", ParamType.FLAG),
)
"""Parameters of the per-family forms (``context.family_forms``)."""


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
        params: The parameters ``build`` reads; the web form is generated from them.
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
    params: tuple[Param, ...] = ()

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
