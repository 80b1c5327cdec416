"""Incremental re-close: only documents whose content key changed are made again, as new versions
with their reason and a diff summary; the rest are reused from the archive.

Runs on the catalog the session uses (SQLite by default, PostgreSQL with
``VEDOMOST_DATABASE_URL``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from service.accounts.snapshots import current_snapshot, forget
from service.cli.close import _report_dict
from service.jobs.close_engine import open_close, run_close
from service.jobs.close_plan import resolve_target
from service.jobs.models import JobItem, PeriodClose
from tests.fixtures.web import import_sample_school, small_school_json

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
CLASS = "5А"


def _signer() -> object:
    from signing import demo_signer

    return demo_signer(Path(os.environ["VEDOMOST_DATA_DIR"]))


def _entries(school_id: str) -> dict[str, list[object]]:
    from service.archive.wiring import get_archive
    from storage.catalog import EntryFilter

    found: dict[str, list[object]] = {}
    for entry in get_archive().catalog.list_entries(EntryFilter(school=school_id)):
        found.setdefault(entry.document_id, []).append(entry)
    return found


def _change_one_mark(directory: Path) -> tuple[Path, dict[str, str]]:
    """The small school's journal export with one Q1 mark of 5А changed, as a school would fix
    it; what changed (student, subject, date, old and new value)."""
    data = json.loads(small_school_json())
    lessons = {
        lesson["id"]: lesson
        for lesson in data["lessons"]
        if lesson["class_id"] == CLASS and "2024-09-02" <= lesson["date"] <= "2024-10-25"
    }
    mark = next(m for m in data["marks"] if m["lesson_id"] in lessons and m["value"] in "345")
    old = mark["value"]
    mark["value"] = "2"
    lesson = lessons[mark["lesson_id"]]
    path = directory / "school-corrected.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path, {
        "student": mark["student_id"],
        "subject": lesson["subject_id"],
        "date": lesson["date"],
        "old": old,
        "new": "2",
    }


def test_a_re_close_after_one_corrected_mark_versions_exactly_the_affected_documents(
    tmp_path: Path,
) -> None:
    """GIVEN Q1 of 5А closed and archived WHEN one mark is corrected in the journal export, the
    export is imported again and Q1 is closed again THEN exactly the documents that show that
    mark are rendered, signed and archived as version 2 with the reason «исправление данных
    журнала: снимок № 2 от …» and a diff line «student, subject, date: old → new»; every other
    document keeps its one version, untouched."""
    from service.archive.wiring import get_archive
    from service.journal.importer import import_file

    forget()
    result = import_sample_school(tmp_path)
    snapshot = current_snapshot(result.school_id)
    target = resolve_target(snapshot, "Q1")
    close, _ = open_close(None, snapshot, target, {CLASS})
    first = run_close(close, _signer())
    assert first.archived == close.render_job.total and not first.failed and not first.changed
    before = {d: [e.sha256 for e in v] for d, v in _entries(result.school_id).items()}

    path, mark = _change_one_mark(tmp_path)
    forget()
    import_file(path)
    forget()
    corrected = current_snapshot(result.school_id)
    assert corrected.snapshot_id != snapshot.snapshot_id
    close, resumed = open_close(None, corrected, target, {CLASS})
    assert not resumed
    report = run_close(close, _signer())
    close.refresh_from_db()
    assert close.state == PeriodClose.State.ARCHIVED, close.error

    after = _entries(result.school_id)
    versioned = sorted(d for d, v in after.items() if len(v) == 2)
    items = JobItem.objects.filter(job=close.render_job)
    rendered = [i.result for i in items if not i.result.get("unchanged")]
    # Which documents show the mark: the subject's printout (the others print period marks,
    # counts and deadlines, which one changed value does not move).
    assert [r["document_id"] for r in rendered] == versioned
    assert [(r["kind"], r["class_id"]) for r in rendered] == [("journal-printout", CLASS)]
    printout = next(
        i
        for i in JobItem.objects.filter(job=close.render_job)
        if i.result.get("document_id") == versioned[0]
    )
    assert printout.params["params"]["subject"] == mark["subject"]
    assert report.rendered == report.signed == report.archived == report.new_versions == 1
    assert report.unchanged == first.archived - 1
    for document_id, entries in after.items():
        if document_id not in versioned:
            assert [e.sha256 for e in entries] == before[document_id]  # untouched

    old_version, new_version = get_archive().versions(versioned[0])
    today = dt.datetime.now(ZoneInfo("Europe/Moscow")).date().strftime("%d.%m.%Y")
    reason = f"исправление данных журнала: снимок № 2 от {today}"
    assert new_version.replaces_id == old_version.id and new_version.version == 2
    assert new_version.reason == reason
    assert new_version.snapshot_id == corrected.snapshot_id
    student = next(s for s in corrected.students if s.id == mark["student"])
    subject = corrected.subject_by_id[mark["subject"]].name
    day = dt.date.fromisoformat(mark["date"]).strftime("%d.%m.%Y")
    line = f"{student.last_name} {student.first_name}, {subject}, {day}: {mark['old']} → 2"
    assert new_version.extra["changes"] == line
    assert new_version.extra["causes"] == "изменились данные журнала"
    assert new_version.extra["data_key"] != old_version.extra["data_key"]
    assert new_version.extra["template_key"] == old_version.extra["template_key"]

    # The close report names the document, the reason and the line.
    (changed,) = report.changed
    assert (changed.document_id, changed.version, changed.reason) == (versioned[0], 2, reason)
    assert changed.changes == [line] and changed.class_id == CLASS
    assert subject in changed.title
    # … in `vedomost close --json` …
    as_json = json.loads(json.dumps(_report_dict(report, close), ensure_ascii=False))
    assert as_json["changed"][0]["changes"] == [line]
    assert as_json["changed"][0]["reason"] == reason
    # … and on the web close page.
    page = _director(snapshot).get(f"/period/{close.id}/").content.decode()
    assert 'id="changed"' in page and line in page and reason in page


def _director(snapshot: object) -> object:
    from django.test import Client

    from service.accounts.roles import Role
    from service.accounts.users import create_user

    user = create_user(
        "reclose-dir",
        snapshot.school.id,  # type: ignore[attr-defined]
        [Role.DIRECTOR],
        staff_id=snapshot.school.director_id,  # type: ignore[attr-defined]
    )
    client = Client()
    client.force_login(user)
    return client


def test_a_changed_policy_re_renders_only_the_documents_that_apply_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN Q1 of 5А archived WHEN the accumulation thresholds of the policy change and Q1 is
    closed again (same journal) THEN only the class's accumulation control report (the one
    document that reads them) becomes a new version, with the reason «изменение политики
    школы»; the timeliness report of the same kind is reused."""
    import yaml

    from service.archive.wiring import get_archive
    from service.policy import DEFAULT_POLICY_FILE, school_policy

    forget()
    result = import_sample_school(tmp_path)
    snapshot = current_snapshot(result.school_id)
    target = resolve_target(snapshot, "Q1")
    close, _ = open_close(None, snapshot, target, {CLASS})
    first = run_close(close, _signer())
    assert first.archived == close.render_job.total and not first.failed

    raw = yaml.safe_load(DEFAULT_POLICY_FILE.read_text("utf-8"))
    raw["accumulation"]["min_marks_one_hour"] = int(raw["accumulation"]["min_marks_one_hour"]) + 1
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("VEDOMOST_POLICY", str(policy_file))
    school_policy.cache_clear()
    try:
        close, _ = open_close(None, snapshot, target, {CLASS}, reason="")
        # The same snapshot and selection: the finished close is not resumed, a new one starts.
        report = run_close(close, _signer())
    finally:
        monkeypatch.delenv("VEDOMOST_POLICY")
        school_policy.cache_clear()
    assert not report.failed
    rendered = [
        i.params["params"]
        for i in JobItem.objects.filter(job=close.render_job)
        if not i.result.get("unchanged")
    ]
    reports = {
        i.params["params"].get("report")
        for i in JobItem.objects.filter(job=close.render_job)
        if i.params["kind"] == "control-report"
    }
    assert {"accumulation", "timeliness"} <= reports
    assert [(p.get("report"), p.get("class")) for p in rendered] == [("accumulation", CLASS)]
    (changed,) = report.changed
    assert changed.reason == "изменение политики школы"
    assert changed.causes == ["изменилась политика школы"]
    latest = get_archive().versions(changed.document_id)[-1]
    assert latest.version == 2 and latest.reason == "изменение политики школы"


