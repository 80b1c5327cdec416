"""Routes of the web interface."""

from __future__ import annotations

from pathlib import Path

from django.urls import path
from django.views.static import serve

from service.web.views import archive, auth, classes, dashboard, imports, jobs, period, verify

app_name = "web"
STATIC_DIR = Path(__file__).resolve().parent / "static" / "web"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("jobs/<uuid:job_id>.json", jobs.job_status, name="job_status"),
    path("jobs/<uuid:job_id>/retry", jobs.job_retry, name="job_retry"),
    path("period/", period.choose, name="period"),
    path("period/plan/", period.plan, name="period_plan"),
    path("period/<uuid:close_id>/", period.close_page, name="period_close"),
    path("period/<uuid:close_id>.json", period.close_status, name="period_close_status"),
    path("period/<uuid:close_id>/sign", period.sign, name="period_sign"),
    path("period/<uuid:close_id>/doc/<str:document_id>.pdf", period.preview, name="period_preview"),
    path("import/", imports.import_page, name="import"),
    path("classes/", classes.class_list, name="class_teacher"),
    path("classes/<str:class_id>/", classes.class_detail, name="class_detail"),
    path("classes/<str:class_id>/statements-paper.pdf", classes.paper_batch, name="class_paper"),
    path(
        "classes/<str:class_id>/statements/<str:batch>.pdf",
        classes.paper_batch_file,
        name="class_paper_file",
    ),
    path(
        "classes/<str:class_id>/statements/<int:issue_id>/ack",
        classes.acknowledge_statement,
        name="class_statement_ack",
    ),
    path(
        "classes/<str:class_id>/statement/<str:student_id>.pdf",
        classes.statement,
        name="class_statement",
    ),
    path(
        "classes/<str:class_id>/consents/<int:record_id>",
        classes.change_consent,
        name="class_consent",
    ),
    path("archive/", archive.search, name="archive"),
    path("archive/<str:document_id>/", archive.document, name="archive_document"),
    path("archive/<str:document_id>/v<int:version>.pdf", archive.download, name="archive_download"),
    path("verify/", verify.verify, name="verify"),
    path("static/<path:path>", serve, {"document_root": STATIC_DIR}, name="static"),
]
