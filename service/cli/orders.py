"""Commands ``order``, ``templates``, ``consents``, ``register`` and ``converter``."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

EXIT_INVALID = 2
EXIT_FAILED = 1


def _fail(message: str, code: int = EXIT_INVALID) -> None:
    click.echo(f"Ошибка: {message}", err=True)
    sys.exit(code)


def _params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            _fail(f"параметр «{item}» должен иметь вид имя=значение")
        params[key.strip()] = value.strip()
    return params


def _date(value: str | None) -> dt.date | None:
    from service.orders.context import parse_date

    return parse_date(value, "--date") if value else None


snapshot_option = click.option(
    "--snapshot",
    "snapshot_path",
    type=click.Path(dir_okay=False),
    help="Срез журнала в каноническом JSON (по умолчанию — последний импорт).",
)
demo_option = click.option("--demo", is_flag=True, help="Использовать встроенную учебную школу.")


@click.command("order")
@click.argument("kind")
@click.option(
    "--param", "-p", "param", multiple=True, help="Параметр имя=значение (можно несколько раз)."
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    required=True,
    help="Каталог для DOCX и PDF.",
)
@click.option("--date", "date_text", help="Дата документа (ГГГГ-ММ-ДД); по умолчанию сегодня.")
@click.option("--user", default="", help="Кто оформляет документ.")
@click.option("--no-pdf", is_flag=True, help="Только DOCX, без преобразования в PDF/A.")
@click.option("--json", "as_json", is_flag=True, help="Вывести результат в JSON.")
@snapshot_option
@demo_option
def order_command(
    kind: str,
    param: tuple[str, ...],
    out_dir: str,
    date_text: str | None,
    user: str,
    no_pdf: bool,
    as_json: bool,
    snapshot_path: str | None,
    demo: bool,
) -> None:
    """Сформировать документ вида KIND (DOCX и PDF/A), присвоив номер по книге регистрации."""
    from service.orders.kinds import get_kind
    from service.orders.produce import OrderRequest, make_document
    from service.orders.source import load_snapshot

    get_kind(kind)
    snap = load_snapshot(snapshot_path, demo)
    made = make_document(
        snap, OrderRequest(kind, _params(param), _date(date_text), user, not no_pdf)
    )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    docx_path = out / f"{made.file_stem}.docx"
    docx_path.write_bytes(made.docx)
    pdf_path = None
    if made.pdf is not None:
        pdf_path = out / f"{made.file_stem}.pdf"
        pdf_path.write_bytes(made.pdf)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "document_id": made.document_id,
                    "kind": made.kind,
                    "archive_kind": made.archive_kind,
                    "number": made.number,
                    "date": made.date.isoformat(),
                    "template": made.template_label,
                    "docx": str(docx_path),
                    "pdf": str(pdf_path) if pdf_path else None,
                    "signature_fields": list(made.signatures),
                },
                ensure_ascii=False,
            )
        )
    else:
        number = f" № {made.number}" if made.number else ""
        click.echo(f"{made.title}{number} от {made.date:%d.%m.%Y} ({made.document_id})")
        click.echo(f"  DOCX: {docx_path}")
        if pdf_path:
            click.echo(f"  PDF/A: {pdf_path}")


@click.group("templates")
def templates_group() -> None:
    """Шаблоны документов: список, проверка, загрузка новой версии."""


def _kind_of(file: str, kind: str | None) -> str:
    from service.orders.kinds import KINDS

    name = kind or Path(file).stem
    if name not in KINDS:
        _fail(
            f"не удалось определить вид шаблона по имени файла «{Path(file).name}»; укажите --kind "
            f"({', '.join(KINDS)})"
        )
    return name


@templates_group.command("list")
@click.option("--school", help="Идентификатор школы (по умолчанию — школа последнего среза).")
@click.option("--json", "as_json", is_flag=True)
def templates_list(school: str | None, as_json: bool) -> None:
    """Виды шаблонов, действующая версия и переменные, которые можно использовать."""
    from service.orders.kinds import KINDS
    from service.orders.render import schema_names
    from service.orders.versions import active_template, versions

    rows = []
    for kind in KINDS.values():
        active = active_template(school, kind).label if school else f"{kind.id} (встроенный)"
        history = [v.version for v in versions(school, kind.id)] if school else []
        rows.append(
            {
                "kind": kind.id,
                "archive_kind": kind.retention,
                "title": kind.title,
                "register": str(kind.register) if kind.register else None,
                "active": active,
                "versions": history,
                "variables": schema_names(kind.full_schema),
            }
        )
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for row in rows:
        versions_text = ", ".join(f"v{v}" for v in row["versions"]) or "нет загруженных"
        click.echo(f"{row['kind']:<22} {row['title']}")
        click.echo(f"{'':<22} действует: {row['active']}; версии: {versions_text}")


@templates_group.command("check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", help="Вид шаблона (по умолчанию — по имени файла).")
@click.option(
    "-o", "--out", type=click.Path(dir_okay=False), help="Сохранить пробный документ (DOCX)."
)
def templates_check(file: str, kind: str | None, out: str | None) -> None:
    """Проверить шаблон: песочница, известные переменные, пробная подстановка учебной школы."""
    from service.orders.versions import check_upload

    name = _kind_of(file, kind)
    rendered = check_upload(name, Path(file).read_bytes())
    if out:
        Path(out).write_bytes(rendered)
    click.echo(f"Шаблон {Path(file).name} для вида «{name}» прошёл проверку.")


@templates_group.command("upload")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", help="Вид шаблона (по умолчанию — по имени файла).")
@click.option("--school", help="Идентификатор школы (по умолчанию — школа последнего среза).")
@click.option("--user", default="", help="Кто загружает.")
@click.option("--comment", default="", help="Что изменено.")
@snapshot_option
@demo_option
def templates_upload(
    file: str,
    kind: str | None,
    school: str | None,
    user: str,
    comment: str,
    snapshot_path: str | None,
    demo: bool,
) -> None:
    """Проверить шаблон и сохранить его новой версией; прежние версии сохраняются."""
    from service.orders.source import load_snapshot
    from service.orders.versions import upload

    name = _kind_of(file, kind)
    school_id = school or load_snapshot(snapshot_path, demo).school.id
    row = upload(school_id, name, Path(file).read_bytes(), user=user, comment=comment)
    click.echo(f"Загружена версия {row.version} шаблона «{name}».")


CONSENT_KINDS = ["personal_data", "electronic_delivery"]


@click.group("consents")
def consents_group() -> None:
    """Согласия на обработку ПДн: реестр по классу, бланки, статусы, сканы."""


@consents_group.command("print")
@click.option("--class", "class_name", help="Класс, например 5А: бланки для всех семей класса.")
@click.option("--guardian", help="Идентификатор законного представителя: бланк для одной семьи.")
@click.option(
    "--kind", default="consent-pd", type=click.Choice(["consent-pd", "application-edelivery"])
)
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False), help="Файл PDF.")
@click.option("--docx", "docx_out", type=click.Path(dir_okay=False), help="Сохранить и DOCX.")
@snapshot_option
@demo_option
def consents_print(
    class_name: str | None,
    guardian: str | None,
    kind: str,
    out: str,
    docx_out: str | None,
    snapshot_path: str | None,
    demo: bool,
) -> None:
    """Напечатать заполненные бланки для класса или одной семьи одним PDF."""
    from service.orders.consents import print_forms
    from service.orders.source import load_snapshot

    if not class_name and not guardian:
        _fail("укажите --class или --guardian")
    made = print_forms(
        load_snapshot(snapshot_path, demo), class_name=class_name, guardian_id=guardian, kind=kind
    )
    assert made.pdf is not None
    Path(out).write_bytes(made.pdf)
    if docx_out:
        Path(docx_out).write_bytes(made.docx)
    click.echo(f"Бланки сохранены: {out} ({made.document_id})")


@consents_group.command("register")
@click.option("--class", "class_name", required=True, help="Класс, например 5А.")
@click.option("-o", "--out", type=click.Path(dir_okay=False), help="Сохранить реестр в PDF/A.")
@click.option("--json", "as_json", is_flag=True)
@click.option(
    "--kind",
    default="personal_data",
    type=click.Choice(CONSENT_KINDS),
    help="Согласия на обработку ПДн или заявления об электронной форме информирования.",
)
@snapshot_option
@demo_option
def consents_register(
    class_name: str,
    out: str | None,
    as_json: bool,
    kind: str,
    snapshot_path: str | None,
    demo: bool,
) -> None:
    """Реестр согласий класса: статус каждого законного представителя и даты."""
    from service.orders.consents import class_register, consent_register_pdf
    from service.orders.source import load_snapshot

    snap = load_snapshot(snapshot_path, demo)
    lines = class_register(snap, class_name, kind)
    if out:
        Path(out).write_bytes(consent_register_pdf(snap, class_name, kind))
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "record_id": x.record_id,
                        "student_id": x.student_id,
                        "guardian_id": x.guardian_id,
                        "status": x.status,
                        "given_on": x.given_on and x.given_on.isoformat(),
                        "refused_on": x.refused_on and x.refused_on.isoformat(),
                        "withdrawn_on": x.withdrawn_on and x.withdrawn_on.isoformat(),
                        "scans": x.scans,
                    }
                    for x in lines
                ],
                ensure_ascii=False,
            )
        )
        return
    for x in lines:
        click.echo(f"{x.record_id:>5}  {x.student_name:<40} {x.guardian_name:<40} {x.status_label}")


@consents_group.command("set")
@click.option("--student", required=True, help="Идентификатор обучающегося.")
@click.option("--guardian", required=True, help="Идентификатор законного представителя.")
@click.option(
    "--status", required=True, type=click.Choice(["given", "refused", "withdrawn", "pending"])
)
@click.option("--kind", default="personal_data", type=click.Choice(CONSENT_KINDS))
@click.option("--date", "date_text", help="Дата (ГГГГ-ММ-ДД); по умолчанию сегодня.")
@click.option("--user", default="")
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Куда сохранить письмо в орган опеки при отказе.",
)
@snapshot_option
@demo_option
def consents_set(
    student: str,
    guardian: str,
    status: str,
    kind: str,
    date_text: str | None,
    user: str,
    out_dir: str | None,
    snapshot_path: str | None,
    demo: bool,
) -> None:
    """Отметить согласие данным, отказом, отозванным; при отказе — подготовить письмо в опеку."""
    from service.orders.consents import set_status
    from service.orders.source import load_snapshot

    change = set_status(
        load_snapshot(snapshot_path, demo),
        student,
        guardian,
        status,
        user=user,
        on=_date(date_text),
        kind=kind,
    )
    click.echo(f"Статус записи {change.record_id}: {status}.")
    if change.letter is not None:
        target = Path(out_dir or ".")
        target.mkdir(parents=True, exist_ok=True)
        (target / f"{change.letter.file_stem}.docx").write_bytes(change.letter.docx)
        if change.letter.pdf:
            (target / f"{change.letter.file_stem}.pdf").write_bytes(change.letter.pdf)
        click.echo(f"Подготовлено письмо в орган опеки: {target / change.letter.file_stem}.pdf")


@consents_group.command("scan")
@click.option("--record", "record_id", required=True, type=int, help="Номер записи реестра.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--user", default="")
@snapshot_option
@demo_option
def consents_scan(
    record_id: int, file: str, user: str, snapshot_path: str | None, demo: bool
) -> None:
    """Загрузить скан подписанного бланка (PDF, JPEG, PNG): он сохраняется как PDF/A."""
    from service.orders.consents import archive_scan, upload_scan
    from service.orders.source import load_snapshot

    scan = upload_scan(
        load_snapshot(snapshot_path, demo), record_id, Path(file).read_bytes(), user=user
    )
    ref = archive_scan(scan)
    click.echo(f"Скан сохранён: {scan.document_id} ({ref})")


@click.command("register")
@click.option("--register", "register", default="main", type=click.Choice(["main", "students"]))
@click.option("-o", "--out", type=click.Path(dir_okay=False), help="Файл PDF.")
@click.option("--year", help="Учебный год, например 2025/2026 (по умолчанию — год среза).")
@click.option(
    "--set-format", "pattern", help="Задать формат номера, например «{seq}/4» или «{seq}-у»."
)
@snapshot_option
@demo_option
def register_command(
    register: str,
    out: str | None,
    year: str | None,
    pattern: str | None,
    snapshot_path: str | None,
    demo: bool,
) -> None:
    """Напечатать книгу регистрации приказов (PDF/A) или задать формат номеров."""
    from service.orders.numbering import order_register_pdf, set_number_format
    from service.orders.source import load_snapshot

    snap = load_snapshot(snapshot_path, demo)
    if pattern:
        set_number_format(snap.school.id, register, pattern)
        click.echo(f"Формат номеров книги «{register}»: {pattern}")
    if not out:
        if not pattern:
            _fail("укажите -o ФАЙЛ.pdf или --set-format")
        return
    Path(out).write_bytes(
        order_register_pdf(snap.school.full_name, snap.school.id, year or snap.year.id, register)
    )
    click.echo(f"Книга регистрации приказов сохранена: {out}")


@click.group("converter")
def converter_group() -> None:
    """Сервер LibreOffice для преобразования в PDF/A: запуск, остановка, состояние."""


@converter_group.command("start")
def converter_start() -> None:
    """Запустить сервер и оставить его работать (последующие команды используют его)."""
    from service.orders.convert import Converter

    conv = Converter()
    if conv.alive():
        click.echo(f"Сервер уже работает на порту {conv.config.port}.")
        return
    conv.start()
    pid = conv.detach()
    click.echo(f"Сервер запущен на порту {conv.config.port} (PID {pid}).")


@converter_group.command("stop")
def converter_stop() -> None:
    """Остановить сервер, запущенный командой «converter start»."""
    from service.orders.convert import Converter

    stopped = Converter().stop_detached()
    click.echo("Сервер остановлен." if stopped else "Запущенный сервер не найден.")


@converter_group.command("status")
def converter_status() -> None:
    """Проверить, отвечает ли сервер."""
    from service.orders.convert import Converter

    conv = Converter()
    alive = conv.alive()
    click.echo(f"Сервер на порту {conv.config.port}: {'работает' if alive else 'не отвечает'}.")
    if not alive:
        sys.exit(EXIT_FAILED)


commands: list[click.Command] = [
    order_command,
    templates_group,
    consents_group,
    register_command,
    converter_group,
]
