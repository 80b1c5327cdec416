"""Согласие на обработку персональных данных: one pre-filled form per guardian and student."""

from __future__ import annotations

from typing import Any

from service.journal.snapshot import Snapshot
from service.orders.context import ContextRequest, family_forms
from service.orders.kind import FAMILY_FORM_PARAMS, OrderKind
from service.orders.schema import FORM

SCHEMA = {
    "forms": [FORM],
    "purposes": [None],
    "data_items": [None],
    "actions": None,
    "methods": None,
    "third_parties": [None],
    "validity": None,
    "withdrawal": None,
}

DATA_ITEMS = [
    "фамилия, имя, отчество обучающегося и законного представителя",
    "дата рождения, пол обучающегося",
    "данные документов, удостоверяющих личность, и документа, подтверждающего полномочия "
    "законного представителя",
    "адрес места жительства, номера телефонов, адрес электронной почты",
    "класс обучения, сведения о зачислении, переводе и выбытии",
    "сведения об успеваемости (текущие, четвертные, годовые и итоговые отметки) и посещаемости",
]
PURPOSES = [
    "ведение электронного классного журнала и электронного дневника обучающегося",
    "индивидуальный учёт результатов освоения образовательных программ и хранение в архивах "
    "информации об этих результатах на бумажных и (или) электронных носителях",
    "информирование законных представителей о ходе и результатах обучения",
]


def build(req: ContextRequest) -> dict[str, Any]:
    """The forms and the consent's fixed text (152-ФЗ, ст. 9)."""
    return {
        "forms": family_forms(req),
        "purposes": PURPOSES,
        "data_items": DATA_ITEMS,
        "actions": "сбор, запись, систематизация, накопление, хранение, уточнение (обновление, "
        "изменение), извлечение, использование, передача (предоставление, доступ), "
        "обезличивание, блокирование, удаление, уничтожение",
        "methods": "смешанная обработка (автоматизированная, в том числе в государственной "
        "информационной системе, и без средств автоматизации)",
        "third_parties": [
            "органы управления образованием муниципального образования и субъекта "
            "Российской Федерации — в объёме, установленном законодательством"
        ],
        "validity": "на период обучения в образовательной организации и срок хранения документов, "
        "установленный номенклатурой дел и законодательством об архивном деле",
        "withdrawal": "согласие может быть отозвано письменным заявлением, поданным в "
        "образовательную организацию; обработка прекращается в срок, не превышающий "
        "десяти рабочих дней с даты получения отзыва (ч. 5 ст. 21 Федерального закона "
        "от 27.07.2006 № 152-ФЗ)",
    }


def sample_params(snapshot: Snapshot) -> dict[str, str]:
    """The forms of the sample school's first class."""
    return {"class": snapshot.classes[0].name}


KIND = OrderKind(
    id="consent-pd",
    kind_title="СОГЛАСИЕ",
    title="на обработку персональных данных",
    retention="consent-pd",
    schema=SCHEMA,
    build=build,
    signers=(),
    per_family=True,
    sample_params=sample_params,
    params=FAMILY_FORM_PARAMS,
)
