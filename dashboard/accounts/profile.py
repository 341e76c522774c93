"""The profile page: each person's time zone, theme, supervisor phone and alert opt-ins.

The page is one form over `UserProfile`; a new preference is a model field plus its entry in
`ProfileForm.Meta.fields` (and, when it needs words of its own, a fieldset in the template).
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from dashboard.accounts.preferences import remember
from dashboard.models import Theme, UserProfile, time_zone_names


def _zone_choices() -> list[tuple[str, str]]:
    return [("", f"The server's ({settings.TIME_ZONE})"), *((name, name) for name in time_zone_names())]


class ProfileForm(forms.ModelForm):
    time_zone = forms.TypedChoiceField(
        label="Time zone",
        required=False,
        choices=_zone_choices,
        widget=forms.Select(attrs={"aria-describedby": "time-zone-help"}),
        help_text="Every time on these pages is shown in it, and times typed into history searches are read in it.",
    )
    theme = forms.ChoiceField(
        label="Theme",
        choices=Theme.choices,
        widget=forms.RadioSelect,
        help_text="Follow the device switches with its light or dark setting.",
    )

    supervisor_phone = forms.CharField(
        label="Supervisor phone",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"aria-describedby": "supervisor-phone-help", "autocomplete": "tel", "placeholder": "+13125550100"}
        ),
        help_text="Listen, Whisper and Barge ring this phone: an E.164 number or a SIP URI (sip:ana@example.com).",
    )
    alert_sound = forms.BooleanField(label="Play a sound when an alert is raised", required=False)
    alert_desktop = forms.BooleanField(label="Show a desktop notification when an alert is raised", required=False)

    class Meta:
        model = UserProfile
        fields = ["time_zone", "theme", "supervisor_phone", "alert_sound", "alert_desktop"]

    def clean_supervisor_phone(self) -> str:
        return self.cleaned_data["supervisor_phone"].strip()


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_page(request: HttpRequest) -> HttpResponse:
    profile = UserProfile.objects.filter(user=request.user).first() or UserProfile(user=request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        remember(request, profile)
        messages.success(
            request, f"Profile saved: times in {profile.zone_name}, theme {profile.get_theme_display().lower()}."
        )
        return HttpResponseRedirect(reverse("profile"))
    return render(request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200)
