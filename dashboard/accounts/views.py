"""The login page, with rate limiting and lockout in front of Django's own view."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView

from dashboard.accounts.login_guard import login_failed, login_is_locked, login_succeeded

LOCKED_MESSAGE = "Too many failed attempts. Try again in a few minutes."


class GuardedAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict:
        username = self.data.get("username", "")
        remote_addr = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        if login_is_locked(username=username, remote_addr=remote_addr):
            raise forms.ValidationError(LOCKED_MESSAGE, code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failed(username=username, remote_addr=remote_addr)
            raise
        login_succeeded(username=username, remote_addr=remote_addr)
        return cleaned


class GuardedLoginView(LoginView):
    form_class = GuardedAuthenticationForm
    redirect_authenticated_user = True
