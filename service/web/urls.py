"""Routes of the web interface."""

from __future__ import annotations

from pathlib import Path

from django.urls import path
from django.views.static import serve

from service.web.views import (
    archive,
    auth,
    classes,
    consents,
    dashboard,
    imports,
    jobs,
    monthly,
    orders,
    period,
    teacher_sign,
    verify,
)

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
    path("period/<uuid:close_id>/cancel", period.cancel, name="period_cancel"),
    path("period/<uuid:close_id>/retry", period.retry, name="period_retry"),
    path(
        "period/<uuid:close_id>/without-teacher",
        period.without_teacher,
        name="period_without_teacher",
    ),
    path("period/<uuid:close_id>/doc/<str:document_id>.pdf", period.preview, name="period_preview"),
    path("import/", imports.import_page, name="import"),
    path("monthly/payroll", monthly.payroll_upload, name="monthly_payroll"),
    path("monthly/scan", monthly.scan_upload, name="monthly_scan"),
    path("classes/", classes.class_list, name="class_teacher"),
    path("classes/<str:class_id>/", classes.class_detail, name="class_detail"),
    path("classes/<str:class_id>/sign", teacher_sign.sign, name="class_teacher_sign"),
    path(
        "classes/<str:class_id>/to-sign/<uuid:close_id>/<str:document_id>.pdf",
        teacher_sign.preview,
        name="class_teacher_preview",
    ),
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
    path("classes/<str:class_id>/consents/<int:record_id>", consents.record, name="class_consent"),
    path(
        "classes/<str:class_id>/consents/<int:record_id>/scan",
        consents.upload_scan,
        name="consent_scan_upload",
    ),
    path(
        "classes/<str:class_id>/consents/<int:record_id>/scan/<int:scan_id>.pdf",
        consents.scan_file,
        name="consent_scan",
    ),
    path(
        "classes/<str:class_id>/consents/<int:record_id>/letter.<str:fmt>",
        consents.letter,
        name="consent_letter",
    ),
    path("consents/", consents.register, name="consents"),
    path("summary/", dashboard.summary, name="summary"),
    path("orders/", orders.index, name="orders"),
    path("orders/new/<str:kind_name>/", orders.new, name="order_new"),
    path("orders/templates/", orders.templates, name="order_templates"),
    path("orders/register/<str:register>.pdf", orders.register_pdf, name="order_register"),
    path("orders/<str:document_id>/", orders.document, name="order_document"),
    path("orders/<str:document_id>.<str:fmt>", orders.download, name="order_file"),
    path("archive/", archive.search, name="archive"),
    path("archive/<str:document_id>/", archive.document, name="archive_document"),
    path("archive/<str:document_id>/v<int:version>.pdf", archive.download, name="archive_download"),
    path("verify/", verify.verify, name="verify"),
    path("static/<path:path>", serve, {"document_root": STATIC_DIR}, name="static"),
]
