"""People: the district, its schools and classes, students, caregivers and staff.

What is deliberately absent: immigration or citizenship status, country or place of birth, visa,
social security numbers (DESIGN.md section 2, rule 8). ``tests/test_it_stores_no_forbidden_data``
fails if a field with such a name is ever added.
"""

from __future__ import annotations

from typing import Any

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from juntos.language import registry


def validate_language(value: str) -> None:
    if not registry.is_valid(value):
        raise ValidationError(
            _("%(value)s is not a language tag we know."), params={"value": value}
        )


def validate_language_list(value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("Languages must be a list of language tags."))
    for item in value:
        validate_language(item)


def sourced_unique(name: str, scope: str = "district") -> models.UniqueConstraint:
    """A roster identifier is unique within its district (or school), when there is one."""
    return models.UniqueConstraint(
        fields=[scope, "sourced_id"], condition=~Q(sourced_id=""), name=name
    )


class SourcedMixin(models.Model):
    """Rows that may come from a roster system keep its identifier and last-modified time."""

    sourced_id = models.CharField(max_length=255, blank=True, default="")
    source_modified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class District(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    sourced_id = models.CharField(max_length=255, blank=True, default="")
    default_language = models.CharField(max_length=35, default="en", validators=[validate_language])
    time_zone = models.CharField(max_length=64, default="America/Chicago")

    def __str__(self) -> str:
        return self.name


class School(SourcedMixin):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="schools")
    name = models.CharField(max_length=200)
    slug = models.SlugField()
    identifier = models.CharField(max_length=64, blank=True, default="")
    is_active = models.BooleanField(default=True)
    # A family message unanswered for this many school days (Monday to Friday) is flagged to
    # its owner; after twice as many, to the school leader.
    follow_up_school_days = models.PositiveSmallIntegerField(default=2)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "slug"], name="school_slug_unique"),
            sourced_unique("school_sourced_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class AcademicSession(SourcedMixin):
    class Kind(models.TextChoices):
        SCHOOL_YEAR = "schoolYear", _("School year")
        TERM = "term", _("Term")
        SEMESTER = "semester", _("Semester")
        GRADING_PERIOD = "gradingPeriod", _("Grading period")

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    school_year = models.PositiveSmallIntegerField()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            sourced_unique("session_sourced_unique"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="session_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Course(SourcedMixin):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="courses")
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="courses"
    )
    title = models.CharField(max_length=200)
    code = models.CharField(max_length=64, blank=True, default="")
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            sourced_unique("course_sourced_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class Section(SourcedMixin):
    """A class: a group of students taught together (OneRoster ``classes``)."""

    class Kind(models.TextChoices):
        HOMEROOM = "homeroom", _("Homeroom")
        SCHEDULED = "scheduled", _("Scheduled")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="sections")
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.SET_NULL, related_name="sections"
    )
    title = models.CharField(max_length=200)
    code = models.CharField(max_length=64, blank=True, default="")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SCHEDULED)
    grades = models.JSONField(default=list, blank=True)
    sessions = models.ManyToManyField(AcademicSession, blank=True, related_name="sections")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            sourced_unique("section_sourced_unique", "school"),
        ]

    def __str__(self) -> str:
        return self.title


class Student(SourcedMixin):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="students")
    given_name = models.CharField(max_length=200)
    family_name = models.CharField(max_length=200)
    middle_name = models.CharField(max_length=200, blank=True, default="")
    preferred_name = models.CharField(max_length=200, blank=True, default="")
    identifier = models.CharField(max_length=64, blank=True, default="")
    grade = models.CharField(max_length=8, blank=True, default="")
    home_language = models.CharField(
        max_length=35, blank=True, default="", validators=[validate_language]
    )
    schools: models.ManyToManyField[School, StudentSchool] = models.ManyToManyField(
        School, through="StudentSchool", related_name="students"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            sourced_unique("student_sourced_unique"),
        ]
        indexes = [models.Index(fields=["district", "family_name", "given_name"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.given_name} {self.family_name}".strip()


class StudentSchool(models.Model):
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="school_links")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="student_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "school"], name="student_school_unique")
        ]

    def __str__(self) -> str:
        return f"student {self.student_id} at school {self.school_id}"


