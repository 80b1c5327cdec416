"""The data-quality report: each planted problem is found, a clean journal has none; the CLI."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli.main import _register, cli
from service.journal import snapshot as m
from service.journal.canonical import snapshot_to_dict
from service.journal.quality import QualityProblem, check_quality, not_russian
from tests.journal.factories import tiny_snapshot

d = dt.date


def planted() -> m.Snapshot:
    """The tiny school with one of each problem planted (and its periods all marked)."""
    base = tiny_snapshot()
    first = m.SchoolClass("1А", 1, "А", "t-rus", groups=(m.Group("1А-1", "1 группа", ()),))
    fifth = replace(
        base.class_by_id["5А"],
        groups=(*base.class_by_id["5А"].groups, m.Group("5А-2", "2 группа", ())),
    )
    pupil = m.Student("Седых", "Анна", "Ивановна", id="s-9", sex=m.Sex.FEMALE, class_id="1А")
    lessons = (
        # English topic on a maths lesson
        m.Lesson("l-en", d(2024, 9, 4), 1, "5А", "math", "t-math", topic="Natural numbers"),
        # no topic
        m.Lesson("l-empty", d(2024, 9, 5), 1, "5А", "math", "t-math"),
        # kind of work not given
        m.Lesson(
            "l-other",
            d(2024, 9, 6),
            1,
            "5А",
            "math",
            "t-math",
            topic="Дроби",
            work_type=m.WorkType.OTHER,
        ),
        # a lesson of a group nobody of whom got the mark below
        m.Lesson("l-g2", d(2024, 9, 9), 1, "5А", "math", "t-math", group_id="5А-2", topic="Дроби"),
        # a 1st-grade lesson with a mark
        m.Lesson("l-1a", d(2024, 9, 4), 1, "1А", "rus", "t-rus", topic="Прописи"),
    )
    marks = (
        m.Mark("mk-out", "l-en", "s-3", "4"),  # s-3 is in 6Б
        m.Mark("mk-grp", "l-g2", "s-1", "5"),  # s-1 is not in group 5А-2
        m.Mark("mk-1a", "l-1a", "s-9", "5"),
    )
    period_marks = (
        m.PeriodMark("s-1", "math", "Q2", "5"),
        m.PeriodMark("s-9", "rus", "Q1", "5"),
        # s-2 has no Q2 mark in maths: missing
    )
    return replace(
        base,
        classes=(first, fifth, base.class_by_id["6Б"]),
        students=(*base.students, pupil),
        assignments=(*base.assignments, m.Assignment("a-9", "1А", "rus", "t-rus", 5.0)),
        lessons=(*base.lessons, *lessons),
        marks=(*base.marks, *marks),
        period_marks=(*base.period_marks, *period_marks),
    )


def by_problem(snapshot: m.Snapshot) -> dict[QualityProblem, list]:
    found: dict[QualityProblem, list] = {}
    for f in check_quality(snapshot):
        found.setdefault(f.problem, []).append(f)
    return found


def test_each_planted_problem_is_found_with_class_subject_and_example():
    found = by_problem(planted())
    assert set(found) == set(QualityProblem)
    missing = found[QualityProblem.MISSING_PERIOD_MARK]
    assert [(f.class_id, f.subject_id) for f in missing] == [("5А", "math")]
    assert missing[0].examples == ("Орлова В. Д., 2 четверть",)
    unmarked = found[QualityProblem.MARK_WITHOUT_MARKS][0]
    assert (unmarked.class_id, unmarked.count) == ("1А", 2)  # the lesson mark and the «5» for Q1
    english = found[QualityProblem.NOT_RUSSIAN][0]
    assert "Natural numbers" in english.examples[0]
    assert found[QualityProblem.NO_TOPIC][0].examples == ("05.09.2024, урок 1",)
    assert found[QualityProblem.MISSING_WORK_TYPE][0].count == 1
    outside = found[QualityProblem.FOREIGN_STUDENT][0]
    assert outside.count == 2
    assert "Белов И. (из 6Б класса)" in outside.examples[0]
    assert "Кузнецов А. И. (не из группы урока)" in outside.examples[1]
    assert outside.message.startswith("5А, Математика: отметка обучающегося не из класса")


def test_the_1st_grade_is_not_asked_for_period_marks_and_a_clean_journal_has_no_findings():
    snapshot = planted()
    missing = by_problem(snapshot)[QualityProblem.MISSING_PERIOD_MARK]
    assert all(f.class_id != "1А" for f in missing)
    clean = replace(
        tiny_snapshot(),
        period_marks=(
            *tiny_snapshot().period_marks,
            m.PeriodMark("s-1", "math", "Q2", "5"),
            m.PeriodMark("s-2", "math", "Q2", "4"),
        ),
    )
    assert check_quality(clean) == ()


@pytest.mark.parametrize(
    ("text", "foreign"),
    [("Natural numbers", True), ("Present Simple в речи", False), ("№ 1, 2", False), ("", False)],
)
def test_text_is_not_russian_only_without_any_cyrillic(text, foreign):
    assert not_russian(text) is foreign


@pytest.mark.django_db(transaction=True)
def test_import_prints_the_quality_warnings_after_the_summary(tmp_path: Path):
    _register()
    path = tmp_path / "school.json"
    path.write_text(json.dumps(snapshot_to_dict(planted()), ensure_ascii=False), "utf-8")
    result = CliRunner().invoke(cli, ["import", str(path)])
    assert result.exit_code == 0, result.output
    summary, quality = result.output.split("Качество данных", 1)
    assert "создан новый снимок" in summary
    for label in ("Нет отметки за период", "Текст не на русском языке", "Урок без темы"):
        assert label in quality
    assert "1А, Русский язык: отметки при безотметочном обучении — 2" in quality
    data = json.loads(CliRunner().invoke(cli, ["import", str(path), "--json"]).output)
    assert {q["problem"] for q in data["quality"]} == {str(p) for p in QualityProblem}


@pytest.mark.django_db(transaction=True)
def test_the_import_page_shows_the_quality_warnings_under_the_result():
    import io

    from django.test import Client

    from service.accounts.roles import Role
    from service.accounts.users import create_user

    client = Client()
    client.force_login(create_user("adm", "sch-1", [Role.JOURNAL_ADMIN]))
    upload = io.BytesIO(json.dumps(snapshot_to_dict(planted()), ensure_ascii=False).encode())
    upload.name = "school.json"
    html = client.post("/import/", {"file": upload}).content.decode()
    assert "Журнал загружен" in html
    quality = html.split('id="quality"', 1)[1]
    assert "Текст не на русском языке" in quality and "Natural numbers" in quality
    assert "Отметки при безотметочном обучении" in quality
