"""Input of the team pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from juntos.people.models import Caregiver, School, Staff
from juntos.teams.models import Member


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=200)
    school: forms.ModelChoiceField[School] = forms.ModelChoiceField(
        label=_("School"),
        queryset=School.objects.none(),
        required=False,
        empty_label=_("The whole district"),
    )

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    KIND_CHOICES = (
        ("staff", _("A staff member")),
        ("caregiver", _("A family member (a caregiver)")),
        ("name", _("Someone without an account (a community partner)")),
    )
    kind = forms.ChoiceField(label=_("Who"), choices=KIND_CHOICES)
    staff: forms.ModelChoiceField[Staff] = forms.ModelChoiceField(
        label=_("Staff member"), queryset=Staff.objects.none(), required=False
    )
    caregiver: forms.ModelChoiceField[Caregiver] = forms.ModelChoiceField(
        label=_("Caregiver"), queryset=Caregiver.objects.none(), required=False
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    organization = forms.CharField(label=_("Organization"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role on the team"), choices=Member.Role.choices)
    cochair = forms.BooleanField(label=_("Cochair"), required=False)

    def __init__(self, *args: Any, staff: Any, caregivers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]
        self.fields["caregiver"].queryset = caregivers  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == "staff" and not data.get("staff"):
            self.add_error("staff", _("Choose the staff member."))
        if kind == "caregiver" and not data.get("caregiver"):
            self.add_error("caregiver", _("Choose the caregiver."))
        if kind == "name" and not (data.get("name") or "").strip():
            self.add_error("name", _("Write the person's name."))
        return data


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    agenda = forms.CharField(
        label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    interpreted_languages = forms.CharField(
        label=_("Languages interpreted (codes, separated by commas)"), required=False
    )


class PulseForm(forms.Form):
    score = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(1, 6)], coerce=int, widget=forms.RadioSelect
    )
