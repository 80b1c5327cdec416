"""The dashboard's monthly duties: a payroll upload, a paper log due, its scan clearing it."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.test import Client
from PIL import Image

from service.accounts.roles import Role
from service.accounts.snapshots import current_snapshot, forget
from service.accounts.users import create_user
from tests.fixtures.web import import_sample_school

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
PASSWORD = "correct horse battery"


def test_director_uploads_payroll_sees_the_due_log_and_clears_it_with_a_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN the small school WHEN the director uploads a payroll that pays an unknown teacher and
    the month closes THEN the dashboard shows the log as due with the difference; attaching the
    scan of the signed page archives it and the card shows nothing due."""
    from service.jobs.monthly import close_month, payroll_file
    from signing import demo_signer

    monkeypatch.setenv("VEDOMOST_PAYROLL_DIR", str(tmp_path / "payroll"))
    forget()
    school = import_sample_school(tmp_path).school_id  # type: ignore[attr-defined]
    create_user("director", school, [Role.DIRECTOR], password=PASSWORD, full_name="Сидоров П. А.")
    client = Client()
    client.post("/login/", {"username": "director", "password": PASSWORD})

    page = client.get("/summary/").content.decode()
    assert "Ежемесячные обязанности" in page and "Подписей на бумаге не требуется." in page

    bad = io.BytesIO("табельный номер;месяц;оплачено часов\nt-x;10.2024;2\n".encode("cp1251"))
    bad.name = "tabel.csv"
    wrong = io.BytesIO(b"month;hours;teacher\n2024-09;1;X\n")
    wrong.name = "september.csv"
    refused = client.post(
        "/monthly/payroll", {"month": "2024-10", "payroll": wrong}, follow=True
    ).content.decode()
    assert "Табель не принят" in refused and "нет строк за 2024-10" in refused
    kept = client.post("/monthly/payroll", {"month": "2024-10", "payroll": bad}, follow=True)
    assert "Табель за 2024-10 сохранён" in kept.content.decode()
    assert payroll_file("2024-10") is not None

    close_month(
        current_snapshot(school), "2024-10", demo_signer(Path(os.environ["VEDOMOST_DATA_DIR"]))
    )
    page = client.get("/summary/").content.decode()
    assert "Журнал замещённых уроков за 2024-10" in page
    assert "Требуется подпись директора на бумаге: расхождения с табелем" in page
    assert "строка 2 табеля: учителя нет в журнале" in page

    scan = io.BytesIO()
    Image.new("RGB", (420, 595), "white").save(scan, "PNG")
    scan.seek(0)
    scan.name = "scan.png"
    done = client.post("/monthly/scan", {"month": "2024-10", "scan": scan}, follow=True)
    page = done.content.decode()
    assert "Скан подписанного журнала за 2024-10 сдан в архив" in page
    assert "Журнал замещённых уроков за 2024-10" not in page
    assert "Подписей на бумаге не требуется." in page
