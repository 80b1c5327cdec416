"""The append-only audit log: each event carries the hash of the previous one."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from storage.catalog import AuditEvent, EventDraft

GENESIS = "0" * 64

EVENT_KINDS = (
    "ingest",
    "correction",
    "replication",
    "fixity-check",
    "fixity-run",
    "repair",
    "signature-renewal",
    "validation",
    "export",
    "disposal-draft",
    "disposal",
    "access",
    "backup",
    "restore",
    "retention-change",
)


def canonical_time(at: datetime) -> str:
    """The timestamp as hashed: UTC, microseconds."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(
    prev_hash: str,
    seq: int,
    at: datetime,
    kind: str,
    document_id: str,
    entry_id: int | None,
    actor: str,
    detail: Mapping[str, Any],
) -> str:
    """SHA-256 over the previous hash and a canonical JSON of the event's fields."""
    body = json.dumps(
        [seq, canonical_time(at), kind, document_id, entry_id, actor, detail],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def seal(draft: EventDraft, seq: int, prev_hash: str, at: datetime) -> AuditEvent:
    """Turn a draft into the next event of the chain."""
    at = at.astimezone(UTC).replace(microsecond=at.microsecond)
    detail = json.loads(json.dumps(dict(draft.detail), ensure_ascii=False, default=str))
    digest = event_hash(
        prev_hash, seq, at, draft.kind, draft.document_id, draft.entry_id, draft.actor, detail
    )
    return AuditEvent(
        seq,
        at,
        draft.kind,
        draft.document_id,
        draft.entry_id,
        draft.actor,
        detail,
        prev_hash,
        digest,
    )


@dataclass(frozen=True)
class LogVerification:
    """Result of :func:`verify_log`."""

    ok: bool
    checked: int
    problems: tuple[str, ...]


def verify_log(events: Iterable[AuditEvent], head: tuple[int, str]) -> LogVerification:
    """Recompute the chain: an edited, removed or inserted event (or a cut tail) is reported."""
    problems: list[str] = []
    prev = GENESIS
    expected_seq = 1
    checked = 0
    for event in events:
        checked += 1
        if event.seq != expected_seq:
            problems.append(
                f"событие №{expected_seq}: пропуск в нумерации (следующее — №{event.seq})"
            )
        if event.prev_hash != prev:
            problems.append(f"событие №{event.seq}: не совпадает хеш предыдущего события")
        recomputed = event_hash(
            event.prev_hash,
            event.seq,
            event.at,
            event.kind,
            event.document_id,
            event.entry_id,
            event.actor,
            event.detail,
        )
        if recomputed != event.hash:
            problems.append(f"событие №{event.seq}: запись изменена (хеш не совпадает)")
        prev = event.hash
        expected_seq = event.seq + 1
    head_seq, head_hash = head
    if head_seq != expected_seq - 1 or (head_seq and head_hash != prev):
        problems.append(
            f"последнее событие журнала — №{expected_seq - 1}, "
            f"а в заголовке цепочки — №{head_seq}: "
            "события удалены или заголовок изменён"
        )
    return LogVerification(ok=not problems, checked=checked, problems=tuple(problems))
