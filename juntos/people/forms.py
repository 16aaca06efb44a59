from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class FamilySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search families"),
        required=False,
        max_length=100,
        help_text=_("A caregiver's or student's name, a phone number or an email."),
    )


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("OneRoster file"),
        help_text=_("A .zip of the OneRoster CSV files (users.csv, orgs.csv, classes.csv, …)."),
    )
    dry_run = forms.BooleanField(
        label=_("Check only: report problems without changing anything"), required=False
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() != ".zip":
            raise forms.ValidationError(
                _("Please upload a .zip file containing the OneRoster CSV files.")
            )
        if upload.size > settings.JUNTOS_MAX_IMPORT_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("This file is larger than %(mb)s MB.")
                % {"mb": settings.JUNTOS_MAX_IMPORT_UPLOAD_BYTES // 2**20}
            )
        return upload
