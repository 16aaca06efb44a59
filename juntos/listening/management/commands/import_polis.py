"""``manage.py import_polis DIR --school SLUG``: a Polis conversation as a closed idea exchange.

Reads a Polis open-data export (``comments.csv``, ``votes.csv``; juntos/listening/polis.py)
and writes it in one transaction (``actions.do_import_polis``): nothing is stored when the
export is bad. Prints what was imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from juntos.listening.actions import do_import_polis
from juntos.listening.polis import PolisExportError, load_export
from juntos.people.models import School


class Command(BaseCommand):
    help = "Import a Polis conversation export as a closed idea exchange of a school."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="folder with comments.csv, votes.csv")
        parser.add_argument("--school", required=True, help="the school's slug")
        parser.add_argument("--question", default="", help="the conversation's question")
        parser.add_argument("--language", default="", help="the comments' main language (BCP 47)")

    def handle(self, *args: Any, **options: Any) -> None:
        schools = list(School.objects.filter(slug=options["school"]))
        if len(schools) != 1:
            found = "no school" if not schools else "several schools"
            raise CommandError(f"{found} with the slug {options['school']!r}")
        try:
            export = load_export(options["directory"])
        except (PolisExportError, OSError) as exc:
            raise CommandError(f"cannot read the export: {exc}") from exc
        report = do_import_polis(
            school=schools[0],
            export=export,
            question=options["question"],
            language=options["language"],
        )
        self.stdout.write(
            f"Imported exchange {report.exchange.pk} for {schools[0].name}: "
            f"{report.ideas} ideas ({report.approved} approved, {report.rejected} moderated out), "
            f"{report.participants} anonymous participants, {report.reactions} reactions; "
            f"skipped {report.skipped_comments} empty comments and {report.skipped_votes} votes "
            "on unknown comments."
        )
