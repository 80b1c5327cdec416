"""The order documents list subjects and classes in: the curriculum's and the natural one.

Subjects follow their ``order`` from the journal (the school's учебный план) and, where the
journal gives none, the order of the federal curricula (ФОП НОО, ООО, СОО) by subject name.
Classes follow grade and letter: 1А, 2Б, …, 10А, 11А (not the string order 10А, 11А, 1А).
"""

from __future__ import annotations

import re

from service.journal.snapshot import SchoolClass, Subject

# Name patterns in the order the federal curricula list the subjects; the first match wins.
FEDERAL_ORDER: tuple[str, ...] = (
    r"^русский язык",
    r"^литературное чтение(?! на родном)",
    r"^литература(?! на родном)",
    r"^родн|на родном",
    r"иностранн|^английский|^немецкий|^французский|^испанский|^китайский",
    r"^математика",
    r"^алгебра",
    r"^геометрия",
    r"^вероятность",
    r"^информатика",
    r"^истори",
    r"^обществознание",
    r"^география",
    r"^биология",
    r"^физика",
    r"^химия",
    r"^окружающий мир",
    r"орксэ|религиозных культур",
    r"однкнр|духовно-нравственной",
    r"^изо$|^изобразительное",
    r"^музыка",
    r"^труд|^технология",
    r"обзр|^основы безопасности",
    r"^физическая культура|^физкультура|^физ-ра",
)
_PATTERNS = tuple(re.compile(p) for p in FEDERAL_ORDER)
UNLISTED = len(FEDERAL_ORDER)  # projects, electives: after the curriculum subjects


def federal_rank(name: str) -> int:
    """The place of a subject called ``name`` in the federal curriculum order."""
    text = name.strip().lower().replace("ё", "е")
    for rank, pattern in enumerate(_PATTERNS):
        if pattern.search(text):
            return rank
    return UNLISTED


def subject_sort_key(subject: Subject) -> tuple[int, int, str, str]:
    """The one sort key of subjects in every document: the journal's order, else the federal one."""
    if subject.order is not None:
        return (0, subject.order, subject.name, subject.id)
    return (1, federal_rank(subject.name), subject.name, subject.id)


def class_sort_key(school_class: SchoolClass) -> tuple[int, str, str]:
    """Classes by grade, then letter: 1А before 10А."""
    return (school_class.grade, school_class.letter, school_class.id)


def class_id_sort_key(class_id: str) -> tuple[int, str]:
    """A class known only by its id («10А»): its grade number first."""
    match = re.match(r"\d+", class_id)
    return (int(match.group()) if match else 1000, class_id)
