"""Parsing listening-session input (HTML forms). Business rules live in sessions.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from juntos.language import registry
from juntos.listening.models import ListeningSession, Protocol, SpeakerRole
from juntos.listening.sessions import MAX_TEXT
from juntos.people.models import School, Staff


class FacilitatorField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        staff: Staff = obj
        spoken = ", ".join(registry.get(code).english_name for code in staff.languages)
        return f"{staff.display_name} ({spoken})" if spoken else staff.display_name


class SessionForm(forms.Form):
    school: forms.ModelChoiceField[School] = forms.ModelChoiceField(
        queryset=School.objects.none(), label=_("School")
    )
    title = forms.CharField(max_length=200, label=_("Title"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    modality = forms.ChoiceField(
        choices=ListeningSession.Modality.choices,
        label=_("How it meets"),
        widget=forms.RadioSelect,
    )
    languages = forms.MultipleChoiceField(
        choices=registry.choices(),
        label=_("Languages"),
        help_text=_("The languages the families speak: a run sheet is printed in each."),
        widget=forms.CheckboxSelectMultiple,
    )
    protocol: forms.ModelChoiceField[Protocol] = forms.ModelChoiceField(
        queryset=Protocol.objects.none(), label=_("Protocol")
    )
    facilitators = FacilitatorField(
        queryset=Staff.objects.none(),
        required=False,
        label=_("Facilitators"),
        help_text=_("Staff who share the families' languages are suggested and checked."),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        schools: QuerySet[School],
        protocols: QuerySet[Protocol],
        staff: QuerySet[Staff],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        self.fields["protocol"].queryset = protocols  # type: ignore[attr-defined]
        self.fields["facilitators"].queryset = staff  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    text = forms.CharField(
        max_length=MAX_TEXT, label=_("Quick note"), widget=forms.Textarea(attrs={"rows": 3})
    )
    language = forms.ChoiceField(choices=registry.choices(), label=_("Language of the note"))
    role = forms.ChoiceField(
        choices=SpeakerRole.choices, label=_("Who said it"), widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = registry.choices(tuple(languages))  # type: ignore[attr-defined]
