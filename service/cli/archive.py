"""``vedomost archive …``: put, get, list, audit, status, backup, restore, export, disposal, log."""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any, NoReturn

import click

EXIT_INVALID_INPUT = 2
EXIT_PROBLEMS = 1
STATE_LABELS = {
    "archived": "в архиве",
    "pending_replication": "ожидает репликации",
    "disposed": "уничтожен",
}


def _archive():  # type: ignore[no-untyped-def]
    from service.archive.wiring import get_archive

    return get_archive()


def _fail(message: str, code: int = EXIT_INVALID_INPUT) -> NoReturn:
    click.echo(f"Ошибка: {message}", err=True)
    sys.exit(code)


def _emit(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _entry_dict(entry: Any) -> dict[str, Any]:
    data = asdict(entry)
    data["extra"] = dict(entry.extra)
    return data


def _parse_meta(pairs: tuple[str, ...]) -> dict[str, str]:
    result = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            _fail(f"параметр --meta должен иметь вид ключ=значение, получено {pair!r}")
        result[key.strip()] = value.strip()
    return result


@click.group("archive")
def archive_group() -> None:
    """Архив: две копии, сроки хранения, проверка целостности, резервные копии, передача."""


@archive_group.command("put")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", required=True, help="Вид документа (например, journal-printout).")
@click.option(
    "--meta",
    "meta_pairs",
    multiple=True,
    help="Метаданные ключ=значение: document_id, school, year, class, period, snapshot_id, signer.",
)
@click.option(
    "--reason", default="", help="Причина исправления (сохраняет новую версию документа)."
)
@click.option("--author", default="", help="Кто исправил.")
@click.option("--json", "as_json", is_flag=True, help="Вывод в JSON.")
def put_command(
    file: Path, kind: str, meta_pairs: tuple[str, ...], reason: str, author: str, as_json: bool
) -> None:
    """Поместить файл в архив (в оба хранилища)."""
    from storage.archive import DocumentMetadata

    values = _parse_meta(meta_pairs)
    values.setdefault("document_id", file.stem)
    values.setdefault("extension", file.suffix.lstrip(".") or "bin")
    archive = _archive()
    try:
        metadata = DocumentMetadata.from_mapping(values)
        if reason:
            entry = archive.correct(
                metadata.document_id, file, reason=reason, author=author, metadata=metadata
            )
        else:
            entry = archive.archive(file, metadata, kind, actor=author)
    except ValueError as exc:  # a --meta value DocumentMetadata cannot use
        _fail(str(exc))
    if as_json:
        _emit(_entry_dict(entry))
        return
    click.echo(
        f"Документ {entry.document_id} версия {entry.version}: {STATE_LABELS[entry.state]}, "
        f"SHA-256 {entry.sha256}"
    )
    if entry.state != "archived":
        click.echo("Внимание: одна из копий будет записана, когда хранилище станет доступно.")


@archive_group.command("get")
@click.argument("document_id")
@click.option("--version", type=int, default=None, help="Номер версии (по умолчанию последняя).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def get_command(document_id: str, version: int | None, output: Path) -> None:
    """Получить документ из архива (проверенная копия)."""
    archive = _archive()
    data = archive.read(document_id, version)
    with open(output, "wb") as out:
        shutil.copyfileobj(data, out)
    data.close()
    click.echo(f"Сохранено в {output}")


@archive_group.command("ls")
@click.option("--kind", default="")
@click.option("--school", default="")
@click.option("--year", default="")
@click.option("--class", "class_id", default="")
@click.option("--period", default="")
@click.option("--document", "document_id", default="")
@click.option(
    "--state", type=click.Choice(["", "archived", "pending_replication", "disposed"]), default=""
)
@click.option("--json", "as_json", is_flag=True)
def ls_command(as_json: bool, **filters: str) -> None:
    """Список документов в архиве."""
    from storage.catalog import EntryFilter

    entries = list(_archive().catalog.list_entries(EntryFilter(**filters)))
    if as_json:
        _emit([_entry_dict(e) for e in entries])
        return
    for e in entries:
        until = (
            "постоянно"
            if e.legal_hold
            else (e.retain_until.date().isoformat() if e.retain_until else "—")
        )
        click.echo(
            f"{e.document_id}\tv{e.version}\t{e.kind}\t{e.year}\t{e.class_id}\t{e.period}\t"
            f"{STATE_LABELS.get(e.state, e.state)}\tхранить до {until}"
        )
    click.echo(f"Всего: {len(entries)}")


@archive_group.command("audit")
@click.option("--full", is_flag=True, help="Проверить весь архив.")
@click.option(
    "--sample", type=click.IntRange(min=1), default=None, help="Проверить следующие N документов."
)
@click.option("--repair", is_flag=True, help="Восстановить повреждённые копии из исправных.")
@click.option("--json", "as_json", is_flag=True)
def audit_command(full: bool, sample: int | None, repair: bool, as_json: bool) -> None:
    """Проверка целостности: перечитать обе копии и сверить с каталогом."""
    from service.cli.progress import progress
    from storage.fixity import STATUS_LABELS, BothCopiesBadError, FixityReport, audit

    if full and sample:
        _fail("укажите либо --full, либо --sample N")
    archive = _archive()
    code = 0
    try:
        with progress("Проверка документов", enabled=not as_json) as advance:
            report: FixityReport = audit(
                archive,
                sample=None if full or not sample else sample,
                repair=repair,
                progress=advance,
            )
    except BothCopiesBadError as exc:
        click.echo(f"ТРЕВОГА: {exc}", err=True)
        report, code = exc.report, EXIT_PROBLEMS
    if as_json:
        _emit(asdict(report))
    else:
        click.echo(
            f"Проверено документов: {report.checked}; прочитано: A {report.bytes_read['A']} байт, "
            f"B {report.bytes_read['B']} байт"
        )
        for f in report.findings:
            state = "восстановлена" if f.repaired else "НЕ восстановлена"
            problem = STATUS_LABELS.get(f.problem, f.problem)
            click.echo(f"  {f.document_id}: копия {f.letter} — {problem}, {state}")
        for u in report.unknown:
            click.echo(
                f"  неизвестный объект в хранилище {u.letter}: {u.key} (версия {u.version_id})"
            )
        for letter in report.unavailable:
            click.echo(f"  хранилище {letter} недоступно")
        if report.clean:
            click.echo("Нарушений не найдено.")
    if code or any(not f.repaired for f in report.findings) or report.unavailable or report.unknown:
        sys.exit(code or EXIT_PROBLEMS)


@archive_group.command("status")
@click.option("--json", "as_json", is_flag=True)
def status_command(as_json: bool) -> None:
    """Состояние архива: документы по состояниям, ожидающие репликации, последняя проверка."""
    from service.archive.wiring import store_placement_warning

    status = _archive().status()
    last = json.loads(status.last_audit) if status.last_audit else None
    placement = store_placement_warning()
    if as_json:
        _emit({"counts": dict(status.counts), "last_audit": last, "placement_warning": placement})
        return
    if placement:
        click.echo(f"ВНИМАНИЕ: {placement}", err=True)
    for state, label in STATE_LABELS.items():
        click.echo(f"{label}: {status.counts.get(state, 0)}")
    if last:
        click.echo(
            f"Последняя проверка: {last['finished']}, проверено {last['checked']}, "
            f"нарушений {last['findings']}, восстановлено {last['repaired']}"
        )
    else:
        click.echo("Проверок целостности ещё не было.")


@archive_group.command("replicate")
def replicate_command() -> None:
    """Дописать недостающие копии документов, ожидающих репликации."""
    report = _archive().replicate_pending()
    click.echo(f"Реплицировано: {len(report.replicated)}; ожидают: {len(report.still_pending)}")
    if report.still_pending:
        sys.exit(EXIT_PROBLEMS)


@archive_group.command("backup")
def backup_command() -> None:
    """Резервная копия каталога в оба хранилища (с ротацией)."""
    from service.archive.dbdump import dump_database, engine_name
    from service.cli.progress import progress
    from storage.backup import backup_catalog

    with progress("Резервная копия") as advance:
        entry = backup_catalog(_archive(), dump_database, engine=engine_name(), progress=advance)
    click.echo(f"Резервная копия {entry.document_id} ({entry.size} байт) сохранена")


@archive_group.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(file: Path) -> None:
    """Восстановить каталог из резервной копии в пустую базу данных."""
    from service.archive.dbdump import restore_database

    restore_database(file)
    _archive().record("restore", file=file.name)
    click.echo("Каталог восстановлен")


@archive_group.command("export")
@click.option("--year", required=True, help="Учебный год, например 2025/2026.")
@click.option("--kind", "kinds", multiple=True)
@click.option("--school", default="")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True)
def export_command(year: str, kinds: tuple[str, ...], school: str, output: Path) -> None:
    """Пакет BagIt с описью (CSV и PDF) для передачи в муниципальный архив."""
    from storage.bagit_export import export_bag

    try:
        result = export_bag(_archive(), output, year=year, kinds=kinds, school=school)
    except FileExistsError as exc:
        _fail(str(exc))
    click.echo(
        f"Пакет {result.bag_dir}: {len(result.rows)} документов, "
        "опись inventory.csv и inventory.pdf"
    )


@archive_group.command("disposal-act")
@click.option("--year", default="", help="Учебный год документов (по умолчанию — все).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def disposal_act_command(year: str, output: Path | None) -> None:
    """Составить акт о выделении к уничтожению документов с истёкшим сроком хранения."""
    from storage.disposal import draft_act

    archive = _archive()
    act = draft_act(archive, year=year)
    if output:
        data = archive.read(act.act_id)
        output.write_bytes(data.read())
    click.echo(
        f"Акт {act.act_id}: {len(act.items)} документов. Удаление — после утверждения: "
        f"vedomost archive dispose {act.act_id} --approved-by …"
    )


@archive_group.command("dispose")
@click.argument("act_id")
@click.option("--approved-by", required=True, help="Кто утвердил акт.")
def dispose_command(act_id: str, approved_by: str) -> None:
    """Уничтожить документы по утверждённому акту (кроме заблокированных)."""
    from storage.disposal import dispose

    try:
        result = dispose(_archive(), act_id, approved_by=approved_by)
    except ValueError as exc:  # no such act, or not approvable
        _fail(str(exc))
    click.echo(f"Уничтожено: {len(result.deleted)}; отказано: {len(result.refused)}")
    for line in result.refused:
        click.echo(f"  {line}")


@archive_group.command("schedule")
def schedule_command() -> None:
    """График сроков хранения (основания, помеченные «основание уточнить»)."""
    for rule in _archive().schedule.rules.values():
        click.echo(f"{rule.kind}\t{rule.period_label}\t{rule.basis}\t[{rule.status_label}]")


@archive_group.group("log")
def log_group() -> None:
    """Журнал событий архива."""


@log_group.command("verify")
def log_verify_command() -> None:
    """Проверить цепочку хешей журнала событий."""
    from storage.auditlog import verify_log

    catalog = _archive().catalog
    result = verify_log(catalog.iter_events(), catalog.chain_head())
    for problem in result.problems:
        click.echo(problem, err=True)
    if not result.ok:
        click.echo(f"Журнал НАРУШЕН: проверено событий {result.checked}", err=True)
        sys.exit(EXIT_PROBLEMS)
    click.echo(f"Журнал цел: проверено событий {result.checked}")


commands: list[click.Command] = [archive_group]
