"""Entry point of the ``vedomost`` command: lazy command table, catalog start-up, error mapping.

Sub-commands live in their own modules under ``service/cli/``; ``COMMANDS`` names each one with
its module and one line of help, so ``vedomost --help`` and ``vedomost kinds`` import neither
WeasyPrint nor pyHanko, Celery or minio. Django is set up only for the command that runs; the
catalog schema is created on first use of an empty database and updated by ``vedomost migrate``
(or when a migration file is not yet applied), not on every command.

Errors are turned into messages here and nowhere else: a :class:`service.errors.UserError`
prints «Ошибка: …» and exits with its code, the libraries' own errors by ``LIBRARY_ERRORS``,
anything else prints a short Russian line and leaves the traceback in the log file (exit 1).
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import sys
import traceback
from pathlib import Path
from typing import Any, NamedTuple

import click

from service import library_warnings
from service.errors import (
    EXIT_BAD_CONFIG,
    EXIT_BAD_INPUT,
    EXIT_INTERNAL,
    EXIT_NOT_FOUND,
    CatalogBusy,
    UserError,
    is_catalog_busy,
)


class Entry(NamedTuple):
    """Where a command lives (``module:attribute``), its one-line help and what it needs.

    ``needs``: ``"catalog"`` (Django and a migrated database), ``"django"`` (settings only) or
    ``"nothing"``.
    """

    target: str
    help: str
    needs: str = "catalog"


COMMANDS: dict[str, Entry] = {
    "import": Entry(
        "service.cli.journal:import_command",
        "Импортировать выгрузку журнала (JSON, таблицы или OneRoster) как снимок.",
    ),
    "snapshots": Entry(
        "service.cli.journal:snapshots_command", "Показать импортированные снимки журнала."
    ),
    "demo": Entry(
        "service.cli.journal:demo_command",
        "Создать примерную школу, импортировать её и показать, что импортировано.",
    ),
    "render": Entry(
        "service.cli.documents:render_command", "Сформировать один документ KIND в PDF/A-3b."
    ),
    "render-period": Entry(
        "service.cli.documents:render_period_command",
        "Сформировать все документы конца периода и пакет для печати.",
    ),
    "close": Entry(
        "service.cli.close:close_command",
        "Закрыть период, учебный год или месяц: сформировать, подписать, сдать в архив.",
    ),
    "kinds": Entry(
        "service.cli.documents:kinds_command", "Виды документов и их параметры.", needs="nothing"
    ),
    "serve": Entry("service.cli.web:serve", "Запустить веб-интерфейс."),
    "worker": Entry(
        "service.cli.web:worker",
        "Плановое обслуживание архива без веб-интерфейса: копии, проверки, штампы времени.",
    ),
    "sample": Entry(
        "service.cli.sample:sample",
        "Сгенерировать учебную школу в каноническом формате журнала.",
        needs="nothing",
    ),
    "sign": Entry("service.cli.signing:sign_command", "Подписать PDF (PAdES)."),
    "sign-prepare": Entry(
        "service.cli.signing:sign_prepare_command",
        "Подготовить PDF к подписи внешней программой (CryptoPro, КриптоАРМ, OpenSSL).",
    ),
    "sign-finish": Entry(
        "service.cli.signing:sign_finish_command", "Завершить отложенную подпись."
    ),
    "sign-batch": Entry("service.cli.signing:sign_batch_command", "Подписать все PDF каталога."),
    "verify": Entry("service.cli.signing:verify_command", "Проверить подписи PDF."),
    "keys": Entry("service.cli.signing:keys_group", "Ключи подписи."),
    "archive": Entry(
        "service.cli.archive:archive_group",
        "Архив: две копии, сроки хранения, целостность, резервные копии, передача.",
    ),
    "order": Entry(
        "service.cli.orders:order_command",
        "Сформировать приказ или другой документ по шаблону (DOCX и PDF/A).",
    ),
    "templates": Entry(
        "service.cli.orders:templates_group", "Шаблоны документов: список, проверка, загрузка."
    ),
    "consents": Entry(
        "service.cli.orders:consents_group", "Согласия на обработку ПДн: реестр, бланки, сканы."
    ),
    "register": Entry(
        "service.cli.orders:register_command", "Книга регистрации приказов, формат номеров."
    ),
    "converter": Entry(
        "service.cli.orders:converter_group",
        "Сервер LibreOffice для PDF/A: запуск, остановка, состояние.",
        needs="nothing",
    ),
    "migrate": Entry(
        "service.cli.main:migrate_command",
        "Создать или обновить базу данных каталога.",
        needs="django",
    ),
}

# Errors of the plain libraries (they cannot import service.errors): class path → exit code.
# The first match in this order wins, so subclasses come before their bases.
LIBRARY_ERRORS: list[tuple[str, int]] = [
    ("storage.errors.DocumentNotFound", EXIT_NOT_FOUND),
    ("storage.errors.DocumentExists", EXIT_NOT_FOUND),
    ("storage.config.StoreConfigError", EXIT_BAD_CONFIG),
    ("storage.retention.ScheduleError", EXIT_BAD_INPUT),
    ("storage.errors.StorageError", EXIT_INTERNAL),
    ("signing.errors.SigningError", EXIT_BAD_INPUT),
]

LOG_FILE = Path("logs") / "vedomost.log"  # under the data directory


def setup_django() -> None:
    """Configure Django from the environment (``VEDOMOST_*``); no database access."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "service.settings")
    import django

    django.setup()


