"""A leader assigns a family on the worklist to a liaison of the student's school; liaisons who
speak the family's language are suggested first; nobody else can be assigned."""

from __future__ import annotations

from django.test import Client

from conftest import World
from juntos.insights.models import Assignment
from juntos.people import models as m
from juntos.testing import factories as f


def test_it_assigns_unreached_families_to_liaisons(world: World) -> None:
    omar = world.south_student  # his mother Amina prefers Somali
    m.Student.objects.filter(pk=omar.pk).update(home_language="so")
    spanish = f.staff_with_role(m.Role.LIAISON, school=world.south, username="south_es",
                                district=world.district, languages=("es",))  # fmt: skip
    somali = f.staff_with_role(m.Role.LIAISON, school=world.south, username="south_so",
                               district=world.district, languages=("so", "en"))  # fmt: skip
    m.Staff.objects.filter(pk=spanish.pk).update(given_name="Aaron")  # first by name
    m.Staff.objects.filter(pk=somali.pk).update(given_name="Zahra")
    north_liaison = m.Staff.objects.get(user=world.personas["liaison"])
    admin = Client()
    admin.force_login(world.personas["district_admin"])

    page = admin.get(f"/insights/unreached/{omar.pk}/").content.decode()
    options = page.split('name="assignee"')[1].split("</select>")[0]
    # Zahra speaks Somali: first, and said so; Aaron next; North's liaison is not offered.
    assert options.index("Zahra Member (speaks the family&#x27;s language)") < options.index(
        "Aaron Member"
    )
    assert north_liaison.display_name not in options

    refused = admin.post(f"/insights/unreached/{omar.pk}/assign/", {"assignee": north_liaison.pk})
    assert refused.status_code == 400
    assert not Assignment.objects.exists()

    done = admin.post(f"/insights/unreached/{omar.pk}/assign/", {"assignee": somali.pk})
    assert done.status_code == 302
    assignment = Assignment.objects.get(student=omar)
    assert assignment.assignee == somali
    assert assignment.assigned_by.user == world.personas["district_admin"]
    worklist = admin.get("/insights/unreached/").content.decode()
    row = worklist.split(f'data-student="{omar.pk}"')[1].split("</tr>")[0]
    assert "Zahra Member" in row
    # Reassigning replaces the assignment (one per student).
    admin.post(f"/insights/unreached/{omar.pk}/assign/", {"assignee": spanish.pk})
    assert Assignment.objects.get(student=omar).assignee == spanish
    assert m.AuditEntry.objects.filter(object_type="student", object_id=omar.pk,
                                       context__contains="assigned").count() == 2  # fmt: skip
