"""The Регламент's deadlines: checked from the policy, printed from the same policy."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from service.documents.kinds import build
from service.documents.kinds.control_report import build_control_report
from service.journal.snapshot import Lesson, Mark, Snapshot
from service.orders.context import ContextRequest, build_context, order_meta
from service.orders.kinds import get_kind
from service.orders.render import docx_text, render_docx
from service.orders.sample_school import sample_snapshot
from service.orders.versions import bundled
from service.policy import DEFAULT_POLICY_FILE, default_policy, school_policy
from tests.documents.factories import tiny_school

MSK = dt.timezone(dt.timedelta(hours=3))
DAY = dt.date(2024, 9, 2)
POLICY = default_policy()


@pytest.fixture
def configured(monkeypatch):
    """The configured policy, re-read for each test and forgotten afterwards."""
    for name in ("POLICY", "MEDAL_CRITERIA", "HOMEWORK_HOURS", "TIME_ZONE"):
        monkeypatch.delenv(f"VEDOMOST_{name}", raising=False)
    school_policy.cache_clear()
    yield monkeypatch
    school_policy.cache_clear()


def _school(grade: int, homework_at: dt.datetime, mark_at: dt.datetime | None = None) -> Snapshot:
    """5А renamed to ``grade``: on 02.09 lesson 1 (homework) and lesson 5 (ends 13:25)."""
    snap = tiny_school()
    first = next(x for x in snap.lessons if x.id == "L1")
    lessons = [
        replace(first, homework_entered_at=homework_at),
        Lesson("L1b", DAY, 5, "5А", "music", "t-mus", topic="Пение", entered_at=homework_at),
        *(x for x in snap.lessons if x.id != "L1"),
    ]
    marks = list(snap.marks)
    if mark_at is not None:
        marks = [m for m in marks if m.lesson_id != "L1"] + [
            Mark("m1", "L1", "s1", "5", entered_at=mark_at)
        ]
    return replace(
        snap,
        classes=(replace(snap.classes[0], grade=grade), *snap.classes[1:]),
        lessons=tuple(lessons),
        marks=tuple(marks),
    )


def _late(snap: Snapshot, what: str, policy=POLICY) -> list[str]:
    data = build_control_report(snap, "timeliness", "5А", "Q1", policy=policy)
    return [c.problem for c in data.timeliness_cases if c.date == DAY and what in c.problem]


def test_homework_counts_from_that_class_last_lesson_by_grade_band() -> None:
    """GIVEN homework entered 2 h after the class's last lesson (13:25 → 15:25)
    THEN on time in grades 1–4 (2,5 h), late in 10–11 (1 h)."""
    at = dt.datetime.combine(DAY, dt.time(15, 25), tzinfo=MSK)
    assert _late(_school(3, at), "домашнее") == []
    assert _late(_school(11, at), "домашнее") == ["домашнее задание внесено с опозданием"]
    # Counted from the class's first lesson (09:15 + 1 h), 14:00 would be late: it is not.
    early = dt.datetime.combine(DAY, dt.time(14, 0), tzinfo=MSK)
    assert _late(_school(11, early), "домашнее") == []


def test_marks_are_due_by_the_policy_time_of_day() -> None:
    """«до 16.00 часов каждого дня»: 15:59 is on time, 16:30 late."""
    hw = dt.datetime.combine(DAY, dt.time(10, 0), tzinfo=MSK)
    before = dt.datetime.combine(DAY, dt.time(15, 59), tzinfo=MSK)
    after = dt.datetime.combine(DAY, dt.time(16, 30), tzinfo=MSK)
    assert _late(_school(5, hw, before), "отметка") == []
    assert _late(_school(5, hw, after), "отметка") == ["отметка выставлена позже 16.00 дня урока"]


def _policy_file(tmp_path: Path) -> Path:
    raw = yaml.safe_load(DEFAULT_POLICY_FILE.read_text("utf-8"))
    raw["deadlines"].update(
        marks_until="17:30",
        homework_hours=[{"grades": "1-11", "hours": 3}],
        written_work_days=5,
        test_days=2,
    )
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    return path


def _regulation_text(kind_name: str) -> str:
    """The bundled template rendered as the service makes a document: with the school policy."""
    kind = get_kind(kind_name)
    snap = sample_snapshot()
    meta = order_meta(snap, kind, "test-0001", snap.as_of, number="1")
    request = ContextRequest(kind, snap, meta, kind.sample_params(snap), school_policy())
    return " ".join(docx_text(render_docx(bundled(kind).content, build_context(request))).split())


@pytest.mark.parametrize("kind_name", ["rules-journal", "regulation-journal"])
def test_regulation_prints_the_policy_deadlines(configured, kind_name: str) -> None:
    """The Регламент and the Положение print the packaged policy's values."""
    text = _regulation_text(kind_name)
    assert "в день проведения урока до 16.00 часов" in text
    assert (
        "не позднее чем через 2,5 часа после окончания последнего урока класса в этот день "
        "в 1–4 классах, через 1,5 часа — в 5–9 классах, через 1 час — в 10–11 классах"
    ) in text
    assert "не позднее чем через 7 дней после проведения работы" in text
    assert "не позднее чем через 3 дня после проведения работы" in text


def test_a_changed_policy_file_changes_the_check_and_the_printed_text(configured, tmp_path):
    """GIVEN VEDOMOST_POLICY with other deadlines THEN the report and the Регламент both follow."""
    configured.setenv("VEDOMOST_POLICY", str(_policy_file(tmp_path)))
    text = _regulation_text("rules-journal")
    assert "до 17.30 часов" in text and "через 3 часа после окончания" in text
    assert "через 5 дней" in text and "через 2 дня" in text
    assert "16.00" not in text and "2,5 часа" not in text

    at = dt.datetime.combine(DAY, dt.time(16, 30), tzinfo=MSK)  # 3 h 5 min after 13:25
    snap = _school(3, at, at)
    data = build(snap, "control-report", {"report": "timeliness", "class": "5А", "period": "Q1"})
    kinds = [c.problem for c in data.timeliness_cases if c.date == DAY]
    assert kinds == ["домашнее задание внесено с опозданием"]  # the mark at 16:30 is before 17:30
    assert ("Отметки за урок", "в день проведения урока до 17.30 часов") in data.settings
