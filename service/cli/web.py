"""``vedomost serve``: the web interface on 127.0.0.1:8000 with demo users per role."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

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
@click.option(
    "--processes", default=0, type=int, help="Процессов сервера (по умолчанию — по числу ядер)."
)
@click.option(
    "--no-scheduler",
    is_flag=True,
    help="Не выполнять плановое обслуживание архива в этом процессе.",
)
def serve(host: str, port: int, no_demo_users: bool, processes: int, no_scheduler: bool) -> None:
    """Запустить веб-интерфейс (и плановое обслуживание архива, если нет Celery)."""
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
    embedded = not no_scheduler and _announce_care()
    click.echo(f"Ведомость: http://{host}:{port}/  (остановить: Ctrl+C)")
    processes = processes or os.cpu_count() or 1
    if processes <= 1:
        _warm_up()
        if embedded:
            _start_scheduler()
        run(host, port, get_wsgi_application(), threading=True)
    else:
        serve_forked(host, port, processes, scheduler=embedded)


def _announce_care() -> bool:
    """Say who runs the archive's scheduled care and warn about stores in one place."""
    from django.conf import settings

    from service.archive.wiring import store_placement_warning

    warning = store_placement_warning()
    if warning:
        click.echo(f"ВНИМАНИЕ: {warning}", err=True)
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        click.echo("Плановое обслуживание архива выполняет Celery beat.")
        return False
    click.echo(
        "Плановое обслуживание архива (резервные копии, проверка сохранности, ежемесячные "
        "обязанности) выполняется этим процессом; пропущенное наверстывается при запуске."
    )
    return True


def _start_scheduler() -> None:
    from service.jobs.scheduler import start

    start()


def _warm_up() -> None:
    """Load the current journal of every school with users, so forked processes share it.

    Also renders one statement (into a temporary folder, no cache, no record): the first
    render in a process loads fonts and compiles templates (about 0.5 s of CPU), and done here it
    is done once for all server processes.
    """
    from service.accounts.models import Profile
    from service.accounts.snapshots import current_snapshot

    rendered = False
    for school_id in Profile.objects.values_list("school_id", flat=True).distinct():
        snapshot = current_snapshot(school_id)
        if snapshot is None:
            continue
        for name in (  # build the indexes statements use, once, before forking
            "students_of_class",
            "marks_of_student",
            "attendance_of_student",
            "lesson_by_id",
            "period_mark_index",
            "subject_by_id",
            "guardian_by_id",
        ):
            getattr(snapshot, name)
        rendered = rendered or _warm_up_render(snapshot)


def _warm_up_render(snapshot: Any) -> bool:
    """Render a statement of the snapshot's first student and throw it away; True if done."""
    from service.documents.common import DocumentProblem
    from service.documents.kinds import render_kind

    if not snapshot.students or not snapshot.year.periods:
        return False
    params = {"student": snapshot.students[0].id, "period": snapshot.year.periods[0].id}
    with tempfile.TemporaryDirectory(prefix="vedomost-warm-") as folder:
        try:
            render_kind(snapshot, "parent-statement", params, Path(folder) / "warm-up.pdf")
        except DocumentProblem:
            return False
    return True


def server_description(processes: int) -> str:
    """How ``vedomost serve --processes N`` serves requests (for the benchmark's report)."""
    cores = os.cpu_count() or 1
    count = processes or cores
    if count <= 1:
        return f"Django's threaded WSGI server, 1 process, a thread per connection; {cores} cores"
    return (
        f"{count} forked processes accepting on one socket, each Django's threaded WSGI server "
        f"(a thread per connection, one statement rendered at a time); {cores} cores"
    )


def serve_forked(host: str, port: int, processes: int, *, scheduler: bool = False) -> None:
    """Threaded WSGI servers in ``processes`` forked processes accepting on one socket.

    The embedded scheduler (``scheduler``) runs in the parent, started after the fork so that no
    child inherits its thread.
    """
    import socketserver

    from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
    from django.core.wsgi import get_wsgi_application
    from django.db import connections

    server_class = type(
        "ForkedThreadedWSGIServer",
        (socketserver.ThreadingMixIn, WSGIServer),
        {"daemon_threads": True},
    )
    httpd = server_class((host, port), WSGIRequestHandler)
    httpd.set_app(get_wsgi_application())
    _warm_up()
    connections.close_all()  # every process opens its own database connections
    gc.freeze()  # the journal stays shared: the children's collector does not touch its pages
    children: list[int] = []
    for _ in range(processes):
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            try:
                httpd.serve_forever()
            finally:
                os._exit(0)
        children.append(pid)

    def stop(_signum: int, _frame: object) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if scheduler:
        # This process only runs the archive's care now: a backup or an audit made up at start
        # must not take the cores from the processes answering users.
        os.nice(10)
        _start_scheduler()
    for child in children:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(child, 0)


@click.command("worker")
@click.option(
    "--once", is_flag=True, help="Выполнить наступившие задачи один раз и выйти (для cron)."
)
def worker(once: bool) -> None:
    """Плановое обслуживание архива без веб-интерфейса: резервные копии, проверка сохранности,
    продление штампов времени, ежемесячные обязанности."""
    import threading

    from service.archive.wiring import store_placement_warning
    from service.jobs.models import ScheduledRun
    from service.jobs.schedule import DUTY_BY_TASK
    from service.jobs.scheduler import run_forever, tick

    warning = store_placement_warning()
    if warning:
        click.echo(f"ВНИМАНИЕ: {warning}", err=True)
    if not once:
        click.echo("Плановое обслуживание архива запущено (остановить: Ctrl+C).")
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda _s, _f: stop.set())
        run_forever(stop)
        return
    runs = tick()
    if not runs:
        click.echo("Наступивших задач нет.")
    for run in runs:
        title = DUTY_BY_TASK[run.task].title
        click.echo(f"{title}: {run.get_outcome_display()} — {run.summary}")
    if any(r.outcome == ScheduledRun.Outcome.FAILED for r in runs):
        sys.exit(1)


commands = [serve, worker]
