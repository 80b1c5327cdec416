"""The class teacher's signature in a close: the ``class_teacher`` field first, the director last.

A period summary and a yearly statement reserve two signature fields: the class teacher's and the
director's. The close signs the teacher's field with the teacher's own key (never the
director's), as an incremental update kept as ``teacher/<id>.pdf`` in the close's work folder;
the director's signature then covers it. A document whose teacher's key is not at hand waits
(its sign item fails with «Ожидает подписи классного руководителя …»); the way forward is either
the teacher signing from «Мой класс» (the password is typed there, in the web process), or the
director signing it alone with a reason written to the audit log.

Contracts:
- :func:`teacher_step` turns a rendered PDF into the PDF the director signs: the teacher-signed
  one, the rendered one (no teacher field, or signing without the teacher was chosen), or None
  (the item was marked waiting).
- :func:`sign_for_teacher` signs the waiting documents of one teacher's classes with her key.
- :func:`sign_without_teacher` records the director's reason; the next signing run signs those
  documents with the director's key only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.errors import UserError
from service.jobs import work_files
from service.jobs.models import ItemState, JobItem, PeriodClose, SigningKey

log = logging.getLogger(__name__)

FIELD = "class_teacher"
AUDIT_SKIPPED = "teacher-signature-skipped"
AUDIT_SIGNED = "teacher-signed"


class TeacherKeyProblem(UserError):
    """A class teacher's key is not registered, does not open, or is not hers."""


@dataclass(frozen=True)
class TeacherKeys:
    """Class teachers' keys unlocked for one signing run.

    ``by_class``: a key given for a class (checked against the teacher the documents name);
    ``by_owner``: keys used for whichever documents name their certificate's owner.
    """

    by_class: Mapping[str, Any] = field(default_factory=dict)
    by_owner: tuple[Any, ...] = ()
    _prepared: dict[int, Any] = field(default_factory=dict, compare=False, repr=False)

    def prepared(self, signer: Any) -> Any:
        """The signer prepared once for the ``class_teacher`` field (stamp, sizes)."""
        if id(signer) not in self._prepared:
            self._prepared[id(signer)] = prepare_teacher(signer)
        return self._prepared[id(signer)]

    def signer_for(self, class_id: str, name: str) -> Any | None:
        """The key for a document of ``class_id`` that names ``name`` as its class teacher."""
        from signing.signer_name import certificate_matches

        if class_id in self.by_class:
            return self.by_class[class_id]
        for signer in self.by_owner:
            if certificate_matches(signer.signing_cert, name):
                return signer
        return None

    def __bool__(self) -> bool:
        return bool(self.by_class or self.by_owner)


def teacher_expected(pdf: bytes) -> Any | None:
    """The class teacher the document names for its ``class_teacher`` field, or None."""
    from service.documents.signers import named_signer

    return named_signer(pdf, FIELD)


def _genitive(name: str, snapshot: Any | None) -> str:
    """«Петрова А. Н.» for the teacher named «А. Н. Петров» (full name from the journal)."""
    from service.russian.names import short_name
    from signing.signer_name import same_person

    if snapshot is not None:
        for member in snapshot.staff:
            if same_person(member.initials_first, name):
                return short_name(member, "gen")
    return name


def waiting_message(name: str, snapshot: Any | None = None) -> str:
    """The waiting item's line: who must sign and the two ways forward."""
    return (
        f"Ожидает подписи классного руководителя {_genitive(name, snapshot)}: классный "
        "руководитель подписывает документ на странице «Мой класс», после чего нажмите "
        "«Повторить»; или подпишите его только директором, указав причину."
    )


def check_teacher_keys(pdfs: Iterable[bytes], keys: TeacherKeys) -> None:
    """Refuse, before anything is signed, a key given for a class but issued to someone else.

    Raises:
        SignerMismatch: the certificate's owner is not the class teacher the documents name.
    """
    from service.documents.signers import check_signer, document_meta

    for pdf in pdfs:
        class_id = str(document_meta(pdf).get("class_id") or "")
        if class_id in keys.by_class and teacher_expected(pdf) is not None:
            check_signer(pdf, FIELD, keys.by_class[class_id].signing_cert)


def teacher_step(
    item: JobItem, pdf: bytes, close_id: str, keys: TeacherKeys | None, snapshot: Any | None
) -> bytes | None:
    """The bytes the director signs for ``item``; None when it waits for its class teacher."""
    from service.documents.signers import document_meta

    fields = item.params.get("fields")
    if fields is not None and FIELD not in fields:
        return pdf  # the rendered document reserves no class teacher's field
    done = work_files.read(close_id, work_files.TEACHER, item.key)
    if done is not None:
        return done
    expected = teacher_expected(pdf)
    if expected is None or item.params.get("without_teacher"):
        return pdf
    class_id = str(document_meta(pdf).get("class_id") or "")
    signer = keys.signer_for(class_id, expected.name) if keys else None
    if signer is None:
        mark_waiting(item, expected.name, class_id, snapshot)
        return None
    assert keys is not None
    signed = sign_teacher_field(pdf, signer, keys.prepared(signer))
    work_files.put(close_id, work_files.TEACHER, item.key, signed)
    return signed


