"""Conference pages: staff publish and see times (English, gettext); families book theirs.

Family-facing words come from the template library in the family's language
(``conference.choose``, ``conference.booked``, ``conference.taken``, ``conference.none``);
dates and times are written by CLDR; the page needs no JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juntos.conferences import actions, queries
from juntos.conferences.forms import OfferForm, PublishForm
from juntos.conferences.models import Booking
from juntos.language import registry
from juntos.people.models import Caregiver, District, School, Staff
from juntos.people.queries import schools_for, scope_for
from juntos.people.views import staff_required
from juntos.portal import language as portal_language
from juntos.portal.session import current_caregiver, family_required


def _staff(request: HttpRequest) -> Staff:
    staff = scope_for(request.user).staff
    if staff is None:  # staff_required let it through: it cannot be None here
        raise PermissionDenied
    return staff


def _publish_schools(user: Any) -> Any:
    scope = scope_for(user)
    if scope.is_district_admin:
        return schools_for(user)
    return School.objects.filter(pk__in=scope.school_ids)


def _index_page(
    request: HttpRequest, *, form: PublishForm | None = None, status: int = 200
) -> HttpResponse:
    slots = queries.upcoming_slots(request.user, context=request.path)
    scope = scope_for(request.user)
    context = {
        "form": form or PublishForm(schools=_publish_schools(request.user)),
        "slots": slots,
        "flagged": [s for s in slots if s.active and s.active.needs_interpreter_flag],  # type: ignore[attr-defined]
        "families": queries.offerable_families(request.user),
        "staff": scope.staff,
        "sees_school": scope.is_district_admin or bool(scope.family_school_ids),
    }
    return TemplateResponse(request, "conferences/index.html", context, status=status)


@require_GET
@staff_required
def index(request: HttpRequest) -> HttpResponse:
    return _index_page(request)


@require_POST
@staff_required
def publish(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    form = PublishForm(request.POST, schools=_publish_schools(request.user))
    if form.is_valid():
        data = form.cleaned_data
        school: School = data["school"]
        district = District.objects.get(pk=school.district_id)
        try:
            plans = actions.plan_day(
                day=data["day"],
                start=data["start"],
                end=data["end"],
                minutes=data["minutes"],
                time_zone=district.time_zone,
            )
            created = actions.do_publish_slots(
                by=staff,
                school=school,
                plans=plans,
                place=data["place"],
                modality=data["modality"],
            )
        except actions.ConferenceError as error:
            form.add_error(None, _(error.message))
        else:
            messages.success(
                request, _("%(count)d meeting times published.") % {"count": len(created)}
            )
            return redirect("conferences:index")
    return _index_page(request, form=form, status=400)


@require_POST
@staff_required
def offer(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    form = OfferForm(request.POST)
    pairs = {f"{c.pk}-{s.pk}": (c, s) for c, s in queries.offerable_families(request.user)}
    if not form.is_valid() or form.cleaned_data["family"] not in pairs:
        raise Http404("No such family.")
    caregiver, student = pairs[form.cleaned_data["family"]]
    try:
        actions.do_offer_slots(by=staff, caregiver=caregiver, student_id=student.pk)
    except actions.ConferenceError as error:
        messages.error(request, _(error.message))
    else:
        messages.success(
            request,
            _("Your open times were sent to %(name)s.") % {"name": caregiver.display_name},
        )
    return redirect("conferences:index")


@require_POST
@staff_required
def cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = queries.access_booking(request.user, booking_id)
    actions.do_cancel_booking(booking=booking)
    messages.success(request, _("The meeting was cancelled; the time is open again."))
    return redirect("conferences:index")


@require_GET
@staff_required
def interpreting(request: HttpRequest) -> HttpResponse:
    bookings = list(queries.interpreting_for(request.user))
    return TemplateResponse(request, "conferences/interpreting.html", {"bookings": bookings})


# --- The family page -------------------------------------------------------------------------


def _family_page(
    request: HttpRequest, caregiver: Caregiver, *, error: str = "", status: int = 200
) -> HttpResponse:
    district = District.objects.get(pk=caregiver.district_id)
    language = caregiver.preferred_language or district.default_language
    choices = []
    for choice in queries.family_choices(caregiver):
        names = {"teacher": choice.teacher.display_name, "student": choice.student.display_name}
        if choice.booking is not None:
            heading = actions.family_text(
                caregiver,
                "conference.booked",
                actions.booking_context(choice.booking, caregiver),
            )
        else:
            heading = actions.family_text(caregiver, "conference.choose", names)
        slots = [
            (slot, actions.slot_label(slot, caregiver, district), slot.place)
            for slot in choice.slots
        ]
        choices.append({"choice": choice, "heading": heading, "slots": slots})
    page_language = portal_language.of_caregiver(caregiver)
    context = {
        "caregiver": caregiver,
        "choices": choices,
        "error": error,
        "none": "" if choices else actions.family_text(caregiver, "conference.none", {}),
        "text_language": language,
        "rtl": registry.get(language).rtl,
    }
    with translation.override(page_language):
        response = TemplateResponse(request, "conferences/family_book.html", context, status=status)
        response.render()
    response["Content-Language"] = page_language
    return response


@require_http_methods(["GET", "POST"])
@family_required
def family_book(request: HttpRequest) -> HttpResponse:
    caregiver = current_caregiver(request)
    if caregiver is None:  # family_required let it through: it cannot be None here
        raise Http404("No family session.")
    if request.method == "GET":
        return _family_page(request, caregiver)
    if "cancel" in request.POST:
        # The family's own booking only: another family's id is "not found".
        booking = Booking.objects.filter(
            pk=request.POST["cancel"] if request.POST["cancel"].isdigit() else 0,
            caregiver=caregiver,
            status=Booking.Status.BOOKED,
        ).first()
        if booking is None:
            raise Http404("No such meeting.")
        actions.do_cancel_booking(booking=booking)
        return redirect("conferences:family_book")
    try:
        slot_id, student_id = int(request.POST["slot"]), int(request.POST["student"])
    except (KeyError, ValueError) as exc:
        raise Http404("No such time.") from exc
    try:
        actions.do_book_slot(
            caregiver=caregiver, slot_id=slot_id, student_id=student_id, via=Booking.Via.PORTAL
        )
    except actions.SlotTakenError as taken:
        district = District.objects.get(pk=caregiver.district_id)
        others = ", ".join(actions.slot_label(s, caregiver, district) for s in taken.others)
        error = actions.family_text(caregiver, "conference.taken", {"slots": others or "-"})
        return _family_page(request, caregiver, error=error, status=409)
    except actions.ConferenceError as error:
        if error.code != "already":
            raise Http404("No such time.") from error
    return redirect("conferences:family_book")