class Demographics(models.Model):
    """Race/ethnicity and sex, kept only for equity reports (OneRoster ``demographics``).

    Birth date, place and country of birth and residence status are never stored.
    """

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")
        UNSPECIFIED = "unspecified", _("Unspecified")

    student = models.OneToOneField(Student, on_delete=models.CASCADE, related_name="demographics")
    sex = models.CharField(max_length=12, choices=Sex.choices, default=Sex.UNSPECIFIED)
    american_indian_or_alaska_native = models.BooleanField(null=True)
    asian = models.BooleanField(null=True)
    black_or_african_american = models.BooleanField(null=True)
    native_hawaiian_or_other_pacific_islander = models.BooleanField(null=True)
    white = models.BooleanField(null=True)
    two_or_more_races = models.BooleanField(null=True)
    hispanic_or_latino = models.BooleanField(null=True)

    def __str__(self) -> str:
        return f"demographics of student {self.student_id}"


class Channel(models.TextChoices):
    SMS = "sms", _("Text message")
    EMAIL = "email", _("Email")
    VOICE = "voice", _("Phone call")
    PORTAL = "portal", _("Family page")
    PAPER = "paper", _("Paper letter")


class Caregiver(SourcedMixin):
    """Any adult who cares for a student: mother, father, grandparent, guardian, sibling…"""

    class ConsentMethod(models.TextChoices):
        ROSTER = "roster", _("Recorded in the student information system")
        WRITTEN = "written", _("Written form")
        VERBAL = "verbal", _("Told staff in person or by phone")
        SMS_KEYWORD = "sms_keyword", _("Texted a keyword")
        PORTAL = "portal", _("Chose it on the family page")

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="caregivers")
    given_name = models.CharField(max_length=200)
    family_name = models.CharField(max_length=200, blank=True, default="")
    preferred_language = models.CharField(max_length=35, validators=[validate_language])
    other_languages = models.JSONField(
        default=list, blank=True, validators=[validate_language_list]
    )
    # False for families who prefer to hear messages (voice) rather than read them.
    reads_preferred_language = models.BooleanField(default=True)
    channel_preferences = models.JSONField(default=list, blank=True)
    time_zone = models.CharField(max_length=64, blank=True, default="")
    needs_interpretation = models.BooleanField(default=False)
    needs_childcare = models.BooleanField(default=False)
    needs_transport = models.BooleanField(default=False)
    sms_consent_at = models.DateTimeField(null=True, blank=True)
    sms_consent_method = models.CharField(
        max_length=20, choices=ConsentMethod.choices, blank=True, default=""
    )
    students: models.ManyToManyField[Student, CaregiverLink] = models.ManyToManyField(
        Student, through="CaregiverLink", related_name="caregivers"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            sourced_unique("caregiver_sourced_unique"),
        ]
        indexes = [models.Index(fields=["district", "family_name", "given_name"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def language(self) -> registry.Language:
        return registry.get(self.preferred_language)

    @property
    def channel_labels(self) -> list[str]:
        return [str(Channel(c).label) for c in self.channel_preferences if c in Channel.values]

    def clean(self) -> None:
        invalid = [c for c in self.channel_preferences if c not in Channel.values]
        if invalid or len(set(self.channel_preferences)) != len(self.channel_preferences):
            raise ValidationError(
                {
                    "channel_preferences": _("Channels must be distinct and among: %(c)s")
                    % {"c": ", ".join(Channel.values)}
                }
            )


class Relationship(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    # OneRoster says only "parent"; schools fill in mother or father when they know.
    PARENT = "parent", _("Parent")
    GRANDPARENT = "grandparent", _("Grandparent")
    AUNT_UNCLE = "aunt_uncle", _("Aunt or uncle")
    FOSTER_PARENT = "foster_parent", _("Foster parent")
    GUARDIAN = "guardian", _("Guardian")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other")


class CaregiverLink(SourcedMixin):
    """A caregiver's relationship to one student.

    ``may_contact`` is false when the school must never contact this adult about this child
    (a court order, a protection order). Every sending path checks it.
    """

    caregiver = models.ForeignKey(Caregiver, on_delete=models.CASCADE, related_name="links")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="caregiver_links")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    may_contact = models.BooleanField(default=True)
    is_primary = models.BooleanField(default=False)
    lives_with_student = models.BooleanField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["caregiver", "student"], name="caregiver_link_unique")
        ]
        indexes = [models.Index(fields=["student", "caregiver"])]

    def __str__(self) -> str:
        return f"caregiver {self.caregiver_id} ({self.relationship}) of student {self.student_id}"


class ContactPoint(models.Model):
    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("Email")

    class Label(models.TextChoices):
        MOBILE = "mobile", _("Mobile")
        HOME = "home", _("Home")
        WORK = "work", _("Work")
        OTHER = "other", _("Other")

    caregiver = models.ForeignKey(Caregiver, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    # Phones in E.164 (+15551234567); emails lower-cased.
    value = models.CharField(max_length=254)
    label = models.CharField(max_length=10, choices=Label.choices, default=Label.MOBILE)
    sms_capable = models.BooleanField(default=False)
    opted_out_at = models.DateTimeField(null=True, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    from_roster = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["caregiver", "kind", "value"], name="contact_point_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind="email") | Q(value__startswith="+"), name="phone_is_e164"
            ),
        ]
        indexes = [models.Index(fields=["kind", "value"])]

    def __str__(self) -> str:
        return self.value

    @property
    def display_value(self) -> str:
        """Phones as people write them (+1 555-743-6242); emails as stored."""
        if self.kind != self.Kind.PHONE:
            return self.value
        try:
            number = phonenumbers.parse(self.value, None)
        except phonenumbers.NumberParseException:
            return self.value
        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


class ContactWindow(models.Model):
    """When a caregiver is glad to receive non-urgent messages, in their own time zone."""

    caregiver = models.ForeignKey(Caregiver, on_delete=models.CASCADE, related_name="windows")
    # ISO weekdays, 1 = Monday … 7 = Sunday.
    weekdays = models.JSONField(default=list)
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="window_ordered")
        ]

    def __str__(self) -> str:
        return f"{self.weekdays} {self.start}-{self.end}"

    @property
    def day_names(self) -> list[str]:
        """The window's days in the reader's language (Monday first)."""
        return [str(WEEKDAYS[day - 1]) for day in sorted(self.weekdays) if 1 <= day <= 7]


