"""Gather the files of an import safely: a single file, a folder, or a zip archive.

Everything is read into memory after checks, so a refused archive leaves nothing behind. The checks
cover zip slip (``../``, absolute paths, drive letters), symlinks, encrypted entries, too many
files, absurd declared or actual uncompressed sizes and compression ratios (zip bombs), and files
that are not what their name claims.
"""

from __future__ import annotations

import io
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from service.config import import_limits
from service.journal.errors import ProblemCollector

MAX_FILES = 2000  # entries of one archive or folder
MAX_RATIO = 200  # uncompressed / compressed, for entries bigger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
_CHUNK = 1024 * 1024

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc (Office 97–2003)


@dataclass(frozen=True, slots=True)
class InputFile:
    """One file of an import: its name as the user knows it (no server paths) and bytes."""

    name: str
    data: bytes

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix.lower()

    @property
    def stem(self) -> str:
        return PurePosixPath(self.name).stem


@dataclass(frozen=True, slots=True)
class Limits:
    """Size limits of one import: the configured ones (``VEDOMOST_IMPORT_*``) unless given.

    Attributes:
        total_bytes: uncompressed bytes of one import.
        files: entries of one archive or folder.
        ratio: uncompressed / compressed size of one zip entry bigger than ``RATIO_FLOOR``.
        cell_chars: characters of one CSV or XLSX cell.
        xlsx_cells: cells written in the sheets of one workbook.
        sheet_rows: the last sheet row a value may stand in.
        sheet_columns: the last sheet column a value may stand in.
    """

    total_bytes: int = field(default_factory=lambda: import_limits().max_bytes)
    files: int = MAX_FILES
    ratio: int = MAX_RATIO
    cell_chars: int = field(default_factory=lambda: import_limits().max_cell_chars)
    xlsx_cells: int = field(default_factory=lambda: import_limits().max_xlsx_cells)
    sheet_rows: int = field(default_factory=lambda: import_limits().max_sheet_rows)
    sheet_columns: int = field(default_factory=lambda: import_limits().max_sheet_columns)


def _mb(size: int) -> str:
    return f"{size // (1024 * 1024)} МБ" if size >= 1024 * 1024 else f"{size} байт"


def _skipped(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return any(p.startswith(".") or p == "__MACOSX" for p in parts) or name.endswith("/")


def _entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name; old Windows zips store Russian names in cp866 without the UTF-8 flag."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("cp866")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _unsafe_name(name: str) -> str | None:
    """Why an archive member name is unsafe, or None."""
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "абсолютный путь внутри архива — архив отклонён"
    parts = name.replace("\\", "/").split("/")
    if ".." in parts:
        return "путь ведёт за пределы архива («../») — архив отклонён"
    return None


def check_zip(
    data: bytes, name: str, problems: ProblemCollector, limits: Limits, what: str = "архив"
) -> zipfile.ZipFile | None:
    """Open ``data`` as a zip after checking its directory; None (problems added) if refused."""
    if not data:
        problems.add(name, "", "", "файл пуст")
        return None
    if not data.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        problems.add(
            name,
            "",
            "",
            f"файл не является {what}ом ZIP"
            if what == "архив"
            else "файл не является книгой Excel (XLSX): внутри не ZIP-контейнер",
        )
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        broken = "архив повреждён" if what == "архив" else "книга Excel повреждена"
        problems.add(name, "", "", f"{broken} и не читается ({type(exc).__name__})")
        return None
    before = len(problems.problems)
    if len(infos) > limits.files:
        problems.add(
            name, "", "", f"{what} содержит {len(infos)} файлов, допустимо не больше {limits.files}"
        )
    declared = 0
    for info in infos:
        member = _entry_name(info)
        reason = _unsafe_name(member)
        if reason:
            problems.add(name, f"файл «{member}»", "", reason)
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            problems.add(
                name, f"файл «{member}»", "", "символьная ссылка внутри архива — архив отклонён"
            )
            continue
        if info.flag_bits & 0x1:
            problems.add(name, f"файл «{member}»", "", "файл зашифрован паролем — не читается")
            continue
        declared += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > limits.ratio * max(
            info.compress_size, 1
        ):
            problems.add(
                name,
                f"файл «{member}»",
                "",
                f"степень сжатия {info.file_size // max(info.compress_size, 1)}:1 — "
                "похоже на zip-бомбу, архив отклонён",
            )
    if declared > limits.total_bytes:
        problems.add(
            name,
            "",
            "",
            f"распакованный размер {_mb(declared)} больше допустимых "
            f"{_mb(limits.total_bytes)} — архив отклонён",
        )
    if len(problems.problems) > before or problems.full:
        return None
    return archive


def read_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    name: str,
    problems: ProblemCollector,
    budget: int,
) -> bytes | None:
    """Read one entry, counting the actual bytes against ``budget`` (declared sizes can lie)."""
    out = bytearray()
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                out += chunk
                if len(out) > budget:
                    problems.add(
                        name, "", "", "распакованный размер больше допустимого — архив отклонён"
                    )
                    return None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        problems.add(name, "", "", f"файл в архиве повреждён и не читается ({type(exc).__name__})")
        return None
    return bytes(out)


def files_from_zip(
    data: bytes, name: str, problems: ProblemCollector, limits: Limits
) -> list[InputFile]:
    """The regular files of a zip archive, checked; [] with problems when refused."""
    archive = check_zip(data, name, problems, limits)
    if archive is None:
        return []
    files: list[InputFile] = []
    budget = limits.total_bytes
    with archive:
        for info in archive.infolist():
            member = _entry_name(info)
            if info.is_dir() or _skipped(member):
                continue
            content = read_member(archive, info, f"{name}: {member}", problems, budget)
            if content is None:
                return []
            budget -= len(content)
            files.append(InputFile(member, content))
    return files


def files_from_folder(folder: Path, problems: ProblemCollector, limits: Limits) -> list[InputFile]:
    """The regular files under ``folder`` (hidden files skipped, symlinks refused)."""
    files: list[InputFile] = []
    total = 0
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if _skipped(rel):
            continue
        if path.is_symlink():
            problems.add(rel, "", "", "символьная ссылка — не читается")
            continue
        if not path.is_file():
            continue
        if len(files) >= limits.files:
            problems.add(folder.name, "", "", f"в папке больше {limits.files} файлов")
            return []
        size = path.stat().st_size
        total += size
        if total > limits.total_bytes:
            problems.add(folder.name, "", "", f"файлы занимают больше {_mb(limits.total_bytes)}")
            return []
        files.append(InputFile(rel, path.read_bytes()))
    return files


def gather(path: Path, problems: ProblemCollector, limits: Limits | None = None) -> list[InputFile]:
    """All files of an import at ``path`` (a folder, a ``.zip``, or one file), safely read."""
    limits = limits or Limits()
    if path.is_dir():
        return files_from_folder(path, problems, limits)
    if not path.is_file():
        problems.add(path.name, "", "", "файл не найден")
        return []
    size = path.stat().st_size
    if size > limits.total_bytes:
        problems.add(path.name, "", "", f"файл больше {_mb(limits.total_bytes)}")
        return []
    data = path.read_bytes()
    if path.suffix.lower() == ".zip":
        return files_from_zip(data, path.name, problems, limits)
    return [InputFile(path.name, data)]
