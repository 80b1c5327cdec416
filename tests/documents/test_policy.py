"""The school policy file: defaults, validation with Russian messages, overrides from config."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from service.config import ConfigError
from service.documents.kinds import build
from service.policy import (
    DEFAULT_POLICY_FILE,
    PolicyError,
    default_policy,
    load_policy,
    school_policy,
)
from tests.documents.factories import tiny_school


@pytest.fixture
def configured(monkeypatch):
    """The configured policy, re-read for each test and forgotten afterwards."""
    for name in ("POLICY", "MEDAL_CRITERIA", "HOMEWORK_HOURS", "TIME_ZONE"):
        monkeypatch.delenv(f"VEDOMOST_{name}", raising=False)
    school_policy.cache_clear()
    yield monkeypatch
    school_policy.cache_clear()


def _write(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(DEFAULT_POLICY_FILE.read_text("utf-8"))
    change(raw)
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    return path


def test_packaged_policy_has_the_regulation_defaults():
    policy = default_policy()
    assert policy.deadlines.marks_until == dt.time(16, 0)
    hours = [policy.deadlines.homework_hours(grade) for grade in (1, 4, 5, 9, 10, 11)]
    assert hours == [2.5, 2.5, 1.5, 1.5, 1.0, 1.0]
    assert policy.deadlines.written_work_days == 7
    assert policy.deadlines.test_days == 3
    assert policy.accumulation.required_marks(1) == 3
    assert policy.accumulation.required_marks(2.5) == 5
    assert [level.id for level in policy.medal.levels] == ["I", "II"]
    assert policy.grading.unmarked_grades == (1,) and policy.grading.pass_fail_subjects == ()
    assert policy.award_for(9) == policy.basic_honours and policy.award_for(11) == policy.medal
    assert policy.award_for(10) == policy.medal


def test_a_policy_without_the_new_sections_keeps_the_defaults(tmp_path):
    def drop(raw):
        raw.pop("grading")
        raw.pop("basic_honours")

    policy = load_policy(_write(tmp_path, drop))
    assert policy.grading.unmarked_grades == (1,) and policy.basic_honours is None
    assert policy.award_for(9) == policy.medal


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda r: r["deadlines"].update(test_days="три"), "deadlines.test_days", "целое число"),
        (lambda r: r["deadlines"].pop("homework_hours"), "deadlines.homework_hours", "обязательно"),
        (
            lambda r: r["deadlines"].update(marks_until="после обеда"),
            "deadlines.marks_until",
            "ЧЧ:ММ",
        ),
        (
            lambda r: r["deadlines"]["homework_hours"].pop(1),
            "deadlines.homework_hours",
            "для классов: 5, 6, 7, 8, 9",
        ),
        (
            lambda r: r["deadlines"]["homework_hours"][0].update(grades="1-5"),
            "deadlines.homework_hours",
            "пересекаются",
        ),
        (
            lambda r: r["deadlines"]["homework_hours"][2].update(grades="десятые"),
            "deadlines.homework_hours[2].grades",
            "диапазон классов",
        ),
        (
            lambda r: r["deadlines"].update(lesson_ends=["09:00", "08:00"]),
            "deadlines.lesson_ends",
            "возрастать",
        ),
        (lambda r: r.pop("accumulation"), "accumulation", "раздел обязателен"),
        (
            lambda r: r["medal"]["levels"][1].update(required="6"),
            "medal.levels[1].required",
            "от 1 до 5",
        ),
        (lambda r: r["medal"].update(levels=[]), "medal.levels", "ни один уровень"),
        (
            lambda r: r["grading"].update(unmarked_grades="первый"),
            "grading.unmarked_grades",
            "список параллелей",
        ),
        (lambda r: r["basic_honours"].update(grades=[9, 12]), "basic_honours.grades", "от 1 до 11"),
    ],
)
def test_a_bad_policy_file_names_the_field_in_russian(tmp_path, change, field, words):
    path = _write(tmp_path, change)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.field == field
    assert f"поле «{field}»" in str(caught.value) and words in str(caught.value)
    assert str(path) in str(caught.value)
    assert isinstance(caught.value, ConfigError) and caught.value.variable == "VEDOMOST_POLICY"


def test_policy_file_from_config_reaches_the_control_report(configured, tmp_path):
    """GIVEN a policy asking for 4 marks with 1 hour a week WHEN the report is built THEN it
    applies and prints that threshold."""
    path = _write(tmp_path, lambda r: r["accumulation"].update(min_marks_one_hour=4))
    configured.setenv("VEDOMOST_POLICY", str(path))
    data = build(
        tiny_school(), "control-report", {"report": "accumulation", "class": "5А", "period": "Q1"}
    )
    assert ("Минимум отметок при 1 ч в неделю", "4") in data.settings


def test_environment_overrides_still_work(configured, tmp_path):
    criteria = tmp_path / "medal.yaml"
    criteria.write_text(
        yaml.safe_dump(
            {
                "name": "Школьная медаль",
                "levels": [
                    {
                        "id": "A",
                        "name": "a",
                        "required": "5",
                        "allowed_below": 0,
                        "allowed_min": "5",
                    }
                ],
            },
            allow_unicode=True,
        ),
        "utf-8",
    )
    configured.setenv("VEDOMOST_MEDAL_CRITERIA", str(criteria))
    configured.setenv("VEDOMOST_HOMEWORK_HOURS", "4,5")
    configured.setenv("VEDOMOST_TIME_ZONE", "Asia/Yekaterinburg")
    policy = school_policy()
    assert policy.medal.name == "Школьная медаль"
    hours = {policy.deadlines.homework_hours(grade) for grade in range(1, 12)}
    assert (hours, policy.time_zone) == ({4.5}, "Asia/Yekaterinburg")


@pytest.mark.parametrize(
    ("variable", "value"),
    [("HOMEWORK_HOURS", "два"), ("TIME_ZONE", "Марс/Олимп"), ("MEDAL_CRITERIA", "/нет/файла.yaml")],
)
def test_a_bad_override_names_its_variable(configured, variable, value):
    configured.setenv(f"VEDOMOST_{variable}", value)
    with pytest.raises(ConfigError) as caught:
        school_policy()
    assert caught.value.variable == f"VEDOMOST_{variable}"
