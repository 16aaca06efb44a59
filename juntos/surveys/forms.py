"""Input of the staff survey pages (the family form is read against the instrument itself:
instruments.parse_answers)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from juntos.language import registry
from juntos.people.models import School


class SurveyForm(forms.Form):
    INSTRUMENTS = (
        ("climate", _("Family-school relationship climate (scales)")),
        ("engagement", _("Engagement needs (days, times, transport, childcare, interpretation)")),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    instrument = forms.ChoiceField(label=_("Survey"), choices=INSTRUMENTS)
    school: forms.ModelChoiceField[School] = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none()
    )

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]


class WaveForm(forms.Form):
    name = forms.CharField(label=_("Name of the wave"), max_length=100, initial=_("Fall"))


class PaperForm(forms.Form):
    code = forms.CharField(label=_("Code printed on the form"), max_length=20)
    language = forms.ChoiceField(label=_("Language the family answered in"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = registry.choices()  # type: ignore[attr-defined]
