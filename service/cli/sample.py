"""``vedomost sample``: write the sample school in the canonical journal format."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

import click

from service.sample import counts, write_school
from service.sample.calendar import parse_year
from service.sample.payroll import months_with_substitutions, payroll_csv

LABELS = {
    "staff": "сотрудники",
    "classes": "классы",
    "students": "ученики",
    "guardians": "законные представители",
    "subjects": "предметы",
    "assignments": "нагрузка (назначения)",
    "lessons": "уроки",
    "marks": "отметки",
    "attendance": "отметки посещаемости",
    "period_marks": "итоговые отметки (четверти, год, экзамен)",
    "decisions": "решения педсовета",
    "movements": "движение учащихся",
    "substitutions": "замены",
    "consents": "согласия и заявления",
}


@click.command("sample")
@click.option(
    "--students",
    type=click.IntRange(min=11),
    default=1000,
    show_default=True,
    help="Число учеников.",
)
@click.option(
    "--year", default="2024/2025", show_default=True, help="Учебный год, например 2024/2025."
)
@click.option(
    "--seed",
    type=int,
    default=7,
    show_default=True,
    help="Зерно генератора (тот же seed — те же байты).",
)
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="Файл .json или .json.gz.",
)
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="ГГГГ-ММ-ДД",
    help="Срез на дату (что было в журнале в этот день); по умолчанию весь год.",
)
@click.option(
    "--payroll",
    "payroll_dir",
    default=None,
    type=click.Path(file_okay=False),
    help="Каталог для табелей оплаты замен по месяцам (tabel-ГГГГ-ММ.csv, Windows-1251).",
)
@click.option(
    "--periods",
    type=click.Choice(["quarter", "half", "trimester"]),
    default="quarter",
    show_default=True,
    help="Деление года: четверти, полугодия или триместры.",
)
@click.option("--pretty", is_flag=True, help="С отступами (для чтения человеком).")
@click.option("--json", "as_json", is_flag=True, help="Вывести сводку в JSON.")
def sample(
    students: int,
    year: str,
    seed: int,
    output: str,
    as_of: str | None,
    payroll_dir: str | None,
    periods: str,
    pretty: bool,
    as_json: bool,
) -> None:
    """Сгенерировать учебную школу в каноническом формате журнала."""
    try:
        first = parse_year(year)
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError as exc:
        message = (
            str(exc)
            if "учебный год" in str(exc)
            else f"дата среза «{as_of}» не в формате ГГГГ-ММ-ДД"
        )
        click.echo(f"Ошибка: {message}", err=True)
        sys.exit(2)
    if day is not None and not dt.date(first, 9, 1) <= day <= dt.date(first + 1, 8, 31):
        click.echo(f"Ошибка: дата среза {day:%d.%m.%Y} вне учебного года {year}", err=True)
        sys.exit(2)
    started = time.perf_counter()
    doc = write_school(
        output,
        students=students,
        year=year,
        seed=seed,
        pretty=pretty,
        as_of=day,
        periods=periods,
    )
    if payroll_dir:
        target = Path(payroll_dir)
        target.mkdir(parents=True, exist_ok=True)
        for month in months_with_substitutions(doc):
            (target / f"tabel-{month}.csv").write_bytes(payroll_csv(doc, month, seed))
    elapsed = time.perf_counter() - started
    numbers = counts(doc)
    if as_json:
        click.echo(
            json.dumps(
                {"file": output, "seconds": round(elapsed, 2), "counts": numbers},
                ensure_ascii=False,
            )
        )
        return
    click.echo(
        f"Учебная школа «{doc['school']['short_name']}», {doc['year']['id']} учебный год → {output}"
    )
    if day is not None:
        click.echo(f"  срез на {day:%d.%m.%Y}")
    for key, label in LABELS.items():
        click.echo(f"  {label}: {numbers.get(key, 0)}")
    click.echo(f"Время: {elapsed:.1f} с")


commands: list[click.Command] = [sample]
