"""The role × action table and ``can(user, action, obj)``.

Each cell is ``ALL`` (any object of the user's school), ``OWN`` (only the classes or subjects the
user teaches, read from the latest journal snapshot) or absent (refused). A user with several roles
gets the widest of their cells. Objects of another school are always refused. The table is
documented in ``docs/roles.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from service.accounts.roles import Role, roles_of
from service.accounts.scope import TeachingScope, teaching_scope


class Action(StrEnum):
    VIEW_DASHBOARD = "view_dashboard"
    IMPORT_JOURNAL = "import_journal"
    PREPARE_PERIOD = "prepare_period"  # choose a period, generate its documents
    SIGN_PERIOD = "sign_period"  # sign period-end records
    ARCHIVE_PERIOD = "archive_period"
    VIEW_CLASS = "view_class"  # class list and marks of a class
    VIEW_SUBJECT = "view_subject"  # marks of one class in one subject
    PRINT_STATEMENTS = "print_statements"  # statements for parents
    VIEW_CONSENTS = "view_consents"
    CHANGE_CONSENTS = "change_consents"
    SEARCH_ARCHIVE = "search_archive"
    DOWNLOAD_DOCUMENT = "download_document"
    VERIFY_DOCUMENT = "verify_document"
    RUN_AUDIT = "run_audit"
    MANAGE_ORDERS = "manage_orders"
    VIEW_CONTROL_REPORTS = "view_control_reports"
    MANAGE_USERS = "manage_users"


ACTION_LABELS: dict[Action, str] = {
    Action.VIEW_DASHBOARD: "Видеть сводную страницу",
    Action.IMPORT_JOURNAL: "Загружать выгрузку журнала",
    Action.PREPARE_PERIOD: "Готовить документы за период",
    Action.SIGN_PERIOD: "Подписывать документы за период",
    Action.ARCHIVE_PERIOD: "Сдавать документы в архив",
    Action.VIEW_CLASS: "Видеть данные класса",
    Action.VIEW_SUBJECT: "Видеть отметки по предмету в классе",
    Action.PRINT_STATEMENTS: "Печатать выписки для родителей",
    Action.VIEW_CONSENTS: "Видеть реестр согласий",
    Action.CHANGE_CONSENTS: "Изменять согласия",
    Action.SEARCH_ARCHIVE: "Искать в архиве",
    Action.DOWNLOAD_DOCUMENT: "Скачивать документы архива",
    Action.VERIFY_DOCUMENT: "Проверять подпись документа",
    Action.RUN_AUDIT: "Запускать проверку архива и резервное копирование",
    Action.MANAGE_ORDERS: "Готовить приказы и положения",
    Action.VIEW_CONTROL_REPORTS: "Видеть справки ВШК",
    Action.MANAGE_USERS: "Управлять пользователями и токенами API",
}


class Grant(StrEnum):
    ALL = "all"
    OWN = "own"


ALL, OWN = Grant.ALL, Grant.OWN
D, DD, JA, SE, CT, TE, PD = (
    Role.DIRECTOR,
    Role.DEPUTY,
    Role.JOURNAL_ADMIN,
    Role.SECRETARY,
    Role.CLASS_TEACHER,
    Role.TEACHER,
    Role.PD_OFFICER,
)

TABLE: dict[Action, dict[Role, Grant]] = {
    Action.VIEW_DASHBOARD: {D: ALL, DD: ALL, JA: ALL, SE: ALL, CT: ALL, TE: ALL, PD: ALL},
    Action.IMPORT_JOURNAL: {D: ALL, DD: ALL, JA: ALL},
    Action.PREPARE_PERIOD: {D: ALL, DD: ALL, JA: ALL},
    Action.SIGN_PERIOD: {D: ALL},
    Action.ARCHIVE_PERIOD: {D: ALL, JA: ALL},
    Action.VIEW_CLASS: {D: ALL, DD: ALL, CT: OWN, TE: OWN},
    Action.VIEW_SUBJECT: {D: ALL, DD: ALL, CT: OWN, TE: OWN},
    Action.PRINT_STATEMENTS: {D: ALL, DD: ALL, CT: OWN},
    Action.VIEW_CONSENTS: {D: ALL, SE: ALL, PD: ALL, CT: OWN},
    Action.CHANGE_CONSENTS: {D: ALL, PD: ALL},
    Action.SEARCH_ARCHIVE: {D: ALL, DD: ALL, JA: ALL, SE: ALL},
    Action.DOWNLOAD_DOCUMENT: {D: ALL, DD: ALL, JA: ALL, SE: ALL, CT: OWN},
    Action.VERIFY_DOCUMENT: {D: ALL, DD: ALL, JA: ALL, SE: ALL, CT: ALL, TE: ALL, PD: ALL},
    Action.RUN_AUDIT: {D: ALL, JA: ALL, SE: ALL},
    Action.MANAGE_ORDERS: {D: ALL, JA: ALL, SE: ALL},
    Action.VIEW_CONTROL_REPORTS: {D: ALL, DD: ALL},
    Action.MANAGE_USERS: {D: ALL, JA: ALL},
}


@dataclass(frozen=True)
class Target:
    """What an action is about: a school and optionally a class and a subject of it."""

    school_id: str
    class_id: str | None = None
    subject_id: str | None = None


def school_of(user: object) -> str | None:
    """The school id a user is bound to, or ``None`` for a user without a profile."""
    profile = getattr(user, "profile", None) if getattr(user, "is_authenticated", False) else None
    return profile.school_id if profile is not None else None


def _own_allows(role: Role, action: Action, target: Target, scope: TeachingScope) -> bool:
    if target.class_id is None:
        # No particular class: the user may use the feature on their own classes only.
        return bool(scope.led_classes) if role is Role.CLASS_TEACHER else bool(scope.taught)
    if role is Role.CLASS_TEACHER:
        return target.class_id in scope.led_classes
    # A teacher: their classes, and within a class only their subjects.
    if target.subject_id is None:
        return action is Action.VIEW_CLASS and target.class_id in scope.taught_classes
    return (target.class_id, target.subject_id) in scope.taught


def can(
    user: object, action: Action | str, obj: Target | None = None, *, snapshot: object = None
) -> bool:
    """Whether ``user`` may do ``action`` on ``obj`` (a :class:`Target` of their school, or none).

    ``snapshot`` gives the journal to read teaching assignments from; by default the latest snapshot
    of the user's school.
    """
    action = Action(action)
    school = school_of(user)
    if school is None or not getattr(user, "is_active", False):
        return False
    if obj is not None and obj.school_id != school:
        return False
    grants = TABLE[action]
    roles = roles_of(user)
    if any(grants.get(role) is Grant.ALL for role in roles):
        return True
    own_roles = [role for role in roles if grants.get(role) is Grant.OWN]
    if not own_roles:
        return False
    profile = user.profile  # type: ignore[attr-defined]
    scope = teaching_scope(school, profile.staff_id, snapshot=snapshot)
    target = obj or Target(school_id=school)
    return any(_own_allows(role, action, target, scope) for role in own_roles)


def table_rows() -> list[tuple[str, list[str]]]:
    """The table as Russian text rows (action label, one cell per role) for docs and the UI."""
    cells = {Grant.ALL: "да", Grant.OWN: "свои"}
    return [(ACTION_LABELS[a], [cells.get(TABLE[a].get(r), "—") for r in Role]) for a in Action]
