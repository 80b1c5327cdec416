"""Recording access to personal data in the append-only log."""

from __future__ import annotations

from enum import StrEnum

from service.accounts.models import AccessEvent
from service.accounts.permissions import school_of


class Access(StrEnum):
    VIEW = "view"
    PRINT = "print"
    SIGN = "sign"
    DOWNLOAD = "download"
    CHANGE = "change"
    IMPORT = "import"


ACCESS_LABELS = {
    Access.VIEW: "просмотр",
    Access.PRINT: "печать",
    Access.SIGN: "подпись",
    Access.DOWNLOAD: "скачивание",
    Access.CHANGE: "изменение",
    Access.IMPORT: "загрузка",
}


def record_access(
    user: object, access: Access, object_type: str, object_id: str, detail: str = ""
) -> None:
    """Append who did what to which object (ids only, never names) now."""
    AccessEvent.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "",
        school_id=school_of(user) or "",
        action=access.value,
        object_type=object_type,
        object_id=object_id[:200],
        detail=detail[:300],
    )
