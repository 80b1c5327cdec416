"""Who is calling: the token's or session's user, school and roles."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from service.accounts.permissions import school_of
from service.accounts.roles import roles_of
from service.api.schemas import MeOut, responses

router = Router(tags=["accounts"])


@router.get("/me", response=responses(_200=MeOut))
def me(request: HttpRequest) -> Status[dict[str, Any]]:
    """Who the token or session belongs to: user name, school and roles."""
    return Status(
        200,
        {
            "username": request.user.username,
            "school_id": school_of(request.user) or "",
            "roles": sorted(r.value for r in roles_of(request.user)),
        },
    )
