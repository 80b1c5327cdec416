"""The school policy: journal deadlines, mark accumulation thresholds and medal criteria.

The rules come from a YAML file (the packaged ``policy.yaml`` unless ``VEDOMOST_POLICY`` names
another), are validated once with Russian messages naming the field, and reach the document
builders as a frozen :class:`SchoolPolicy` argument: builders never read the environment.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from service import config
from service.config import ConfigError

DEFAULT_POLICY_FILE = Path(__file__).with_name("policy.yaml")
NUMERIC_MARKS = ("5", "4", "3", "2", "1")


class PolicyError(ConfigError):
    """The policy file has a value the application cannot use; the message is Russian.

    A configuration error: start-up and the CLI report it as such, naming the file and field.
    """

    def __init__(
        self, field: str, problem: str, source: str = "", variable: str = "VEDOMOST_POLICY"
    ) -> None:
        where = f"{source}: " if source else ""
        super().__init__(variable, f"{where}политика школы, поле «{field}»: {problem}")
        self.field = field
        self.source = source
        self.reason = problem


@dataclass(frozen=True, slots=True)
class GradeBand:
    """Homework hours for a band of grades (parallels), e.g. 2,5 h in grades 1–4."""

    first: int
    last: int
    hours: float

    @property
    def label(self) -> str:
        """«1–4», or «5» for a band of one grade."""
        return str(self.first) if self.first == self.last else f"{self.first}–{self.last}"


DEFAULT_MARKS_UNTIL = dt.time(16, 0)
DEFAULT_HOMEWORK_BANDS = (GradeBand(1, 4, 2.5), GradeBand(5, 9, 1.5), GradeBand(10, 11, 1.0))
DEFAULT_LESSON_ENDS = tuple(
    dt.time.fromisoformat(t)
    for t in ("09:15", "10:10", "11:15", "12:20", "13:25", "14:20", "15:15", "16:10")
)


@dataclass(frozen=True, slots=True)
class Deadlines:
    """When journal entries are due (the timeliness control report checks them)."""

    marks_until: dt.time = DEFAULT_MARKS_UNTIL
    """Marks of a lesson are entered on its day by this time (later only for a later lesson)."""
    homework_bands: tuple[GradeBand, ...] = DEFAULT_HOMEWORK_BANDS
    """Homework is entered within these hours after the class's last lesson of the day."""
    lesson_ends: tuple[dt.time, ...] = DEFAULT_LESSON_ENDS
    """The bell schedule: when lesson 1, 2, … ends."""
    written_work_days: int = 7
    """Written works must be marked within this many days after the lesson."""
    test_days: int = 3
    """Tests must be marked within this many days after the lesson."""

    def homework_hours(self, grade: int) -> float:
        """Hours allowed for homework in ``grade`` (the last band's when no band has it)."""
        for band in self.homework_bands:
            if band.first <= grade <= band.last:
                return band.hours
        return self.homework_bands[-1].hours

    def lesson_end(self, number: int) -> dt.time:
        """When lesson ``number`` ends; the last bell for a number past the schedule."""
        return self.lesson_ends[min(max(number, 1), len(self.lesson_ends)) - 1]

    def with_homework_hours(self, hours: float) -> Deadlines:
        """The same deadlines with one homework allowance for every grade."""
        return dataclasses.replace(self, homework_bands=(GradeBand(1, 11, hours),))


@dataclass(frozen=True, slots=True)
class Accumulation:
    """Marks each student needs in a period (the accumulation control report checks them)."""

    min_marks_one_hour: int = 3
    """Subjects taught less than 2 hours a week."""
    min_marks_more_hours: int = 5
    """Subjects taught 2 hours a week or more."""

    def required_marks(self, hours_per_week: float) -> int:
        """Marks needed in a period for a subject taught ``hours_per_week``."""
        return self.min_marks_one_hour if hours_per_week < 2 else self.min_marks_more_hours


