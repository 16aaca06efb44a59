"""``manage.py import_oneroster PATH [--dry-run] [--district SLUG]``: import a roster now.

The same import as the background one (``do_start_roster_import``), run in this process and
reported on the terminal. Exits non-zero when any row has an error; then nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.text import slugify

from juntos.people import oneroster
from juntos.people.models import District


class Command(BaseCommand):
    help = "Import a OneRoster 1.1 or 1.2 CSV folder or .zip into a district."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="a folder of OneRoster CSV files, or a .zip of them")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count, but write nothing"
        )
        parser.add_argument(
            "--district", help="slug of the district (default: the only one there is)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path}: no such folder or file")
        dry_run: bool = options["dry_run"]
        with transaction.atomic():
            district = self._district(options["district"], path)
            report = oneroster.import_path(path, district=district, dry_run=dry_run)
            if dry_run or not report.ok:
                # A district created for this import goes away with it.
                transaction.set_rollback(True)
        self._print(report, path, district)
        if not report.ok:
            raise CommandError(f"{len(report.errors)} error(s): nothing was imported")

    def _district(self, slug: str | None, path: Path) -> District:
        if slug:
            try:
                return District.objects.get(slug=slug)
            except District.DoesNotExist:
                raise CommandError(f"no district with slug {slug!r}") from None
        districts = list(District.objects.all()[:2])
        if len(districts) == 1:
            return districts[0]
        if districts:
            raise CommandError("there are several districts: choose one with --district SLUG")
        found = oneroster.district_org(path)
        if found is None:
            raise CommandError(
                "there is no district yet and orgs.csv has no district org to create it from"
            )
        sourced_id, name = found
        return District.objects.create(
            name=name[:200], slug=slugify(name)[:50] or "district", sourced_id=sourced_id
        )

    def _print(self, report: oneroster.ImportReport, path: Path, district: District) -> None:
        out = self.stdout
        what = "dry run, nothing written" if report.dry_run else "imported"
        if not report.ok:
            what = "not imported"
        version = f"OneRoster {report.version}" if report.version else "OneRoster"
        out.write(f"{version} from {path} into {district.name} ({what})")
        for name, mode in report.files.items():
            if mode != oneroster.ABSENT:
                out.write(f"  {name}: {mode}")
        out.write(f"{'':22}{'created':>9}{'updated':>9}{'deleted':>9}{'unchanged':>11}")
        for entity, counts in report.counts.items():
            out.write(
                f"{entity:22}{counts['created']:>9}{counts['updated']:>9}"
                f"{counts['deleted']:>9}{counts['unchanged']:>11}"
            )
        totals = report.totals()
        out.write(
            f"total: {totals['created']} created, {totals['updated']} updated, "
            f"{totals['deleted']} deleted"
        )
        if report.errors:
            out.write(f"errors ({len(report.errors)}):")
            for problem in report.errors:
                out.write(f"  {problem}")
        if report.warnings:
            out.write(f"warnings ({len(report.warnings)}):")
            for problem in report.warnings:
                out.write(f"  {problem}")
