"""``vedomost close --teacher-keys``: open the class teachers' keys for a close.

Forms (the option repeats):
- ``ПАПКА`` — every ``*.p12`` in it; the password is read from ``<имя>.password`` beside the key
  (readable by its owner only), or asked on a terminal; a key that cannot be opened is left out
  (its documents wait for the teacher). Each key signs the documents that name its owner.
- ``КЛАСС=pkcs12:ФАЙЛ`` / ``КЛАСС=pkcs11:МОДУЛЬ:ТОКЕН:МЕТКА`` — the key of that class's teacher,
  password from ``VEDOMOST_TEACHER_PASSWORD`` / PIN from ``VEDOMOST_TEACHER_PIN`` or asked; the
  certificate must be the named teacher's.
- ``pkcs12:ФАЙЛ`` / ``pkcs11:…`` — one key, used for the documents that name its owner.
Every key opened is recorded in the key registry (whose it is, certificate, where it lies).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import click

TEACHER_KEYS_HELP = (
    "Ключи классных руководителей: ПАПКА (файлы *.p12, пароль в <имя>.password рядом), "
    "КЛАСС=pkcs12:ФАЙЛ, КЛАСС=pkcs11:МОДУЛЬ:ТОКЕН:МЕТКА или pkcs12:ФАЙЛ; можно несколько раз."
)


class TeacherKeySpecError(click.UsageError):
    """A ``--teacher-keys`` value that names no key."""


def _secret(variable: str, prompt: str) -> str | None:
    from service.config import signer_secret

    value = signer_secret(variable)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        return None
    return str(click.prompt(prompt, hide_input=True))


def _open_spec(spec: str, stack: ExitStack) -> Any:
    from signing import load_pkcs12, open_pkcs11

    kind, _, rest = spec.partition(":")
    if kind == "pkcs12" and rest:
        password = _secret("TEACHER_PASSWORD", f"Пароль ключа {Path(rest).name}")
        if password is None:
            raise TeacherKeySpecError(
                f"не задан VEDOMOST_TEACHER_PASSWORD для ключа {rest}, а запросить его нельзя"
            )
        return load_pkcs12(Path(rest), password.encode() if password else None)
    if kind == "pkcs11" and rest.count(":") == 2:
        module, token, label = rest.split(":")
        pin = _secret("TEACHER_PIN", f"PIN-код токена {token}")
        if pin is None:
            raise TeacherKeySpecError(
                f"не задан VEDOMOST_TEACHER_PIN для токена {token}, а запросить его нельзя"
            )
        return stack.enter_context(open_pkcs11(module, token, label, pin))
    raise TeacherKeySpecError(
        f"неверно указан ключ классного руководителя «{spec}»; ожидается {TEACHER_KEYS_HELP}"
    )


def _open_folder(folder: Path, echo: Any) -> list[tuple[Any, str]]:
    from signing import load_pkcs12

    opened = []
    for path in sorted(folder.glob("*.p12")):
        secret_file = path.with_suffix(".password")
        if secret_file.is_file():
            password: str | None = secret_file.read_text(encoding="utf-8").strip()
        elif sys.stdin.isatty():
            password = str(click.prompt(f"Пароль ключа {path.name}", hide_input=True))
        else:
            echo(f"Ключ {path.name} не открыт: нет пароля ({secret_file.name}).")
            continue
        try:
            opened.append((load_pkcs12(path, password.encode() if password else None), str(path)))
        except Exception:  # a wrong password and a broken file raise different errors
            echo(f"Ключ {path.name} не открылся: неверный пароль или файл повреждён.")
    return opened


@contextmanager
def open_teacher_keys(
    specs: tuple[str, ...], snapshot: Any, echo: Any = click.echo
) -> Iterator[Any]:
    """Open the keys of ``--teacher-keys`` for the close; None when none were given."""
    from service.jobs.teacher_sign import TeacherKeys, class_teachers, register_key
    from signing import SigningError
    from signing.signer_name import certificate_matches

    if not specs:
        yield None
        return
    with ExitStack() as stack:
        by_class: dict[str, Any] = {}
        by_owner: list[tuple[Any, str]] = []
        try:
            for spec in specs:
                head, sep, tail = spec.partition("=")
                if sep and head and ":" in tail:
                    if head not in snapshot.class_by_id:
                        raise TeacherKeySpecError(f"класса «{head}» нет в журнале ({spec})")
                    by_class[head] = _open_spec(tail, stack)
                    register = snapshot.class_by_id[head].teacher_id
                    member = snapshot.staff_by_id.get(register or "")
                    if member is not None and certificate_matches(
                        by_class[head].signing_cert, member.initials_first
                    ):
                        register_key(
                            snapshot.school.id, member.id, member.full_name, by_class[head], tail
                        )
                elif Path(spec).is_dir():
                    by_owner += _open_folder(Path(spec), echo)
                else:
                    by_owner.append((_open_spec(spec, stack), spec))
        except SigningError as exc:
            raise TeacherKeySpecError(str(exc)) from exc
        teachers = class_teachers(snapshot)
        for signer, where in by_owner:
            for staff_id, member in teachers.items():
                if certificate_matches(signer.signing_cert, member.initials_first):
                    location = where if ":" in where else f"pkcs12:{where}"
                    register_key(snapshot.school.id, staff_id, member.full_name, signer, location)
        yield TeacherKeys(by_class=by_class, by_owner=tuple(s for s, _ in by_owner))
