"""Reading the values of journal-grid cells: marks, attendance codes, period marks, dates, labels.

Functions here are pure: they take a cell's text and return a typed value or raise
:class:`CellError` with a Russian message that the sheet reader puts next to the file, row and
column.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass

from service.errors import UserError
from service.journal.snapshot import (
    EXAM,
    FAIL,
    FINAL,
    MARK_VALUES,
    NO_MARKS,
    NOT_ATTESTED,
    PASS,
    PERIOD_MARK_VALUES,
    YEAR,
    AttendanceCode,
    PeriodKind,
    Sex,
    StaffMember,
    WorkType,
)

RawCell = str | int | float | dt.date | dt.datetime | None


class CellError(UserError, ValueError):
    """A cell's value cannot be read; the message is in Russian."""


class ImpossibleDate(CellError):
    """A cell written as a date (ДД.ММ.ГГГГ) names a day that does not exist, e.g. 30.02.2025."""


def clean(value: RawCell) -> str:
    """Cell text: numbers without a useless ``.0``, non-breaking spaces as spaces, trimmed."""
    if type(value) is str:  # the common case first: this runs for every cell
        if not value:
            return ""
        if "\ufeff" in value:
            value = value.replace("\ufeff", "")
        return " ".join(value.split())  # str.split() also splits on NBSP and narrow NBSP
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.date):  # datetime too
        return value.strftime("%d.%m.%Y")
    return " ".join(str(value).split())


def fold(text: str) -> str:
    """Text for comparisons: lower case, ё as е, single spaces."""
    return " ".join(text.lower().replace("ё", "е").split())


def stable_id(prefix: str, *parts: str) -> str:
    """A deterministic id from folded parts (same input, same id; no personal data in the id)."""
    return id_of(prefix, *(fold(p) for p in parts))