@dataclass(frozen=True, slots=True)
class GradingRules:
    """Where marks are not given, before the journal's period marks show it."""

    unmarked_grades: tuple[int, ...] = (1,)
    """Grades that learn without marks (безотметочное обучение)."""
    pass_fail_subjects: tuple[str, ...] = ()
    """Subjects (ids or names) graded «зачёт/незачёт» in every class that has them."""


@dataclass(frozen=True, slots=True)
class MedalLevel:
    """One medal level: the mark required and how many subjects may fall below it."""

    id: str
    name: str
    required: str
    allowed_below: int
    allowed_min: str


@dataclass(frozen=True, slots=True)
class MedalCriteria:
    """The medal rules: levels from the best, and marks acceptable at any level."""

    name: str
    basis: str
    always_acceptable: tuple[str, ...]
    levels: tuple[MedalLevel, ...]
    grades: tuple[int, ...] = ()
    """Grades whose candidates are assessed by these criteria; empty: every grade."""
    candidates_title: str = ""
    """How the sheet names the candidates («претендентов на медаль»)."""


@dataclass(frozen=True, slots=True)
class SchoolPolicy:
    """Everything a builder needs to know about the school's own rules."""

    deadlines: Deadlines
    accumulation: Accumulation
    medal: MedalCriteria
    time_zone: str = "Europe/Moscow"
    """The school's time zone: entry times are compared with deadlines in it."""
    grading: GradingRules = GradingRules()
    """Grades without marks and pass/fail subjects, left out of mark-based checks."""
    basic_honours: MedalCriteria | None = None
    """The аттестат об основном общем образовании с отличием (9th grade) criteria."""

    def award_for(self, grade: int) -> MedalCriteria:
        """The distinction candidates of ``grade`` are assessed for: honours or the medal."""
        honours = self.basic_honours
        if honours is not None and grade in honours.grades:
            return honours
        return self.medal

    @property
    def zone(self) -> ZoneInfo:
        """:attr:`time_zone` as a ``ZoneInfo``."""
        return ZoneInfo(self.time_zone)


def _section(raw: Mapping[str, Any], name: str, source: str) -> Mapping[str, Any]:
    value = raw.get(name)
    if not isinstance(value, Mapping):
        raise PolicyError(name, "раздел обязателен и должен быть словарём", source)
    return value


def _number(section: Mapping[str, Any], path: str, source: str, *, whole: bool) -> Any:
    key = path.rsplit(".", 1)[-1]
    if key not in section:
        raise PolicyError(path, "поле обязательно", source)
    value = section[key]
    if isinstance(value, str):
        value = value.replace(",", ".")
    try:
        number = int(value) if whole else float(value)
    except (TypeError, ValueError):
        kind = "целое число" if whole else "число"
        raise PolicyError(path, f"ожидается {kind}, получено {section[key]!r}", source) from None
    if isinstance(value, bool) or number < 0 or (whole and float(value) != number):
        raise PolicyError(path, f"ожидается неотрицательное число, получено {value!r}", source)
    return number


def _time(section: Mapping[str, Any], path: str, source: str, key: str = "") -> dt.time:
    value = section.get(key or path.rsplit(".", 1)[-1])
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        raise PolicyError(path, f"ожидается время ЧЧ:ММ, получено {value!r}", source) from None


def _bands(section: Mapping[str, Any], source: str) -> tuple[GradeBand, ...]:
    path = "deadlines.homework_hours"
    raw = section.get("homework_hours")
    if raw is None:
        raise PolicyError(path, "поле обязательно", source)
    if not isinstance(raw, list):
        return (GradeBand(1, 11, _number(section, path, source, whole=False)),)
    bands: list[GradeBand] = []
    for i, row in enumerate(raw):
        where = f"{path}[{i}]"
        if not isinstance(row, Mapping):
            raise PolicyError(where, 'ожидается {grades: "1-4", hours: 2.5}', source)
        grades = str(row.get("grades", "")).replace("–", "-").replace(" ", "")
        first, _, last = grades.partition("-")
        try:
            low, high = int(first), int(last or first)
        except ValueError:
            raise PolicyError(
                f"{where}.grades", f"ожидается диапазон классов «1-4», получено {grades!r}", source
            ) from None
        if not 1 <= low <= high <= 11:
            raise PolicyError(
                f"{where}.grades", "классы от 1 до 11, первый не больше второго", source
            )
        bands.append(GradeBand(low, high, _number(row, f"{where}.hours", source, whole=False)))
    if not bands:
        raise PolicyError(path, "не задана ни одна группа классов", source)
    covered = [g for b in bands for g in range(b.first, b.last + 1)]
    if len(covered) != len(set(covered)):
        raise PolicyError(path, "группы классов пересекаются", source)
    missing = sorted(set(range(1, 12)) - set(covered))
    if missing:
        raise PolicyError(
            path, "не задан срок для классов: " + ", ".join(map(str, missing)), source
        )
    return tuple(sorted(bands, key=lambda b: b.first))


