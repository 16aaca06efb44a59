"""Input parsing for the inbox pages (Django forms for HTML)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from juntos.messaging import inbox

# An SMS may be at most 1,600 characters (Twilio's limit, ten segments of GSM-7).
MAX_REPLY_CHARS = 1600


class InboxFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("Conversations"),
        choices=[(inbox.SHOW_MINE, _("Mine")), (inbox.SHOW_ALL, _("All I can see"))],
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (inbox.STATUS_OPEN, _("Open")),
            (inbox.STATUS_UNANSWERED, _("Unanswered")),
            (inbox.STATUS_UNREAD, _("Unread")),
            (inbox.STATUS_CLOSED, _("Closed")),
            (inbox.STATUS_ALL, _("All")),
        ],
        required=False,
    )
    school = forms.ChoiceField(label=_("School"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    owner = forms.ChoiceField(label=_("Owner"), required=False)

    def __init__(self, *args: Any, choices: dict[str, list[tuple[str, str]]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        any_choice: list[tuple[str, Any]] = [("", _("Any"))]
        for name, options in (
            ("school", choices["schools"]),
            ("language", choices["languages"]),
            ("owner", [(inbox.OWNER_NONE, _("Nobody")), *choices["owners"]]),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
            field.choices = any_choice + options

    def filters(self) -> inbox.InboxFilters:
        """The filters chosen; an invalid choice (a stale link) falls back to the default."""
        if not self.is_bound:
            return inbox.InboxFilters()
        data = self.cleaned_data if self.is_valid() else {}
        school = data.get("school") or ""
        return inbox.InboxFilters(
            show=data.get("show") or inbox.SHOW_MINE,
            status=data.get("status") or inbox.STATUS_OPEN,
            school_id=int(school) if school.isdigit() else None,
            language=data.get("language") or "",
            owner=data.get("owner") or "",
        )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_REPLY_CHARS,
        strip=True,
        error_messages={
            "required": _("Write a message before sending."),
            "max_length": _(
                "A message to a family can be at most %(limit_value)d characters "
                "(it has %(show_value)d)."
            ),
        },
    )


class ReassignForm(forms.Form):
    owner = forms.IntegerField(label=_("New owner"), min_value=1)


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("open", _("Open")), ("closed", _("Closed"))], label=_("Status")
    )


class TriageMatchForm(forms.Form):
    caregiver = forms.IntegerField(min_value=1)
    add_contact = forms.BooleanField(
        required=False, label=_("Add this number or address to the family's contacts")
    )