def mark_waiting(item: JobItem, name: str, class_id: str, snapshot: Any | None) -> None:
    """Fail the sign item with the waiting line; ``params`` say whose signature it waits for."""
    params = {**item.params, "waiting_teacher": name, "class_id": class_id}
    JobItem.objects.filter(pk=item.pk).update(
        state=ItemState.FAILED, error=waiting_message(name, snapshot), params=params
    )


def prepare_teacher(signer: Any) -> Any:
    """Prepare ``signer`` for the ``class_teacher`` field with a visible stamp."""
    from service.config import school_time_zone, stamp_font
    from signing.pades import SigningOptions, prepare

    return prepare(
        signer,
        SigningOptions(
            field_name=FIELD,
            stamp=True,
            stamp_font=stamp_font(),
            reason="Классный руководитель",
            time_zone=school_time_zone(),
        ),
    )


def sign_teacher_field(pdf: bytes, signer: Any, prepared: Any = None) -> bytes:
    """Sign the ``class_teacher`` field (the first of two signatures); ``prepared``: the signer
    prepared by :func:`prepare_teacher`, to prepare it once for many documents."""
    from signing.pades import sign_with

    return sign_with(prepared if prepared is not None else prepare_teacher(signer), pdf)


def waiting_items(close: PeriodClose) -> list[JobItem]:
    """The close's documents that wait for a class teacher's signature."""
    if close.sign_job_id is None:
        return []
    return [
        i
        for i in JobItem.objects.filter(job_id=close.sign_job_id, state=ItemState.FAILED)
        if i.params.get("waiting_teacher")
        and not i.params.get("without_teacher")
        and not work_files.exists(close.id, work_files.TEACHER, i.key)
    ]


def singular(count: int) -> bool:
    """Whether a verb agrees with «count документ…» in the singular (1, 21, 101; not 11)."""
    return count % 10 == 1 and count % 100 != 11


def waiting_error(close: PeriodClose, snapshot: Any | None = None) -> str:
    """The close's error when documents wait for class teachers (empty when none wait)."""
    from service.russian.numbers import plural_word

    waiting = waiting_items(close)
    if not waiting:
        return ""
    names = sorted({str(i.params["waiting_teacher"]) for i in waiting})
    whom = ", ".join(_genitive(n, snapshot) for n in names)
    count = len(waiting)
    return (
        f"{count} {plural_word(count, 'документ')} {'ожидает' if singular(count) else 'ожидают'} "
        f"подписи {'классного руководителя' if len(names) == 1 else 'классных руководителей'} "
        f"{whom}. Классный руководитель подписывает их на странице «Мой класс», затем нажмите "
        "«Повторить»; или подпишите их только директором, указав причину."
    )


def sign_without_teacher(close: PeriodClose, reason: str, actor: str) -> int:
    """Let the waiting documents be signed by the director alone; the reason goes to the audit log.

    Returns the number of documents; the director's next signing run signs them.

    Raises:
        TeacherKeyProblem: no reason was given.
    """
    from service.archive.catalog import DjangoCatalog
    from storage.catalog import EventDraft

    reason = reason.strip()
    if not reason:
        raise TeacherKeyProblem(
            "Укажите причину, по которой документ подписывается без подписи классного руководителя"
        )
    waiting = waiting_items(close)
    for item in waiting:
        params = {**item.params, "without_teacher": reason}
        JobItem.objects.filter(pk=item.pk).update(
            params=params,
            error="Будет подписан только директором (причина записана): нажмите «Повторить».",
        )
    DjangoCatalog().append_events(
        [
            EventDraft(
                AUDIT_SKIPPED,
                document_id=item.key,
                actor=actor,
                detail={"named_signer": item.params.get("waiting_teacher", ""), "reason": reason},
            )
            for item in waiting
        ]
    )
    return len(waiting)


def documents_for_teacher(
    school_id: str, class_ids: Iterable[str]
) -> list[tuple[PeriodClose, JobItem]]:
    """Documents of unfinished closes of these classes that wait for their teacher's signature."""
    chosen = set(class_ids)
    found = []
    for close in PeriodClose.objects.filter(school_id=school_id).exclude(
        state=PeriodClose.State.ARCHIVED
    ):
        for item in waiting_items(close):
            if item.params.get("class_id") in chosen:
                found.append((close, item))
    return found


