"""Read the CSV files of a OneRoster 1.2 package: manifest, tolerant headers, dates and statuses."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from service.journal.adapters.csvsniff import NotCsv, read_csv
from service.journal.adapters.inputfiles import InputFile
from service.journal.adapters.report import WarningCollector
from service.journal.errors import ProblemCollector

# file name stem → columns we need (lower case); other columns are ignored.
FILES: dict[str, tuple[str, ...]] = {
    "manifest": ("propertyname", "value"),
    "orgs": ("sourcedid", "name", "type"),
    "academicsessions": ("sourcedid", "title", "type", "startdate", "enddate"),
    "courses": ("sourcedid", "title"),
    "classes": ("sourcedid", "title", "classtype"),
    "users": ("sourcedid", "givenname", "familyname"),
    "roles": ("userSourcedId".lower(), "role"),
    "enrollments": ("sourcedid", "classsourcedid", "usersourcedid", "role"),
    "demographics": ("sourcedid",),
    "categories": ("sourcedid", "title"),
    "lineitems": ("sourcedid", "title", "classsourcedid"),
    "results": ("sourcedid", "lineitemsourcedid", "studentsourcedid"),
}
REQUIRED = ("orgs", "academicsessions", "classes", "users", "enrollments")
PROPER_NAMES = {
    "orgs": "orgs",
    "academicsessions": "academicSessions",
    "courses": "courses",
    "classes": "classes",
    "users": "users",
    "roles": "roles",
    "enrollments": "enrollments",
    "demographics": "demographics",
    "categories": "categories",
    "lineitems": "lineItems",
    "results": "results",
}
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})$")
_RU_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})$")


class BadDate(ValueError):
    """A date cell cannot be read."""


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: values by lower-case column name, and its line number for messages."""

    file: str
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column.lower(), "")

    @property
    def id(self) -> str:
        return self.get("sourcedId")

    def where(self) -> str:
        return f"строка {self.line}"


@dataclass(frozen=True, slots=True)
class Package:
    """The readable files of a OneRoster package by lower-case stem, with the manifest's values."""

    tables: dict[str, list[Row]]
    manifest: dict[str, str]
    names: dict[str, str]  # stem → file name as shown to the user

    def rows(self, stem: str) -> list[Row]:
        return self.tables.get(stem, [])

    def has(self, stem: str) -> bool:
        return stem in self.tables


def _key(column: str) -> str:
    return column.strip().lstrip("\ufeff").replace(" ", "").replace("_", "").lower()


def parse_date(text: str) -> dt.date:
    """A date: ISO (``2023-05-01``, with a time or not), US ``1/05/2023`` or ``05.01.2023``."""
    text = text.strip()
    if not text:
        raise BadDate("дата не указана")
    try:
        if "T" in text or " " in text:
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    for pattern, us in ((_US_DATE, True), (_RU_DATE, False)):
        match = pattern.match(text)
        if not match:
            continue
        a, b, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        year += 2000 if year < 100 else 0
        month, day = (a, b) if us and a <= 12 else (b, a)
        try:
            return dt.date(year, month, day)
        except ValueError as exc:
            raise BadDate(f"дата «{text}» не существует") from exc
    raise BadDate(f"«{text}» не является датой (ожидается ГГГГ-ММ-ДД или М/Д/ГГГГ)")