def unapplied_migrations() -> list[str]:
    """Migration files not recorded in the catalog; every file when the database is empty.

    Cheap enough to run before every command: one directory listing per app and one query,
    instead of Django's migration loader, which imports every migration module.
    """
    from django.apps import apps
    from django.db import connection

    on_disk = set()
    for app in apps.get_app_configs():
        folder = Path(app.path) / "migrations"
        if folder.is_dir():
            on_disk |= {(app.label, p.stem) for p in folder.glob("[0-9]*.py") if p.is_file()}
    if "django_migrations" not in connection.introspection.table_names():
        return sorted(f"{a}.{n}" for a, n in on_disk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        applied = set(cursor.fetchall())
    return sorted(f"{a}.{n}" for a, n in on_disk - applied)


def migrate() -> None:
    """Create or update the catalog schema (Django's own English report is not shown)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def ensure_catalog() -> None:
    """Migrate when the database is empty or a migration is new; otherwise do nothing."""
    pending = unapplied_migrations()
    if pending:
        click.echo(f"Подготовка базы данных каталога (миграций: {len(pending)})…", err=True)
        migrate()


@click.command("migrate")
def migrate_command() -> None:
    """Создать или обновить базу данных каталога (миграции)."""
    pending = unapplied_migrations()
    migrate()
    if pending:
        click.echo(f"Применено миграций: {len(pending)}.")
    click.echo("База данных каталога в актуальном состоянии.")


def _library_exit_code(exc: BaseException) -> int | None:
    names = {f"{k.__module__}.{k.__qualname__}" for k in type(exc).__mro__}
    for name, code in LIBRARY_ERRORS:
        if name in names:
            return code
    return None


def _load(target: str) -> click.Command:
    module_name, attr = target.split(":")
    command: click.Command = getattr(importlib.import_module(module_name), attr)
    return command


def _unlisted(name: str) -> click.Command | None:
    """A command a module exports in ``commands`` but ``COMMANDS`` does not list yet."""
    setup_django()
    for module_name in sorted({e.target.split(":")[0] for e in COMMANDS.values()}):
        for command in getattr(importlib.import_module(module_name), "commands", []):
            if command.name == name:
                return command
    return None


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command runs.

    ``--help`` lists the one-line help from ``COMMANDS`` without importing anything. Before the
    module is imported, Django is set up and, when the group runs from :func:`main`, the
    catalog schema is checked (``ctx.obj.prepare_catalog``).
    """

    _help_only = False  # the command line asks only for a command's help

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return _unlisted(cmd_name)
        if entry.needs != "nothing":
            setup_django()
        if entry.needs == "catalog":
            startup = ctx.find_object(Startup)
            if startup is not None and startup.prepare_catalog and not self._help_only:
                ensure_catalog()
        return _load(entry.target)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        # `vedomost archive --help` only shows help: no reason to create the catalog for it.
        self._help_only = any(a in ctx.help_option_names for a in args[1:])
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name].help) for name in sorted(COMMANDS)]
        with formatter.section("Команды"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            click.echo(f"{exc.heading}: {exc.user_message()}", err=True)
            ctx.exit(exc.exit_code)
        except Exception as exc:
            if is_catalog_busy(exc):  # another process writing: a wait, not a bug
                busy = CatalogBusy()
                click.echo(f"{busy.heading}: {busy.user_message()}", err=True)
                ctx.exit(busy.exit_code)
            code = _library_exit_code(exc)
            if code is None:
                raise
            click.echo(f"Ошибка: {exc}", err=True)
            ctx.exit(code)


class Startup(NamedTuple):
    """What :func:`main` asks of the group before a command runs."""

    prepare_catalog: bool


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Vedomost: школьный журнал — импорт, документы, подписи, архив."""


def _register() -> None:
    """Load every command now (tests and documentation that need the click objects)."""
    for name, entry in COMMANDS.items():
        cli.add_command(_load(entry.target), name)


def _log_internal_error() -> Path | None:
    """Append the current traceback to the log file; its path, or None if it cannot be written."""
    from service.config import env_path

    try:
        from django.conf import settings

        data_dir = Path(settings.DATA_DIR) if settings.configured else None
    except Exception:  # settings themselves failed to load
        data_dir = None
    try:
        path = (data_dir or env_path("DATA_DIR", Path.cwd() / "var")) / LOG_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(f"{dt.datetime.now().astimezone().isoformat()} vedomost {sys.argv[1:]}\n")
            log.write(traceback.format_exc())
        return path
    except Exception:
        return None


def main(argv: list[str] | None = None) -> None:
    """Run the command line; used by the ``vedomost`` console script."""
    library_warnings.quiet()
    try:
        cli.main(args=argv, prog_name="vedomost", obj=Startup(prepare_catalog=True))
    except UserError as exc:  # raised while the settings load, before any command runs
        click.echo(f"{exc.heading}: {exc.user_message()}", err=True)
        sys.exit(exc.exit_code)
    except Exception:
        path = _log_internal_error()
        where = f": {path}" if path else ""
        click.echo(
            f"Внутренняя ошибка программы. Подробности в журнале{where}. "
            "Сообщите о ней администратору.",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()
