"""Parsing commitment input (HTML forms). Business rules live in actions.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from juntos.commitments.models import Commitment, InputLink
from juntos.people.models import School


class CommitmentForm(forms.Form):
    school: forms.ModelChoiceField[School] = forms.ModelChoiceField(
        queryset=School.objects.none(), label=_("School")
    )
    kind = forms.ChoiceField(choices=Commitment.Kind.choices, label=_("Kind of commitment"))
    title = forms.CharField(
        max_length=200,
        label=_("What the school commits to"),
        help_text=_("Families read it on the public board and in updates, in their language."),
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Details")
    )
    public = forms.BooleanField(
        required=False, initial=True, label=_("Show on the school's public board")
    )

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Commitment.Status.choices, label=_("New status"))
    note = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Note for the history"),
    )
    reason = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Why the school will not do it"),
        help_text=_('Required for "not doing": families see it.'),
    )


class LinkForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[
            (InputLink.Kind.REPLY, InputLink.Kind.REPLY.label),
            (InputLink.Kind.IDEA, InputLink.Kind.IDEA.label),
            (InputLink.Kind.THEME, InputLink.Kind.THEME.label),
        ]
    )
    object_id = forms.IntegerField(min_value=1)