def test_the_changes_of_a_document_name_marks_period_marks_and_attendance_in_its_scope(
    tmp_path: Path,
) -> None:
    """GIVEN a corrected export with one mark, one Q1 period mark and one attendance code of 5А
    changed (and one mark of another class) WHEN the changes of 5А's Q1 summary scope are read
    from the two stored snapshots THEN there is one Russian line for each change of 5А in Q1 and
    none for the other class."""
    from service.documents.kinds import build
    from service.jobs.corrections import Scope, change_lines, scoped_changes, student_names
    from service.journal.importer import import_file

    forget()
    first = import_sample_school(tmp_path)
    data = json.loads(small_school_json())
    lessons = {x["id"]: x for x in data["lessons"] if "2024-09-02" <= x["date"] <= "2024-10-25"}
    ours = [m for m in data["marks"] if lessons.get(m["lesson_id"], {}).get("class_id") == CLASS]
    other = next(
        m
        for m in data["marks"]
        if m["lesson_id"] in lessons and lessons[m["lesson_id"]]["class_id"] != CLASS
    )
    mark = next(m for m in ours if m["value"] in "345")
    mark["value"], other["value"] = "2", "2" if other["value"] != "2" else "5"
    students = {s["id"] for s in data["students"] if s["class_id"] == CLASS}
    period_mark = next(
        p for p in data["period_marks"] if p["student_id"] in students and p["period_id"] == "Q1"
    )
    old_period_mark = period_mark["value"]
    period_mark["value"] = "5" if old_period_mark != "5" else "4"
    visit = next(
        a
        for a in data["attendance"]
        if a["student_id"] in students
        and lessons.get(a["lesson_id"], {}).get("class_id") == CLASS
        and a["code"] == "Н"
    )
    visit["code"] = "У"
    path = tmp_path / "corrected.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    second = import_file(path)

    snapshot = current_snapshot(first.school_id)
    assert snapshot.snapshot_id == second.snapshot_id
    period = snapshot.period_by_id["Q1"]
    scope = Scope("period-summary", CLASS, "", "Q1", period.start, period.end)
    changes = scoped_changes(first.snapshot_id, second.snapshot_id, scope)
    assert sorted(c.what for c in changes) == ["attendance", "mark", "period_mark"]
    names = student_names((first.snapshot_id, second.snapshot_id), {c.student_id for c in changes})
    summary = build(snapshot, "period-summary", {"class": CLASS, "period": "Q1"})
    lines = change_lines(changes, summary, snapshot, names)

    rows = {r.student_id: r.name for r in summary.rows}  # as the summary prints them

    def who(student_id: str) -> str:
        return rows[student_id]

    def day(lesson_id: str) -> str:
        return dt.date.fromisoformat(lessons[lesson_id]["date"]).strftime("%d.%m.%Y")

    def subject(subject_id: str) -> str:
        return snapshot.subject_by_id[subject_id].name

    lesson = lessons[visit["lesson_id"]]
    expected = {
        f"{who(mark['student_id'])}, {subject(lessons[mark['lesson_id']]['subject_id'])}, "
        f"{day(mark['lesson_id'])}: {next(c.old for c in changes if c.what == 'mark')} → 2",
        f"{who(period_mark['student_id'])}, {subject(period_mark['subject_id'])}, отметка за "
        f"1 четверть: {old_period_mark} → {period_mark['value']}",
        f"{who(visit['student_id'])}, {subject(lesson['subject_id'])}, {day(visit['lesson_id'])}, "
        "посещаемость: Н → У",
    }
    assert set(lines) == expected
