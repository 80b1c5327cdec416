"""Routes of the web interface."""

from __future__ import annotations

from pathlib import Path

from django.urls import path
from django.views.static import serve

from service.web.views import auth, dashboard, jobs

app_name = "web"
STATIC_DIR = Path(__file__).resolve().parent / "static" / "web"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("jobs/<uuid:job_id>.json", jobs.job_status, name="job_status"),
    path("jobs/<uuid:job_id>/retry", jobs.job_retry, name="job_retry"),
    path("static/<path:path>", serve, {"document_root": STATIC_DIR}, name="static"),
]
