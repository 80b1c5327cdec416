"""Commands for journal data: ``import``, ``snapshots``, ``demo``."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import click

from service.cli.progress import progress
from service.journal.adapters import FORMAT_NAMES
from service.journal.errors import InvalidInput

EXIT_INVALID_INPUT = 2
EXIT_CATALOG_BUSY = 75  # EX_TEMPFAIL: try again later


def report_invalid(exc: InvalidInput, as_json: bool) -> None:
    """Print the problem list (Russian) and exit with code 2."""
    if as_json:
        problems = [dataclasses.asdict(p) for p in exc.problems]
        click.echo(
            json.dumps(
                {"status": "invalid", "problems": problems, "truncated": exc.truncated},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        count = len(exc.problems)
        click.echo(
            f"Файл не импортирован, ничего не сохранено. Найдено ошибок: {count}"
            + (" (показаны не все)" if exc.truncated else ""),
            err=True,
        )
        click.echo(exc.summary(), err=True)
    sys.exit(EXIT_INVALID_INPUT)


def _dump(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMAT_NAMES),
    default="auto",
    show_default=True,
    help="Формат выгрузки.",
)
@click.option("--json", "as_json", is_flag=True, help="Вывод в JSON для программ.")
def import_command(file: Path, fmt: str, as_json: bool) -> None:
    """Импортировать выгрузку журнала (JSON, таблицы или OneRoster) как снимок."""
    from django.db import OperationalError

    from service.journal.import_report import format_import
    from service.journal.importer import import_file

    try:
        with progress("Импорт", enabled=not as_json) as advance:
            result = import_file(file, fmt, advance)
    except InvalidInput as exc:
        report_invalid(exc, as_json)
        return
    except OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        click.echo(
            "Каталог занят другим процессом дольше 30 секунд; ничего не сохранено. "
            "Повторите импорт позже.",
            err=True,
        )
        sys.exit(EXIT_CATALOG_BUSY)
    findings = _quality(result.snapshot_id)
    if as_json:
        data = result.to_dict()
        data["quality"] = [
            {
                "problem": str(f.problem),
                "label": f.label,
                "class_id": f.class_id,
                "subject_id": f.subject_id,
                "count": f.count,
                "examples": list(f.examples),
            }
            for f in findings
        ]
        _dump(data)
    else:
        click.echo(format_import(result))
        click.echo(format_quality(findings))


QUALITY_LINES = 40  # findings printed; the control report «quality» lists them all


def _quality(snapshot_id: str) -> tuple[Any, ...]:
    """The data-quality findings of the imported snapshot, by the school policy's grading."""
    from service.journal.quality import check_quality
    from service.journal.store import load_snapshot
    from service.policy import school_policy

    rules = school_policy().grading
    return check_quality(
        load_snapshot(snapshot_id), rules.unmarked_grades, rules.pass_fail_subjects
    )


def format_quality(findings: tuple[Any, ...]) -> str:
    """The data-quality warnings in Russian: totals by problem, then the findings."""
    if not findings:
        return "Качество данных: замечаний нет."
    totals: dict[str, int] = {}
    for f in findings:
        totals[f.label] = totals.get(f.label, 0) + f.count
    lines = ["Качество данных (предупреждения, снимок сохранён):"]
    lines += [f"  {label}: {count}" for label, count in totals.items()]
    lines += [f"  - {f.message}" for f in findings[:QUALITY_LINES]]
    if len(findings) > QUALITY_LINES:
        lines.append(
            f"  … и ещё {len(findings) - QUALITY_LINES}; полный список: "
            "vedomost render control-report --report quality"
        )
    return "\n".join(lines)


@click.command("snapshots")
@click.option("--school", "school_id", default=None, help="Только эта школа (id из выгрузки).")
@click.option("--year", default=None, help="Только этот учебный год, например 2024/2025.")
@click.option("--json", "as_json", is_flag=True, help="Вывод в JSON для программ.")
def snapshots_command(school_id: str | None, year: str | None, as_json: bool) -> None:
    """Показать импортированные снимки журнала (новые сверху)."""
    from service.journal.import_report import format_snapshot_line
    from service.journal.store import list_snapshots

    infos = list_snapshots(school_id=school_id, year=year)
    if as_json:
        _dump(
            [
                {
                    **dataclasses.asdict(i),
                    "as_of": i.as_of.isoformat(),
                    "imported_at": i.imported_at.isoformat(),
                }
                for i in infos
            ]
        )
        return
    if not infos:
        click.echo("Снимков пока нет. Импортируйте выгрузку: vedomost import ФАЙЛ")
        return
    for info in infos:
        click.echo(format_snapshot_line(info))


@click.command("demo")
@click.option("--students", default=1000, show_default=True, help="Учеников в примерной школе.")
@click.option("--seed", default=7, show_default=True, help="Зерно генератора.")
@click.option("--year", default="2024/2025", show_default=True, help="Учебный год.")
def demo_command(students: int, seed: int, year: str) -> None:
    """Создать примерную школу, импортировать её и показать, что импортировано."""
    from service.demo import run_demo

    try:
        with progress("Выполнено") as advance:
            run_demo(students=students, seed=seed, year=year, echo=click.echo, progress=advance)
    except InvalidInput as exc:
        report_invalid(exc, False)


commands: list[click.Command] = [import_command, snapshots_command, demo_command]
