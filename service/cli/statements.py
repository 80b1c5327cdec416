"""Command ``statements``: paper batches for parents, the register of issued statements, and
acknowledgements."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import click

from service.cli.orders import _date, _fail, demo_option, snapshot_option

CLI_USER = "командная строка"


def _snapshot(snapshot_path: str | None, demo: bool) -> Any:
    from service.orders.source import load_snapshot

    return load_snapshot(snapshot_path, demo)


@click.group("statements")
def statements_group() -> None:
    """Выписки для родителей: бумажные пачки, реестр выданных выписок, ознакомление."""


@statements_group.command("issue")
@click.option("--class", "class_name", required=True, help="Класс, например 5А.")
@click.option("--period", help="Период (Q1…); без периода и дат — весь год по сегодня.")
@click.option("--from", "date_from", help="Начало (ГГГГ-ММ-ДД).")
@click.option("--to", "date_to", help="Конец (ГГГГ-ММ-ДД).")
@click.option("--date", "date_text", help="Дата выдачи (ГГГГ-ММ-ДД); по умолчанию сегодня.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Куда сохранить PDF.")
@click.option("--user", default=CLI_USER, help="Кто выдаёт.")
@click.option("--json", "as_json", is_flag=True, help="Итог в JSON.")
@snapshot_option
@demo_option
def statements_issue(
    class_name: str,
    period: str | None,
    date_from: str | None,
    date_to: str | None,
    date_text: str | None,
    output: str | None,
    user: str,
    as_json: bool,
    snapshot_path: str | None,
    demo: bool,
) -> None:
    """Напечатать выписки всех семей класса, получающих их на бумаге, и внести в реестр."""
    from service.orders.consents import find_class
    from service.orders.statement_register import StatementError, issue_paper_batch

    snap = _snapshot(snapshot_path, demo)
    cls = find_class(snap, class_name)
    try:
        batch = issue_paper_batch(
            snap,
            cls.id,
            user=user,
            period_id=period,
            date_from=_date(date_from),
            date_to=_date(date_to),
            on=_date(date_text),
        )
    except StatementError as exc:
        _fail(str(exc))
    path = batch.path
    if output:
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(batch.path, path)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "class": cls.id,
                    "batch": batch.batch,
                    "path": str(path),
                    "pages": batch.pages,
                    "statements": batch.statements,
                    "issues": list(batch.issue_ids),
                },
                ensure_ascii=False,
            )
        )
        return
    click.echo(
        f"Выписки для {batch.statements} семей на бумаге: {path} ({batch.pages} с.); "
        f"в реестре № {', '.join(map(str, batch.issue_ids))}"
    )


@statements_group.command("list")
@click.option("--class", "class_name", help="Класс, например 5А.")
@click.option(
    "--pending", is_flag=True, help="Только бумажные выписки без отметки об ознакомлении."
)
@click.option("--json", "as_json", is_flag=True, help="Реестр в JSON.")
@snapshot_option
@demo_option
def statements_list(
    class_name: str | None, pending: bool, as_json: bool, snapshot_path: str | None, demo: bool
) -> None:
    """Реестр выданных выписок (новые сверху)."""
    from service.orders.consents import find_class
    from service.orders.statement_register import register_lines

    snap = _snapshot(snapshot_path, demo)
    class_id = find_class(snap, class_name).id if class_name else None
    lines = register_lines(snap, class_id, pending=pending)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": x.id,
                        "class": x.class_id,
                        "student": x.student,
                        "guardian": x.guardian,
                        "covers": x.covers,
                        "issued_on": x.issued_on.isoformat(),
                        "method": x.method,
                        "acknowledged_on": x.acknowledged_on and x.acknowledged_on.isoformat(),
                        "acknowledged_by": x.acknowledged_by,
                    }
                    for x in lines
                ],
                ensure_ascii=False,
            )
        )
        return
    for x in lines:
        ack = (
            f"ознакомлен(а) {x.acknowledged_on:%d.%m.%Y}: {x.acknowledged_by}"
            if x.acknowledged_on
            else ("ждёт ознакомления" if x.pending else "")
        )
        click.echo(
            f"{x.id:>5}  {x.issued_on:%d.%m.%Y}  {x.class_id:<4} {x.student:<36} "
            f"{x.covers:<24} {x.method_label:<10} {ack}"
        )


@statements_group.command("ack")
@click.argument("issue_id", type=int)
@click.option("--by", "by", required=True, help="Кто ознакомлен — как написано на выписке.")
@click.option("--date", "date_text", help="Дата ознакомления (ГГГГ-ММ-ДД); по умолчанию сегодня.")
@click.option("--user", default=CLI_USER, help="Кто вносит отметку.")
@snapshot_option
@demo_option
def statements_ack(
    issue_id: int,
    by: str,
    date_text: str | None,
    user: str,
    snapshot_path: str | None,
    demo: bool,
) -> None:
    """Отметить, что законный представитель ознакомлен с выпиской ISSUE_ID."""
    from service.orders.statement_register import StatementError, acknowledge

    snap = _snapshot(snapshot_path, demo)
    try:
        row = acknowledge(snap.school.id, issue_id, by=by, on=_date(date_text), user=user)
    except StatementError as exc:
        _fail(str(exc))
    click.echo(
        f"Выписка № {row.pk}: ознакомлен(а) {row.acknowledged_on:%d.%m.%Y}, {row.acknowledged_by}."
    )


commands: list[click.Command] = [statements_group]