class Staff(SourcedMixin):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="staff")
    given_name = models.CharField(max_length=200)
    family_name = models.CharField(max_length=200)
    email = models.EmailField(blank=True, default="")
    languages = models.JSONField(default=list, blank=True, validators=[validate_language_list])
    title = models.CharField(max_length=200, blank=True, default="")
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "staff"
        ordering = ["family_name", "given_name"]
        constraints = [
            sourced_unique("staff_sourced_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("District administrator")
    SCHOOL_LEADER = "school_leader", _("School leader")
    TEACHER = "teacher", _("Teacher")
    COUNSELOR = "counselor", _("Counselor")
    LIAISON = "liaison", _("Community liaison")


class StaffRole(models.Model):
    """A role held by a staff member, at one school (or, for district admins, district-wide)."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="staff_roles"
    )
    from_roster = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "role", "school"], name="staff_role_unique"),
            models.UniqueConstraint(
                fields=["staff", "role"],
                condition=Q(school__isnull=True),
                name="staff_role_districtwide_unique",
            ),
            models.CheckConstraint(
                condition=Q(role="district_admin") | Q(school__isnull=False),
                name="school_roles_have_school",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} at {self.school_id or 'district'}"


class StudentEnrollment(SourcedMixin):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="enrollments")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="enrollments")
    begin_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["section", "student"], name="student_enrollment_unique")
        ]
        indexes = [models.Index(fields=["student", "section"])]

    def __str__(self) -> str:
        return f"student {self.student_id} in section {self.section_id}"


class SectionAssignment(SourcedMixin):
    """A staff member who teaches (or co-teaches, or aides) a section."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="assignments")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="assignments")
    is_primary = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["section", "staff"], name="section_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"staff {self.staff_id} teaches section {self.section_id}"


class AuditEntry(models.Model):
    """Who looked at or exported which family or student record, when, and from where."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")
        SEARCH = "search", _("Searched")
        CHANGE = "change", _("Changed")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField(null=True)
    # Why: the page or API call that showed it, and any reason given.
    context = models.CharField(max_length=300)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.action} {self.object_type} {self.object_id}"


class ImportRun(models.Model):
    """One roster import: the outbox row a worker claims, and afterwards its report."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Imported")
        FAILED = "failed", _("Not imported: see the report")

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_name = models.CharField(max_length=255)
    path = models.CharField(max_length=500)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    phase = models.CharField(max_length=100, blank=True, default="")
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import {self.pk} of {self.source_name} ({self.status})"
