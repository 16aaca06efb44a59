"""Input of the conference pages (staff: English through gettext)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from juntos.conferences.models import ConferenceSlot
from juntos.people.models import School


class PublishForm(forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.none(), label=_("School"))
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(
        label=_("Length of each meeting (minutes)"), min_value=5, max_value=240, initial=20
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    modality = forms.ChoiceField(
        label=_("How"), choices=ConferenceSlot.Modality.choices, initial="in_person"
    )

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["school"])  # type: ignore[type-arg]
        field.queryset = schools
        if schools.count() == 1:
            field.initial = schools.first()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The end must come after the start."))
        return data


class OfferForm(forms.Form):
    # "<caregiver id>-<student id>", one of the families of the staff member's own classes.
    family = forms.RegexField(regex=r"^\d+-\d+$", label=_("Family"))