def id_of(prefix: str, *parts: str) -> str:
    """A deterministic id from parts taken as they are (for parts that are ids already)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:12]
    return f"{prefix}-{digest}"


# --- lesson cells ------------------------------------------------------------------------
_CODES = {
    "н": AttendanceCode.ABSENT,
    "б": AttendanceCode.ILL,
    "у": AttendanceCode.EXCUSED,
    "о": AttendanceCode.LATE,
    # Latin look-alikes typed on an English layout
    "h": AttendanceCode.ABSENT,
    "o": AttendanceCode.LATE,
    "y": AttendanceCode.EXCUSED,
}
_FLOAT_MARK = re.compile(r"^(\d+)[.,]0+$")
_SEPARATORS = re.compile(r"[\s/|;,]+")


@dataclass(frozen=True, slots=True)
class LessonCell:
    """Marks (in order) and an attendance code read from one cell."""

    marks: tuple[str, ...] = ()
    code: AttendanceCode | None = None


def _mark(token: str) -> str:
    if token not in MARK_VALUES:
        raise CellError(f"отметка «{token}» вне шкалы 1–5")
    return token


@functools.lru_cache(maxsize=4096)  # a journal has few distinct cell texts
def parse_lesson_cell(text: str) -> LessonCell:
    """Parse a grid cell such as ``5``, ``5/4``, ``5 4``, ``Н``, ``О5``, ``5.0``."""
    text = clean(text)
    if not text:
        return LessonCell()
    float_mark = _FLOAT_MARK.match(text)
    if float_mark:
        return LessonCell((_mark(float_mark.group(1)),))
    marks: list[str] = []
    code: AttendanceCode | None = None
    for token in _SEPARATORS.split(text):
        if not token:
            continue
        float_mark = _FLOAT_MARK.match(token)
        if float_mark:
            marks.append(_mark(float_mark.group(1)))
            continue
        for part in re.findall(r"\d+|\D", token):
            if part.isdigit():
                marks.append(_mark(part))
                continue
            letter = part.lower()
            if letter in _CODES:
                if code is not None:
                    raise CellError(f"в ячейке «{text}» больше одного кода посещаемости")
                code = _CODES[letter]
            elif part.isalpha():
                raise CellError(f"неизвестный код посещаемости «{part}» (допустимы Н, Б, У, О)")
            else:
                raise CellError(
                    f"не удалось прочитать «{text}»: ожидаются отметки 1–5 "
                    "и коды посещаемости Н, Б, У, О"
                )
    return LessonCell(tuple(marks), code)


# --- period marks --------------------------------------------------------------------------
_PERIOD_SYNONYMS = {
    "зачет": PASS,
    "зачтено": PASS,
    "зач.": PASS,
    "зачёт": PASS,
    "незачет": FAIL,
    "не зачтено": FAIL,
    "незач.": FAIL,
    "незачёт": FAIL,
    "не зач": FAIL,
    "нзч": FAIL,
    "осв.": "осв",
    "освоб.": "осв",
    "освобожден": "осв",
    "освобождена": "осв",
    "освобожд.": "осв",
    "на": NOT_ATTESTED,
    "н/а.": NOT_ATTESTED,
    "н\\а": NOT_ATTESTED,
    "н.а.": NOT_ATTESTED,
    "не аттестован": NOT_ATTESTED,
    "не аттестована": NOT_ATTESTED,
    "н/атт": NOT_ATTESTED,
    "б/о": NO_MARKS,
    "безотметочно": NO_MARKS,
    "безотм.": NO_MARKS,
    "б/отм": NO_MARKS,
}


@functools.lru_cache(maxsize=1024)
def parse_period_mark(text: str) -> str:
    """Parse a period mark: 5…1, «зач», «незач», «осв», «н/а», «безотм» and common spellings."""
    text = clean(text)
    float_mark = _FLOAT_MARK.match(text)
    if float_mark:
        text = float_mark.group(1)
    folded = fold(text)
    if folded in PERIOD_MARK_VALUES:
        return folded
    if folded in _PERIOD_SYNONYMS:
        return _PERIOD_SYNONYMS[folded]
    raise CellError(
        f"отметка за период «{text}» недопустима "
        "(допустимы 5, 4, 3, 2, 1, зач, незач, осв, н/а, безотм)"
    )


# --- periods ---------------------------------------------------------------------------------
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_KIND_WORDS = (
    ("четв", PeriodKind.QUARTER, "Q", "четверть", 4),
    ("полуг", PeriodKind.HALF, "H", "полугодие", 2),
    ("трим", PeriodKind.TRIMESTER, "T", "триместр", 3),
)
_PERIOD_LABEL = re.compile(r"^(iv|i{1,3}|[1-4])\s*(?:-?(?:я|е|й|ое|ий|ая))?\s*\.?\s*([а-я]+)\.?")


@dataclass(frozen=True, slots=True)
class PeriodRef:
    """A period of the year named in a grid: kind and number, with our id and name."""

    kind: PeriodKind
    number: int

    @property
    def id(self) -> str:
        return next(p for w, k, p, _, _ in _KIND_WORDS if k == self.kind) + str(self.number)

    @property
    def name(self) -> str:
        return f"{self.number} " + next(n for _, k, _, n, _ in _KIND_WORDS if k == self.kind)


def parse_period_ref(text: str) -> PeriodRef | None:
    """«1 четверть», «I четв.», «2-е полугодие», «3 трим.» → :class:`PeriodRef`; None otherwise."""
    match = _PERIOD_LABEL.match(fold(text))
    if not match:
        return None
    number = _ROMAN[match.group(1)]
    for word, kind, _, _, count in _KIND_WORDS:
        if match.group(2).startswith(word) and number <= count:
            return PeriodRef(kind, number)
    return None


def period_ref_from_id(period_id: str) -> PeriodRef | None:
    """«Q1» → the first quarter; None for «year», «exam», «final» and unknown ids."""
    for _, kind, prefix, _, count in _KIND_WORDS:
        if period_id[:1] == prefix and period_id[1:].isdigit() and 1 <= int(period_id[1:]) <= count:
            return PeriodRef(kind, int(period_id[1:]))
    return None


def period_column_key(label: str, single_period: PeriodRef | None) -> str | None:
    """The period id of a period-mark column header, or None if the header is not one.

    «Итог» means the sheet's own period when the sheet covers exactly one period, else the final
    mark.
    """
    ref = parse_period_ref(label)
    if ref is not None:
        return ref.id
    folded = fold(label).rstrip(".").strip()
    if folded in {"год", "годовая", "годовая отметка", "год. отм", "годовая оценка"}:
        return YEAR
    if folded in {"экз", "экзамен", "экзаменационная", "экзаменационная отметка", "экз. отм"}:
        return EXAM
    if folded in {"итоговая", "итоговая отметка", "итог. отм", "итоговая оценка"}:
        return FINAL
    if folded in {"итог", "итого", "итоговая за период", "за период"}:
        return single_period.id if single_period is not None else FINAL
    return None


def default_period_dates(ref: PeriodRef, start_year: int) -> tuple[dt.date, dt.date]:
    """Usual bounds of a period when the export does not give them (see grid-format.md)."""
    y0, y1 = start_year, start_year + 1
    feb_end = dt.date(y1, 3, 1) - dt.timedelta(days=1)
    table = {
        (PeriodKind.QUARTER, 1): (dt.date(y0, 9, 1), dt.date(y0, 10, 31)),
        (PeriodKind.QUARTER, 2): (dt.date(y0, 11, 1), dt.date(y0, 12, 31)),
        (PeriodKind.QUARTER, 3): (dt.date(y1, 1, 1), dt.date(y1, 3, 31)),
        (PeriodKind.QUARTER, 4): (dt.date(y1, 4, 1), dt.date(y1, 5, 31)),
        (PeriodKind.HALF, 1): (dt.date(y0, 9, 1), dt.date(y0, 12, 31)),
        (PeriodKind.HALF, 2): (dt.date(y1, 1, 1), dt.date(y1, 5, 31)),
        (PeriodKind.TRIMESTER, 1): (dt.date(y0, 9, 1), dt.date(y0, 11, 30)),
        (PeriodKind.TRIMESTER, 2): (dt.date(y0, 12, 1), feb_end),
        (PeriodKind.TRIMESTER, 3): (dt.date(y1, 3, 1), dt.date(y1, 5, 31)),
    }
    return table[(ref.kind, ref.number)]


# --- dates -----------------------------------------------------------------------------------
_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})(?:[./-](\d{4}|\d{2}))?\.?$")
_YEAR = re.compile(r"^(\d{4})\s*[/\-–—]\s*(\d{4}|\d{2})(?!\d)")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_school_year(text: str) -> int:
    """«2024/2025», «2024-2025», «2024/25 учебный год» → 2024 (the year it starts)."""
    match = _YEAR.match(clean(text))
    if not match:
        raise CellError(f"учебный год «{text}» не распознан (ожидается, например, 2024/2025)")
    start, end = int(match.group(1)), int(match.group(2))
    if end % 100 != (start + 1) % 100:
        raise CellError(f"учебный год «{text}»: второй год должен следовать за первым")
    return start


def year_bounds(start_year: int) -> tuple[dt.date, dt.date]:
    """The legal school year: 1 September to 31 August."""
    return dt.date(start_year, 9, 1), dt.date(start_year + 1, 8, 31)


def parse_date(value: RawCell, start_year: int, header: bool = False) -> dt.date:
    """A date cell: an Excel date, ``dd.mm`` (year taken from the school year) or ``dd.mm.yyyy``.

    In a header row a float such as ``12.09`` is what Excel made of «12.09»; an integer between
    20000 and 80000 is an Excel date serial.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if header and float(value).is_integer() and 20000 < value < 80000:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        text = f"{value:.2f}"
    else:
        text = clean(value)
    match = _DATE.match(text)
    if not match:
        raise CellError(f"«{text}» не является датой (ожидается ДД.ММ или ДД.ММ.ГГГГ)")
    day, month = int(match.group(1)), int(match.group(2))
    if match.group(3):
        year = int(match.group(3))
        year += 2000 if year < 100 else 0
    else:
        year = start_year if month >= 8 else start_year + 1
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        if 1 <= month <= 12 and 1 <= day <= 31:
            raise ImpossibleDate(f"дата «{text}» не существует") from exc
        raise CellError(f"дата «{text}» не существует") from exc


