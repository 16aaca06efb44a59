"""``manage.py seed_demo --seed 7 [--students N] [--reset]``: build the demo district."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from juntos.language import registry
from juntos.listening.demo import build_demo_listening
from juntos.messaging.demo import build_demo_messaging
from juntos.people import demo
from juntos.people.models import ContactPoint, District
from juntos.surveys.demo import build_demo_surveys
from juntos.teams.demo import build_demo_teams


class Command(BaseCommand):
    help = (
        "Build the demo district (Riverside Unified, three schools, about 1,200 students and "
        "their families, staff who can sign in) into the current database. The same seed "
        "always builds the same district."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=7, help="Seed of the random choices (default 7)."
        )
        parser.add_argument(
            "--students",
            type=int,
            default=demo.DEFAULT_STUDENTS,
            help=f"How many students (default {demo.DEFAULT_STUDENTS}, at least "
            f"{demo.MIN_STUDENTS}).",
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="If the demo district is already there, print how to sign in and stop.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo district (and its staff sign-ins) first, then build it again.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seed: int = options["seed"]
        students: int = options["students"]
        if students < demo.MIN_STUDENTS:
            raise CommandError(f"--students must be at least {demo.MIN_STUDENTS}.")
        if options["if_missing"] and not options["reset"]:
            existing = demo.existing_summary(seed=seed)
            if existing is not None:
                self.stdout.write("The demo district is already built (make it anew: --reset).")
                self.print_summary(existing, None)
                return
        started = time.monotonic()
        if settings.JUNTOS_TASK_RUNNER == "thread":
            # The demo's own sends (updates, pulses, questions) run here, before the command
            # exits: a background thread would be cut off when this process ends.
            settings.JUNTOS_TASK_RUNNER = "sync"
        # One transaction: a failed rebuild leaves the previous demo district in place.
        with transaction.atomic():
            if options["reset"]:
                if demo.delete_demo_district():
                    self.stdout.write("Deleted the existing demo district.")
            elif demo.demo_district_exists():
                raise CommandError(
                    f"The database already has a district {demo.DISTRICT_SLUG!r}. Run with "
                    "--reset to delete it and build the demo again."
                )
            try:
                summary = demo.build_demo_district(seed=seed, students=students)
            except demo.DemoDistrictExistsError as error:
                raise CommandError(str(error)) from error
            district = District.objects.get(slug=demo.DISTRICT_SLUG)
            summary.counts.update(build_demo_messaging(district=district, seed=seed))
            summary.counts.update(build_demo_teams(district=district))
            summary.counts.update(build_demo_listening(district=district, seed=seed))
            summary.counts.update(build_demo_surveys(district=district, seed=seed))
        self.print_summary(summary, time.monotonic() - started)

    def print_summary(self, summary: demo.DemoSummary, seconds: float | None) -> None:
        write = self.stdout.write
        if seconds is not None:
            write(
                self.style.SUCCESS(
                    f"Built {summary.district} (seed {summary.seed}) in {seconds:.1f} s."
                )
            )
        width = max(len(name) for name in summary.counts)
        for name, count in summary.counts.items():
            write(f"  {name:<{width}}  {count:>6,}")

        write("")
        write("Sign-ins (demo credentials only; every account has the same password):")
        first = [s for s in summary.sign_ins if not _is_more_teachers(s.username)]
        rows = [("Role", "Username", "Password", "School", "Speaks")] + [
            (s.role, s.username, summary.password, s.school, _language_names(s.languages))
            for s in first
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            write(f"  {'  '.join([*cells, row[4]]).rstrip()}")
        more: dict[str, list[str]] = {}
        for s in summary.sign_ins:
            if _is_more_teachers(s.username):
                more.setdefault(s.school, []).append(s.username)
        for school, usernames in more.items():
            write(f"  More teachers at {school}: {usernames[0]} … {usernames[-1]}")

        write("")
        for family in summary.families:
            contact = (
                ContactPoint.objects.filter(caregiver_id=family.caregiver_id)
                .order_by("kind", "pk")
                .values_list("value", flat=True)
                .first()
            )
            write(
                f"Demo family: {family.name} ({family.language_name}), "
                f"caregiver id {family.caregiver_id}" + (f", contact {contact}" if contact else "")
            )
        write(
            "A family signs in at /family/link/ with its phone number or email. With no SMS or "
            "email provider, the link lands in the local outbox: print one with "
            "`manage.py family_link CAREGIVER_ID`."
        )


def _language_names(codes: tuple[str, ...]) -> str:
    return ", ".join(registry.get(code).english_name for code in codes if code != "en")


def _is_more_teachers(username: str) -> bool:
    """teacher2.<school>, teacher3.<school>…: listed as a range, not one line each."""
    return username.startswith("teacher") and not username.startswith("teacher.")