def registered_key(school_id: str, staff_id: str) -> SigningKey | None:
    """The class teacher's key in the registry."""
    return SigningKey.objects.filter(school_id=school_id, staff_id=staff_id, role=FIELD).first()


def register_key(
    school_id: str, staff_id: str, person: str, signer: Any, location: str, actor: str = ""
) -> SigningKey:
    """Record (or update) where a class teacher's key is, with its certificate; no secret."""
    from asn1crypto import pem

    cert_pem = pem.armor("CERTIFICATE", signer.signing_cert.dump()).decode()
    row, _ = SigningKey.objects.update_or_create(
        school_id=school_id,
        staff_id=staff_id,
        role=FIELD,
        defaults={
            "person": person,
            "certificate": cert_pem,
            "location": location,
            "registered_by": actor,
        },
    )
    return row


@contextmanager
def open_registered(row: SigningKey, secret: str) -> Iterator[Any]:
    """Open a registered key with the password or PIN the teacher typed (for one signing)."""
    from signing import SigningError, open_pkcs11
    from signing.signers import load_pkcs12

    kind, _, rest = row.location.partition(":")
    if kind == "pkcs11" and rest.count(":") == 2:
        module, token, label = rest.split(":")
        try:
            session = open_pkcs11(module, token, label, secret)
            signer = session.__enter__()
        except SigningError as exc:
            raise TeacherKeyProblem(str(exc)) from exc
        try:
            yield signer
        finally:
            session.__exit__(None, None, None)
        return
    try:
        signer = load_pkcs12(Path(rest), secret.encode() if secret else None)
    except Exception as exc:  # a bad password and a broken file raise different errors
        raise TeacherKeyProblem("Ключ подписи не открылся: неверный пароль") from exc
    yield signer


def sign_for_teacher(items: list[tuple[PeriodClose, JobItem]], signer: Any, actor: str) -> int:
    """Sign the ``class_teacher`` field of each waiting document with the teacher's key.

    Raises:
        SignerMismatch: the key's owner is not the teacher the documents name (nothing signed).
    """
    from service.archive.catalog import DjangoCatalog
    from service.documents.signers import check_signer
    from storage.catalog import EventDraft

    rendered = []
    for close, item in items:
        pdf = work_files.read(close.id, work_files.RENDERED, item.key)
        if pdf is None:
            raise UserError(
                "Документ для подписи не найден: закрытие периода нужно сформировать заново "
                "(«Повторить» на странице закрытия)."
            )
        check_signer(pdf, FIELD, signer.signing_cert)
        rendered.append((close, item, pdf))
    prepared = prepare_teacher(signer)
    for close, item, pdf in rendered:
        work_files.put(
            close.id, work_files.TEACHER, item.key, sign_teacher_field(pdf, signer, prepared)
        )
        JobItem.objects.filter(pk=item.pk).update(
            error="Подписан классным руководителем; ждёт подписи директора («Повторить»)."
        )
    DjangoCatalog().append_events(
        [EventDraft(AUDIT_SIGNED, document_id=item.key, actor=actor) for _, item, _ in rendered]
    )
    for close in {close.pk: close for close, _, _ in rendered}.values():
        if not waiting_items(close):
            PeriodClose.objects.filter(pk=close.pk, state=PeriodClose.State.FAILED).update(
                error="Классные руководители подписали документы: нажмите «Повторить» и "
                "подпишите их ключом директора."
            )
    return len(rendered)


def demo_teacher_keys(snapshot: Any) -> TeacherKeys:
    """The demo keys of the snapshot's class teachers (each in the teacher's own name)."""
    from django.conf import settings

    from signing.demo_pki import ensure_demo_pki
    from signing.signers import load_pkcs12

    people = class_teachers(snapshot)
    pki = ensure_demo_pki(
        Path(settings.DATA_DIR) / "keys",
        director=snapshot.director.full_name if snapshot.director else None,
        people={staff_id: member.full_name for staff_id, member in people.items()},
    )
    signers = []
    for staff_id, member in people.items():
        path = pki.person_p12(staff_id)
        signer = load_pkcs12(path, pki.director_password())
        register_key(snapshot.school.id, staff_id, member.full_name, signer, f"pkcs12:{path}")
        signers.append(signer)
    return TeacherKeys(by_owner=tuple(signers))


def class_teachers(snapshot: Any) -> dict[str, Any]:
    """Staff id → the staff member, for every class teacher of the snapshot."""
    return {
        c.teacher_id: snapshot.staff_by_id[c.teacher_id]
        for c in snapshot.classes
        if c.teacher_id and c.teacher_id in snapshot.staff_by_id
    }
