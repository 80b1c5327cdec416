"""Russian, human-readable summaries of imports and snapshots (for the CLI and the demo)."""

from __future__ import annotations

from django.utils import timezone

from service.journal.store import ImportResult, SnapshotInfo

ENTITY_LABELS: dict[str, str] = {
    "staff": "сотрудники",
    "classes": "классы",
    "students": "ученики",
    "guardians": "родители",
    "subjects": "предметы",
    "assignments": "нагрузка",
    "lessons": "уроки",
    "marks": "отметки",
    "attendance": "посещаемость",
    "period_marks": "отметки за периоды",
    "decisions": "решения педсовета",
    "movements": "движение учащихся",
    "substitutions": "замены",
    "consents": "согласия",
}


def format_counts(counts: dict[str, int]) -> str:
    """«ученики 1000, уроки 41 283, …» in the model's order."""
    parts = [f"{ENTITY_LABELS.get(k, k)} {_num(v)}" for k, v in counts.items()]
    return ", ".join(parts)


def _num(value: int) -> str:
    return f"{value:,}".replace(",", "\u00a0")


def format_import(result: ImportResult) -> str:
    """Several lines: school, year, counts, snapshot id, status and changes."""
    status = (
        "создан новый снимок"
        if result.status == "created"
        else "без изменений: такой снимок уже есть, ничего не записано"
    )
    lines = [
        f"Школа: {result.school_name} ({result.school_id})",
        f"Учебный год: {result.year}, данные на {result.as_of:%d.%m.%Y}",
        f"Снимок: {result.snapshot_id} — {status}",
        f"Записей: {format_counts(result.counts)}",
    ]
    if result.status == "created":
        if result.previous_id is None:
            lines.append("Изменения: это первый снимок этой школы за этот учебный год")
        elif result.diff is not None:
            lines.append(f"Изменения относительно снимка {result.previous_id[:12]}:")
            lines.extend("  " + line for line in result.diff.summary().splitlines())
    lines.extend(result.messages)
    return "\n".join(lines)


def format_snapshot_line(info: SnapshotInfo) -> str:
    """One line of ``vedomost snapshots``."""
    when = timezone.localtime(info.imported_at).strftime("%d.%m.%Y %H:%M")
    return (
        f"{info.snapshot_id[:12]}  {info.school_name} ({info.school_id})  {info.year}  "
        f"на {info.as_of:%d.%m.%Y}  импорт {when}  "
        f"учеников {info.counts.get('students', 0)}, отметок {info.counts.get('marks', 0)}"
    )
