"""The period close end to end through the plain functions: render → sign → archive."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from service.accounts.roles import Role
from service.accounts.snapshots import current_snapshot, forget
from service.accounts.users import create_user
from service.jobs import progress
from service.jobs.models import ItemState, JobItem, PeriodClose
from service.jobs.period_close import advance, closing_report, start_close
from service.jobs.period_sign import WrongKeyPassword, start_signing, unlock_signer
from service.jobs.period_steps import plan_close
from service.jobs.tasks import start_job
from tests.fixtures.web import import_sample_school

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
CLASS = "5А"


def _wait(job_id: str) -> progress.JobStatus:
    deadline = time.monotonic() + 120
    while not (status := progress.status(job_id)).finished:
        assert time.monotonic() < deadline, status
        time.sleep(0.2)
    return status


def test_close_one_class_render_sign_archive(tmp_path: Path) -> None:
    """GIVEN the small sample school WHEN Q1 of 5А is closed THEN every document is rendered,
    signed into its director field, archived in both stores, and the report counts them."""
    forget()
    result = import_sample_school(tmp_path)
    snapshot = current_snapshot(result.school_id)
    director = create_user(
        "dir", result.school_id, [Role.DIRECTOR], staff_id=snapshot.school.director_id
    )
    planned = plan_close(snapshot, "Q1", {CLASS})
    assert planned and {d.class_id for d in planned} == {CLASS}
    assert {"journal-printout", "period-summary"} <= {d.kind for d in planned}
    # A few documents of each kind are enough here (the browser test closes a whole class).
    planned = [d for d in planned if d.kind != "journal-printout"] + [
        d for d in planned if d.kind == "journal-printout"
    ][:2]

    close = start_close(director, snapshot, "Q1", planned)  # queued on commit, runs in a thread
    status = _wait(str(close.render_job_id))
    assert (status.state, status.done, status.failed) == ("done", len(planned), 0)
    close = advance(PeriodClose.objects.get(pk=close.pk))
    assert close.state == PeriodClose.State.RENDERED

    # The wizard's preview reads the rendered file from the work store (no signature yet); a
    # document that is not the close's is not shown.
    from django.test import Client

    web = Client()
    web.force_login(director)
    shown = JobItem.objects.filter(job=close.render_job).first().result["document_id"]
    preview = web.get(f"/period/{close.id}/doc/{shown}.pdf")
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    unsigned = PdfReader(io.BytesIO(preview.content))
    assert (unsigned.get_fields() or {})["director"].get("/V") is None
    assert web.get(f"/period/{close.id}/doc/someone-else.pdf").status_code == 404

    with pytest.raises(WrongKeyPassword):
        unlock_signer("не тот пароль")
    from signing.demo_pki import ensure_demo_pki

    pki = ensure_demo_pki(Path(os.environ["VEDOMOST_DATA_DIR"]) / "keys")
    signer = unlock_signer(pki.director_password().decode(), snapshot)
    start_signing(close, signer, director, inline=True)
    close = advance(PeriodClose.objects.get(pk=close.pk))
    assert close.sign_job.state == "done"
    archive_status = _wait(str(close.archive_job_id))
    assert archive_status.state == "done", archive_status.errors
    close = advance(PeriodClose.objects.get(pk=close.pk))
    assert close.state == PeriodClose.State.ARCHIVED

    # The archived PDF carries the director's signature in its reserved field; the close's work
    # files are deleted once it is archived.
    from service.archive.wiring import get_archive
    from service.jobs import work_files

    archive = get_archive()
    first = JobItem.objects.filter(job=close.sign_job, state=ItemState.DONE).first()
    assert work_files.read(close.id, work_files.SIGNED, first.key) is None
    with archive.read(first.key) as data:
        signed = PdfReader(io.BytesIO(data.read()))
    fields = signed.get_fields() or {}
    assert fields["director"].get("/V") is not None
    # The preview of an archived close comes from the archive: the signed document.
    preview = web.get(f"/period/{close.id}/doc/{shown}.pdf")
    archived_pdf = PdfReader(io.BytesIO(preview.content))
    assert (archived_pdf.get_fields() or {})["director"].get("/V") is not None

    # Both stores hold each document, read back with the catalog's hash.
    entry = archive.catalog.find_document(first.key)
    assert entry is not None and entry.kind == first.params["kind"]

    report = closing_report(close)
    assert (report.documents, report.rendered, report.signed, report.archived) == (
        len(planned),
    ) * 4
    assert report.failed == [] and report.pages >= len(planned)

    # The demo key is issued in the sample director's name: no override is recorded.
    assert not [e for e in archive.catalog.iter_events() if e.kind == "signer-confirmed"]

    # Starting the archive job again (a duplicated delivery) creates no second document.
    start_job(close.archive_job, [first.key], inline=True)
    assert archive.catalog.find_document(first.key).version == 1
