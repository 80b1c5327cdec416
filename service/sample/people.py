"""Classes, students and their families (guardians) of the sample school."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from service.sample import names

LETTERS = "АБВГДЕЖИКЛ"
PLACE = "г. Новоозёрск"
REGION = "Тверская область"
STREETS = (
    "ул. Ленина",
    "ул. Советская",
    "ул. Мира",
    "ул. Школьная",
    "ул. Садовая",
    "ул. Молодёжная",
    "ул. Лесная",
    "ул. Заречная",
    "ул. Гагарина",
    "пр-т Победы",
    "ул. Озёрная",
    "ул. Пушкина",
    "ул. Строителей",
    "ул. Набережная",
    "пер. Почтовый",
    "ул. Комсомольская",
)
# Grade weights: fewer students stay for grades 10–11.
GRADE_WEIGHT = {g: (0.6 if g >= 10 else 1.0) for g in range(1, 12)}
CLASS_SIZE = 27


@dataclass(frozen=True, slots=True)
class ClassPlan:
    """A class and how many students it has at the start of the year."""

    id: str
    grade: int
    letter: str
    size: int


@dataclass(frozen=True, slots=True)
class GuardianRec:
    """A parent or legal representative."""

    id: str
    last_name: str
    first_name: str
    middle_name: str
    male: bool
    relation: str
    phone: str
    email: str
    address: str
    paper: bool
    passport_series: str
    passport_number: str
    passport_issued_on: dt.date


@dataclass(frozen=True, slots=True)
class StudentRec:
    """A student with the hidden traits the generator uses (ability, family)."""

    id: str
    last_name: str
    first_name: str
    middle_name: str
    male: bool
    birth_date: dt.date
    class_id: str
    grade: int
    family: int
    guardian_ids: tuple[str, ...]
    address: str
    enrolled_on: dt.date
    ability: float
    left_on: dt.date | None = None
    medal_candidate: bool = False


@dataclass(frozen=True, slots=True)
class Family:
    """A family: a surname, the father's name (for patronymics), guardians and an address."""

    index: int
    surname: str  # male form
    father_name: str
    guardian_ids: tuple[str, ...]
    address: str
    paper: bool


def plan_classes(students: int, rng: random.Random) -> list[ClassPlan]:
    """Classes per grade from the number of students (≈ 27 a class, at least one a grade)."""
    if students < 11:
        raise ValueError("в школе должно быть не меньше 11 учеников (по одному на параллель)")
    total_weight = sum(GRADE_WEIGHT.values())
    shares = {g: students * w / total_weight for g, w in GRADE_WEIGHT.items()}
    per_grade = {g: int(s) for g, s in shares.items()}
    rest = students - sum(per_grade.values())
    for g in sorted(shares, key=lambda g: (-(shares[g] - per_grade[g]), g))[:rest]:
        per_grade[g] += 1
    plans: list[ClassPlan] = []
    for grade in range(1, 12):
        count = per_grade[grade]
        n_classes = max(1, min(len(LETTERS), round(count / CLASS_SIZE)))
        base, extra = divmod(count, n_classes)
        for i in range(n_classes):
            letter = LETTERS[i]
            plans.append(
                ClassPlan(f"{grade}{letter}", grade, letter, base + (1 if i < extra else 0))
            )
    return plans


def _phone(rng: random.Random) -> str:
    return (
        f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-"
        f"{rng.randint(10, 99)}"
    )