def check_in_year(day: dt.date, start_year: int, label: str) -> None:
    """Raise :class:`CellError` when ``day`` is outside the school year."""
    lo, hi = year_bounds(start_year)
    if not lo <= day <= hi:
        raise CellError(f"дата {day:%d.%m.%Y} вне учебного года {start_year}/{start_year + 1}")


# --- people ----------------------------------------------------------------------------------
def split_fio(text: str) -> tuple[str, str, str]:
    """«Фамилия Имя Отчество» → parts; in «Алиев Рашад Эльдар оглы» «Эльдар оглы» is one."""
    words = clean(text).replace(",", " ").split()
    if len(words) < 2:
        raise CellError(f"ФИО «{clean(text)}» должно содержать хотя бы фамилию и имя")
    return words[0], words[1], " ".join(words[2:])


def guess_sex(last: str, first: str, middle: str) -> Sex:
    """Sex from the patronymic (or, without one, from the surname/first-name endings)."""
    m = fold(middle)
    if m.endswith(("вич", "ьич", "ич", "оглы", "улы")):
        return Sex.MALE
    if m.endswith(("вна", "чна", "кызы", "гызы", "ична")):
        return Sex.FEMALE
    surname, name = fold(last), fold(first)
    if surname.endswith(("ова", "ева", "ёва", "ина", "ына", "ская", "цкая", "ая")):
        return Sex.FEMALE
    if (
        not surname.endswith(("ов", "ев", "ин", "ын", "ский", "цкий", "ой", "ый", "ий"))
        and name.endswith(("а", "я"))
        and name not in {"илья", "никита", "кузьма", "фома", "савва", "лука"}
    ):
        return Sex.FEMALE
    return Sex.MALE


