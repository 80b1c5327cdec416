"""Read the CSV files of a OneRoster 1.2 package: manifest, tolerant headers, dates and statuses."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from service.journal.adapters.csvsniff import NotCsv, iter_csv
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


_LOWER: dict[str, str] = {}  # column name → lower case (Row.get is called a lot)


class BadDate(ValueError):
    """A date cell cannot be read."""


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its cells, the file's column index (shared), and its line for messages."""

    file: str
    line: int
    cells: tuple[str, ...]
    index: dict[str, int]  # lower-case column name → position; one dict per file

    def get(self, column: str) -> str:
        key = _LOWER.get(column)
        if key is None:
            key = _LOWER[column] = column.lower()
        position = self.index.get(key)
        if position is None or position >= len(self.cells):
            return ""
        return self.cells[position]

    @property
    def id(self) -> str:
        return self.get("sourcedid")

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


@functools.lru_cache(maxsize=4096)  # exports repeat the same stamps a lot
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
        text = iter_csv(file.data)
    except NotCsv as exc:
        problems.add(file.name, exc.location, exc.field, str(exc))
        return None
    try:
        lines = ((n, r) for n, r in text.rows if "".join(r).strip())
        first = next(lines, None)
        if first is None:
            problems.add(file.name, "", "", "файл пуст: нет даже строки заголовков")
            return None
        header = [_key(c) for c in first[1]]
        missing = [c for c in FILES.get(stem, ()) if c not in header]
        if missing:
            problems.add(
                file.name,
                "строка 1",
                "",
                "нет обязательных столбцов: " + ", ".join(f"«{c}»" for c in missing),
            )
            return None
        index = {h: i for i, h in reversed(list(enumerate(header)))}  # first column wins
        status_at, id_at = index.get("status"), index.get("sourcedid")
        out: list[Row] = []
        seen: dict[str, int] = {}
        for line, raw in lines:
            cells = tuple(c.strip() for c in raw)
            if status_at is not None and status_at < len(cells) and cells[status_at]:
                if fold_status(cells[status_at]) == "tobedeleted":
                    continue
            row = Row(file.name, line, cells, index)
            if id_at is not None:
                ident = cells[id_at] if id_at < len(cells) else ""
                if not ident:
                    problems.add(file.name, row.where(), "sourcedId", "идентификатор не указан")
                    continue
                if ident in seen:
                    problems.add(
                        file.name,
                        row.where(),
                        "sourcedId",
                        f"идентификатор «{ident}» повторяет строку {seen[ident]}",
                    )
                    continue
                seen[ident] = line
            out.append(row)
    except NotCsv as exc:
        problems.add(file.name, exc.location, exc.field, str(exc))
        return None
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
        found = by_stem.get(stem)
        name = f"{proper}.csv"
        if mode == "absent":
            if found is not None:
                warnings.add(
                    found.name, "", "", "файл отмечен в manifest.csv как absent и не читается"
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
        if found is None:
            problems.add(
                name, "", "", f"файл указан в manifest.csv как {mode}, но его нет в выгрузке"
            )
            continue
        if mode == "delta":
            warnings.add(
                found.name, "", "", "разностная выгрузка (delta) читается как полная (bulk)"
            )
        rows = _table(found, stem, problems, warnings)
        if rows is not None:
            tables[stem], names[stem] = rows, found.name
    for stem, file in by_stem.items():
        if stem not in PROPER_NAMES:
            warnings.add(file.name, "", "", "файл не используется при импорте журнала")
    if problems:
        return None
    return Package(tables, manifest, names)
