"""Staff of the sample school and who teaches what (teaching assignments, class teachers)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from service.sample import curriculum, names
from service.sample.people import ClassPlan


@dataclass(frozen=True, slots=True)
class StaffRec:
    """A member of staff."""

    id: str
    last_name: str
    first_name: str
    middle_name: str
    male: bool
    position: str
    department: str  # "" for administration


@dataclass(frozen=True, slots=True)
class AssignmentRec:
    """A teacher teaches a subject to a class or one of its groups."""

    id: str
    class_id: str
    grade: int
    subject_id: str
    teacher_id: str
    hours: int
    group_id: str | None


@dataclass(frozen=True, slots=True)
class Staffing:
    """The staff list, the teaching assignments and the class teachers."""

    staff: tuple[StaffRec, ...]
    assignments: tuple[AssignmentRec, ...]
    class_teacher: dict[str, str]  # class id → staff id
    director_id: str


def group_ids(class_id: str) -> tuple[str, str]:
    """Ids of the two foreign-language groups of a class."""
    return f"{class_id}-1", f"{class_id}-2"


def _person(
    rng: random.Random, sid: str, position: str, department: str, female_share: float = 0.8
) -> StaffRec:
    male = rng.random() >= female_share
    return StaffRec(
        id=sid,
        last_name=names.surname_for(names.pick_surname(rng), male),
        first_name=names.pick_first_name(rng, male),
        middle_name=names.patronymic(names.pick_first_name(rng, True), male),
        male=male,
        position=position,
        department=department,
    )


def make_staffing(plans: list[ClassPlan], rng: random.Random, split_min: int = 8) -> Staffing:
    """Administration, teachers with balanced loads, assignments and class teachers."""
    staff: list[StaffRec] = []

    def add(position: str, department: str = "", female_share: float = 0.8) -> StaffRec:
        rec = _person(rng, f"t{len(staff) + 1:03d}", position, department, female_share)
        staff.append(rec)
        return rec

    director = add("директор", female_share=0.6)
    n_students = sum(p.size for p in plans)
    for _ in range(1 + n_students // 500):
        add("заместитель директора по учебно-воспитательной работе")
    add("заместитель директора по воспитательной работе")
    add("педагог-психолог", female_share=0.9)
    add("социальный педагог", female_share=0.9)
    add("секретарь учебной части", female_share=0.95)

    # Small departments join related ones (a small school has a chemistry-and-biology teacher).
    totals: dict[str, int] = {}
    for plan in plans:
        for spec, hours in curriculum.subjects_of_grade(plan.grade):
            dept = curriculum.department_of(plan.grade, spec.id)
            totals[dept] = totals.get(dept, 0) + hours
    joined = curriculum.merge_small_departments(totals)

    # Bundles: (class, department, group) → subjects with hours (group: foreign language).
    bundles: dict[tuple[str, str, str | None], list[tuple[str, int]]] = {}
    grade_of = {p.id: p.grade for p in plans}
    for plan in plans:
        for spec, hours in curriculum.subjects_of_grade(plan.grade):
            dept = curriculum.department_of(plan.grade, spec.id)
            dept = joined.get(dept, dept)
            if spec.split and plan.size >= split_min:
                for gid in group_ids(plan.id):
                    bundles.setdefault((plan.id, dept, gid), []).append((spec.id, hours))
            else:
                bundles.setdefault((plan.id, dept, None), []).append((spec.id, hours))

    teachers_of: dict[str, list[StaffRec]] = {}
    load: dict[str, int] = {}
    for dept in curriculum.DEPARTMENTS:
        title = curriculum.position_title(dept, joined)
        keys = [k for k in bundles if k[1] == dept]
        if not keys:
            continue
        total = sum(h for k in keys for _, h in bundles[k])
        if dept == "primary":
            count = len(keys)  # one teacher per primary class
        else:
            count = max(1, math.ceil(total / curriculum.MAX_LOAD))
            if any(k[2] is not None for k in keys):
                count = max(count, 2)  # two groups learn at the same time
        female_share = 0.5 if dept in ("pe", "obzr", "tech", "inf", "phys") else 0.85
        teachers_of[dept] = [add(title, dept, female_share) for _ in range(count)]
        for t in teachers_of[dept]:
            load[t.id] = 0

    assignments: list[AssignmentRec] = []
    taught_by: dict[tuple[str, str | None, str], str] = {}
    primary_teacher: dict[str, str] = {}
    # Largest bundles first so loads even out; groups of one class go to different teachers.
    order = sorted(bundles, key=lambda k: (-sum(h for _, h in bundles[k]), k[0], k[1], k[2] or ""))
    for key in order:
        class_id, dept, group_id = key
        hours = sum(h for _, h in bundles[key])
        candidates = teachers_of[dept]
        if dept == "primary":
            taken = set(primary_teacher.values())
            teacher = next(t for t in candidates if t.id not in taken)
            primary_teacher[class_id] = teacher.id
        else:
            busy_with_sibling = (
                {
                    taught_by.get((class_id, other, dept))
                    for other in group_ids(class_id)
                    if other != group_id
                }
                if group_id
                else set()
            )
            pool = [t for t in candidates if t.id not in busy_with_sibling] or candidates
            teacher = min(pool, key=lambda t: (load[t.id], t.id))
        load[teacher.id] += hours
        taught_by[(class_id, group_id, dept)] = teacher.id
        for subject_id, h in bundles[key]:
            assignments.append(
                AssignmentRec("", class_id, grade_of[class_id], subject_id, teacher.id, h, group_id)
            )

    assignments.sort(key=lambda a: (a.grade, a.class_id, a.subject_id, a.group_id or ""))
    assignments = [
        AssignmentRec(
            f"a{i + 1:04d}", a.class_id, a.grade, a.subject_id, a.teacher_id, a.hours, a.group_id
        )
        for i, a in enumerate(assignments)
    ]

    # Class teachers: the primary teacher in grades 1–4, else the one with most hours there.
    class_teacher: dict[str, str] = {}
    used: set[str] = set()
    for plan in plans:
        if plan.id in primary_teacher:
            class_teacher[plan.id] = primary_teacher[plan.id]
            used.add(primary_teacher[plan.id])
    hours_in: dict[tuple[str, str], int] = {}
    for a in assignments:
        hours_in[(a.class_id, a.teacher_id)] = hours_in.get((a.class_id, a.teacher_id), 0) + a.hours
    for plan in plans:
        if plan.id in class_teacher:
            continue
        options = sorted(
            ((h, t) for (c, t), h in hours_in.items() if c == plan.id and t not in used),
            key=lambda x: (-x[0], x[1]),
        )
        if options:
            chosen = options[0][1]
        else:
            free = [
                s.id
                for s in staff
                if s.department and s.department != "primary" and s.id not in used
            ]
            chosen = free[0] if free else sorted(t for (c, t) in hours_in if c == plan.id)[0]
        class_teacher[plan.id] = chosen
        used.add(chosen)
    return Staffing(tuple(staff), tuple(assignments), class_teacher, director.id)