UNKNOWN_DIRECTOR_ID = "staff-director-unknown"


def unknown_director() -> StaffMember:
    """Stands in for a director the export does not name (the snapshot requires one)."""
    return StaffMember("Директор (не указан)", "", "", id=UNKNOWN_DIRECTOR_ID, position="директор")


# --- work types ------------------------------------------------------------------------------
_WORK_TYPES: dict[str, WorkType] = {
    "работа на уроке": WorkType.CLASS,
    "ответ на уроке": WorkType.CLASS,
    "": WorkType.CLASS,
    "устный ответ": WorkType.ORAL,
    "устный опрос": WorkType.ORAL,
    "домашняя работа": WorkType.HOMEWORK,
    "домашнее задание": WorkType.HOMEWORK,
    "письменная работа": WorkType.WRITTEN,
    "самостоятельная работа": WorkType.WRITTEN,
    "диктант": WorkType.WRITTEN,
    "сочинение": WorkType.WRITTEN,
    "изложение": WorkType.WRITTEN,
    "проверочная работа": WorkType.WRITTEN,
    "контрольная работа": WorkType.TEST,
    "контрольный диктант": WorkType.TEST,
    "тест": WorkType.TEST,
    "зачет": WorkType.TEST,
    "практическая работа": WorkType.PRACTICAL,
    "лабораторная работа": WorkType.PRACTICAL,
    "проект": WorkType.PROJECT,
    "другое": WorkType.OTHER,
}


def parse_work_type(text: str) -> WorkType | None:
    """A work type from its Russian name; None when unknown."""
    return _WORK_TYPES.get(fold(text).rstrip("."))
