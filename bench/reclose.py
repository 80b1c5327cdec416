"""Benchmark: an incremental re-close after a corrected import.

Run: ``python -m bench.reclose [--students 1000] [--workers 2] [--marks 5] [--classes 2]``.

1. generate the sample school, write its journal export (canonical JSON) and import it;
2. close Q1 of every class (render → sign with the demo key → archive), timed;
3. correct ``--marks`` marks of Q1 in ``--classes`` classes by editing the export, as a school
   would, and import the edited file;
4. close Q1 again, timed: only the documents whose content changed are rendered, signed and
   archived (as new versions), the others are reused from the archive.

Prints both times (wall and CPU, this process and its worker processes), the ratio (target
≤ 10 %), the documents rendered the second time, and checks that the archive holds them as
version 2 with the reason «исправление данных журнала: снимок № 2 от …» and the changed marks.
Embedded default: a temporary SQLite catalog and two directory stores (``--database-url`` for
PostgreSQL). Exit status 1 when a check fails (not when the target is missed).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TARGET_RATIO = 0.10
YEAR = "2024/2025"


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the render workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(what: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), _cpu()
    result = what()
    return result, time.perf_counter() - wall, _cpu() - cpu


def _uptime() -> str:
    try:
        return subprocess.run(
            ["uptime"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        return "load " + " ".join(Path("/proc/loadavg").read_text().split()[:3])


def stages(close: Any) -> str:
    """How long each stage's job ran: «формирование 12,3 с, подпись 1,0 с, архив 0,8 с»."""
    parts = []
    for label, job in (
        ("формирование", close.render_job),
        ("подпись", close.sign_job),
        ("архив", close.archive_job),
    ):
        if job is not None and job.started_at and job.finished_at:
            seconds = (job.finished_at - job.started_at).total_seconds()
            parts.append(f"{label} {seconds:.1f} с")
    return ", ".join(parts) or "—"


