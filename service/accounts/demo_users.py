"""Demo users, one per role, for ``vedomost serve``; passwords generated on first run."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model

from service.accounts.roles import ROLE_LABELS, Role
from service.accounts.users import create_user


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    roles: tuple[str, ...]
    staff_id: str
    full_name: str


def _staff_for_roles(snapshot: Any) -> dict[Role, tuple[str, str]]:
    """Pick journal staff for the roles that need a staff id."""
    if snapshot is None:
        return {}
    staff = snapshot.staff_by_id
    picks: dict[Role, tuple[str, str]] = {}
    if snapshot.director is not None:
        picks[Role.DIRECTOR] = (snapshot.director.id, snapshot.director.full_name)
    led = next((c for c in snapshot.classes if c.teacher_id in staff), None)
    if led is not None:
        picks[Role.CLASS_TEACHER] = (led.teacher_id, staff[led.teacher_id].full_name)
    # A teacher who leads no class, so that other classes are visibly refused to them.
    leaders = {c.teacher_id for c in snapshot.classes}
    teacher = next(
        (a.teacher_id for a in snapshot.assignments if a.teacher_id not in leaders), None
    )
    if teacher is not None:
        picks[Role.TEACHER] = (teacher, staff[teacher].full_name if teacher in staff else "")
    return picks


USERNAMES: dict[Role, str] = {
    Role.DIRECTOR: "director",
    Role.DEPUTY: "deputy",
    Role.JOURNAL_ADMIN: "admin",
    Role.SECRETARY: "secretary",
    Role.CLASS_TEACHER: "classteacher",
    Role.TEACHER: "teacher",
    Role.PD_OFFICER: "pdofficer",
}


def ensure_demo_users(school_id: str, snapshot: Any, secrets_file: Path) -> list[DemoUser]:
    """Create the missing demo users of a school; return all of them with their passwords.

    Passwords are generated at run time and kept only in ``secrets_file`` (mode 0600) in the data
    directory, so they can be printed again at the next start.
    """
    known: dict[str, dict[str, Any]] = {}
    if secrets_file.exists():
        known = json.loads(secrets_file.read_text(encoding="utf-8"))
    picks = _staff_for_roles(snapshot)
    users = get_user_model().objects
    result = []
    for role, username in USERNAMES.items():
        staff_id, full_name = picks.get(role, ("", ROLE_LABELS[role]))
        roles = [role] + ([Role.TEACHER] if role is Role.CLASS_TEACHER else [])
        if not users.filter(username=username).exists() or username not in known:
            password = secrets.token_urlsafe(9)
            existing = users.filter(username=username).first()
            if existing is None:
                create_user(
                    username,
                    school_id,
                    roles,
                    password=password,
                    staff_id=staff_id,
                    full_name=full_name or ROLE_LABELS[role],
                )
            else:
                existing.set_password(password)
                existing.save()
            known[username] = {
                "password": password,
                "roles": [r.value for r in roles],
                "staff_id": staff_id,
                "full_name": full_name,
            }
        else:  # rebind to the school of the latest journal (e.g. imported after the first start)
            from service.accounts.models import Profile

            Profile.objects.filter(user__username=username).exclude(school_id=school_id).update(
                school_id=school_id, staff_id=staff_id
            )
            known[username]["staff_id"] = staff_id
        entry = known[username]
        result.append(
            DemoUser(
                username,
                entry["password"],
                tuple(entry["roles"]),
                entry["staff_id"],
                entry["full_name"],
            )
        )
    secrets_file.parent.mkdir(parents=True, exist_ok=True)
    secrets_file.write_text(json.dumps(known, ensure_ascii=False, indent=1), encoding="utf-8")
    secrets_file.chmod(0o600)
    return result
