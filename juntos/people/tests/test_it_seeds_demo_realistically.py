"""At its default size the demo district looks like a real one (issue 3, point 7).

One build, many checks: building the default district takes a second or two, so the checks
share it rather than building it once per test.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from juntos.language.registry import DEMO_LANGUAGES
from juntos.people import demo
from juntos.people.models import (
    Caregiver,
    CaregiverLink,
    Channel,
    ContactPoint,
    District,
    Relationship,
    Role,
    School,
    Section,
    Staff,
    Student,
    StudentEnrollment,
    StudentSchool,
)


@pytest.mark.django_db
def test_the_default_demo_district_is_realistic() -> None:
    summary = demo.build_demo_district(seed=7)
    district = District.objects.get(slug=demo.DISTRICT_SLUG)
    assert district.name == "Riverside Unified School District"
    assert (district.default_language, district.time_zone) == ("en", "America/Chicago")
    schools = list(School.objects.filter(district=district))
    assert len(schools) == 3

    # About 1,200 students, each at one school, in a grade that school teaches.
    students = Student.objects.filter(district=district)
    assert 1140 <= students.count() <= 1260
    assert summary.counts["students"] == students.count()
    school_of = dict(
        StudentSchool.objects.filter(student__district=district).values_list(
            "student_id", "school_id"
        )
    )
    assert len(school_of) == students.count()

    # Families (one primary caregiver each) by home language: every one of the 16 languages
    # has at least 10, and the mix is that of a typical US district.
    primary = set(
        Caregiver.objects.filter(district=district, links__is_primary=True).values_list(
            "id", "preferred_language"
        )
    )
    families = Counter(language for _, language in primary)
    assert set(families) == set(DEMO_LANGUAGES)
    assert min(families.values()) >= 10, families
    total = sum(families.values())
    assert 0.52 <= families["en"] / total <= 0.66
    assert 0.20 <= families["es"] / total <= 0.28
    assert families["ar"] > families["ru"] and families["so"] > families["hmn"]

    # Somali families: none, or at least five, at each school.
    somali_schools: dict[int, set[int]] = defaultdict(set)
    for caregiver_id, student_id in CaregiverLink.objects.filter(
        caregiver__district=district, is_primary=True, caregiver__preferred_language="so"
    ).values_list("caregiver_id", "student_id"):
        somali_schools[school_of[student_id]].add(caregiver_id)
    assert somali_schools and all(len(ids) >= 5 for ids in somali_schools.values())

    # Caregivers: 1-3 per student, shared by siblings, some linked to students at two schools.
    links = CaregiverLink.objects.filter(caregiver__district=district)
    per_student = Counter(links.values_list("student_id", flat=True))
    assert set(per_student.values()) <= {1, 2, 3}
    assert len(per_student) == students.count()
    caregiver_schools: dict[int, set[int]] = defaultdict(set)
    caregiver_students: Counter[int] = Counter()
    for caregiver_id, student_id in links.values_list("caregiver_id", "student_id"):
        caregiver_schools[caregiver_id].add(school_of[student_id])
        caregiver_students[caregiver_id] += 1
    assert any(len(s) == 2 for s in caregiver_schools.values())
    # About one student in five has a brother or sister in the district.
    primary_ids = {caregiver_id for caregiver_id, _ in primary}
    with_sibling = sum(n for cid, n in caregiver_students.items() if n > 1 and cid in primary_ids)
    assert 0.12 <= with_sibling / students.count() <= 0.30

    # Relationships: mothers most, many fathers, grandparents about 8% of links.
    relationships = Counter(links.values_list("relationship", flat=True))
    assert relationships.most_common(1)[0][0] == Relationship.MOTHER
    assert relationships[Relationship.FATHER] > 0.2 * links.count()
    assert 0.05 <= relationships[Relationship.GRANDPARENT] / links.count() <= 0.12
    for relationship in Relationship.values:
        if relationship != Relationship.PARENT:  # OneRoster's word; the demo knows which
            assert relationships[relationship] > 0, relationship
    grandparents_alone = (
        Student.objects.filter(district=district, caregiver_links__relationship="grandparent")
        .exclude(caregiver_links__relationship__in=["mother", "father"])
        .count()
    )
    assert grandparents_alone > 0
    assert links.filter(may_contact=False).count() >= 3

    # Contact: 6-10% of caregivers have no phone and no e-mail and get paper.
    caregivers = Caregiver.objects.filter(district=district)
    unreachable = caregivers.filter(contacts__isnull=True)
    assert 0.06 <= unreachable.count() / caregivers.count() <= 0.10
    assert all(
        c == [Channel.PAPER] for c in unreachable.values_list("channel_preferences", flat=True)
    )
    firsts = Counter(prefs[0] for prefs in caregivers.values_list("channel_preferences", flat=True))
    assert firsts[Channel.SMS] > firsts[Channel.EMAIL] > 0 and firsts[Channel.VOICE] > 0
    voice = caregivers.filter(reads_preferred_language=False).count() / caregivers.count()
    assert 0.03 <= voice <= 0.08
    for prefs in caregivers.values_list("channel_preferences", flat=True):
        assert len(set(prefs)) == len(prefs) and set(prefs) <= set(Channel.values)
    phones = ContactPoint.objects.filter(caregiver__district=district, kind="phone")
    assert all(
        v.startswith("+1555") and len(v) == 12 for v in phones.values_list("value", flat=True)
    )
    assert phones.filter(sms_capable=False).exists()  # a few landlines
    emails = ContactPoint.objects.filter(caregiver__district=district, kind="email")
    assert all(
        v.rsplit("@", 1)[1] in {"example.org", "example.com", "example.net"}
        for v in emails.values_list("value", flat=True)
    )
    texting = caregivers.filter(contacts__sms_capable=True).distinct()
    assert texting.count() == caregivers.filter(sms_consent_at__isnull=False).count()
    assert set(texting.values_list("sms_consent_method", flat=True)) == {"roster"}
    reachable = caregivers.count() - unreachable.count()
    with_windows = caregivers.filter(windows__isnull=False).distinct().count()
    assert 0.5 <= with_windows / reachable <= 0.7
    assert caregivers.filter(needs_interpretation=True).exclude(preferred_language="en").exists()
    assert caregivers.exclude(other_languages=[]).exists()
    assert caregivers.filter(needs_childcare=True).exists()
    assert caregivers.filter(needs_transport=True).exists()

    # Names match the family's language; Chinese names in characters or in pinyin.
    for language in ("es", "vi", "so", "hmn"):
        family_names = set(
            Caregiver.objects.filter(
                district=district, preferred_language=language, links__is_primary=True
            ).values_list("family_name", flat=True)
        )
        assert family_names <= set(demo.NAMES[language].family), language
    chinese = set(
        Caregiver.objects.filter(district=district, preferred_language="zh").values_list(
            "family_name", flat=True
        )
    )
    assert chinese & set(demo.NAMES["zh"].family) and chinese & set(demo.PINYIN.values())

    # Classes: every section has a teacher; elementary students have a homeroom, secondary
    # students 3-6 classes.
    sections = Section.objects.filter(school__district=district)
    assert not sections.exclude(assignments__staff__roles__role=Role.TEACHER).exists()
    enrollments = Counter(
        StudentEnrollment.objects.filter(student__district=district).values_list(
            "student_id", flat=True
        )
    )
    elementary = School.objects.get(district=district, slug="maple-hill")
    for student_id, count in enrollments.items():
        if school_of[student_id] == elementary.pk:
            assert count == 1
        else:
            assert 3 <= count <= 6
    assert len(enrollments) == students.count()

    # Staff: every role, predictable user names, one demo password, liaisons who speak the
    # families' languages.
    roles = Counter(Staff.objects.filter(district=district).values_list("roles__role", flat=True))
    assert set(roles) == set(Role.values)
    usernames = {"admin"} | {
        f"{prefix}.{school.slug}"
        for school in schools
        for prefix in ("leader", "counselor", "liaison", "liaison2", "teacher")
    }
    assert usernames <= {s.username for s in summary.sign_ins}
    request = RequestFactory().post("/staff/login/")
    for role in Role.values:
        staff = Staff.objects.filter(district=district, roles__role=role).first()
        assert staff is not None
        user = authenticate(request, username=staff.user.username, password=demo.DEMO_PASSWORD)
        assert user == staff.user, role
    admin = Staff.objects.get(user__username="admin")
    assert admin.user.is_staff and admin.roles.get().role == Role.DISTRICT_ADMIN
    liaison_languages = set()
    for languages in Staff.objects.filter(roles__role=Role.LIAISON).values_list(
        "languages", flat=True
    ):
        assert set(languages) - {"en"}
        liaison_languages |= set(languages)
    assert {"es", "so", "ar", "vi"} <= liaison_languages

    # The demo families: a Spanish- and a Vietnamese-speaking caregiver who prefer texts.
    assert [f.language for f in summary.families] == ["es", "vi"]
    for family in summary.families:
        caregiver = Caregiver.objects.get(pk=family.caregiver_id)
        assert caregiver.preferred_language == family.language
        assert caregiver.display_name == family.name
        assert caregiver.contacts.filter(sms_capable=True).exists()
        assert caregiver.channel_preferences[0] == Channel.SMS
        assert caregiver.sms_consent_at is not None
