"""Parsing event input (HTML forms). Business rules live in actions.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from juntos.events.models import Event, Rsvp
from juntos.people.models import School

OPTION_ROWS = 3


class EventForm(forms.Form):
    school: forms.ModelChoiceField[School] = forms.ModelChoiceField(
        queryset=School.objects.none(), label=_("School")
    )
    kind = forms.ChoiceField(choices=Event.Kind.choices, label=_("Kind of event"))
    title = forms.CharField(max_length=200, label=_("Title"))
    learning_statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("How this supports children's learning"),
        help_text=_("Required: families see it with the invitation."),
    )
    modality = forms.ChoiceField(choices=Event.Modality.choices, label=_("Modality"))
    place = forms.CharField(max_length=300, required=False, label=_("Place"))
    childcare = forms.BooleanField(required=False, label=_("Childcare"))
    transport = forms.BooleanField(required=False, label=_("Transport"))
    food = forms.BooleanField(required=False, label=_("Food"))
    stipend = forms.BooleanField(required=False, label=_("Stipend"))
    interpretation_languages = forms.CharField(
        required=False,
        max_length=200,
        label=_("Interpretation in (language codes, comma-separated)"),
        help_text=_("For example: es, vi, so"),
    )
    capacity = forms.IntegerField(required=False, min_value=1, label=_("Capacity"))

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        for n in range(1, OPTION_ROWS + 1):
            required = n == 1
            self.fields[f"option_{n}_date"] = forms.DateField(
                required=required,
                label=_("Date %(n)s") % {"n": n},
                widget=forms.DateInput(attrs={"type": "date"}),
            )
            self.fields[f"option_{n}_start"] = forms.TimeField(
                required=required,
                label=_("Starts"),
                widget=forms.TimeInput(attrs={"type": "time"}),
            )
            self.fields[f"option_{n}_end"] = forms.TimeField(
                required=required,
                label=_("Ends"),
                widget=forms.TimeInput(attrs={"type": "time"}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, OPTION_ROWS + 1):
            day, start, end = (data.get(f"option_{n}_{part}") for part in ("date", "start", "end"))
            given = [value is not None for value in (day, start, end)]
            if any(given) and not all(given):
                self.add_error(f"option_{n}_date", _("Give the date, start and end of this time."))
            elif start is not None and end is not None and end <= start:
                self.add_error(f"option_{n}_end", _("Each time must end after it starts."))
        return data

    def option_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"option_{n}_{part}"] for part in ("date", "start", "end")]
            for n in range(1, OPTION_ROWS + 1)
        ]

    def time_options(self, time_zone: str) -> list[tuple[datetime, datetime]]:
        zone = ZoneInfo(time_zone)
        options = []
        for n in range(1, OPTION_ROWS + 1):
            day = self.cleaned_data.get(f"option_{n}_date")
            start = self.cleaned_data.get(f"option_{n}_start")
            end = self.cleaned_data.get(f"option_{n}_end")
            if day and start and end:
                options.append(
                    (
                        datetime.combine(day, start, tzinfo=zone),
                        datetime.combine(day, end, tzinfo=zone),
                    )
                )
        return options

    def languages(self) -> list[str]:
        raw = self.cleaned_data.get("interpretation_languages") or ""
        return [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]


class InviteForm(forms.Form):
    audience = forms.ChoiceField(label=_("Invite"))

    def __init__(self, *args: Any, sections: Any, school_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("school", _("Every family of %(school)s") % {"school": school_name})]
        choices += [(f"section:{s.pk}", s.title) for s in sections]
        self.fields["audience"].choices = choices  # type: ignore[attr-defined]

    def target(self, school_id: int) -> tuple[str, dict[str, Any]]:
        value = self.cleaned_data["audience"]
        if value == "school":
            return "school", {"ids": [school_id]}
        return "section", {"ids": [int(value.split(":", 1)[1])]}


class RsvpForm(forms.Form):
    answer = forms.ChoiceField(choices=Rsvp.Answer.choices, widget=forms.RadioSelect)
    time_option = forms.IntegerField(required=False)
    childcare_children = forms.IntegerField(required=False, min_value=0, max_value=20)
    needs_ride = forms.BooleanField(required=False)
    interpreter_language = forms.CharField(required=False, max_length=35)


class WalkInForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("Name"))
    language = forms.CharField(required=False, max_length=35, label=_("Language (code)"))