def correct_marks(
    data: dict[str, Any], period: dict[str, str], classes: int, marks: int
) -> list[dict[str, str]]:
    """Change ``marks`` marks of the period in ``classes`` classes (spread over subjects); what
    was changed (class, subject, group, student, date, old, new)."""
    lessons = {
        x["id"]: x
        for x in data["lessons"]
        if period["start"] <= x["date"] <= period["end"] and x["class_id"][:1].isdigit()
    }
    by_class: dict[str, list[dict[str, Any]]] = {}
    for mark in data["marks"]:
        lesson = lessons.get(mark["lesson_id"])
        if lesson is not None and mark["value"] in ("3", "4", "5"):
            by_class.setdefault(lesson["class_id"], []).append(mark)
    # Classes of the middle grades (they have marks and several subjects), in a stable order.
    chosen = sorted(by_class, key=lambda c: (abs(int("".join(filter(str.isdigit, c))) - 6), c))
    chosen = chosen[:classes]
    changed: list[dict[str, str]] = []

    def subject_of(mark: dict[str, Any]) -> str:
        return str(lessons[mark["lesson_id"]]["subject_id"])

    for n in range(marks):
        class_id = chosen[n % len(chosen)]
        taken = {(c["subject"], c["class"]) for c in changed}
        candidates = by_class[class_id]
        fresh = (m for m in candidates if (subject_of(m), class_id) not in taken)
        mark = next(fresh, candidates[n])
        lesson = lessons[mark["lesson_id"]]
        old = mark["value"]
        mark["value"] = {"5": "4", "4": "3", "3": "2"}[old]
        by_class[class_id] = [m for m in candidates if m is not mark]
        changed.append(
            {
                "class": class_id,
                "subject": lesson["subject_id"],
                "group": lesson.get("group_id") or "",
                "student": mark["student_id"],
                "date": lesson["date"],
                "old": old,
                "new": mark["value"],
            }
        )
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--marks", type=int, default=5, help="marks to correct")
    parser.add_argument("--classes", type=int, default=2, help="classes the marks are in")
    parser.add_argument("--database-url", default="", help="PostgreSQL (default: SQLite)")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="vedomost-reclose-"))
    os.environ["VEDOMOST_DATA_DIR"] = str(tmp / "data")
    os.environ.pop("VEDOMOST_BROKER_URL", None)
    if args.database_url:
        os.environ["VEDOMOST_DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("VEDOMOST_DATABASE_URL", None)
    from service.cli.main import migrate, setup_django

    setup_django()
    migrate()

    from service.archive.wiring import get_archive
    from service.jobs.close_engine import open_close, run_close
    from service.jobs.close_plan import resolve_target
    from service.jobs.models import JobItem
    from service.journal.importer import import_file
    from service.journal.store import load_snapshot
    from service.sample import generate_school
    from signing import demo_signer

    print(
        f"Школа: {args.students} учеников (seed {args.seed}), процессов формирования: "
        f"{args.workers}; каталог: {'PostgreSQL' if args.database_url else 'SQLite'}"
    )
    print(f"  {_uptime()}")
    data = generate_school(args.students, YEAR, args.seed)
    export = tmp / "journal.json"
    export.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    first_import = import_file(export)
    snapshot = load_snapshot(first_import.snapshot_id)
    target = resolve_target(snapshot, "Q1")
    signer = demo_signer(tmp / "data")

    def close_once(snap: Any) -> Any:
        close, _ = open_close(None, snap, target, None)
        report = run_close(close, signer, workers=args.workers)
        close.refresh_from_db()
        if close.state != "archived":
            raise SystemExit(f"закрытие остановилось: {close.error}")
        return close, report

    (close1, report1), wall1, cpu1 = _timed(lambda: close_once(snapshot))
    print(
        f"Первое закрытие «{target.name}»: {report1.documents} документов, сформировано "
        f"{report1.rendered}, страниц {report1.pages}: {wall1:.1f} с (ЦП {cpu1:.1f} с)"
    )
    print(f"  этапы: {stages(close1)}; {_uptime()}")

    period = next(p for p in data["year"]["periods"] if p["id"] == target.period_id)
    changed = correct_marks(data, period, args.classes, args.marks)
    corrected_export = tmp / "journal-corrected.json"
    corrected_export.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    second_import, import_wall, _ = _timed(lambda: import_file(corrected_export))
    print(
        f"Исправлено отметок: {len(changed)} в классах "
        f"{', '.join(sorted({c['class'] for c in changed}))}; повторный импорт {import_wall:.1f} с"
    )
    corrected = load_snapshot(second_import.snapshot_id)

    (close2, report2), wall2, cpu2 = _timed(lambda: close_once(corrected))
    ratio = wall2 / wall1 if wall1 else 0.0
    print(
        f"Повторное закрытие: {wall2:.1f} с (ЦП {cpu2:.1f} с); отношение {ratio:.1%} "
        f"(цель ≤ {TARGET_RATIO:.0%}){'' if ratio <= TARGET_RATIO else ' — ЦЕЛЬ НЕ ДОСТИГНУТА'}"
    )
    print(f"  этапы: {stages(close2)}; {_uptime()}")
    rendered = [
        i for i in JobItem.objects.filter(job=close2.render_job) if not i.result.get("unchanged")
    ]
    print(
        f"  сформировано заново: {len(rendered)} из {report2.documents}; без изменений: "
        f"{report2.unchanged}; новых версий: {report2.new_versions}"
    )
    for item in rendered:
        print(f"    {item.label}")

    problems = []
    expected = {(c["class"], c["subject"], c["group"]) for c in changed}
    got = {
        (
            i.params["params"].get("class", ""),
            i.params["params"].get("subject", ""),
            i.params["params"].get("group", "") or "",
        )
        for i in rendered
        if i.params["kind"] == "journal-printout"
    }
    if not expected <= got:
        problems.append(f"не сформированы журналы {sorted(expected - got)}")
    names = {s.id: f"{s.last_name} {s.first_name}" for s in corrected.students}
    archive = get_archive()
    for doc in report2.changed:
        entry = archive.versions(doc.document_id)[-1]
        if entry.version != 2 or entry.replaces_id is None:
            problems.append(f"{doc.title}: версия {entry.version}, не связана с прежней")
        if not entry.reason.startswith("исправление данных журнала: снимок № 2 от "):
            problems.append(f"{doc.title}: причина «{entry.reason}»")
    lines = "\n".join(line for doc in report2.changed for line in doc.changes)
    for c in changed:
        day = ".".join(reversed(c["date"].split("-")))
        wanted = f"{names[c['student']]}, "
        if wanted not in lines or f"{day}: {c['old']} → {c['new']}" not in lines:
            problems.append(f"нет строки изменения для {c['class']} {c['subject']} {day}")
    if report2.new_versions != len(rendered):
        problems.append(f"новых версий {report2.new_versions}, сформировано {len(rendered)}")
    print("Новые версии в архиве:")
    for doc in report2.changed:
        print(f"  {doc.title}, версия {doc.version}: {doc.reason}")
        for line in doc.changes:
            print(f"    {line}")
    if problems:
        print("ОШИБКИ ПРОВЕРКИ:")
        for problem in problems:
            print(f"  {problem}")
        return 1
    print("Проверка архива: новые версии с причиной и изменениями на месте.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
