"""``vedomost serve``: the web interface on 127.0.0.1:8000 with demo users per role."""

from __future__ import annotations

import click


def _school_and_snapshot() -> tuple[str, object]:
    from service.accounts.snapshots import current_snapshot

    try:
        from service.journal import store
    except ImportError:
        return "demo", None
    latest = store.latest_snapshot()
    if latest is None:
        return "demo", None
    return latest.school.id, current_snapshot(latest.school.id)


@click.command("serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Адрес для входящих соединений."
)
@click.option("--port", default=8000, show_default=True, type=int, help="Порт.")
@click.option("--no-demo-users", is_flag=True, help="Не создавать демонстрационных пользователей.")
def serve(host: str, port: int, no_demo_users: bool) -> None:
    """Запустить веб-интерфейс."""
    from django.conf import settings
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    from service.accounts.demo_users import ensure_demo_users
    from service.accounts.roles import ROLE_LABELS, Role

    if not no_demo_users:
        school_id, snapshot = _school_and_snapshot()
        users = ensure_demo_users(school_id, snapshot, settings.DATA_DIR / "demo-users.json")
        click.echo("Демонстрационные пользователи (пароли созданы при первом запуске):")
        for u in users:
            roles = ", ".join(ROLE_LABELS[Role(r)] for r in u.roles)
            click.echo(f"  {u.username:<13} {u.password:<14} {roles}")
        if snapshot is None:
            click.echo("Журнал ещё не загружен: выполните «vedomost demo» или загрузите выгрузку.")
    click.echo(f"Ведомость: http://{host}:{port}/  (остановить: Ctrl+C)")
    run(host, port, get_wsgi_application(), threading=True)


commands = [serve]
