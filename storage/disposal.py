"""Disposal: list documents whose retention ended, draft the act, and after approval delete them.

Nothing under a lock or a legal hold is deleted — the stores themselves refuse, and we check first.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime

from storage.archive import Archive, DocumentMetadata
from storage.catalog import ARCHIVED, DISPOSED, ArchivedDocument, EntryFilter, EventDraft
from storage.errors import StorageError
from storage.pdf import render_pdf
from storage.stores.keys import safe_id

NOT_DISPOSABLE = {"catalog-backup", "archive-inventory", "disposal-act", "year-inventory"}


@dataclass(frozen=True)
class ActItem:
    """One document listed in a disposal act."""

    entry_id: int
    document_id: str
    version: int
    kind: str
    title: str
    year: str
    period_label: str
    basis: str
    confirm: bool
    retain_until: str
    sha256: str


@dataclass(frozen=True)
class DisposalAct:
    """A drafted act: its items and the archived PDF."""

    act_id: str
    items: tuple[ActItem, ...]
    pdf_entry_id: int


@dataclass(frozen=True)
class DisposalResult:
    """What an approved act deleted and what was refused."""

    act_id: str
    deleted: tuple[str, ...]
    refused: tuple[str, ...]


def due_for_disposal(
    archive: Archive, *, year: str = "", now: datetime | None = None
) -> list[ArchivedDocument]:
    """Archived documents whose retention date has passed and that carry no legal hold."""
    current = now or archive.now()
    result = []
    for entry in archive.catalog.list_entries(EntryFilter(year=year, state=ARCHIVED)):
        if entry.kind in NOT_DISPOSABLE or entry.legal_hold or entry.retain_until is None:
            continue
        if archive.schedule.rule(entry.kind).permanent:
            continue
        if entry.retain_until <= current:
            result.append(entry)
    return result


def draft_act(
    archive: Archive, *, year: str = "", school_name: str = "", actor: str = ""
) -> DisposalAct:
    """Draft the act «о выделении к уничтожению», archive its PDF, and record the draft."""
    now = archive.now()
    items = []
    for entry in due_for_disposal(archive, year=year, now=now):
        rule = archive.schedule.rule(entry.kind)
        items.append(
            ActItem(
                entry.id,
                entry.document_id,
                entry.version,
                entry.kind,
                rule.title,
                entry.year,
                rule.period_label,
                rule.basis,
                rule.status.startswith("confirm"),
                entry.retain_until.date().isoformat() if entry.retain_until else "",
                entry.sha256,
            )
        )
    act_id = f"disposal-act-{safe_id(year) + '-' if year else ''}{now:%Y%m%d%H%M%S}"
    pdf = render_pdf(
        "disposal-act.html",
        {
            "school": school_name,
            "number": act_id,
            "drafted": now.strftime("%d.%m.%Y"),
            "rows": items,
        },
    )
    entry = archive.archive(
        pdf, DocumentMetadata(document_id=act_id, year=year), "disposal-act", actor=actor
    )
    archive.catalog.set_state(
        f"disposal:{act_id}",
        json.dumps(
            {"items": [asdict(i) for i in items], "pdf_entry_id": entry.id, "approved": None},
            ensure_ascii=False,
        ),
    )
    archive.catalog.append_events(
        [
            EventDraft(
                "disposal-draft",
                act_id,
                entry.id,
                actor,
                {"documents": [i.document_id for i in items]},
            )
        ]
    )
    return DisposalAct(act_id, tuple(items), entry.id)


def load_act(archive: Archive, act_id: str) -> DisposalAct:
    """A drafted act by its id."""
    raw = archive.catalog.get_state(f"disposal:{act_id}")
    if raw is None:
        raise StorageError(f"акт {act_id} не найден")
    data = json.loads(raw)
    return DisposalAct(
        act_id, tuple(ActItem(**i) for i in data["items"]), int(data["pdf_entry_id"])
    )


def dispose(archive: Archive, act_id: str, *, approved_by: str) -> DisposalResult:
    """After approval, delete the act's documents that are neither locked nor held; record each."""
    if not approved_by.strip():
        raise ValueError("укажите, кто утвердил акт")
    act = load_act(archive, act_id)
    deleted: list[str] = []
    refused: list[str] = []
    now = archive.now()
    for item in act.items:
        entry = archive.catalog.get_entry(item.entry_id)
        if entry is None or entry.state == DISPOSED:
            continue
        if entry.legal_hold or (entry.retain_until is not None and entry.retain_until > now):
            refused.append(
                f"{entry.document_id}: срок хранения не истёк или установлен запрет удаления"
            )
            continue
        problems = archive.delete_copies(entry)
        if problems:
            refused.append(f"{entry.document_id}: " + "; ".join(problems))
            continue
        archive.catalog.update_entry(
            entry.id,
            {"state": DISPOSED},
            EventDraft(
                "disposal",
                entry.document_id,
                entry.id,
                approved_by,
                {"act": act_id, "version": entry.version},
            ),
        )
        deleted.append(entry.document_id)
    raw = json.loads(archive.catalog.get_state(f"disposal:{act_id}") or "{}")
    raw["approved"] = {
        "by": approved_by,
        "at": now.isoformat(),
        "deleted": deleted,
        "refused": refused,
    }
    archive.catalog.set_state(f"disposal:{act_id}", json.dumps(raw, ensure_ascii=False))
    return DisposalResult(act_id, tuple(deleted), tuple(refused))
