"""Login and logout."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from service.web.forms import ThrottledLoginForm


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = ThrottledLoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    next_page = "web:login"