def _email(rng: random.Random, last_name: str, first_name: str) -> str:
    domain = rng.choice(("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "list.ru", "inbox.ru"))
    return (
        f"{names.translit(last_name)}.{names.translit(first_name)[0]}{rng.randint(1, 99)}@{domain}"
    )


def _address(rng: random.Random) -> str:
    house, flat = rng.randint(1, 60), rng.randint(1, 120)
    return f"{REGION}, {PLACE}, {rng.choice(STREETS)}, д. {house}, кв. {flat}"


def _random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


class FamilyFactory:
    """Creates families and their guardians; some families have several children in the school."""

    def __init__(self, rng: random.Random, first_year: int, paper_share: float = 0.12) -> None:
        self.rng = rng
        self.first_year = first_year
        self.paper_share = paper_share
        self.families: list[Family] = []
        self.guardians: list[GuardianRec] = []

    def _guardian(
        self, surname: str, male: bool, relation: str, address: str, paper: bool, birth_year: int
    ) -> str:
        rng = self.rng
        gid = f"g{len(self.guardians) + 1:05d}"
        first = names.pick_first_name(rng, male)
        middle = names.patronymic(names.pick_first_name(rng, True), male)
        last = names.surname_for(surname, male)
        issued = _random_date(
            rng, dt.date(max(birth_year + 20, 2000), 1, 1), dt.date(self.first_year, 6, 30)
        )
        self.guardians.append(
            GuardianRec(
                id=gid,
                last_name=last,
                first_name=first,
                middle_name=middle,
                male=male,
                relation=relation,
                phone=_phone(rng),
                email="" if paper and rng.random() < 0.6 else _email(rng, last, first),
                address=address,
                paper=paper,
                passport_series=f"{rng.randint(10, 99)} {rng.randint(0, 99):02d}",
                passport_number=f"{rng.randint(0, 999999):06d}",
                passport_issued_on=issued,
            )
        )
        return gid

    def new_family(self, child_birth_year: int) -> Family:
        """A new family with one or two guardians."""
        rng = self.rng
        surname = names.pick_surname(rng)
        father_name = names.pick_first_name(rng, True)
        address = _address(rng)
        paper = rng.random() < self.paper_share
        parent_year = child_birth_year - rng.randint(22, 40)
        roll = rng.random()
        # Some mothers keep their own surname.
        mother_surname = names.pick_surname(rng) if rng.random() < 0.1 else surname
        ids: list[str] = []
        if roll < 0.65:
            ids.append(self._guardian(mother_surname, False, "мать", address, paper, parent_year))
            ids.append(self._guardian(surname, True, "отец", address, paper, parent_year))
            # The father's own first name is the children's patronymic source.
            father_name = self.guardians[-1].first_name
        elif roll < 0.90:
            ids.append(self._guardian(mother_surname, False, "мать", address, paper, parent_year))
        elif roll < 0.95:
            ids.append(self._guardian(surname, True, "отец", address, paper, parent_year))
            father_name = self.guardians[-1].first_name
        else:
            ids.append(self._guardian(surname, False, "опекун", address, paper, parent_year - 25))
        family = Family(len(self.families), surname, father_name, tuple(ids), address, paper)
        self.families.append(family)
        return family


def make_students(
    plans: list[ClassPlan], rng: random.Random, first_year: int, factory: FamilyFactory
) -> list[StudentRec]:
    """Students of every class with families (≈ 15 % have a sibling in another grade)."""
    students: list[StudentRec] = []
    family_grades: dict[int, set[int]] = {}
    for plan in plans:
        for _ in range(plan.size):
            # Born 1 September – 31 August, (grade + 6) years before the year starts.
            born_from = dt.date(first_year - plan.grade - 7, 9, 1)
            born_to = dt.date(first_year - plan.grade - 6, 8, 31)
            birth = _random_date(rng, born_from, born_to)
            family: Family | None = None
            if factory.families and rng.random() < 0.15:
                candidate = factory.families[rng.randrange(len(factory.families))]
                if plan.grade not in family_grades[candidate.index]:
                    family = candidate
            if family is None:
                family = factory.new_family(birth.year)
                family_grades[family.index] = set()
            family_grades[family.index].add(plan.grade)
            male = rng.random() < 0.5
            ability = min(4.95, max(3.0, rng.gauss(3.7, 0.55)))
            sid = f"s{len(students) + 1:05d}"
            students.append(
                StudentRec(
                    id=sid,
                    last_name=names.surname_for(family.surname, male),
                    first_name=names.pick_first_name(rng, male),
                    middle_name=names.patronymic(family.father_name, male),
                    male=male,
                    birth_date=birth,
                    class_id=plan.id,
                    grade=plan.grade,
                    family=family.index,
                    guardian_ids=family.guardian_ids,
                    address=family.address,
                    enrolled_on=dt.date(first_year - plan.grade + 1, 9, 1),
                    ability=round(ability, 3),
                )
            )
    return students