def _lesson_ends(section: Mapping[str, Any], source: str) -> tuple[dt.time, ...]:
    path = "deadlines.lesson_ends"
    raw = section.get("lesson_ends")
    if raw is None:
        return DEFAULT_LESSON_ENDS
    if not isinstance(raw, list) or not raw:
        raise PolicyError(path, "ожидается список времени окончания уроков «ЧЧ:ММ»", source)
    ends = tuple(_time({"t": v}, f"{path}[{i}]", source, key="t") for i, v in enumerate(raw))
    if list(ends) != sorted(set(ends)):
        raise PolicyError(path, "время окончания уроков должно возрастать", source)
    return ends


def parse_medal_criteria(raw: Any, source: str = "", prefix: str = "medal") -> MedalCriteria:
    """Medal criteria from their YAML mapping; a :class:`PolicyError` names the wrong field."""
    dot = f"{prefix}." if prefix else ""
    if not isinstance(raw, Mapping):
        raise PolicyError(prefix or "критерии медали", "должен быть словарём", source)
    if not raw.get("name"):
        raise PolicyError(f"{dot}name", "поле обязательно", source)
    rows = raw.get("levels")
    if not isinstance(rows, list) or not rows:
        raise PolicyError(f"{dot}levels", "не задан ни один уровень", source)
    levels = []
    for i, row in enumerate(rows):
        where = f"{dot}levels[{i}]"
        if not isinstance(row, Mapping):
            raise PolicyError(where, "уровень должен быть словарём", source)
        for key in ("id", "name", "required", "allowed_min"):
            if row.get(key) in (None, ""):
                raise PolicyError(f"{where}.{key}", "поле обязательно", source)
        for key in ("required", "allowed_min"):
            if str(row[key]) not in NUMERIC_MARKS:
                raise PolicyError(f"{where}.{key}", "отметка должна быть от 1 до 5", source)
        levels.append(
            MedalLevel(
                str(row["id"]),
                str(row["name"]),
                str(row["required"]),
                _number(row, f"{where}.allowed_below", source, whole=True),
                str(row["allowed_min"]),
            )
        )
    acceptable = raw.get("always_acceptable", ())
    if not isinstance(acceptable, list | tuple):
        raise PolicyError(f"{dot}always_acceptable", "ожидается список отметок", source)
    grades = raw.get("grades", ())
    if not isinstance(grades, list | tuple) or not all(
        isinstance(g, int) and not isinstance(g, bool) and 1 <= g <= 11 for g in grades
    ):
        raise PolicyError(
            f"{dot}grades", "ожидается список классов (параллелей) от 1 до 11", source
        )
    return MedalCriteria(
        str(raw["name"]),
        str(raw.get("basis", "")),
        tuple(str(v) for v in acceptable),
        tuple(levels),
        tuple(grades),
        str(raw.get("candidates_title", "")),
    )


