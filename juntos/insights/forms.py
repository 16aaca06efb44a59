"""Parsing insights input (HTML forms: the worklist, the data walk, readiness).

The rules about who and what live in actions.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from juntos.insights.models import Attempt, Observation
from juntos.insights.queries import DEFAULT_WEEKS
from juntos.language import registry
from juntos.messaging.inbound import e164
from juntos.teams.models import Reality


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


# --- The data walk -----------------------------------------------------------------------------


def _set_choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared as a choice field
    field.choices = choices


class ObservationForm(forms.Form):
    chart = forms.CharField(max_length=60, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        choices=Observation.Kind.choices,
        widget=forms.RadioSelect,
        initial=Observation.Kind.NOTICE,
        label=_("Kind of observation"),
    )
    text = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label=_("Your observation")
    )


class PriorityForm(forms.Form):
    team = forms.TypedChoiceField(coerce=int, label=_("Team"))
    kind = forms.ChoiceField(
        choices=[(Reality.Kind.NEED, _("Need")), (Reality.Kind.STRENGTH, _("Strength"))],
        label=_("The team sees it as a"),
    )

    def __init__(self, *args: Any, teams: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "team", teams)


class StudyForm(forms.Form):
    cycle = forms.TypedChoiceField(coerce=int, label=_("PDSA cycle"))

    def __init__(self, *args: Any, cycles: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "cycle", cycles)


class StoryForm(forms.Form):
    key = forms.ChoiceField(label=_("Beside the chart"))
    text = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label=_("Story or quote")
    )
    language = forms.ChoiceField(label=_("Language of the story"))
    consent = forms.BooleanField(
        required=True, label=_("The person who told it agreed that it is shared")
    )
    named = forms.BooleanField(
        required=False, label=_("They asked to be named (otherwise names are masked)")
    )

    def __init__(self, *args: Any, charts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "key", charts)
        _set_choices(self, "language", registry.choices())


# --- Readiness ---------------------------------------------------------------------------------


class DomainGoalForm(forms.Form):
    domain = forms.ChoiceField(widget=forms.HiddenInput)
    team = forms.TypedChoiceField(coerce=int, label=_("Team"))

    def __init__(
        self,
        *args: Any,
        domains: list[tuple[str, str]],
        teams: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "domain", domains)
        _set_choices(self, "team", teams)


DONT_KNOW = "dont_know"


def readiness_answers(data: Any, item_ids: list[str]) -> dict[str, int | None] | None:
    """The answers posted by a readiness page (``item-<id>`` = 1..5 or dont_know); skipped
    items are left out. None when a value is off the scale."""
    answers: dict[str, int | None] = {}
    for item_id in item_ids:
        raw = str(data.get(f"item-{item_id}", "")).strip()
        if not raw:
            continue
        if raw == DONT_KNOW:
            answers[item_id] = None
        elif raw in {"1", "2", "3", "4", "5"}:
            answers[item_id] = int(raw)
        else:
            return None
    return answers
