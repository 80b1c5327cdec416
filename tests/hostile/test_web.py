"""Web hostile cases through Django's test client: throttling look-alike names, off-site
redirects, and no 500 for bad uploads to the import API."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from service.accounts import throttle
from service.accounts.roles import Role
from service.accounts.tokens import issue_token
from service.accounts.users import create_user
from service.jobs.progress import PlannedItem, create_job

PASSWORD = "correct horse battery"
pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary() -> object:
    return create_user("secretary", "sch-1", [Role.DIRECTOR], password=PASSWORD)


def _login(client: Client, name: str, password: str) -> str:
    return client.post("/login/", {"username": name, "password": password}).content.decode()


def test_lookalike_spelling_does_not_escape_the_lock(secretary: object) -> None:
    """GIVEN five failures for «secretary» WHEN «ｓecretary» (fullwidth s) or «SECRETARY» tries
    the right password THEN it is refused as locked, and no session is opened."""
    client = Client()
    for _ in range(5):
        _login(client, "secretary", "wrong")
    for spelling in ("ｓecretary", "SECRETARY", "secretary", " Secretary "):
        page = _login(client, spelling, PASSWORD)
        assert "Слишком много неудачных попыток" in page, spelling
        assert "_auth_user_id" not in client.session


def test_lookalike_guesses_share_one_counter(secretary: object) -> None:
    """Failures under different spellings of one name count together."""
    client = Client()
    for spelling in ("secretary", "ｓecretary", "SECRETARY", "ＳＥＣＲＥＴＡＲＹ", "Secretary"):
        _login(client, spelling, "wrong")
    assert "Слишком много неудачных попыток" in _login(client, "secretary", PASSWORD)


def test_many_names_from_one_address_are_throttled(secretary: object) -> None:
    """An address guessing across many names is locked as a whole."""
    client = Client()
    for n in range(throttle.MAX_ADDRESS_FAILURES):
        _login(client, f"user{n}", "wrong")
    assert "Слишком много неудачных попыток" in _login(client, "secretary", PASSWORD)
    other = Client(REMOTE_ADDR="10.9.9.9")
    other.post("/login/", {"username": "secretary", "password": PASSWORD})
    assert "_auth_user_id" in other.session


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "http:evil.example",
        "\\\\evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "https://testserver.evil.example/",
    ],
)
def test_retry_never_redirects_off_site(secretary: object, target: str) -> None:
    """POST /jobs/<id>/retry with an off-site ``next`` lands on the dashboard instead."""
    job = create_job("sch-1", "period-render", [PlannedItem("d1", "док 1")])
    client = Client()
    client.force_login(secretary)
    response = client.post(f"/jobs/{job.id}/retry", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/", response["Location"]


def test_retry_keeps_a_local_next(secretary: object) -> None:
    job = create_job("sch-1", "period-render", [PlannedItem("d1", "док 1")])
    client = Client()
    client.force_login(secretary)
    response = client.post(f"/jobs/{job.id}/retry", {"next": "/archive/?page=2"})
    assert response["Location"] == "/archive/?page=2"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("school.json", b'{"format": NaN}'),
        ("school.json", b'{"version": 1' + b"0" * 5000 + b"}"),
        ("school.json", b'{"x": "\\ud800"}'),
        ("5A.csv", b'a;"b\r\nc;d\r\n'),
        ("5A.csv", b"a;" + b"x" * 300_000 + b"\r\n"),
        ("book.xlsx", b"PK\x03\x04" + b"\x00" * 100),
        ("book.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
        ("x.zip", b"PK\x05\x06" + b"\x00" * 18),
        ("x.json.gz", b"\x1f\x8b\x08\x00garbage"),
        ("noext", b"\xff\xfe\x00\xd8"),
    ],
)
def test_bad_uploads_to_the_import_api_get_400(name: str, data: bytes) -> None:
    """No request to POST /api/imports ends in a 500 for bad input."""
    user = create_user("api-admin", "sch-1", [Role.DIRECTOR, Role.JOURNAL_ADMIN])
    client = Client(headers={"Authorization": f"Bearer {issue_token(user, 't')}"})
    upload = io.BytesIO(data)
    upload.name = name
    response = client.post("/api/imports", {"file": upload})
    assert response.status_code == 400, response.content[:300]
    assert response.json()["problems"] or response.json()["detail"]
