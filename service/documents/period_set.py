"""The whole period-end set of every class, rendered in a process pool, plus a print pack."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import pickle
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from service.documents.common import DocumentProblem, get_period
from service.documents.printpack import PrintPack, merge_for_duplex
from service.documents.registry import render_kind
from service.documents.render import RenderedDocument, resources
from service.journal.snapshot import Snapshot

PRINT_PACK = "print-pack.pdf"
_SNAPSHOT: Snapshot | None = None  # the parent's snapshot, or the worker's own unpickled copy


@dataclass(frozen=True, slots=True)
class Job:
    """One document of the set: kind, parameters and the file it goes to (relative)."""

    kind: str
    params: tuple[tuple[str, str], ...]
    relative_path: str


@dataclass(frozen=True, slots=True)
class PeriodSet:
    """Rendered documents of a period (in print order) and the print pack."""

    documents: tuple[RenderedDocument, ...]
    print_pack: PrintPack | None
    problems: tuple[tuple[str, str], ...] = ()  # (file, Russian reason) of documents not built


def _safe(value: str) -> str:
    return re.sub(r"[^\w.-]+", "_", value)


def period_jobs(snapshot: Snapshot, period_id: str) -> list[Job]:
    """Every document of the period-end set, class by class, in print order."""
    period = get_period(snapshot, period_id)
    jobs: list[Job] = []
    subject_order = {s.id: i for i, s in enumerate(snapshot.subjects)}
    for school_class in snapshot.classes:
        if not snapshot.students_of_class.get(school_class.id):
            continue
        folder = _safe(school_class.id)
        assignments = sorted(
            (a for a in snapshot.assignments if a.class_id == school_class.id),
            key=lambda a: (subject_order.get(a.subject_id, 0), a.group_id or ""),
        )
        for a in assignments:
            params = {"class": school_class.id, "subject": a.subject_id, "period": period.id}
            name = f"journal-printout-{_safe(a.subject_id)}"
            if a.group_id:
                params["group"] = a.group_id
                name += f"-{_safe(a.group_id)}"
            jobs.append(Job("journal-printout", tuple(params.items()), f"{folder}/{name}.pdf"))
        base = {"class": school_class.id, "period": period.id}
        jobs.append(Job("period-summary", tuple(base.items()), f"{folder}/period-summary.pdf"))
        if any(s.medal_candidate for s in snapshot.students_of_class[school_class.id]):
            jobs.append(Job("medal-sheet", tuple(base.items()), f"{folder}/medal-sheet.pdf"))
        for report in ("accumulation", "timeliness"):
            jobs.append(
                Job(
                    "control-report",
                    (*base.items(), ("report", report)),
                    f"{folder}/control-{report}.pdf",
                )
            )
    jobs.append(
        Job(
            "control-report",
            (("report", "movement"), ("period", period.id)),
            "school/control-movement.pdf",
        )
    )
    return jobs


def _run(job: Job, out_dir: str) -> RenderedDocument | str:
    """Render one job; a document that cannot be built returns its Russian reason instead."""
    assert _SNAPSHOT is not None
    try:
        return render_kind(_SNAPSHOT, job.kind, dict(job.params), Path(out_dir) / job.relative_path)
    except DocumentProblem as exc:
        return str(exc)


def _init_worker(snapshot_pickle: bytes) -> None:
    """Worker start: take the snapshot once and load stylesheets and fonts."""
    global _SNAPSHOT
    _SNAPSHOT = pickle.loads(snapshot_pickle)  # noqa: S301 (our own parent process's bytes)
    resources()


def render_period(
    snapshot: Snapshot,
    period_id: str,
    out_dir: Path,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    print_pack: bool = True,
) -> list[RenderedDocument]:
    """Render the period-end set of every class into ``out_dir`` (and ``print-pack.pdf``)."""
    return list(
        render_period_set(snapshot, period_id, out_dir, workers, progress, print_pack).documents
    )


def render_period_set(
    snapshot: Snapshot,
    period_id: str,
    out_dir: Path,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    print_pack: bool = True,
) -> PeriodSet:
    """Like :func:`render_period`, also returning the print pack's description."""
    global _SNAPSHOT
    jobs = period_jobs(snapshot, period_id)
    workers = max(1, workers or os.cpu_count() or 1)
    results: dict[int, RenderedDocument | str] = {}
    # Build the indexes once in the parent so forked workers share them copy-on-write.
    for name in (
        "lessons_of_class_subject",
        "marks_of_lesson",
        "attendance_of_lesson",
        "attendance_of_student",
        "period_mark_index",
        "students_of_class",
        "lesson_by_id",
        "staff_by_id",
        "class_by_id",
        "subject_by_id",
        "student_by_id",
        "marks_of_student",
    ):
        getattr(snapshot, name)
    _SNAPSHOT = snapshot
    try:
        if workers == 1:
            for i, job in enumerate(jobs):
                results[i] = _run(job, str(out_dir))
                if progress:
                    progress(len(results), len(jobs))
        else:
            # Workers come from a fork server, not a fork of this process: a plain fork copies
            # whatever sockets and locks the caller holds (a Celery worker's broker connection
            # was seen to hang the forked children), so each worker gets the snapshot once.
            context = multiprocessing.get_context("forkserver")
            payload = pickle.dumps(dataclasses.replace(snapshot), pickle.HIGHEST_PROTOCOL)
            with ProcessPoolExecutor(
                workers, mp_context=context, initializer=_init_worker, initargs=(payload,)
            ) as pool:
                futures = {pool.submit(_run, job, str(out_dir)): i for i, job in enumerate(jobs)}
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    if progress:
                        progress(len(results), len(jobs))
    finally:
        _SNAPSHOT = None
    documents = tuple(r for i in range(len(jobs)) if isinstance(r := results[i], RenderedDocument))
    problems = tuple(
        (jobs[i].relative_path, r) for i in range(len(jobs)) if isinstance(r := results[i], str)
    )
    pack = (
        merge_for_duplex((d.path for d in documents), out_dir / PRINT_PACK) if print_pack else None
    )
    return PeriodSet(documents, pack, problems)