def parse_moment(text: str) -> dt.datetime | None:
    """An ISO 8601 moment with a time zone, or None when absent or without a time."""
    text = text.strip()
    if "T" not in text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _table(
    file: InputFile, stem: str, problems: ProblemCollector, warnings: WarningCollector
) -> list[Row] | None:
    try:
        text = read_csv(file.data)
    except NotCsv as exc:
        problems.add(file.name, "", "", str(exc))
        return None
    rows = [r for r in text.rows if any(c.strip() for c in r)]
    if not rows:
        problems.add(file.name, "", "", "файл пуст: нет даже строки заголовков")
        return None
    header = [_key(c) for c in rows[0]]
    missing = [c for c in FILES.get(stem, ()) if c not in header]
    if missing:
        problems.add(
            file.name,
            "строка 1",
            "",
            "нет обязательных столбцов: " + ", ".join(f"«{c}»" for c in missing),
        )
        return None
    out: list[Row] = []
    seen: dict[str, int] = {}
    for line, cells in enumerate(text.rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        values = {header[i]: c.strip() for i, c in enumerate(cells) if i < len(header)}
        row = Row(file.name, line, values)
        if fold_status(row.get("status")) == "tobedeleted":
            continue
        if "sourcedid" in header:
            if not row.id:
                problems.add(file.name, row.where(), "sourcedId", "идентификатор не указан")
                continue
            if row.id in seen:
                problems.add(
                    file.name,
                    row.where(),
                    "sourcedId",
                    f"идентификатор «{row.id}» повторяет строку {seen[row.id]}",
                )
                continue
            seen[row.id] = line
        out.append(row)
    return out


def fold_status(text: str) -> str:
    return text.strip().lower().replace(" ", "")


def read_package(
    files: list[InputFile], problems: ProblemCollector, warnings: WarningCollector
) -> Package | None:
    """Find ``manifest.csv`` (at the top or in one folder) and read the files it declares."""
    by_stem: dict[str, InputFile] = {}
    manifest_file = None
    for file in files:
        path = PurePosixPath(file.name)
        if path.suffix.lower() != ".csv":
            continue
        stem = path.stem.lower()
        if stem == "manifest":
            if manifest_file is None or len(path.parts) < len(
                PurePosixPath(manifest_file.name).parts
            ):
                manifest_file = file
            continue
        by_stem.setdefault(stem, file)
    if manifest_file is None:
        problems.add("manifest.csv", "", "", "нет файла manifest.csv — это не выгрузка OneRoster")
        return None
    manifest_rows = _table(manifest_file, "manifest", problems, warnings)
    if manifest_rows is None:
        return None
    manifest = {r.get("propertyName").lower(): r.get("value") for r in manifest_rows}
    version = manifest.get("oneroster.version", "")
    if version and not version.startswith(("1.2", "1.1")):
        warnings.add(
            manifest_file.name,
            "",
            "oneroster.version",
            f"версия OneRoster {version} не проверялась; читается как 1.2",
        )
    tables: dict[str, list[Row]] = {}
    names: dict[str, str] = {}
    for stem, proper in PROPER_NAMES.items():
        mode = manifest.get(f"file.{proper}".lower(), "absent").strip().lower()
        file = by_stem.get(stem)
        name = f"{proper}.csv"
        if mode == "absent":
            if file is not None:
                warnings.add(
                    file.name, "", "", "файл отмечен в manifest.csv как absent и не читается"
                )
            if stem in REQUIRED:
                problems.add(
                    manifest_file.name,
                    "",
                    f"file.{proper}",
                    f"файл {name} обязателен для импорта журнала, а отмечен как absent",
                )
            continue
        if mode not in ("bulk", "delta"):
            problems.add(
                manifest_file.name,
                "",
                f"file.{proper}",
                f"значение «{mode}» недопустимо (bulk, delta или absent)",
            )
            continue
        if file is None:
            problems.add(
                name, "", "", f"файл указан в manifest.csv как {mode}, но его нет в выгрузке"
            )
            continue
        if mode == "delta":
            warnings.add(
                file.name, "", "", "разностная выгрузка (delta) читается как полная (bulk)"
            )
        rows = _table(file, stem, problems, warnings)
        if rows is not None:
            tables[stem], names[stem] = rows, file.name
    for stem, file in by_stem.items():
        if stem not in PROPER_NAMES:
            warnings.add(file.name, "", "", "файл не используется при импорте журнала")
    if problems:
        return None
    return Package(tables, manifest, names)
