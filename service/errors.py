"""The one base of errors a person can act on: a Russian message and the exit code of the CLI.

Raise a subclass of :class:`UserError` for anything the user can fix (bad input, a missing
document, a wrong setting); ``str(error)`` is the Russian text shown as is, so it names no
personal data and no internals. The CLI prints it as «Ошибка: …» and exits with ``exit_code``
(``service/cli/main.py``); the web shows it as a Russian error page
(``service/web/views/errors.py``). Anything else is a bug: the CLI logs its traceback and says
«Внутренняя ошибка», the web answers 500.

Exit codes of ``vedomost``:

====  =====================================================================
0     done
1     internal error (a bug; the traceback is in the log) or a failed check
      the command reports itself (e.g. an invalid signature, a broken audit)
2     bad input: a file, an argument or a parameter cannot be used
3     bad configuration: a ``VEDOMOST_*`` variable or a store setting
4     not found or conflict: no such document or snapshot, it already exists,
      a target is not empty
75    the catalog is busy (another process holds its write lock): try again
====  =====================================================================
"""

from __future__ import annotations

from typing import ClassVar

EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_BAD_CONFIG = 3
EXIT_NOT_FOUND = 4
EXIT_CATALOG_BUSY = 75  # EX_TEMPFAIL: nothing was changed, try again later


class UserError(Exception):
    """An error the user can act on; ``str(error)`` is its Russian message.

    Subclasses set ``exit_code`` (one of the ``EXIT_*`` codes above) and, where the first
    word of the CLI line should differ from «Ошибка», ``heading``.
    """

    exit_code: ClassVar[int] = EXIT_BAD_INPUT
    heading: ClassVar[str] = "Ошибка"
    http_status: ClassVar[int] = 400

    def user_message(self) -> str:
        """The Russian text shown to the user (the exception's own text)."""
        return str(self)


class NotFoundError(UserError):
    """What was asked for does not exist (a document, a snapshot, a job)."""

    exit_code = EXIT_NOT_FOUND
    http_status = 404


class ConflictError(UserError):
    """The request contradicts what is stored (already exists, target not empty, refused)."""

    exit_code = EXIT_NOT_FOUND
    http_status = 409


CATALOG_BUSY_MESSAGE = (
    "Каталог занят, повторите через минуту: другой процесс (импорт, выпуск документов) "
    "сейчас записывает в него. Ничего не изменено."
)


class CatalogBusy(UserError):
    """The embedded catalog stayed locked by another writer longer than its busy timeout."""

    exit_code = EXIT_CATALOG_BUSY
    http_status = 503

    def __init__(self, message: str = CATALOG_BUSY_MESSAGE) -> None:
        super().__init__(message)


def is_catalog_busy(error: BaseException) -> bool:
    """Whether ``error`` is SQLite's «database is locked» (or «busy»): a wait, not a bug."""
    from django.db import OperationalError

    text = str(error).lower()
    return isinstance(error, OperationalError) and (
        "database is locked" in text or "database table is locked" in text or "busy" in text
    )
