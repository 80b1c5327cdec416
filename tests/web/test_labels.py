"""The one table of Russian words for codes: jobs, audit events, kinds, stores, periods, times."""

from __future__ import annotations

import datetime as dt

import pytest

from service.web import labels


def test_codes_become_russian_words() -> None:
    """Job kinds, audit events, document and order kinds and stores read as words."""
    assert labels.job_kind("period-render") == "Формирование документов"
    assert labels.audit_event("ingest") == "поступление в архив"
    assert labels.audit_event("fixity-check") == "проверка целостности"
    assert labels.audit_event("access") == "просмотр"
    assert labels.kind("medal-sheet").startswith("Ведомость претендентов на медаль")
    assert labels.kind("transfer").startswith("О ")  # an order kind: its heading
    assert labels.kind("order-main") != "order-main"  # an archive kind: its schedule title
    assert labels.store("A") == "хранилище А" and labels.store("b") == "хранилище Б"
    assert labels.audit_detail("ingest", {"version": 1, "copies": ["A", "B"]}) == (
        "версия 1; копии: хранилище А, хранилище Б"
    )
    assert labels.audit_detail("fixity-check", {"A": "ok", "B": "damaged"}) == (
        "хранилище А: в порядке; хранилище Б: копия повреждена"
    )


@pytest.mark.django_db
def test_periods_facts_and_file_names(imported_school: object) -> None:
    """«Q1» → «1 четверть»; a printout's facts name class, subject and teacher; file names."""
    snapshot = imported_school
    assert labels.period(snapshot, "Q1") == snapshot.period_by_id["Q1"].name == "1 четверть"
    assert labels.period(snapshot, None) == "весь год"
    a = next(x for x in snapshot.assignments if not x.group_id)
    facts = labels.document_facts(
        snapshot, {"class": a.class_id, "subject": a.subject_id, "period": "Q1"}
    )
    school_class = snapshot.class_by_id[a.class_id]
    assert facts.class_name == school_class.name
    assert facts.subject == snapshot.subject_by_id[a.subject_id].name
    assert facts.teacher == snapshot.staff_by_id[a.teacher_id].short_name
    assert facts.period == "1 четверть"
    student = snapshot.students_of_class[school_class.id][0]
    about = labels.document_facts(snapshot, {"student": student.id, "period": "Q1"})
    name = labels.document_file_name("parent-statement", about)
    assert name == f"Выписка_{student.last_name}_{school_class.name}_1-четверть.pdf"


def test_times_in_the_school_time_zone(settings: object) -> None:
    """17:01 UTC is 20:01 in Moscow, the school's zone."""
    settings.TIME_ZONE = "Europe/Moscow"  # type: ignore[attr-defined]
    moment = dt.datetime(2026, 12, 7, 17, 1, tzinfo=dt.UTC)
    assert labels.when(moment) == "07.12.2026 20:01"
    assert labels.when("2026-12-07T17:01:05+00:00", seconds=True) == "07.12.2026 20:01:05"
    assert labels.when(None) == "—"
