"""Benchmark: the insights pages and API at district scale (issue 8, item 7).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/juntos_bench_insights \\
        nice .venv/bin/python benchmarks/insights.py

Builds, in a scratch PostgreSQL database that it creates (dropping any earlier copy) and
migrates, one district of ``--caregivers`` caregivers (100,000): three students for every four
caregivers, spread over 40 schools (a student in 50 also attends a second school); home
languages weighted as in a large US district (English, Spanish, then 14 others, 2% not
recorded); one or two adults per student, some with two children; phones and emails (2% of the
adults with neither, some opted out, failing or wrong numbers); staff with roles (a district
admin, a school leader and two liaisons per school, teachers with one class each, every
student enrolled in one class); ``--deliveries`` deliveries (2,000,000) over the last 200 days
(a quarter before the school year started), each family's first channel preference, statuses
as providers report them (mostly delivered, some only sent, failed on wrong numbers and
bounced emails, skipped without a usable channel, the latest still pending), a few calls from
the call list logged as reached; ``--replies`` family messages (200,000) in conversations that
start with a progress note, 85% of them answered by staff after minutes to days; events with
invitations, RSVPs and attendance; worklist assignments and attempts; ``--reactions`` reactions
(50,000) to ideas of idea exchanges by anonymous participants. Everything is generated in
PostgreSQL (``INSERT … SELECT generate_series``), then ``VACUUM ANALYZE`` (what autovacuum
does after a bulk insert: statistics, and a visibility map for index-only scans).

Then it times every insights page and API endpoint (juntos/insights/views.py and api.py)
through Django's test ``Client``, signed in as the district admin and as a school leader:
``--warmups`` requests first (2; the first one also records its SQL: the query count and
the slowest queries are printed), then ``--repeat`` timed requests (20), fewer when a page is so
slow that 20 would exceed ``--page-budget`` seconds (at least 3; the JSON says how many ran).
Pages found in juntos/insights/urls.py but not listed here are timed too when they answer a GET.

The last line of stdout is one JSON object::

    {"caregivers": …, "deliveries": …, "pages": {"<page> as <role>": {"p50_ms": …,
     "p95_ms": …, "runs": …}, …}, "worst_p95_ms": …}

The counts in it are read back from the database. The database is dropped at the end unless
``--keep``; the script refuses a database whose name lacks "bench".
"""

# The SQL below is built from integers and one timestamp that this script computes itself.
# ruff: noqa: S608

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/juntos_bench_insights"
GOAL_P95_MS = 300

# Home languages, weighted (percent), "" = not recorded: the order decides the buckets.
LANGUAGE_WEIGHTS = (
    ("en", 44), ("es", 28), ("", 2), ("ar", 4), ("vi", 3), ("zh", 3), ("so", 3), ("ht", 2),
    ("pt", 2), ("ru", 1), ("uk", 1), ("fa-AF", 2), ("ps", 1), ("tl", 1), ("ko", 1),
    ("hmn", 1), ("fr", 1),
)  # fmt: skip
GRADES = ("KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12")


# --- The scratch database ---------------------------------------------------------------------


def _admin_connection(url: str) -> Any:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    connection = psycopg.connect(
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )
    return connection, str(config["NAME"])


def drop_database(url: str) -> None:
    connection, name = _admin_connection(url)
    with connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_exists(url: str) -> bool:
    connection, name = _admin_connection(url)
    with connection:
        row = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return row.fetchone() is not None


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "juntos.settings"
    os.environ["JUNTOS_TASK_RUNNER"] = "sync"
    os.environ["TRANSLATION_PROVIDER"] = ""
    sys.path.insert(0, str(ROOT))
    import django

    # Static files are not collected for a benchmark: whitenoise's warning says so, nothing more.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()


