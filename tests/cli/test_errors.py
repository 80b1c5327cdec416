"""Errors are mapped in one place: a UserError gives its Russian message and exit code, a bug
gives exit 1, a short Russian line and the traceback in the log file, never on the screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from django.conf import settings

from service.cli import main as cli_main
from service.config import ConfigError
from service.errors import ConflictError, UserError
from signing.errors import UnreadablePdf
from storage.errors import DocumentNotFound, StoreUnavailable

FAILURES: dict[str, BaseException] = {
    "user": UserError("в файле нет листа «Отметки»"),
    "conflict": ConflictError("документ VD-1 уже в архиве"),
    "config": ConfigError("VEDOMOST_STORE_A", "не задан адрес хранилища"),
    "missing": DocumentNotFound("документ VD-2 не найден"),
    "store-down": StoreUnavailable("A", "нет соединения"),
    "unreadable": UnreadablePdf("файл не похож на PDF"),
    "bug": RuntimeError("secret internals /srv/x"),
}


@pytest.fixture
def failing() -> Iterator[None]:
    """A command ``fail WHAT`` raising one of ``FAILURES``, added to the real group."""

    @click.command("fail")
    @click.argument("what")
    def fail(what: str) -> None:
        raise FAILURES[what]

    cli_main.cli.add_command(fail)
    yield
    del cli_main.cli.commands["fail"]


@pytest.mark.parametrize(
    ("what", "code", "line"),
    [
        ("user", 2, "Ошибка: в файле нет листа «Отметки»"),
        ("conflict", 4, "Ошибка: документ VD-1 уже в архиве"),
        (
            "config",
            3,
            "Ошибка конфигурации: переменная VEDOMOST_STORE_A: не задан адрес хранилища",
        ),
        ("missing", 4, "Ошибка: документ VD-2 не найден"),
        ("store-down", 1, "Ошибка: хранилище A недоступно: нет соединения"),
        ("unreadable", 2, "Ошибка: файл не похож на PDF"),
    ],
)
def test_user_and_library_errors_give_their_code_and_russian_line(
    failing: None, what: str, code: int, line: str
) -> None:
    """GIVEN a command raising an expected error WHEN run THEN one Russian line and its code."""
    result = CliRunner().invoke(cli_main.cli, ["fail", what], catch_exceptions=False)
    assert result.exit_code == code
    assert result.stderr.strip() == line
    assert "Traceback" not in result.output


def test_a_real_command_maps_its_domain_error(tmp_path: Path) -> None:
    """An unknown document kind (DocumentProblem, a UserError) exits 2 with a Russian line."""
    result = CliRunner().invoke(
        cli_main.cli, ["render", "no-such-kind", "-o", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("Ошибка: неизвестный вид документа «no-such-kind»")


def test_a_bug_exits_1_with_a_short_message_and_the_traceback_in_the_log(
    failing: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN an unexpected exception WHEN the entry point runs THEN exit 1, no traceback shown,
    the traceback appended to the log file named in the message."""
    log = Path(settings.DATA_DIR) / cli_main.LOG_FILE
    before = log.read_text("utf-8") if log.exists() else ""
    with pytest.raises(SystemExit) as exited:
        cli_main.main(["fail", "bug"])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("Внутренняя ошибка программы. Подробности в журнале")
    assert str(log) in err
    assert "Traceback" not in err and "secret" not in err and "RuntimeError" not in err
    written = log.read_text("utf-8")[len(before) :]
    assert "Traceback (most recent call last)" in written
    assert "RuntimeError: secret internals /srv/x" in written


def test_the_entry_point_prints_a_user_error_of_a_process(vedomost) -> None:  # type: ignore[no-untyped-def]
    """A real process: a missing document in the archive is «Ошибка: …», exit 4, no traceback."""
    result = vedomost("archive", "get", "no-such-document", "-o", "/dev/null")
    assert result.returncode == 4, result.stderr
    assert result.stderr.splitlines()[-1].startswith("Ошибка: ")
    assert "no-such-document" in result.stderr and "Traceback" not in result.stderr
