"""Parsing worklist input (HTML forms). The rules about who and what live in actions.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from juntos.insights.models import Attempt
from juntos.insights.queries import DEFAULT_WEEKS
from juntos.language import registry
from juntos.messaging.inbound import e164


class WorklistFilterForm(forms.Form):
    weeks = forms.IntegerField(
        min_value=1,
        max_value=52,
        initial=DEFAULT_WEEKS,
        required=False,
        label=_("No two-way contact for at least (weeks)"),
    )
    language = forms.ChoiceField(required=False, label=_("Home language"))
    school = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label=_("School"))

    def __init__(
        self,
        *args: Any,
        languages: list[tuple[str, str]],
        schools: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        language_field = self.fields["language"]
        assert isinstance(language_field, forms.ChoiceField)  # noqa: S101 - declared above
        language_field.choices = [("", _("Any language")), *languages]
        school_field = self.fields["school"]
        assert isinstance(school_field, forms.TypedChoiceField)  # noqa: S101 - declared above
        school_field.choices = [("", _("Every school")), *schools]


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(coerce=int, label=_("Assign to"))

    def __init__(self, *args: Any, candidates: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = candidates


class AttemptForm(forms.Form):
    caregiver = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label=_("Who"))
    method = forms.ChoiceField(choices=Attempt.Method.choices, label=_("How"))
    outcome = forms.ChoiceField(choices=Attempt.Outcome.choices, label=_("Outcome"))
    note = forms.CharField(max_length=500, required=False, label=_("Note"))

    def __init__(self, *args: Any, caregivers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["caregiver"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = [("", _("The family")), *caregivers]


class ContactForm(forms.Form):
    caregiver = forms.TypedChoiceField(coerce=int, label=_("Adult"))
    phone = forms.CharField(max_length=40, required=False, label=_("New phone number"))
    sms_capable = forms.BooleanField(
        required=False, initial=True, label=_("This phone can receive text messages")
    )
    email = forms.EmailField(required=False, label=_("New email"))
    language = forms.ChoiceField(required=False, label=_("Preferred language"))

    def __init__(self, *args: Any, caregivers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["caregiver"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = caregivers
        language_field = self.fields["language"]
        assert isinstance(language_field, forms.ChoiceField)  # noqa: S101 - declared above
        language_field.choices = [("", _("Unchanged")), *registry.choices()]

    def clean_phone(self) -> str:
        raw = str(self.cleaned_data.get("phone") or "").strip()
        if not raw:
            return ""
        number = e164(raw)
        if number is None:
            raise forms.ValidationError(_("Enter a phone number, for example +1 555 743 6242."))
        return number
