"""Map the gradebook part of a OneRoster package: lineItems → lessons, results → marks.

A lineItem is one lesson column of the journal (its title is the topic, its description the
homework, its category the work type) unless its category or title names a period mark («Отметка
за период», «Годовая», «Итоговая», «Term grade»…): then its results are period marks of the
lineItem's grading period. Scores are taken when they are on the five-point scale; the rest is
reported as warnings, counted per lineItem.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from service.journal.adapters.gridcells import CellError, fold, parse_lesson_cell, parse_period_mark
from service.journal.adapters.oneroster_csv import BadDate, Package, Row, parse_date, parse_moment
from service.journal.adapters.oneroster_roster import Roster
from service.journal.adapters.report import WarningCollector
from service.journal.errors import ProblemCollector
from service.journal.snapshot import (
    EXAM,
    EXEMPT,
    FINAL,
    MARK_VALUES,
    YEAR,
    Attendance,
    Lesson,
    Mark,
    WorkType,
)

_PERIOD_WORDS = (
    "отметка за период",
    "отметки за период",
    "четвертн",
    "полугодов",
    "триместров",
    "годов",
    "итогов",
    "экзаменацион",
    "term grade",
    "final grade",
    "period grade",
    "report card",
    "semester grade",
    "quarter grade",
)
_ENGLISH_WORK = {
    "homework": WorkType.HOMEWORK,
    "classwork": WorkType.CLASS,
    "class work": WorkType.CLASS,
    "test": WorkType.TEST,
    "exam": WorkType.TEST,
    "quiz": WorkType.WRITTEN,
    "assessment": WorkType.TEST,
    "project": WorkType.PROJECT,
    "lab": WorkType.PRACTICAL,
    "practical": WorkType.PRACTICAL,
    "oral": WorkType.ORAL,
    "essay": WorkType.WRITTEN,
    "participation": WorkType.CLASS,
    "other": WorkType.OTHER,
}


@dataclass
class Gradebook:
    lessons: list[Lesson] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    attendance: list[Attendance] = field(default_factory=list)
    period_marks: dict[tuple[str, str, str], str] = field(default_factory=dict)


def _work_type(title: str) -> WorkType | None:
    from service.journal.adapters.gridcells import parse_work_type

    found = parse_work_type(title)
    if found is not None:
        return found
    folded = fold(title)
    return next((w for word, w in _ENGLISH_WORK.items() if word in folded), None)


def _names_period_mark(text: str) -> bool:
    folded = fold(text)
    return any(w in folded for w in _PERIOD_WORDS)


def _is_period_item(item: Row, category_is_period: bool) -> bool:
    return category_is_period or fold(item.get("title")).startswith(("отметка за", *_PERIOD_WORDS))


def _scale_is_five(item: Row) -> bool:
    low, high = item.get("resultValueMin"), item.get("resultValueMax")
    try:
        return (not high or float(high) == 5) and (not low or float(low) in (0, 1, 2))
    except ValueError:
        return False


def _score_mark(text: str) -> str | None:
    if text in MARK_VALUES:
        return text
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return str(int(value)) if value.is_integer() and str(int(value)) in MARK_VALUES else None


def _special_period(item: Row) -> str:
    title = fold(item.get("title"))
    if "экзам" in title or "exam" in title:
        return EXAM
    if "итог" in title or "final" in title:
        return FINAL
    return YEAR


def build_gradebook(
    pkg: Package, roster: Roster, problems: ProblemCollector, warnings: WarningCollector
) -> Gradebook:
    """Lessons, marks, attendance and period marks from lineItems and results."""
    book = Gradebook()
    categories = {c.id: c.get("title") for c in pkg.rows("categories")}
    lessons: dict[str, Lesson] = {}
    period_items: dict[str, tuple[str, str]] = {}  # lineItem id → (subject id, period id)
    five_point: dict[str, bool] = {}
    period_category: dict[str, bool] = {}
    year = roster.year
    per_day: dict[tuple[str, dt.date], int] = defaultdict(int)
    items = []
    class_ids = {c.id for c in pkg.rows("classes")}
    item_ids = {i.id: i for i in pkg.rows("lineitems")}
    for item in pkg.rows("lineitems"):
        stream = roster.streams.get(item.get("classSourcedId"))
        if stream is None:
            if item.get("classSourcedId") in class_ids:
                warnings.add(
                    item.file,
                    item.where(),
                    "classSourcedId",
                    "класс не связан с классом школы — задание пропущено",
                )
            else:
                problems.add(
                    item.file,
                    item.where(),
                    "classSourcedId",
                    f"класс «{item.get('classSourcedId')}» не найден в classes.csv",
                )
            continue
        category_id = item.get("categorySourcedId")
        if category_id and categories and category_id not in categories:
            problems.add(
                item.file,
                item.where(),
                "categorySourcedId",
                f"категория «{category_id}» не найдена в categories.csv",
            )
            continue
        category_title = categories.get(category_id, "")
        session = item.get("gradingPeriodSourcedId") or item.get("academicSessionSourcedId")
        five_point[item.id] = _scale_is_five(item)
        if category_id not in period_category:
            period_category[category_id] = _names_period_mark(category_title)
        if _is_period_item(item, period_category[category_id]):
            if session in roster.period_of_session:
                period_items[item.id] = (stream.subject_id, roster.period_of_session[session])
            elif session in roster.year_session_ids or not session:
                period_items[item.id] = (stream.subject_id, _special_period(item))
            else:
                warnings.add(
                    item.file,
                    item.where(),
                    "gradingPeriodSourcedId",
                    f"период «{session}» не является учебным периодом года — "
                    "отметки этого задания не импортированы",
                )
                period_items[item.id] = (stream.subject_id, "")
            continue
        text = item.get("assignDate") or item.get("dueDate")
        column = "assignDate" if item.get("assignDate") else "dueDate"
        try:
            day = parse_date(text)
        except BadDate as exc:
            problems.add(item.file, item.where(), column, str(exc))
            continue
        if not year.start <= day <= year.end:
            problems.add(
                item.file, item.where(), column, f"дата {day:%d.%m.%Y} вне учебного года {year.id}"
            )
            continue
        work_type = _work_type(category_title) if category_title else WorkType.CLASS
        if work_type is None:
            warnings.add(
                item.file,
                item.where(),
                "categorySourcedId",
                f"категория «{category_title}» не сопоставлена виду работы — «Другое»",
            )
            work_type = WorkType.OTHER
        if stream.teacher_id is None:
            problems.add(
                item.file,
                item.where(),
                "classSourcedId",
                f"у класса «{stream.title}» нет учителя (enrollments с ролью teacher)",
            )
            continue
        moment = parse_moment(item.get("assignDate"))
        items.append(
            (
                day,
                moment or dt.datetime.min.replace(tzinfo=dt.UTC),
                item.id,
                item,
                stream,
                work_type,
            )
        )
    for day, _, _, item, stream, work_type in sorted(items, key=lambda x: x[:3]):
        key = (item.get("classSourcedId"), day)
        per_day[key] += 1
        lessons[item.id] = Lesson(
            id=item.id,
            date=day,
            number=per_day[key],
            class_id=stream.class_id,
            subject_id=stream.subject_id,
            teacher_id=stream.teacher_id or "",
            group_id=stream.group_id,
            topic=item.get("title"),
            homework=item.get("description"),
            work_type=work_type,
            entered_at=parse_moment(item.get("dateLastModified")),
        )
    book.lessons = list(lessons.values())
    seen_attendance: dict[tuple[str, str], Attendance] = {}
    unmapped: Counter[str] = Counter()
    reasons: dict[str, str] = {}
    for result in pkg.rows("results"):
        item_id = result.get("lineitemsourcedid")
        student_id = result.get("studentsourcedid")
        if item_id not in lessons and item_id not in period_items:
            if item_id not in item_ids:
                problems.add(
                    result.file,
                    result.where(),
                    "lineItemSourcedId",
                    f"задание «{item_id}» не найдено в lineItems.csv",
                )
            continue
        if student_id not in roster.students:
            problems.add(
                result.file,
                result.where(),
                "studentSourcedId",
                f"обучающийся «{student_id}» не найден среди обучающихся (users, roles)",
            )
            continue
        score, text = result.get("score"), result.get("textscore")
        status = result.get("scorestatus").lower()
        if item_id in period_items:
            subject_id, period_id = period_items[item_id]
            if not period_id:
                continue
            value = None
            if status == "exempt":
                value = EXEMPT
            elif score and five_point[item_id]:
                value = _score_mark(score)
            if value is None and text:
                try:
                    value = parse_period_mark(text)
                except CellError:
                    value = None
            if value is None:
                if score or text:
                    unmapped[item_id] += 1
                    reasons[item_id] = f"«{score or text}»"
                continue
            book.period_marks[(student_id, subject_id, period_id)] = value
            continue
        lesson = lessons[item_id]
        marks: list[str] = []
        code = None
        if score:
            mark = _score_mark(score) if five_point[item_id] else None
            if mark is None:
                unmapped[item_id] += 1
                reasons[item_id] = f"«{score}»" + (
                    ""
                    if five_point[item_id]
                    else f" по шкале до {item_ids[item_id].get('resultValueMax')}"
                )
            else:
                marks.append(mark)
        if text:
            try:
                cell = parse_lesson_cell(text)
            except CellError:
                unmapped[item_id] += 1
                reasons[item_id] = f"«{text}»"
            else:
                code = cell.code
                if not score:
                    marks.extend(cell.marks)
        for n, value in enumerate(marks, start=1):
            book.marks.append(
                Mark(
                    result.id if n == 1 else f"{result.id}#{n}",
                    item_id,
                    student_id,
                    value,
                    lesson.work_type,
                    parse_moment(result.get("datelastmodified")),
                )
            )
        if code is not None:
            seen_attendance[(item_id, student_id)] = Attendance(item_id, student_id, code)
    book.attendance = list(seen_attendance.values())
    for item_id, count in sorted(unmapped.items()):
        warnings.add(
            pkg.names.get("results", "results.csv"),
            "",
            "score",
            f"задание «{item_id}»: не переводятся в пятибалльную шкалу результатов: "
            f"{count} (например, {reasons[item_id]}) — не импортированы",
        )
    return book
