"""The close engine: resume after a killed process, re-close with changed data, cancel, refusals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from service.accounts.snapshots import current_snapshot, forget
from service.jobs import progress
from service.jobs.close_engine import cancel_close, open_close, retry_close, run_close
from service.jobs.close_plan import CloseProblem, resolve_target
from service.jobs.models import ItemState, JobItem, PeriodClose
from tests.fixtures.web import _database_url, import_sample_school, small_school_json

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
CLASS = "5А"


def _signer() -> object:
    from signing import demo_signer

    return demo_signer(Path(os.environ["VEDOMOST_DATA_DIR"]))


def _versions_by_document(school_id: str) -> Counter[str]:
    from service.archive.wiring import get_archive
    from storage.catalog import EntryFilter

    entries = get_archive().catalog.list_entries(EntryFilter(school=school_id))
    return Counter(e.document_id for e in entries)


def _cli(*args: str) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        VEDOMOST_DATABASE_URL=_database_url(),
        PYTHONPATH=str(Path.cwd()),
        PYTHONWARNINGS="ignore",
    )
    env.pop("VEDOMOST_BROKER_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "service", "close", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _kill_when(proc: subprocess.Popen[bytes], reached: object, what: str) -> None:
    deadline = time.monotonic() + 240
    while not reached():  # type: ignore[operator]
        assert proc.poll() is None, (what, proc.communicate())
        assert time.monotonic() < deadline, what
        time.sleep(0.01)
    assert proc.poll() is None, f"the close ended before it could be killed at {what}"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _done(kind: str) -> int:
    return JobItem.objects.filter(job__kind=kind, state=ItemState.DONE).count()


def test_a_killed_close_resumes_and_archives_each_document_once(tmp_path: Path) -> None:
    """GIVEN `vedomost close Q1` killed with SIGKILL while rendering, then again while archiving
    WHEN the close is run again THEN it continues the same close and every document of the
    plan is archived exactly once (one version each)."""
    forget()
    result = import_sample_school(tmp_path)
    snapshot = current_snapshot(result.school_id)

    first = _cli("Q1", "--classes", CLASS, "--workers", "1")
    _kill_when(first, lambda: _done("period-render") >= 2, "rendering")
    close = PeriodClose.objects.get()
    assert close.state == PeriodClose.State.RENDERING  # as the killed process left it

    second = _cli("Q1", "--classes", CLASS, "--workers", "1")
    _kill_when(second, lambda: _done("period-archive") >= 1, "archiving")
    assert PeriodClose.objects.count() == 1

    close, resumed = open_close(None, snapshot, resolve_target(snapshot, "Q1"), {CLASS})
    assert resumed and close.state == PeriodClose.State.FAILED  # the dead runner was noticed
    assert "Закрытие прервалось" in close.error
    report = run_close(close, _signer())
    close.refresh_from_db()
    assert close.state == PeriodClose.State.ARCHIVED, (close.error, report.failed)
    planned = close.render_job.total
    versions = _versions_by_document(result.school_id)
    assert len(versions) == planned and set(versions.values()) == {1}
    assert report.archived == planned and not report.failed


def _school_with_one_mark_changed(directory: Path) -> tuple[Path, str]:
    """The small school with one Q1 mark of 5А changed; the subject whose printout changes."""
    data = json.loads(small_school_json())
    lessons = {
        lesson["id"]: lesson
        for lesson in data["lessons"]
        if lesson["class_id"] == CLASS and "2024-09-02" <= lesson["date"] <= "2024-10-25"
    }
    mark = next(m for m in data["marks"] if m["lesson_id"] in lessons and m["value"] in "345")
    mark["value"] = "2" if mark["value"] != "2" else "5"
    path = directory / "school-corrected.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path, lessons[mark["lesson_id"]]["subject_id"]


def test_a_re_close_with_one_changed_mark_versions_only_the_affected_document(
    tmp_path: Path,
) -> None:
    """GIVEN Q1 of 5А closed and archived WHEN one mark is corrected in a new import and Q1 is
    closed again THEN only that subject's journal printout becomes version 2, linked to version 1
    with the reason; the other documents are reused from the archive."""
    from service.archive.wiring import get_archive
    from service.journal.importer import import_file

    forget()
    result = import_sample_school(tmp_path)
    snapshot = current_snapshot(result.school_id)
    target = resolve_target(snapshot, "1 четверть")
    close, _ = open_close(None, snapshot, target, {CLASS})
    first = run_close(close, _signer())
    assert first.archived == close.render_job.total and not first.failed

    again, resumed = open_close(None, snapshot, target, {CLASS})
    assert not resumed
    same = run_close(again, _signer())
    assert (same.unchanged, same.archived, same.signed) == (first.archived, 0, 0)

    path, subject = _school_with_one_mark_changed(tmp_path)
    forget()
    import_file(path)
    forget()
    corrected = current_snapshot(result.school_id)
    assert corrected.snapshot_id != snapshot.snapshot_id
    close, _ = open_close(None, corrected, target, {CLASS})
    report = run_close(close, _signer())
    close.refresh_from_db()
    assert close.state == PeriodClose.State.ARCHIVED, close.error
    assert report.new_versions == 1 and report.unchanged == first.archived - 1
    versions = _versions_by_document(result.school_id)
    changed = [d for d, n in versions.items() if n == 2]
    assert len(changed) == 1 and set(versions.values()) == {1, 2}
    latest = get_archive().versions(changed[0])[-1]
    assert latest.kind == "journal-printout" and latest.replaces_id is not None
    assert latest.reason.startswith("исправление данных журнала: снимок № 2 от ")
    rendered = next(
        i
        for i in JobItem.objects.filter(job=close.render_job)
        if i.result["document_id"] == changed[0]
    )
    assert rendered.params["params"]["subject"] == subject


def test_cancel_stops_a_close_and_it_can_be_continued(tmp_path: Path) -> None:
    """GIVEN a close just started WHEN it is cancelled THEN no item runs, the state is «отменено»;
    continuing it finishes the close."""
    from service.jobs.tasks import run_item

    forget()
    result = import_sample_school(tmp_path)
    snapshot = current_snapshot(result.school_id)
    target = resolve_target(snapshot, "Q1")
    close, _ = open_close(None, snapshot, target, {"—"})
    close = cancel_close(close)
    assert close.state == PeriodClose.State.CANCELLED and close.stage == "rendering"
    key = JobItem.objects.filter(job=close.render_job).first().key
    assert run_item(str(close.render_job_id), key, school_id=close.school_id) == "pending"
    assert progress.status(str(close.render_job_id)).state == "cancelled"

    close = retry_close(close, start=False)
    assert close.state == PeriodClose.State.RENDERING
    report = run_close(close, _signer())
    close.refresh_from_db()
    assert close.state == PeriodClose.State.ARCHIVED and report.archived >= 1


def test_refusals_and_period_names(tmp_path: Path) -> None:
    """An empty class list and an unknown class are refused in Russian; periods are understood
    by code and by Russian name."""
    forget()
    snapshot = current_snapshot(import_sample_school(tmp_path).school_id)
    assert resolve_target(snapshot, "Q2").period_id == "Q2"
    assert resolve_target(snapshot, "3 четверть").period_id == "Q3"
    assert resolve_target(snapshot, "вторая четверть").period_id == "Q2"
    assert resolve_target(snapshot, "year").kind == "year"
    assert resolve_target(snapshot, "month 2024-10").period_id == "2024-10"
    with pytest.raises(CloseProblem, match="Неизвестный период «Q9»"):
        resolve_target(snapshot, "Q9")
    target = resolve_target(snapshot, "Q1")
    with pytest.raises(CloseProblem, match="Не выбран ни один класс"):
        open_close(None, snapshot, target, set())
    with pytest.raises(CloseProblem, match="Нет таких классов: 99Я"):
        open_close(None, snapshot, target, {"99Я"})
    assert not PeriodClose.objects.exists()


def test_a_close_without_progress_is_marked_interrupted_with_a_retry(
    tmp_path: Path, settings: object
) -> None:
    """GIVEN a close run by workers elsewhere (no local runner) that shows no progress for
    longer than the limit (a killed worker, a restarted server) WHEN its page is opened THEN it
    is «остановлено с ошибкой» with what happened, and «Повторить» puts it back to rendering."""
    from service.jobs.close_engine import check_stale

    forget()
    snapshot = current_snapshot(import_sample_school(tmp_path).school_id)
    close, _ = open_close(None, snapshot, resolve_target(snapshot, "Q1"), {"—"})
    PeriodClose.objects.filter(pk=close.pk).update(runner="")
    settings.CLOSE_STALE_SECONDS = 3600  # type: ignore[attr-defined]
    assert check_stale(PeriodClose.objects.get(pk=close.pk)).state == "rendering"
    settings.CLOSE_STALE_SECONDS = 0  # type: ignore[attr-defined]
    close = check_stale(PeriodClose.objects.get(pk=close.pk))
    assert close.state == PeriodClose.State.FAILED and close.stage == "rendering"
    assert "сервер перезапускался" in close.error and "«Повторить»" in close.error
    close = retry_close(close, start=False)
    assert close.state == PeriodClose.State.RENDERING and not close.error
