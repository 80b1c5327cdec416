"""Commands ``sign``, ``sign-batch``, ``sign-finish``, ``verify``, ``keys demo|register``.

Secrets come from ``VEDOMOST_SIGNER_PASSWORD`` / ``VEDOMOST_SIGNER_PIN`` or a hidden prompt, never
from the command line. Exit codes: 0 success (``verify``: all signatures valid), 1 ``verify`` found
an invalid signature, 2 invalid input or unreadable file.
"""

from __future__ import annotations

import itertools
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from service.cli.progress import progress

EXIT_INVALID = 1
EXIT_INPUT = 2
LEVELS = ["B-B", "B-T", "B-LT", "B-LTA"]
SIGNER_HELP = (
    "pkcs12:ФАЙЛ | pkcs11:МОДУЛЬ:ТОКЕН:МЕТКА_КЛЮЧА | deferred:СЕРТИФИКАТ.pem[:ЦЕПОЧКА.pem] | demo"
)


# pyHanko logs validation failures with tracebacks and certificate subjects; the report says it.
logging.getLogger("pyhanko").setLevel(logging.ERROR)
logging.getLogger("pyhanko_certvalidator").setLevel(logging.ERROR)


def _fail(message: str) -> None:
    click.echo(f"Ошибка: {message}", err=True)
    sys.exit(EXIT_INPUT)


def _data_dir() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR)


def _secret(variable: str, prompt: str) -> str:
    from service.config import PREFIX, signer_secret

    value = signer_secret(variable.removeprefix(PREFIX))
    if value is not None:
        return value
    if not sys.stdin.isatty():
        _fail(f"не задан {variable}, а запросить его интерактивно нельзя")
    return str(click.prompt(prompt, hide_input=True))


def _trust_roots(paths: tuple[Path, ...]) -> tuple[object, ...]:
    from signing import demo_trust_root, load_trust_roots

    chosen = list(paths)
    if not chosen:
        demo = demo_trust_root(_data_dir())
        if demo is not None:
            chosen.append(demo)
    try:
        return tuple(load_trust_roots(chosen))
    except (OSError, ValueError) as exc:
        _fail(f"не удалось прочитать доверенный сертификат: {exc}")
        raise AssertionError from exc


@contextmanager
def _open_signer(spec: str, chain: tuple[Path, ...] = ()) -> Iterator[object]:
    """Open the key once (one password or PIN entry) and keep it open for the whole command."""
    from signing import SigningError, demo_signer, load_pkcs12, open_pkcs11
    from signing.signers import load_certificates

    kind, _, rest = spec.partition(":")
    try:
        if kind == "demo":
            yield demo_signer(_data_dir())
        elif kind == "pkcs12" and rest:
            password = _secret("VEDOMOST_SIGNER_PASSWORD", "Пароль файла ключа")
            yield load_pkcs12(Path(rest), password.encode() if password else None)
        elif kind == "pkcs11" and rest.count(":") == 2:
            module, token, key_label = rest.split(":")
            pin = _secret("VEDOMOST_SIGNER_PIN", "PIN-код токена")
            try:
                certs = load_certificates(chain)
            except (OSError, ValueError) as exc:
                _fail(f"не удалось прочитать цепочку сертификатов: {exc}")
                return
            with open_pkcs11(module, token, key_label, pin, chain=certs) as signer:
                yield signer
        else:
            _fail(f"неверно указан подписант «{spec}»; ожидается {SIGNER_HELP}")
    except SigningError as exc:
        _fail(str(exc))


def _options(
    level: str, stamp: bool, field: str, tsa: str | None, lock: bool, trust: tuple[Path, ...]
) -> object:
    from service.config import school_time_zone, stamp_font
    from signing import Level, SigningOptions

    level_value = Level(level)
    roots = _trust_roots(trust) if level_value.embeds_revocation else ()
    return SigningOptions(
        level=level_value,
        field_name=field,
        stamp=stamp,
        stamp_font=stamp_font() if stamp else None,
        tsa_url=tsa,
        lock=lock,
        trust_roots=roots,  # type: ignore[arg-type]
        time_zone=school_time_zone(),
    )


