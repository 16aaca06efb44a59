"""Parsing idea-exchange input (HTML forms). Business rules live in actions.py."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from juntos.listening.actions import MAX_IDEA_CHARS, MAX_QUESTION_CHARS
from juntos.listening.models import Reaction
from juntos.people.models import School


class ExchangeForm(forms.Form):
    school: forms.ModelChoiceField[School] = forms.ModelChoiceField(
        queryset=School.objects.none(), label=_("School")
    )
    question = forms.CharField(
        max_length=MAX_QUESTION_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Question"),
        help_text=_("One open question, in plain words: families answer it in their language."),
    )
    closes_on = forms.DateField(
        required=False,
        label=_("Closes on"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, schools: Any, sections: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        choices: list[tuple[str, Any]] = [("school", _("Every family of the school"))]
        choices += [(f"section:{s.pk}", f"{s.school.name} · {s.title}") for s in sections or []]
        self.fields["audience"] = forms.ChoiceField(choices=choices, label=_("Ask"))
        self._section_schools = {s.pk: s.school_id for s in sections or []}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        value, school = data.get("audience", ""), data.get("school")
        section = int(value.split(":", 1)[1]) if value.startswith("section:") else None
        wrong_school = school is not None and self._section_schools.get(section) != school.pk
        if section is not None and wrong_school:
            self.add_error("audience", _("Choose a class of this school."))
        return data

    def target(self) -> tuple[str, dict[str, Any]]:
        value = self.cleaned_data["audience"]
        if value == "school":
            return "school", {"ids": [self.cleaned_data["school"].pk]}
        return "section", {"ids": [int(value.split(":", 1)[1])]}

    def closes_at(self, time_zone: str) -> datetime | None:
        day = self.cleaned_data.get("closes_on")
        if day is None:
            return None
        # Open through the whole closing day, in the district's time zone.
        return datetime.combine(day, time(23, 59), tzinfo=ZoneInfo(time_zone))


class IdeaForm(forms.Form):
    text = forms.CharField(max_length=MAX_IDEA_CHARS * 2, required=False)


class ReactionForm(forms.Form):
    idea = forms.IntegerField()
    value = forms.ChoiceField(choices=Reaction.Value.choices)


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