def parse_grading(raw: Any, source: str = "") -> GradingRules:
    """The optional ``grading`` section; the defaults when it is absent."""
    if raw is None:
        return GradingRules()
    if not isinstance(raw, Mapping):
        raise PolicyError("grading", "раздел должен быть словарём", source)
    grades = raw.get("unmarked_grades", [1])
    if not isinstance(grades, list) or not all(
        isinstance(g, int) and not isinstance(g, bool) and 1 <= g <= 11 for g in grades
    ):
        raise PolicyError(
            "grading.unmarked_grades", "ожидается список параллелей от 1 до 11", source
        )
    subjects = raw.get("pass_fail_subjects", [])
    if not isinstance(subjects, list) or not all(isinstance(x, str) and x for x in subjects):
        raise PolicyError(
            "grading.pass_fail_subjects", "ожидается список предметов (id или названий)", source
        )
    return GradingRules(tuple(grades), tuple(subjects))


def parse_policy(raw: Any, source: str = "") -> SchoolPolicy:
    """A :class:`SchoolPolicy` from the YAML mapping of a policy file."""
    if not isinstance(raw, Mapping):
        raise PolicyError("(файл)", "ожидается словарь с разделами deadlines, accumulation, medal")
    deadlines = _section(raw, "deadlines", source)
    accumulation = _section(raw, "accumulation", source)
    return SchoolPolicy(
        deadlines=Deadlines(
            marks_until=(
                _time(deadlines, "deadlines.marks_until", source)
                if "marks_until" in deadlines
                else DEFAULT_MARKS_UNTIL
            ),
            homework_bands=_bands(deadlines, source),
            lesson_ends=_lesson_ends(deadlines, source),
            written_work_days=_number(deadlines, "deadlines.written_work_days", source, whole=True),
            test_days=_number(deadlines, "deadlines.test_days", source, whole=True),
        ),
        accumulation=Accumulation(
            min_marks_one_hour=_number(
                accumulation, "accumulation.min_marks_one_hour", source, whole=True
            ),
            min_marks_more_hours=_number(
                accumulation, "accumulation.min_marks_more_hours", source, whole=True
            ),
        ),
        medal=parse_medal_criteria(raw.get("medal"), source),
        grading=parse_grading(raw.get("grading"), source),
        basic_honours=(
            parse_medal_criteria(raw["basic_honours"], source, prefix="basic_honours")
            if raw.get("basic_honours") is not None
            else None
        ),
    )


def _read_yaml(path: Path) -> Any:
    import yaml

    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except OSError as exc:
        raise PolicyError("(файл)", f"не удалось прочитать: {exc.strerror}", str(path)) from None
    except yaml.YAMLError as exc:
        raise PolicyError("(файл)", f"ошибка YAML: {exc}", str(path)) from None


def load_policy(path: Path = DEFAULT_POLICY_FILE) -> SchoolPolicy:
    """Read and validate a policy file."""
    return parse_policy(_read_yaml(path), str(path))


def load_medal_criteria(path: Path) -> MedalCriteria:
    """Read medal criteria alone (the format of the policy's ``medal`` section)."""
    try:
        return parse_medal_criteria(_read_yaml(path), str(path), prefix="")
    except PolicyError as exc:
        raise PolicyError(
            exc.field, exc.reason, exc.source, variable="VEDOMOST_MEDAL_CRITERIA"
        ) from None


def default_policy() -> SchoolPolicy:
    """The packaged policy, with no configuration applied."""
    return _packaged()


@cache
def _packaged() -> SchoolPolicy:
    return load_policy(DEFAULT_POLICY_FILE)


@cache
def school_policy() -> SchoolPolicy:
    """The configured policy: ``VEDOMOST_POLICY`` (or the packaged file) with overrides applied.

    ``VEDOMOST_MEDAL_CRITERIA`` replaces the medal section with a criteria file of its own,
    ``VEDOMOST_HOMEWORK_HOURS`` the homework hours of every grade, ``VEDOMOST_TIME_ZONE`` the
    time zone.
    """
    policy_file = config.policy_file()
    policy = load_policy(policy_file) if policy_file else default_policy()
    medal_file = config.medal_criteria_file()
    if medal_file:
        policy = dataclasses.replace(policy, medal=load_medal_criteria(medal_file))
    hours = config.homework_hours()
    if hours is not None:
        policy = dataclasses.replace(policy, deadlines=policy.deadlines.with_homework_hours(hours))
    return dataclasses.replace(policy, time_zone=config.school_time_zone())
