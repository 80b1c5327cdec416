"""The whole period-end set of every class, rendered in a process pool, plus a print pack."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import pickle
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from service import library_warnings
from service.documents.common import DocumentProblem, get_period, ordered_classes, safe_file_name
from service.documents.kind import PERIOD_END
from service.documents.kinds import KINDS, render_kind
from service.documents.printpack import PrintPack, merge_for_duplex
from service.documents.render import RenderedDocument, resources
from service.journal.snapshot import Snapshot
from service.policy import SchoolPolicy, school_policy

PRINT_PACK = "print-pack.pdf"
SCHOOL_FOLDER = "school"  # documents of the whole school, not of one class
_SNAPSHOT: Snapshot | None = None  # the parent's snapshot, or the worker's own unpickled copy
_POLICY: SchoolPolicy | None = None


@dataclass(frozen=True, slots=True)
class Job:
    """One document of the set: kind, parameters, the file it goes to (relative), list title."""

    kind: str
    params: tuple[tuple[str, str], ...]
    relative_path: str
    title: str = ""


@dataclass(frozen=True, slots=True)
class PeriodSet:
    """Rendered documents of a period (in print order) and the print pack."""

    documents: tuple[RenderedDocument, ...]
    print_pack: PrintPack | None
    problems: tuple[tuple[str, str], ...] = ()  # (file, Russian reason) of documents not built


def period_jobs(snapshot: Snapshot, period_id: str, set_name: str = PERIOD_END) -> list[Job]:
    """Every document of a period's set, class by class in print order, then the school's.

    Which documents a kind contributes is its descriptor's ``plan``; kinds are taken in the
    registry's order.
    """
    period = get_period(snapshot, period_id)
    kinds = [k for k in KINDS.values() if set_name in k.sets and k.plan is not None]
    jobs: list[Job] = []
    for school_class in ordered_classes(snapshot):
        if not snapshot.students_of_class.get(school_class.id):
            continue
        folder = safe_file_name(school_class.id)
        for kind in kinds:
            assert kind.plan is not None
            for planned in kind.plan(snapshot, period, school_class):
                path = f"{folder}/{planned.file_name}"
                jobs.append(Job(kind.id, planned.params, path, planned.title or kind.title))
    for kind in kinds:
        assert kind.plan is not None
        for planned in kind.plan(snapshot, period, None):
            path = f"{SCHOOL_FOLDER}/{planned.file_name}"
            jobs.append(Job(kind.id, planned.params, path, planned.title or kind.title))
    return jobs


def _run(job: Job, out_dir: str) -> RenderedDocument | str:
    """Render one job; a document that cannot be built returns its Russian reason instead."""
    assert _SNAPSHOT is not None
    out = Path(out_dir) / job.relative_path
    try:
        return render_kind(_SNAPSHOT, job.kind, dict(job.params), out, _POLICY)
    except DocumentProblem as exc:
        return str(exc)


def _init_worker(snapshot_pickle: bytes, policy: SchoolPolicy) -> None:
    """Worker start: take the snapshot and the policy once and load stylesheets and fonts."""
    global _SNAPSHOT, _POLICY
    library_warnings.quiet()
    _SNAPSHOT = pickle.loads(snapshot_pickle)  # noqa: S301 (our own parent process's bytes)
    _POLICY = policy
    resources()


def render_period(
    snapshot: Snapshot,
    period_id: str,
    out_dir: Path,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    print_pack: bool = True,
    policy: SchoolPolicy | None = None,
) -> list[RenderedDocument]:
    """Render the period-end set of every class into ``out_dir`` (and ``print-pack.pdf``)."""
    result = render_period_set(snapshot, period_id, out_dir, workers, progress, print_pack, policy)
    return list(result.documents)


def render_period_set(
    snapshot: Snapshot,
    period_id: str,
    out_dir: Path,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    print_pack: bool = True,
    policy: SchoolPolicy | None = None,
) -> PeriodSet:
    """Like :func:`render_period`, also returning the print pack's description.

    ``policy`` is the school policy the builders apply (the configured one by default).
    """
    global _SNAPSHOT, _POLICY
    jobs = period_jobs(snapshot, period_id)
    policy = policy or school_policy()
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
    _SNAPSHOT, _POLICY = snapshot, policy
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
                workers, mp_context=context, initializer=_init_worker, initargs=(payload, policy)
            ) as pool:
                futures = {pool.submit(_run, job, str(out_dir)): i for i, job in enumerate(jobs)}
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    if progress:
                        progress(len(results), len(jobs))
    finally:
        _SNAPSHOT = _POLICY = None
    documents = tuple(r for i in range(len(jobs)) if isinstance(r := results[i], RenderedDocument))
    problems = tuple(
        (jobs[i].relative_path, r) for i in range(len(jobs)) if isinstance(r := results[i], str)
    )
    pack = (
        merge_for_duplex((d.path for d in documents), out_dir / PRINT_PACK) if print_pack else None
    )
    return PeriodSet(documents, pack, problems)
