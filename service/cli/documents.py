"""`vedomost render`, `vedomost render-period`, `vedomost kinds`: the school's records as PDF/A."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from service.cli.progress import progress
from service.journal.snapshot import Snapshot

EXIT_INVALID_INPUT = 2


def _fail(message: str) -> None:
    click.echo(f"Ошибка: {message}", err=True)
    sys.exit(EXIT_INVALID_INPUT)


def load_snapshot_for_cli(input_path: Path | None, snapshot_id: str | None) -> Snapshot:
    """The snapshot from ``--input`` (a canonical JSON file) or from the catalog."""
    if input_path is not None:
        try:
            from service.journal.canonical import snapshot_from_dict
        except ImportError:
            _fail("чтение канонического JSON ещё не установлено (service.journal.canonical)")
        try:
            raw = json.loads(input_path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            _fail(f"{input_path.name}: не удалось прочитать JSON ({exc.__class__.__name__})")
        snapshot = snapshot_from_dict(raw)
        if not snapshot.snapshot_id:
            from dataclasses import replace

            from service.journal.canonical import snapshot_hash

            snapshot = replace(snapshot, snapshot_id=snapshot_hash(snapshot))
        return snapshot
    try:
        from service.journal import store
    except ImportError:
        _fail("каталог снимков недоступен; укажите файл журнала: --input school.json")
    snapshot = store.load_snapshot(snapshot_id) if snapshot_id else store.latest_snapshot()
    if snapshot is None:
        _fail("в каталоге нет снимков журнала; сначала импортируйте журнал или укажите --input")
    return snapshot


@click.command("render")
@click.argument("kind")
@click.option("--class", "class_id", help="Класс, например 5А.")
@click.option("--subject", help="Идентификатор предмета.")
@click.option("--group", help="Группа (подгруппа) класса.")
@click.option("--period", help="Период, например Q1.")
@click.option("--student", help="Идентификатор ученика (выписка).")
@click.option("--from", "date_from", help="Начало диапазона дат для выписки, ГГГГ-ММ-ДД.")
@click.option("--to", "date_to", help="Конец диапазона дат для выписки, ГГГГ-ММ-ДД.")
@click.option("--month", help="Месяц, ГГГГ-ММ (журнал замещений, посещаемость).")
@click.option(
    "--report",
    type=click.Choice(["accumulation", "timeliness", "attendance", "movement", "quality"]),
    help="Вид справки контроля.",
)
@click.option(
    "--payroll",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Табель оплаты замещений (CSV) для сверки.",
)
@click.option(
    "--snapshot", "snapshot_id", help="Идентификатор снимка журнала (по умолчанию последний)."
)
@click.option(
    "--input",
    "input_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Канонический JSON журнала вместо каталога.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Файл PDF.",
)
@click.option("--json", "as_json", is_flag=True, help="Описание результата в JSON.")
def render_command(
    kind: str,
    class_id: str | None,
    subject: str | None,
    group: str | None,
    period: str | None,
    student: str | None,
    date_from: str | None,
    date_to: str | None,
    month: str | None,
    report: str | None,
    payroll: Path | None,
    snapshot_id: str | None,
    input_path: Path | None,
    output: Path,
    as_json: bool,
) -> None:
    """Сформировать один документ KIND в PDF/A-3b."""
    from service.documents.kinds import get_kind, render_kind

    get_kind(kind)
    snapshot = load_snapshot_for_cli(input_path, snapshot_id)
    params = {
        "class": class_id,
        "subject": subject,
        "group": group,
        "period": period,
        "student": student,
        "from": date_from,
        "to": date_to,
        "month": month,
        "report": report,
        "payroll": str(payroll) if payroll else None,
    }
    if kind == "parent-statement" and not student and class_id:
        result = _paper_batch(snapshot, class_id, period, date_from, date_to, output)
        click.echo(
            json.dumps(result, ensure_ascii=False)
            if as_json
            else f"Выписки для {result['students']} семей на бумаге: {output} "
            f"({result['pages']} с.)"
        )
        return
    rendered = render_kind(snapshot, kind, params, output)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "kind": rendered.kind,
                    "document_id": rendered.document_id,
                    "path": str(rendered.path),
                    "pages": rendered.pages,
                    "sha256": rendered.sha256,
                },
                ensure_ascii=False,
            )
        )
    else:
        click.echo(
            f"{rendered.title}: {rendered.path} ({rendered.pages} с., {rendered.document_id})"
        )


def _paper_batch(
    snapshot: Snapshot,
    class_id: str,
    period: str | None,
    date_from: str | None,
    date_to: str | None,
    output: Path,
) -> dict[str, object]:
    from service.documents.kinds.parent_statement import render_paper_batch

    pack = render_paper_batch(snapshot, class_id, period, date_from, date_to, output)
    return {
        "kind": "parent-statement",
        "path": str(pack.path),
        "pages": pack.pages,
        "students": len(pack.starts),
    }


@click.command("render-period")
@click.option("--period", required=True, help="Период, например Q1.")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Каталог для документов.",
)
@click.option("--workers", type=int, default=None, help="Число процессов (по умолчанию — ядра).")
@click.option("--snapshot", "snapshot_id", help="Идентификатор снимка журнала.")
@click.option(
    "--input",
    "input_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Канонический JSON журнала вместо каталога.",
)
@click.option("--json", "as_json", is_flag=True, help="Список документов в JSON.")
def render_period_command(
    period: str,
    output: Path,
    workers: int | None,
    snapshot_id: str | None,
    input_path: Path | None,
    as_json: bool,
) -> None:
    """Сформировать все документы конца периода по всем классам и пакет для печати."""
    from service.documents.period_set import PRINT_PACK, render_period_set

    snapshot = load_snapshot_for_cli(input_path, snapshot_id)
    with progress("Документы", enabled=not as_json) as advance:
        result = render_period_set(snapshot, period, output, workers, advance)
    documents = result.documents
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "kind": d.kind,
                        "document_id": d.document_id,
                        "path": str(d.path),
                        "pages": d.pages,
                        "class": d.class_id,
                    }
                    for d in documents
                ],
                ensure_ascii=False,
            )
        )
    else:
        click.echo(f"Документов: {len(documents)}; пакет для печати: {output / PRINT_PACK}")
    for path, reason in result.problems:
        click.echo(f"Не сформирован {path}: {reason}", err=True)


@click.command("kinds")
@click.option("--json", "as_json", is_flag=True, help="В JSON.")
def kinds_command(as_json: bool) -> None:
    """Виды документов и их параметры."""
    from service.documents.kinds import KINDS

    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "kind": k.id,
                        "title": k.title,
                        "required": list(k.required),
                        "optional": list(k.optional),
                    }
                    for k in KINDS.values()
                ],
                ensure_ascii=False,
            )
        )
        return
    for k in KINDS.values():
        values = {name: "|".join(codes) for name, codes in k.choices}
        shown = [f"--{p} {values[p]}" if p in values else f"--{p}" for p in k.required]
        params = " ".join(shown + [f"[--{p}]" for p in k.optional])
        click.echo(f"{k.id:18} {k.title}\n{'':18} параметры: {params}")


commands: list[click.Command] = [render_command, render_period_command, kinds_command]