def _signing_options(func):
    decorators = [
        click.option("--signer", "signer_spec", required=True, help=SIGNER_HELP),
        click.option(
            "--level",
            type=click.Choice(LEVELS),
            default="B-B",
            show_default=True,
            help="Уровень PAdES.",
        ),
        click.option("--stamp", is_flag=True, help="Видимый штамп по ГОСТ Р 7.0.97."),
        click.option(
            "--field",
            default="director",
            show_default=True,
            help="Имя поля подписи (director, class_teacher).",
        ),
        click.option(
            "--tsa",
            default=None,
            envvar="VEDOMOST_TSA_URL",
            help="Адрес службы штампов времени (RFC 3161) для B-T и выше.",
        ),
        click.option(
            "--lock",
            is_flag=True,
            help="Запретить изменения после подписи (кроме архивных штампов).",
        ),
        click.option(
            "--trust",
            multiple=True,
            type=click.Path(path_type=Path, exists=True),
            help="Доверенный корневой сертификат (для B-LT/B-LTA).",
        ),
        click.option(
            "--confirm-signer",
            "confirm_signer",
            default=None,
            metavar="ПРИЧИНА",
            help=(
                "Подписать, хотя владелец сертификата — не тот, кто назван подписантом "
                "в документе; причина записывается в журнал аудита."
            ),
        ),
        click.option(
            "--chain",
            multiple=True,
            type=click.Path(path_type=Path, exists=True),
            help="Сертификаты УЦ для вложения в подпись (для токена PKCS#11).",
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


@click.command("sign")
@click.argument("source", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
@click.option(
    "--detached",
    is_flag=True,
    help="Отсоединённая подпись CAdES-BES (.sig, DER) всего файла вместо подписи внутри PDF.",
)
@_signing_options
def sign_command(
    source: Path,
    output: Path,
    detached: bool,
    signer_spec: str,
    level: str,
    stamp: bool,
    field: str,
    tsa: str | None,
    lock: bool,
    trust: tuple[Path, ...],
    confirm_signer: str | None,
    chain: tuple[Path, ...],
) -> None:
    """Подписать PDF (PAdES) в поле подписи документа или отсоединённой подписью."""
    from signing import sign_pdf

    if detached:
        _sign_detached(source, output, signer_spec, chain, tsa)
        return
    options = _options(level, stamp, field, tsa, lock, trust)
    pdf = source.read_bytes()
    if signer_spec.startswith("deferred:"):
        _prepare_deferred(pdf, signer_spec, options, output, confirm_signer)
        return
    with _open_signer(signer_spec, chain) as signer:
        checks = _check_signers([pdf], field, signer.signing_cert, confirm_signer)  # type: ignore[attr-defined]
        signed = sign_pdf(pdf, signer, options)  # type: ignore[arg-type]
    output.write_bytes(signed)
    _record_confirmations(checks)
    click.echo(f"Подписано: {output}")


def _check_signers(
    pdfs: list[bytes], field: str, certificate: object, reason: str | None
) -> list[object]:
    """Refuse (exit 2) a key whose owner is not the person the documents name for ``field``."""
    from service.documents.signers import SignerMismatch, check_signer

    if certificate is None:
        return []
    try:
        return [check_signer(pdf, field, certificate, confirm_reason=reason) for pdf in pdfs]
    except SignerMismatch as exc:
        _fail(str(exc))
        raise AssertionError from exc


def _record_confirmations(checks: list[object]) -> None:
    import getpass

    from service.documents.signers import record_confirmations

    if any(not c.matches for c in checks):  # type: ignore[attr-defined]
        record_confirmations(checks, actor=getpass.getuser())  # type: ignore[arg-type]


def _sign_detached(
    source: Path, output: Path, signer_spec: str, chain: tuple[Path, ...], tsa: str | None
) -> None:
    from signing import Level, SigningError
    from signing.gost.detached import sign_detached
    from signing.gost.signer import GostSigner
    from signing.levels import timestamper_for

    with _open_signer(signer_spec, chain) as signer:
        if not isinstance(signer, GostSigner):
            _fail("отсоединённая подпись делается ключом ГОСТ Р 34.10-2012")
            return
        try:
            signature = sign_detached(
                signer, source.read_bytes(), timestamper_for(tsa, Level.B_T) if tsa else None
            )
        except (OSError, SigningError) as exc:
            _fail(str(exc))
            return
    output.write_bytes(signature)
    click.echo(f"Подпись сохранена: {output}")


def _prepare_deferred(
    pdf: bytes, spec: str, options: object, output: Path, confirm_signer: str | None
) -> None:
    from signing import SigningError, prepare_deferred
    from signing.signers import load_certificates

    paths = [Path(p) for p in spec.removeprefix("deferred:").split(":") if p]
    if not paths:
        _fail("для отложенной подписи укажите файл сертификата: deferred:СЕРТИФИКАТ.pem")
    try:
        certs = load_certificates(paths)
    except (OSError, ValueError) as exc:
        _fail(str(exc))
        return
    checks = _check_signers([pdf], options.field_name, certs[0], confirm_signer)  # type: ignore[attr-defined]
    try:
        state = prepare_deferred(pdf, certs[0], certs[1:], options)  # type: ignore[arg-type]
    except (OSError, ValueError, SigningError) as exc:
        _fail(str(exc))
        return
    _record_confirmations(checks)
    state_path = output.with_name(output.name + ".deferred.json")
    tbs_path = output.with_name(output.name + ".tbs")
    state_path.write_text(state.to_json(), encoding="utf-8")
    tbs_path.write_bytes(state.data_to_sign)
    click.echo(
        f"Документ подготовлен. Подпишите {tbs_path} (RSA PKCS#1 v1.5, SHA-256) ключом "
        f"владельца сертификата и выполните:\n  vedomost sign-finish {state_path} "
        f"--signature ПОДПИСЬ.bin -o {output}"
    )


@click.command("sign-finish")
@click.argument("state_file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "--signature",
    type=click.Path(path_type=Path, exists=True),
    default=None,
    help="Значение подписи (двоичное).",
)
@click.option(
    "--cms",
    type=click.Path(path_type=Path, exists=True),
    default=None,
    help="Готовый контейнер CMS/CAdES (DER) вместо значения подписи.",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
@click.option("--trust", multiple=True, type=click.Path(path_type=Path, exists=True))
def sign_finish_command(
    state_file: Path,
    signature: Path | None,
    cms: Path | None,
    output: Path,
    trust: tuple[Path, ...],
) -> None:
    """Завершить отложенную подпись: вставить подпись, сделанную вне программы."""
    from signing import DeferredSigning, SigningError, finish_deferred

    try:
        state = DeferredSigning.from_json(state_file.read_text(encoding="utf-8"))
        roots = _trust_roots(trust) if state.level.embeds_revocation else ()
        container = None
        if cms is not None:
            from signing.gost.deferred import check_cms_covers
            from signing.gost.detached import decode_signature

            content_info = decode_signature(cms.read_bytes())
            check_cms_covers(state, content_info)
            container = content_info.dump()
        signed = finish_deferred(
            state,
            signature=signature.read_bytes() if signature else None,
            cms_container=container,
            trust_roots=roots,  # type: ignore[arg-type]
        )
    except (OSError, ValueError, KeyError, SigningError) as exc:
        _fail(str(exc))
        return
    output.write_bytes(signed)
    click.echo(f"Подписано: {output}")


@click.command("sign-prepare")
@click.argument("source", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
@click.option(
    "--cert",
    "certs",
    multiple=True,
    required=True,
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Сертификат подписанта (первым), затем сертификаты УЦ.",
)
@click.option("--stamp", is_flag=True, help="Видимый штамп по ГОСТ Р 7.0.97.")
@click.option("--field", default="director", show_default=True, help="Имя поля подписи.")
@click.option(
    "--confirm-signer",
    "confirm_signer",
    default=None,
    metavar="ПРИЧИНА",
    help="Подготовить, хотя владелец сертификата — не названный в документе подписант.",
)
def sign_prepare_command(
    source: Path,
    output: Path,
    certs: tuple[Path, ...],
    stamp: bool,
    field: str,
    confirm_signer: str | None,
) -> None:
    """Подготовить PDF к подписи внешней программой (CryptoPro, КриптоАРМ, OpenSSL)."""
    from service.config import school_time_zone
    from signing import SigningError, SigningOptions
    from signing.gost.deferred import prepare_for_cms
    from signing.signers import load_certificates

    try:
        chain = load_certificates(certs)
    except (OSError, ValueError) as exc:
        _fail(str(exc))
        return
    pdf = source.read_bytes()
    checks = _check_signers([pdf], field, chain[0], confirm_signer)
    try:
        state, tbs = prepare_for_cms(
            pdf,
            chain[0],
            chain[1:],
            SigningOptions(stamp=stamp, field_name=field, time_zone=school_time_zone()),
        )
    except (OSError, ValueError, SigningError) as exc:
        _fail(str(exc))
        return
    _record_confirmations(checks)
    state_path = output.with_name(output.name + ".deferred.json")
    tbs_path = output.with_name(output.name + ".tbs")
    state_path.write_text(state.to_json(), encoding="utf-8")
    tbs_path.write_bytes(tbs)
    click.echo(
        f"Документ подготовлен. Сделайте отсоединённую подпись CAdES файла {tbs_path}, "
        f"например:\n  cryptcp -sign -detached ... {tbs_path}\n"
        f"  openssl cms -sign -binary -in {tbs_path} -signer СЕРТИФИКАТ.pem -inkey КЛЮЧ "
        f"-outform DER -out ПОДПИСЬ.sig\nи выполните:\n  vedomost sign-finish {state_path} "
        f"--cms ПОДПИСЬ.sig -o {output}"
    )


@click.command("sign-batch")
@click.argument("source", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, file_okay=False), required=True)
@_signing_options
def sign_batch_command(
    source: Path,
    output: Path,
    signer_spec: str,
    level: str,
    stamp: bool,
    field: str,
    tsa: str | None,
    lock: bool,
    trust: tuple[Path, ...],
    confirm_signer: str | None,
    chain: tuple[Path, ...],
) -> None:
    """Подписать все PDF каталога одним открытием ключа."""
    from signing import sign_directory

    if signer_spec.startswith("deferred:"):
        _fail("пакетная подпись не поддерживает отложенного подписанта")
    options = _options(level, stamp, field, tsa, lock, trust)
    total = sum(1 for p in source.iterdir() if p.suffix.lower() == ".pdf")
    done = itertools.count(1)
    with _open_signer(signer_spec, chain) as signer:
        pdfs = [p.read_bytes() for p in sorted(source.iterdir()) if p.suffix.lower() == ".pdf"]
        cert = signer.signing_cert  # type: ignore[attr-defined]
        checks = _check_signers(pdfs, field, cert, confirm_signer)
        del pdfs
        with progress("Подпись документов") as advance:
            summary = sign_directory(
                source,
                output,
                signer,  # type: ignore[arg-type]
                options,  # type: ignore[arg-type]
                progress=lambda _step: advance(next(done), total),
            )
    _record_confirmations(checks)
    click.echo(f"Подписано документов: {summary.signed}")
    for name, error in summary.failed:
        click.echo(f"Не подписан {name}: {error}", err=True)
    if summary.failed:
        sys.exit(EXIT_INPUT)


@click.command("verify")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--trust",
    multiple=True,
    type=click.Path(path_type=Path, exists=True),
    help="Доверенный корневой сертификат (по умолчанию — демонстрационный).",
)
@click.option("--json", "as_json", is_flag=True, help="Вывести отчёт в JSON.")
@click.option("--online", is_flag=True, help="Запрашивать CRL/OCSP по сети.")
@click.option(
    "--detached",
    "detached",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Отсоединённая подпись файла (.sig, DER или Base64).",
)
def verify_command(
    source: Path, trust: tuple[Path, ...], as_json: bool, online: bool, detached: Path | None
) -> None:
    """Проверить подписи PDF; код выхода 0 — действительны, 1 — нет, 2 — файл не прочитан."""
    from signing import validate

    try:
        pdf = source.read_bytes()
        signature = detached.read_bytes() if detached is not None else None
    except OSError as exc:
        _fail(f"не удалось прочитать файл {exc.filename}")
        return
    roots = _trust_roots(trust)
    if signature is not None:
        from signing.gost.report import verify_detached

        name = detached.name if detached is not None else "подпись"
        report = verify_detached(pdf, signature, roots, name=name)
    else:
        report = validate(pdf, roots, fetch=online)  # type: ignore[arg-type]
    click.echo(report.to_json() if as_json else report.to_text(), nl=False)
    if as_json:
        click.echo()
    sys.exit(0 if report.valid else EXIT_INVALID)


@click.group("keys")
def keys_group() -> None:
    """Ключи подписи."""


@keys_group.command("demo")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--gost", is_flag=True, help="Ключи ГОСТ Р 34.10-2012 (через OpenSSL с модулем gost)."
)
@click.option("--bits", type=click.Choice(["256", "512"]), default="256", show_default=True)
def keys_demo_command(directory: Path, gost: bool, bits: str) -> None:
    """Создать демонстрационный УЦ и ключ директора (PKCS#12) в каталоге."""
    from signing.demo_pki import generate_demo_pki

    if gost:
        from signing import SigningError
        from signing.gost.demo_pki import generate_gost_pki

        try:
            gost_pki = generate_gost_pki(directory, int(bits))
        except SigningError as exc:
            _fail(str(exc))
            return
        click.echo(f"Корневой сертификат ГОСТ: {gost_pki.root_cert}")
        click.echo(f"Ключ директора (PKCS#12): {gost_pki.p12('director')}")
        click.echo(f"Ключ классного руководителя (PKCS#12): {gost_pki.p12('teacher')}")
        click.echo(f"Пароль ключей: в файле {gost_pki.password_file}")
        return

    pki = generate_demo_pki(directory)
    click.echo(f"Корневой сертификат: {pki.root_cert}")
    click.echo(f"Ключ директора (PKCS#12): {pki.director_p12}")
    click.echo(f"Пароль ключа: в файле {pki.director_password_file}")


@keys_group.command("register")
@click.argument("staff_id")
@click.argument("spec")
def keys_register_command(staff_id: str, spec: str) -> None:
    """Записать в реестр ключ классного руководителя: сотрудник (id в журнале) и ключ
    pkcs12:ФАЙЛ или pkcs11:МОДУЛЬ:ТОКЕН:МЕТКА. Ключ открывается один раз, чтобы проверить,
    что сертификат выдан этому сотруднику; пароль и PIN не сохраняются."""
    from service.jobs.teacher_sign import register_key
    from service.journal.store import latest_snapshot
    from signing.signer_name import certificate_matches
    from signing.stamp import certificate_owner

    snapshot = latest_snapshot()
    if snapshot is None:
        _fail("в каталоге нет снимков журнала: сначала импортируйте журнал")
        return
    member = snapshot.staff_by_id.get(staff_id)
    if member is None:
        _fail(f"сотрудника «{staff_id}» нет в журнале")
        return
    if not spec.startswith(("pkcs12:", "pkcs11:")):
        _fail(f"неверно указан ключ «{spec}»; ожидается pkcs12:ФАЙЛ или pkcs11:МОДУЛЬ:ТОКЕН:МЕТКА")
    with _open_signer(spec) as signer:
        cert = signer.signing_cert  # type: ignore[attr-defined]
        if not certificate_matches(cert, member.initials_first):
            _fail(
                f"сертификат ключа выдан на имя «{certificate_owner(cert)}», а не на сотрудника "
                f"{member.full_name}"
            )
        register_key(snapshot.school.id, staff_id, member.full_name, signer, spec, "vedomost")
    click.echo(f"Ключ записан в реестр: {member.full_name} — {spec}")


commands: list[click.Command] = [
    sign_command,
    sign_prepare_command,
    sign_finish_command,
    sign_batch_command,
    verify_command,
    keys_group,
]