# --- The district -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    caregivers: int
    deliveries: int
    replies: int
    reactions: int

    @property
    def students(self) -> int:
        return max(1, self.caregivers * 3 // 4)

    @property
    def schools(self) -> int:
        return max(2, min(40, self.caregivers // 2500))

    @property
    def teachers_per_school(self) -> int:
        return max(2, self.students // self.schools // 25)

    @property
    def conversations(self) -> int:
        return max(1, self.replies // 4)

    @property
    def participants(self) -> int:
        return max(1, self.reactions // 10)

    @property
    def exchanges(self) -> int:
        return min(self.participants, self.schools * 2)

    @property
    def ideas_per_exchange(self) -> int:
        # Each participant reacts to at most this many ideas (reaction_unique holds).
        return max(12, math.ceil(self.reactions / self.participants) + 2)


def _functions(s: Sizes) -> list[str]:
    """Session-only SQL helpers (pg_temp): deterministic picks from ids, inlined by the planner."""
    buckets, start = [], 0
    for code, weight in LANGUAGE_WEIGHTS:
        start += weight
        buckets.append(f"WHEN b < {start} THEN '{code}'")
    grades = ",".join(f"'{grade}'" for grade in GRADES)
    tps, first_teacher = s.teachers_per_school, 3 * s.schools + 2
    return [
        "CREATE FUNCTION pg_temp.lang(b bigint) RETURNS text IMMUTABLE LANGUAGE sql AS "
        f"$$ SELECT CASE {' '.join(buckets)} ELSE 'fr' END $$",
        "CREATE FUNCTION pg_temp.student_of(c bigint) RETURNS bigint IMMUTABLE LANGUAGE sql AS "
        f"$$ SELECT (c - 1) % {s.students} + 1 $$",
        "CREATE FUNCTION pg_temp.school_of_student(st bigint) RETURNS bigint IMMUTABLE "
        f"LANGUAGE sql AS $$ SELECT (st - 1) % {s.schools} + 1 $$",
        "CREATE FUNCTION pg_temp.school_of(c bigint) RETURNS bigint IMMUTABLE LANGUAGE sql AS "
        "$$ SELECT pg_temp.school_of_student(pg_temp.student_of(c)) $$",
        "CREATE FUNCTION pg_temp.home_language(st bigint) RETURNS text IMMUTABLE LANGUAGE sql "
        "AS $$ SELECT pg_temp.lang((st * 7919) % 100) $$",
        "CREATE FUNCTION pg_temp.grade(st bigint) RETURNS text IMMUTABLE LANGUAGE sql AS "
        f"$$ SELECT (ARRAY[{grades}])[(st * 31) % {len(GRADES)} + 1] $$",
        # An adult reads the student's home language, except one in ten who prefers English.
        "CREATE FUNCTION pg_temp.caregiver_language(c bigint) RETURNS text IMMUTABLE "
        "LANGUAGE sql AS $$ SELECT CASE WHEN pg_temp.home_language(pg_temp.student_of(c)) = '' "
        "OR c % 10 = 0 THEN 'en' ELSE pg_temp.home_language(pg_temp.student_of(c)) END $$",
        "CREATE FUNCTION pg_temp.has_phone(c bigint) RETURNS boolean IMMUTABLE LANGUAGE sql AS "
        "$$ SELECT c % 50 <> 1 AND c % 10 <> 7 $$",
        "CREATE FUNCTION pg_temp.has_email(c bigint) RETURNS boolean IMMUTABLE LANGUAGE sql AS "
        "$$ SELECT c % 50 <> 1 AND (c % 2 = 0 OR c % 10 = 7) $$",
        "CREATE FUNCTION pg_temp.prefs(c bigint) RETURNS jsonb IMMUTABLE LANGUAGE sql AS "
        '$$ SELECT CASE WHEN c % 20 < 12 THEN \'["sms", "email"]\' '
        'WHEN c % 20 < 17 THEN \'["email", "sms"]\' WHEN c % 20 = 17 THEN \'["voice", "sms"]\' '
        'WHEN c % 20 = 18 THEN \'["paper"]\' ELSE \'["sms", "paper"]\' END::jsonb $$',
        # The channel a message goes out on: the first preference the adult has an address for.
        "CREATE FUNCTION pg_temp.channel(c bigint) RETURNS text IMMUTABLE LANGUAGE sql AS $$ "
        "SELECT CASE WHEN c % 20 = 18 THEN 'paper' "
        "WHEN c % 20 = 17 AND pg_temp.has_phone(c) THEN 'voice' "
        "WHEN c % 20 BETWEEN 12 AND 16 AND pg_temp.has_email(c) THEN 'email' "
        "WHEN pg_temp.has_phone(c) THEN 'sms' WHEN pg_temp.has_email(c) THEN 'email' "
        "ELSE 'sms' END $$",
        "CREATE FUNCTION pg_temp.address(c bigint, ch text) RETURNS text IMMUTABLE LANGUAGE sql "
        "AS $$ SELECT CASE WHEN c % 50 = 1 OR ch = 'paper' THEN '' "
        "WHEN ch = 'email' THEN 'c' || c || '@example.org' "
        "ELSE '+1555' || lpad(c::text, 7, '0') END $$",
        "CREATE FUNCTION pg_temp.teacher(school bigint, k bigint) RETURNS bigint IMMUTABLE "
        f"LANGUAGE sql AS $$ SELECT {first_teacher} + (school - 1) * {tps} + k % {tps} $$",
    ]


def _people(s: Sizes, now: str) -> list[tuple[str, str]]:
    ns, tps = s.schools, s.teachers_per_school
    staff_count = 1 + 3 * ns + ns * tps  # admin, leaders, two liaisons each, teachers
    first_teacher = 3 * ns + 2
    return [
        ("district", "INSERT INTO people_district (id, name, slug, sourced_id, default_language, "
         "time_zone) VALUES (1, 'Bench District', 'bench', '', 'en', 'America/Chicago')"),
        ("school years", "INSERT INTO people_academicsession (id, sourced_id, title, kind, "
         "start_date, end_date, school_year, is_active, district_id) VALUES "
         f"(1, 'y1', 'This year', 'schoolYear', ({now})::date - 100, ({now})::date + 190, "
         f"extract(year FROM ({now})::date + 190), true, 1), "
         f"(2, 'y0', 'Last year', 'schoolYear', ({now})::date - 465, ({now})::date - 175, "
         f"extract(year FROM ({now})::date - 175), true, 1)"),
        ("schools", "INSERT INTO people_school (id, sourced_id, name, slug, identifier, "
         "is_active, district_id, follow_up_school_days) SELECT i, 'sch' || i, "
         f"'School ' || lpad(i::text, 2, '0'), 'school-' || i, '', true, 1, 2 "
         f"FROM generate_series(1::bigint, {ns}) i"),
        ("users", "INSERT INTO auth_user (id, password, is_superuser, username, first_name, "
         "last_name, email, is_staff, is_active, date_joined) SELECT i, '!', false, "
         f"'bench-' || i, 'Staff', 'N' || i, '', false, true, {now} "
         f"FROM generate_series(1::bigint, {staff_count}) i"),
        ("staff", "INSERT INTO people_staff (id, sourced_id, given_name, family_name, email, "
         "languages, title, is_active, district_id, user_id) SELECT i, '', 'Staff', 'N' || i, "
         "'', CASE WHEN i BETWEEN " + str(ns + 2) + " AND " + str(3 * ns + 1) + " THEN "
         "jsonb_build_array('en', pg_temp.caregiver_language(i * 37)) ELSE '[\"en\"]' END, '', "
         f"true, 1, i FROM generate_series(1::bigint, {staff_count}) i"),
        ("roles", "INSERT INTO people_staffrole (role, from_roster, school_id, staff_id) "
         "SELECT 'district_admin', false, NULL, 1 UNION ALL "
         "SELECT 'school_leader', false, i, i + 1 "
         f"FROM generate_series(1::bigint, {ns}) i UNION ALL "
         f"SELECT 'liaison', false, (i - 1) / 2 + 1, {ns + 1} + i "
         f"FROM generate_series(1::bigint, {2 * ns}) i UNION ALL "
         f"SELECT 'teacher', false, (i - {first_teacher}) / {tps} + 1, i "
         f"FROM generate_series({first_teacher}::bigint, {staff_count}) i"),
        ("sections", "INSERT INTO people_section (id, sourced_id, title, code, kind, grades, "
         "is_active, school_id) SELECT i, 'sec' || i, 'Class ' || i, 'C' || i, 'scheduled', "
         f"'[]', true, (i - 1) / {tps} + 1 FROM generate_series(1::bigint, {ns * tps}) i"),
        ("class assignments", "INSERT INTO people_sectionassignment (sourced_id, is_primary, "
         f"section_id, staff_id) SELECT '', true, i, {first_teacher} + i - 1 "
         f"FROM generate_series(1::bigint, {ns * tps}) i"),
        ("students", "INSERT INTO people_student (id, sourced_id, given_name, family_name, "
         "middle_name, preferred_name, identifier, grade, home_language, is_active, district_id) "
         "SELECT st, 'st' || st, 'Student', 'S' || st, '', '', '', pg_temp.grade(st), "
         "pg_temp.home_language(st), st % 200 <> 7, 1 "
         f"FROM generate_series(1::bigint, {s.students}) st"),
        ("student schools", "INSERT INTO people_studentschool (school_id, student_id) "
         "SELECT pg_temp.school_of_student(st), st "
         f"FROM generate_series(1::bigint, {s.students}) st "
         f"UNION ALL SELECT pg_temp.school_of_student(st) % {ns} + 1, st "
         f"FROM generate_series(1::bigint, {s.students}) st WHERE st % 50 = 3"),
        ("enrollments", "INSERT INTO people_studentenrollment (sourced_id, section_id, "
         f"student_id) SELECT '', (pg_temp.school_of_student(st) - 1) * {tps} + st % {tps} + 1, "
         f"st FROM generate_series(1::bigint, {s.students}) st"),
        ("caregivers", "INSERT INTO people_caregiver (id, sourced_id, given_name, family_name, "
         "preferred_language, other_languages, reads_preferred_language, channel_preferences, "
         "time_zone, needs_interpretation, needs_childcare, needs_transport, "
         "sms_consent_method, is_active, created_at, district_id) SELECT c, 'cg' || c, 'Adult', "
         "'S' || pg_temp.student_of(c), pg_temp.caregiver_language(c), '[]', c % 30 <> 4, "
         "pg_temp.prefs(c), '', pg_temp.caregiver_language(c) <> 'en', c % 9 = 0, c % 13 = 0, "
         f"'', c % 300 <> 11, {now} - interval '400 days', 1 "
         f"FROM generate_series(1::bigint, {s.caregivers}) c"),
        # Adult c is linked to student_of(c): the first S adults are each student's first adult,
        # the rest second adults; one adult in ten also has a second child.
        ("caregiver links", "INSERT INTO people_caregiverlink (sourced_id, relationship, "
         "may_contact, is_primary, caregiver_id, student_id) SELECT '', (ARRAY['mother', "
         "'father', 'mother', 'grandparent', 'guardian', 'father', 'mother', 'other'])"
         "[c % 8 + 1], c % 200 <> 9, c <= " + str(s.students) + ", c, pg_temp.student_of(c) "
         f"FROM generate_series(1::bigint, {s.caregivers}) c UNION ALL SELECT '', 'mother', true, "
         f"false, c, (pg_temp.student_of(c) + 7 * {ns}) % {s.students} + 1 "
         f"FROM generate_series(1::bigint, {s.caregivers}) c WHERE c % 10 = 5 "
         f"AND (pg_temp.student_of(c) + 7 * {ns}) % {s.students} + 1 <> pg_temp.student_of(c) "
         "ON CONFLICT DO NOTHING"),
        ("contact points", "INSERT INTO people_contactpoint (kind, value, label, sms_capable, "
         "opted_out_at, failing_since, from_roster, caregiver_id) SELECT 'phone', "
         "'+1555' || lpad(c::text, 7, '0'), 'mobile', c % 16 <> 0, "
         f"CASE WHEN c % 97 = 5 THEN {now} - interval '30 days' END, NULL, true, c "
         f"FROM generate_series(1::bigint, {s.caregivers}) c WHERE pg_temp.has_phone(c) UNION ALL "
         "SELECT 'email', 'c' || c || '@example.org', 'home', false, NULL, "
         f"CASE WHEN c % 89 = 3 THEN {now} - interval '12 days' END, true, c "
         f"FROM generate_series(1::bigint, {s.caregivers}) c WHERE pg_temp.has_email(c)"),
    ]  # fmt: skip


def _conversations(s: Sizes, now: str) -> list[tuple[str, str]]:
    """Conversations that start with a progress note; family messages; staff answers."""
    k_count, r = s.conversations, s.replies
    t0 = f"({now} - interval '200 days')"
    # Conversation k starts somewhere in the first 175 days; its messages follow over ~10 days.
    start = f"({t0} + ((k * 7919) % 1000) * interval '1 day' * 0.175)"
    caregiver = f"((k - 1) * 7 % {s.caregivers} + 1)"
    return [
        ("conversations", "INSERT INTO messaging_conversation (id, status, created_at, "
         "caregiver_id, owner_id, school_id, student_id) SELECT k, 'open', "
         f"{start} - interval '1 hour', {caregiver}, pg_temp.teacher(pg_temp.school_of("
         f"{caregiver}), k), pg_temp.school_of({caregiver}), pg_temp.student_of({caregiver}) "
         f"FROM generate_series(1::bigint, {k_count}) k"),
        ("progress notes", "INSERT INTO messaging_message (id, direction, kind, body, language, "
         "detected_language, created_at, author_id, conversation_id, from_address) "
         "SELECT k, 'out', CASE WHEN k % 10 < 6 THEN 'progress_positive' ELSE "
         "'progress_concern' END, 'A note about your child.', 'en', '', "
         f"{start} - interval '1 hour', pg_temp.teacher(pg_temp.school_of({caregiver}), k), k, "
         f"'' FROM generate_series(1::bigint, {k_count}) k"),
        ("family messages", "INSERT INTO messaging_message (id, direction, kind, body, "
         "language, detected_language, created_at, conversation_id, from_address) "
         f"SELECT {k_count} + j, 'in', 'reply', 'Thank you, a question.', "
         f"pg_temp.caregiver_language({caregiver}), '', LEAST({now} - interval '1 minute', "
         f"{start} + ((j - 1) / {k_count} + 1) * interval '2 days' + (j % 24) * "
         f"interval '1 hour'), k, '' FROM (SELECT j, (j - 1) % {k_count} + 1 AS k "
         f"FROM generate_series(1::bigint, {r}) j) g"),
        # 85% answered, after 3 minutes to about 3 days (median ~8 hours); none in the future.
        ("staff answers", "INSERT INTO messaging_message (id, direction, kind, body, language, "
         "detected_language, created_at, author_id, conversation_id, from_address) "
         f"SELECT {k_count + r} + m.id - {k_count}, 'out', 'reply', 'We will call you.', 'en', "
         "'', m.created_at + (3 + ((m.id * 7919) % 1000) ^ 3 / 1e9 * 4300) * "
         "interval '1 minute', c.owner_id, m.conversation_id, '' FROM messaging_message m JOIN "
         "messaging_conversation c ON c.id = m.conversation_id WHERE m.direction = 'in' AND "
         f"m.id % 20 >= 3 AND m.created_at + (3 + ((m.id * 7919) % 1000) ^ 3 / 1e9 * 4300) * "
         f"interval '1 minute' < {now}"),
        ("conversation state", "UPDATE messaging_conversation c SET last_family_message_at = "
         "x.last_in, last_staff_message_at = x.last_out, unanswered_since = x.waiting FROM "
         "(SELECT c2.id, max(m.created_at) FILTER (WHERE m.direction = 'in') AS last_in, "
         "max(m.created_at) FILTER (WHERE m.direction = 'out') AS last_out, "
         "min(m.created_at) FILTER (WHERE m.direction = 'in' AND m.created_at > "
         "coalesce(r.last_reply, '-infinity')) AS waiting FROM messaging_conversation c2 "
         "JOIN messaging_message m ON m.conversation_id = c2.id LEFT JOIN LATERAL (SELECT "
         "max(created_at) AS last_reply FROM messaging_message WHERE conversation_id = c2.id "
         "AND direction = 'out' AND kind = 'reply') r ON true GROUP BY c2.id) x WHERE x.id = c.id"),
        # Notes and answers reach the family like any message: one Delivery each.
        ("their deliveries", "INSERT INTO messaging_delivery (id, channel, \"to\", language, "
         "status, skip_reason, not_before, attempts, provider_id, error, idempotency_key, "
         "created_at, updated_at, caregiver_id, message_id) SELECT row_number() OVER "
         "(ORDER BY m.id), ch, pg_temp.address(c.caregiver_id, ch), 'en', CASE WHEN "
         "c.caregiver_id % 50 = 1 THEN 'skipped' WHEN ch = 'paper' THEN 'sent' WHEN "
         "m.id % 10 = 0 THEN 'sent' ELSE 'delivered' END, CASE WHEN c.caregiver_id % 50 = 1 "
         "THEN 'no usable channel' ELSE '' END, m.created_at, 1, CASE WHEN ch IN ('sms', "
         "'email') AND c.caregiver_id % 50 <> 1 THEN 'N' || m.id ELSE '' END, '', 'n' || m.id, "
         "m.created_at, m.created_at + interval '20 seconds', c.caregiver_id, m.id "
         "FROM messaging_message m JOIN messaging_conversation c ON c.id = m.conversation_id "
         "CROSS JOIN LATERAL (SELECT CASE WHEN pg_temp.channel(c.caregiver_id) IN ('paper', "
         "'voice') THEN 'sms' ELSE pg_temp.channel(c.caregiver_id) END AS ch) x "
         "WHERE m.direction = 'out'"),
    ]  # fmt: skip


def _announcements(s: Sizes, now: str, first_delivery: int) -> list[tuple[str, str]]:
    """Per-school announcements to every family, and their Delivery rows up to the total."""
    ns, c_count = s.schools, s.caregivers
    count = max(0, s.deliveries - first_delivery + 1)
    rounds = max(1, math.ceil(count / c_count))
    first_message = s.conversations + 2 * s.replies + 1
    t0 = f"({now} - interval '200 days')"
    sent_at = f"({t0} + (r + 0.5) * interval '1 day' * {195 / rounds} + sch * interval '7 minutes')"
    status = (
        "CASE WHEN c % 50 = 1 THEN 'skipped' "
        "WHEN ch IN ('sms', 'voice') AND c % 97 = 5 THEN 'skipped' "
        f"WHEN r = {rounds - 1} AND k % 10 = 0 THEN 'pending' "
        "WHEN ch = 'paper' THEN 'sent' "
        "WHEN ch = 'sms' AND c % 25 = 3 THEN 'failed' "
        "WHEN ch = 'email' AND c % 89 = 3 THEN 'failed' "
        "WHEN ch = 'email' THEN CASE WHEN h < 62 THEN 'delivered' WHEN h < 97 THEN 'sent' "
        "ELSE 'failed' END "
        "WHEN ch = 'voice' THEN CASE WHEN c % 40 = 9 OR h < 70 THEN 'delivered' "
        "ELSE 'failed' END "
        "ELSE CASE WHEN h < 88 THEN 'delivered' WHEN h < 97 THEN 'sent' ELSE 'failed' END END"
    )
    return [
        ("announcements", "INSERT INTO messaging_announcement (id, audience_kind, "
         "audience_ref, subject, body, source_language, emergency, status, created_at, "
         "sent_at, author_id, district_id, school_id) SELECT r * " + str(ns) + " + sch, "
         "'school', jsonb_build_object('ids', jsonb_build_array(sch)), 'News', "
         f"'School news for families.', 'en', false, 'sent', {sent_at}, {sent_at}, sch + 1, "
         f"1, sch FROM generate_series(0::bigint, {rounds - 1}) r, "
         f"generate_series(1::bigint, {ns}) sch"),
        ("announcement messages", "INSERT INTO messaging_message (id, direction, kind, body, "
         "language, detected_language, created_at, announcement_id, author_id, from_address) "
         f"SELECT {first_message - 1} + r * {ns} + sch, 'out', 'announcement', "
         f"'School news for families.', 'en', '', {sent_at}, r * {ns} + sch, sch + 1, '' "
         f"FROM generate_series(0::bigint, {rounds - 1}) r, generate_series(1::bigint, {ns}) sch"),
        ("announcement deliveries", "INSERT INTO messaging_delivery (id, channel, \"to\", "
         "language, status, skip_reason, not_before, attempts, provider_id, error, "
         "idempotency_key, created_at, updated_at, caregiver_id, message_id) "
         f"SELECT {first_delivery - 1} + k, ch, pg_temp.address(c, ch), "
         f"pg_temp.caregiver_language(c), st, CASE WHEN st = 'skipped' THEN 'no usable channel' "
         f"ELSE '' END, {sent_at}, CASE WHEN st = 'pending' THEN 0 ELSE 1 END, "
         "CASE WHEN ch = 'voice' AND st = 'delivered' AND c % 40 = 9 THEN 'call:' || (sch + 1) "
         "WHEN st IN ('sent', 'delivered', 'failed') AND ch IN ('sms', 'email', 'voice') "
         "THEN upper(left(ch, 2)) || k ELSE '' END, CASE WHEN st = 'failed' THEN "
         "'undeliverable' ELSE '' END, 'a' || k, "
         f"{sent_at} + (c % 900) * interval '1 second', "
         f"{sent_at} + (c % 900 + 5 + h) * interval '1 second', c, "
         f"{first_message - 1} + r * {ns} + sch FROM (SELECT k, c, r, sch, ch, h, {status} AS st "
         f"FROM (SELECT k, (k - 1) % {c_count} + 1 AS c, (k - 1) / {c_count} AS r, "
         f"pg_temp.school_of((k - 1) % {c_count} + 1) AS sch, pg_temp.channel((k - 1) % "
         f"{c_count} + 1) AS ch, (k * 7919) % 100 AS h "
         f"FROM generate_series(1::bigint, {count}) k) g) d"),
    ]  # fmt: skip


def _events_and_worklist(s: Sizes, now: str) -> list[tuple[str, str]]:
    ns = s.schools
    return [
        ("events", "INSERT INTO events_event (id, kind, title, learning_statement, "
         "source_language, modality, place, childcare, transport, food, stipend, "
         "interpretation_languages, status, created_at, created_by_id, district_id, "
         "school_id) SELECT e, CASE WHEN e <= " + str(ns) + " THEN 'literacy_night' ELSE "
         "'math_night' END, 'Family night', 'Families learn how we teach reading.', 'en', "
         "'in_person', 'Library', true, false, true, false, '[\"es\"]', 'published', "
         f"{now} - (90 - e % 60) * interval '1 day', (e - 1) % {ns} + 2, 1, (e - 1) % {ns} + 1 "
         f"FROM generate_series(1::bigint, {2 * ns}) e"),
        ("invitations", "INSERT INTO events_invitation (created_at, caregiver_id, event_id) "
         f"SELECT {now} - interval '30 days', c, pg_temp.school_of(c) "
         f"FROM generate_series(1::bigint, {s.caregivers}) c UNION ALL SELECT {now} - interval "
         f"'30 days', c, {ns} + pg_temp.school_of(c) "
         f"FROM generate_series(1::bigint, {s.caregivers}) c "
         "WHERE c % 3 = 0"),
        ("RSVPs", "INSERT INTO events_rsvp (answer, waitlisted, childcare_children, "
         "needs_ride, interpreter_language, channel, answered_at, caregiver_id, event_id) "
         "SELECT CASE WHEN caregiver_id % 5 = 0 THEN 'yes' ELSE 'no' END, false, 0, false, '', "
         f"'portal', {now} - interval '20 days', caregiver_id, event_id FROM events_invitation "
         "WHERE caregiver_id % 5 IN (0, 1)"),
        ("attendance", "INSERT INTO events_attendance (walk_in_name, walk_in_language, "
         "recorded_at, caregiver_id, recorded_by_id, event_id) SELECT '', '', "
         f"{now} - interval '10 days', caregiver_id, 1, event_id FROM events_invitation "
         "WHERE caregiver_id % 10 = 0"),
        ("worklist assignments", "INSERT INTO insights_assignment (assigned_at, assigned_by_id, "
         f"assignee_id, student_id) SELECT {now} - interval '9 days', "
         f"pg_temp.school_of_student(st) + 1, {ns + 1} + 2 * pg_temp.school_of_student(st), st "
         f"FROM generate_series(1::bigint, {s.students}) st WHERE st % 20 = 0"),
        ("worklist attempts", "INSERT INTO insights_attempt (method, outcome, note, at, by_id, "
         "caregiver_id, student_id) SELECT CASE WHEN st % 3 = 0 THEN 'home_visit' ELSE 'call' "
         "END, CASE WHEN st % 60 = 0 THEN 'reached' ELSE 'no_answer' END, '', "
         f"{now} - (st % 50) * interval '1 day', {ns + 1} + 2 * pg_temp.school_of_student(st), "
         f"NULL, st FROM generate_series(1::bigint, {s.students}) st WHERE st % 20 = 0"),
    ]  # fmt: skip


def _listening(s: Sizes, now: str) -> list[tuple[str, str]]:
    e_count, p_count, per = s.exchanges, s.participants, s.ideas_per_exchange
    ns = s.schools
    return [
        ("idea exchanges", "INSERT INTO listening_ideaexchange (id, question, "
         "question_language, audience_kind, audience_ref, status, opens_at, closes_at, source, "
         "created_at, created_by_id, district_id, school_id) SELECT e, 'What would help your "
         f"family feel welcome?', 'en', 'school', '{{}}', CASE WHEN e <= {ns} THEN 'closed' "
         f"ELSE 'open' END, {now} - interval '60 days', {now} + interval '30 days', 'juntos', "
         f"{now} - interval '61 days', (e - 1) % {ns} + 2, 1, (e - 1) % {ns} + 1 "
         f"FROM generate_series(1::bigint, {e_count}) e"),
        ("participants", "INSERT INTO listening_participant (id, pseudonym, language, "
         f"created_at, exchange_id) SELECT p, md5('p' || p), pg_temp.caregiver_language(p), "
         f"{now} - interval '50 days', "
         f"(p - 1) % {e_count} + 1 FROM generate_series(1::bigint, {p_count}) p"),
        ("ideas", "INSERT INTO listening_idea (id, text, language, declared_language, status, "
         "flags, channel, external_id, created_at, exchange_id, author_id) "
         f"SELECT (e - 1) * {per} + i, 'An idea about welcoming families, number ' || i, "
         "'en', 'en', CASE WHEN i % 5 = 0 THEN 'pending' ELSE 'approved' END, '[]', "
         f"CASE WHEN i % 2 = 0 THEN 'sms' ELSE 'portal' END, '', {now} - interval '45 days', "
         f"e, e FROM generate_series(1::bigint, {e_count}) e, generate_series(1::bigint, {per}) i"),
        ("reactions", "INSERT INTO listening_reaction (value, channel, created_at, updated_at, "
         "idea_id, participant_id) SELECT (ARRAY['agree', 'disagree', 'pass', 'agree'])"
         "[k % 4 + 1], CASE WHEN k % 3 = 0 THEN 'sms' ELSE 'portal' END, "
         f"{now} - interval '40 days', {now} - interval '40 days', "
         f"((p - 1) % {e_count}) * {per} + (k - 1) / {p_count} % {per} + 1, p "
         f"FROM (SELECT k, (k - 1) % {p_count} + 1 AS p FROM generate_series(1::bigint, "
         f"{s.reactions}) k) g"),
    ]  # fmt: skip


def build(s: Sizes, now: datetime) -> None:
    from django.db import connection, transaction

    stamp = f"'{now.isoformat()}'::timestamptz"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        for statement in _functions(s):
            cursor.execute(statement)
        steps = [*_people(s, stamp), *_conversations(s, stamp)]
        for name, sql in steps:
            _timed(cursor, name, sql)
        cursor.execute("SELECT count(*) FROM messaging_delivery")
        first = int(cursor.fetchone()[0]) + 1
        for name, sql in [
            *_announcements(s, stamp, first),
            *_events_and_worklist(s, stamp),
            *_listening(s, stamp),
        ]:
            _timed(cursor, name, sql)
        # Explicit ids were written: move each identity past them, as a real load leaves it.
        cursor.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND column_name = 'id' AND is_identity = 'YES'"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'coalesce((SELECT max(id) FROM "{table}"), 0) + 1, false)'
            )
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        print(f"  VACUUM ANALYZE: {time.perf_counter() - started:.1f} s", flush=True)


def _timed(cursor: Any, name: str, sql: str) -> None:
    started = time.perf_counter()
    cursor.execute(sql)
    print(f"  {name}: {cursor.rowcount:,} rows, {time.perf_counter() - started:.1f} s", flush=True)


def counts() -> dict[str, int]:
    from django.db import connection

    tables = {
        "caregivers": "people_caregiver",
        "students": "people_student",
        "deliveries": "messaging_delivery",
        "family_messages": "messaging_message WHERE direction = 'in'",
        "staff_answers": "messaging_message WHERE direction = 'out' AND kind = 'reply'",
        "reactions": "listening_reaction",
    }
    found = {}
    with connection.cursor() as cursor:
        for key, table in tables.items():
            cursor.execute(f"SELECT count(*) FROM {table}")
            found[key] = int(cursor.fetchone()[0])
    return found


# --- Timing the pages -------------------------------------------------------------------------


@dataclass
class QueryLog:
    queries: list[tuple[float, str]]

    def __call__(self, execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, *args)
        finally:
            self.queries.append(((time.perf_counter() - started) * 1000, sql))


@contextmanager
def logged_queries() -> Iterator[QueryLog]:
    from django.db import connection

    log = QueryLog([])
    with connection.execute_wrapper(log):
        yield log


def percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks (PostgreSQL's percentile_cont)."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def pages(school_id: int, student_id: int) -> list[tuple[str, str, bool]]:
    """Every insights page and API endpoint (GET), with a query string where it matters, and
    whether it was found in insights/urls.py rather than listed here."""
    from django.urls import reverse

    listed = [
        ("insights index", reverse("insights:index")),
        ("insights index, one school", f"{reverse('insights:index')}?school={school_id}"),
        ("how we count", reverse("insights:how_we_count")),
        ("CSV export", reverse("insights:export_csv")),
        ("unreached worklist", reverse("insights:unreached")),
        ("unreached worklist, Somali", f"{reverse('insights:unreached')}?language=so&weeks=4"),
        ("worklist student", reverse("insights:unreached_student", args=[student_id])),
        ("API metrics", reverse("api:insights_metrics")),
        ("API metrics, one school", f"{reverse('api:insights_metrics')}?school={school_id}"),
        ("API unreached", reverse("api:insights_unreached")),
    ]
    # A page added to insights/urls.py later is timed too (when it takes no argument).
    from juntos.insights import urls

    known = {path.split("?")[0] for _name, path in listed}
    found = []
    for pattern in urls.urlpatterns:
        if pattern.name and not pattern.pattern.converters:
            path = reverse(f"insights:{pattern.name}")
            if path not in known:
                found.append((pattern.name.replace("_", " "), path, True))
    return [(name, path, False) for name, path in listed] + found


def time_pages(repeat: int, warmups: int, budget_s: float) -> dict[str, dict[str, Any]]:
    from django.contrib.auth.models import User
    from django.test import Client

    from juntos.people.models import StaffRole, Student

    admin = User.objects.get(staff__roles__role="district_admin")
    leader_role = StaffRole.objects.filter(role="school_leader").order_by("school_id").first()
    assert leader_role is not None and leader_role.school_id is not None  # noqa: S101
    leader = leader_role.staff.user
    student = Student.objects.filter(schools=leader_role.school_id, is_active=True).first()
    assert student is not None  # noqa: S101
    results: dict[str, dict[str, Any]] = {}
    for role, user in (("district admin", admin), ("school leader", leader)):
        client = Client()
        client.force_login(user)
        for name, path, found in pages(leader_role.school_id, student.pk):
            key = f"{name} as {role}"
            warm = []
            # The first warm-up request also records its SQL (count, time, slowest queries).
            with logged_queries() as log:
                started = time.perf_counter()
                response = client.get(path)
                warm.append(time.perf_counter() - started)
            if response.status_code != 200:
                if found:  # e.g. a form's POST-only address: not a page to time
                    print(f"  {key}: {path} answered {response.status_code}, not timed")
                    continue
                sys.exit(f"{key}: {path} answered {response.status_code}")
            for _ in range(warmups - 1):
                started = time.perf_counter()
                client.get(path)
                warm.append(time.perf_counter() - started)
            runs = max(3, min(repeat, int(budget_s / max(statistics.median(warm), 1e-3))))
            runs = min(runs, repeat)
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200  # noqa: S101
            slowest = sorted(log.queries, reverse=True)[:3]
            results[key] = {
                "p50_ms": round(percentile(timings, 0.5), 1),
                "p95_ms": round(percentile(timings, 0.95), 1),
                "runs": runs,
                "queries": len(log.queries),
                "sql_ms": round(sum(ms for ms, _sql in log.queries), 1),
            }
            print(
                f"  {key}: p50 {results[key]['p50_ms']} ms, p95 {results[key]['p95_ms']} ms "
                f"({runs} runs; {len(log.queries)} queries, "
                f"{results[key]['sql_ms']} ms in SQL)",
                flush=True,
            )
            for ms, sql in slowest:
                print(f"      {ms:9.1f} ms  {' '.join(sql.split())[:220]}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--caregivers", type=int, default=100_000)
    parser.add_argument("--deliveries", type=int, default=2_000_000)
    parser.add_argument("--replies", type=int, default=200_000)
    parser.add_argument("--reactions", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    parser.add_argument("--warmups", type=int, default=2, help="untimed requests first")
    parser.add_argument(
        "--page-budget", type=float, default=120.0,
        help="seconds a page's timed requests may take; fewer runs (at least 3) beyond",
    )  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="time an existing --keep database, do not build"
    )
    args = parser.parse_args()
    if min(args.caregivers, args.deliveries, args.replies, args.reactions, args.repeat) < 1:
        parser.error("every size and --repeat must be at least 1")
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_database import ensure_bench_database

    reuse = args.reuse and database_exists(url)
    if not reuse:
        ensure_bench_database(url)  # refuses anything but a scratch PostgreSQL database
        drop_database(url)
    ensure_bench_database(url)
    _setup_django(url)

    from django.core.management import call_command
    from django.db import connections

    sizes = Sizes(args.caregivers, args.deliveries, args.replies, args.reactions)
    try:
        if not reuse:
            started = time.perf_counter()
            call_command("migrate", verbosity=0)
            print(f"migrated in {time.perf_counter() - started:.1f} s", flush=True)
            started = time.perf_counter()
            build(sizes, datetime.now(tz=UTC) - timedelta(minutes=1))
            print(f"built the district in {time.perf_counter() - started:.1f} s", flush=True)
        found = counts()
        print("rows: " + ", ".join(f"{key} {value:,}" for key, value in found.items()))
        print(f"timing ({args.warmups} warm-ups, up to {args.repeat} runs a page):", flush=True)
        results = time_pages(args.repeat, args.warmups, args.page_budget)
    finally:
        connections.close_all()
        if not args.keep:
            drop_database(url)
    worst = max(page["p95_ms"] for page in results.values())
    print(f"worst p95 {worst} ms (goal: under {GOAL_P95_MS} ms)")
    print(
        json.dumps(
            {
                "caregivers": found["caregivers"],
                "deliveries": found["deliveries"],
                "family_messages": found["family_messages"],
                "reactions": found["reactions"],
                "pages": {
                    key: {"p50_ms": page["p50_ms"], "p95_ms": page["p95_ms"], "runs": page["runs"]}
                    for key, page in results.items()
                },
                "worst_p95_ms": worst,
            }
        )
    )


if __name__ == "__main__":
    main()
