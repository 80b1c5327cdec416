"""The curriculum of the sample school: subjects and hours per week by grade (after ФОП/ФГОС)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SubjectSpec:
    """A subject of the curriculum and who teaches it."""

    id: str
    name: str
    short_name: str
    department: str  # which kind of teacher teaches it (see DEPARTMENTS)
    pass_fail: bool = False  # graded «зач»/«незач» instead of marks
    split: bool = False  # taught in two groups (foreign language)


SUBJECTS: tuple[SubjectSpec, ...] = (
    SubjectSpec("rus", "Русский язык", "Рус. яз.", "rus"),
    SubjectSpec("litread", "Литературное чтение", "Лит. чт.", "primary"),
    SubjectSpec("lit", "Литература", "Лит-ра", "rus"),
    SubjectSpec("eng", "Иностранный язык (английский)", "Англ. яз.", "eng", split=True),
    SubjectSpec("math", "Математика", "Мат.", "math"),
    SubjectSpec("alg", "Алгебра", "Алг.", "math"),
    SubjectSpec("geom", "Геометрия", "Геом.", "math"),
    SubjectSpec("prob", "Вероятность и статистика", "ВиС", "math"),
    SubjectSpec("inf", "Информатика", "Инф.", "inf"),
    SubjectSpec("world", "Окружающий мир", "Окр. мир", "primary"),
    SubjectSpec("hist", "История", "Ист.", "hist"),
    SubjectSpec("soc", "Обществознание", "Общ.", "hist"),
    SubjectSpec("geo", "География", "Геогр.", "geo"),
    SubjectSpec("bio", "Биология", "Биол.", "bio"),
    SubjectSpec("phys", "Физика", "Физ.", "phys"),
    SubjectSpec("chem", "Химия", "Хим.", "chem"),
    SubjectSpec("music", "Музыка", "Муз.", "music"),
    SubjectSpec("art", "Изобразительное искусство", "ИЗО", "art"),
    SubjectSpec("tech", "Труд (технология)", "Труд", "tech"),
    SubjectSpec("pe", "Физическая культура", "Физ-ра", "pe"),
    SubjectSpec("obzr", "Основы безопасности и защиты Родины", "ОБЗР", "obzr"),
    SubjectSpec(
        "orkse", "Основы религиозных культур и светской этики", "ОРКСЭ", "primary", pass_fail=True
    ),
    SubjectSpec(
        "odnknr",
        "Основы духовно-нравственной культуры народов России",
        "ОДНКНР",
        "hist",
        pass_fail=True,
    ),
    SubjectSpec("proj", "Индивидуальный проект", "Инд. проект", "inf"),
    SubjectSpec(
        "fin", "Финансовая грамотность (элективный курс)", "Фин. грам.", "hist", pass_fail=True
    ),
)

SUBJECT_BY_ID: dict[str, SubjectSpec] = {s.id: s for s in SUBJECTS}

# Hours per week by grade; a five-day week. Primary: ФОП НОО; basic: ФОП ООО; secondary: ФОП СОО
# (universal profile).
_PRIMARY_1 = {
    "rus": 5,
    "litread": 4,
    "math": 4,
    "world": 2,
    "music": 1,
    "art": 1,
    "tech": 1,
    "pe": 2,
}
_PRIMARY_2 = {
    "rus": 5,
    "litread": 4,
    "eng": 2,
    "math": 4,
    "world": 2,
    "music": 1,
    "art": 1,
    "tech": 1,
    "pe": 2,
}
_PRIMARY_4 = {
    "rus": 5,
    "litread": 3,
    "eng": 2,
    "math": 4,
    "world": 2,
    "orkse": 1,
    "music": 1,
    "art": 1,
    "tech": 1,
    "pe": 2,
}
HOURS: dict[int, dict[str, int]] = {
    1: _PRIMARY_1,
    2: _PRIMARY_2,
    3: _PRIMARY_2,
    4: _PRIMARY_4,
    5: {
        "rus": 5,
        "lit": 3,
        "eng": 3,
        "math": 5,
        "hist": 2,
        "geo": 1,
        "bio": 1,
        "music": 1,
        "art": 1,
        "tech": 2,
        "pe": 2,
        "odnknr": 1,
    },
    6: {
        "rus": 6,
        "lit": 3,
        "eng": 3,
        "math": 5,
        "hist": 2,
        "soc": 1,
        "geo": 1,
        "bio": 1,
        "music": 1,
        "art": 1,
        "tech": 2,
        "pe": 2,
    },
    7: {
        "rus": 4,
        "lit": 2,
        "eng": 3,
        "alg": 3,
        "geom": 2,
        "prob": 1,
        "inf": 1,
        "hist": 2,
        "soc": 1,
        "geo": 2,
        "phys": 2,
        "bio": 1,
        "music": 1,
        "art": 1,
        "tech": 2,
        "pe": 2,
    },
    8: {
        "rus": 3,
        "lit": 2,
        "eng": 3,
        "alg": 3,
        "geom": 2,
        "prob": 1,
        "inf": 1,
        "hist": 2,
        "soc": 1,
        "geo": 2,
        "phys": 2,
        "chem": 2,
        "bio": 2,
        "music": 1,
        "tech": 1,
        "obzr": 1,
        "pe": 2,
    },
    9: {
        "rus": 3,
        "lit": 3,
        "eng": 3,
        "alg": 3,
        "geom": 2,
        "prob": 1,
        "inf": 1,
        "hist": 2,
        "soc": 1,
        "geo": 2,
        "phys": 3,
        "chem": 2,
        "bio": 2,
        "tech": 1,
        "obzr": 1,
        "pe": 2,
    },
    10: {
        "rus": 2,
        "lit": 3,
        "eng": 3,
        "alg": 3,
        "geom": 2,
        "prob": 1,
        "inf": 1,
        "hist": 2,
        "soc": 2,
        "geo": 1,
        "phys": 2,
        "chem": 1,
        "bio": 1,
        "pe": 2,
        "obzr": 1,
        "proj": 1,
        "fin": 1,
    },
    11: {
        "rus": 2,
        "lit": 3,
        "eng": 3,
        "alg": 3,
        "geom": 2,
        "prob": 1,
        "inf": 1,
        "hist": 2,
        "soc": 2,
        "geo": 1,
        "phys": 2,
        "chem": 1,
        "bio": 1,
        "pe": 2,
        "obzr": 1,
        "fin": 1,
    },
}

# Subjects taught by the primary-class teacher in grades 1–4 (the rest by subject teachers).
PRIMARY_TEACHER_SUBJECTS = frozenset({"rus", "litread", "math", "world", "art", "tech", "orkse"})

# Teachers' departments: position title in Russian.
DEPARTMENTS: dict[str, str] = {
    "primary": "учитель начальных классов",
    "rus": "учитель русского языка и литературы",
    "eng": "учитель английского языка",
    "math": "учитель математики",
    "inf": "учитель информатики",
    "hist": "учитель истории и обществознания",
    "geo": "учитель географии",
    "bio": "учитель биологии",
    "phys": "учитель физики",
    "chem": "учитель химии",
    "music": "учитель музыки",
    "art": "учитель изобразительного искусства",
    "tech": "учитель труда (технологии)",
    "pe": "учитель физической культуры",
    "obzr": "преподаватель-организатор ОБЗР",
}

# Subjects examined at the end of grades 9 and 11 (state exams): compulsory, then chosen.
EXAM_COMPULSORY: dict[int, tuple[str, ...]] = {9: ("rus", "alg"), 11: ("rus", "alg")}
EXAM_CHOICE: dict[int, tuple[str, ...]] = {
    9: ("soc", "inf", "geo", "bio", "chem", "phys", "eng", "hist", "lit"),
    11: ("soc", "phys", "inf", "chem", "bio", "hist", "eng", "lit", "geo"),
}
EXAM_CHOICES_PER_STUDENT: dict[int, int] = {9: 2, 11: 0}

MAX_LOAD = 24  # typical weekly load of a teacher (one stavka is 18 h, most teach more)


def subjects_of_grade(grade: int) -> list[tuple[SubjectSpec, int]]:
    """The subjects of a grade with hours per week, in curriculum order."""
    hours = HOURS[grade]
    return [(spec, hours[spec.id]) for spec in SUBJECTS if spec.id in hours]


def department_of(grade: int, subject_id: str) -> str:
    """Which kind of teacher teaches this subject in this grade."""
    if grade <= 4 and subject_id in PRIMARY_TEACHER_SUBJECTS:
        return "primary"
    return SUBJECT_BY_ID[subject_id].department


# Small schools do not fill a post per subject: a department with fewer hours than this joins a
# related one (the first partner listed that still has room), e.g. «учитель биологии и химии».
SMALL_DEPARTMENT_HOURS = 12
PARTNERS: dict[str, tuple[str, ...]] = {
    "chem": ("bio", "geo"),
    "geo": ("bio", "hist"),
    "phys": ("math", "inf"),
    "inf": ("math", "phys"),
    "obzr": ("pe",),
    "music": ("art", "tech"),
    "art": ("tech", "music"),
    "tech": ("art", "pe"),
}
# The subjects of each department in the genitive, for combined position titles.
GENITIVE: dict[str, tuple[str, ...]] = {
    "eng": ("английского языка",),
    "math": ("математики",),
    "inf": ("информатики",),
    "hist": ("истории", "обществознания"),
    "geo": ("географии",),
    "bio": ("биологии",),
    "phys": ("физики",),
    "chem": ("химии",),
    "music": ("музыки",),
    "art": ("изобразительного искусства",),
    "tech": ("труда (технологии)",),
    "pe": ("физической культуры",),
    "obzr": ("ОБЗР",),
}


def merge_small_departments(totals: dict[str, int]) -> dict[str, str]:
    """Department → the department it joins, for departments with too few hours a week."""
    hours = dict(totals)
    joined: dict[str, str] = {}
    for dept in PARTNERS:
        if dept not in hours or hours[dept] >= SMALL_DEPARTMENT_HOURS:
            continue
        for partner in PARTNERS[dept]:
            if partner in hours and partner not in joined and dept not in joined.values():
                if hours[partner] + hours[dept] <= MAX_LOAD + 4:
                    joined[dept] = partner
                    hours[partner] += hours.pop(dept)
                    break
    return joined


def position_title(dept: str, joined: dict[str, str]) -> str:
    """The position of a teacher of ``dept`` and of the departments that joined it."""
    extra = [d for d, target in joined.items() if target == dept]
    if not extra:
        return DEPARTMENTS[dept]
    subjects = [*GENITIVE[dept], *(name for d in extra for name in GENITIVE[d])]
    return "учитель " + ", ".join(subjects[:-1]) + " и " + subjects[-1]
