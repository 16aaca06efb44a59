"""The family pages: sign-in by magic link, the conversation with the school, a reply box.

Every page renders inside ``translation.override`` of the family's language (``_page``): the
caregiver's preferred language once signed in, else the negotiated one (``portal.language``),
when the pages' words exist in it (else English).
Core actions are plain forms: they work without JavaScript.
"""

from __future__ import annotations

import contextlib
from datetime import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.views.decorators.http import require_http_methods, require_POST

from juntos.conferences import actions as conference_actions
from juntos.conferences import queries as conference_queries
from juntos.events import queries as event_queries
from juntos.events.invitations import event_contexts, option_label
from juntos.language import pipeline, registry
from juntos.people.models import Caregiver, Channel, ContactPoint, District
from juntos.portal import actions, queries
from juntos.portal import language as lang
from juntos.portal.session import (
    current_caregiver,
    family_required,
    sign_in_family,
    sign_out_family,
)

WRONG_TOKEN_WINDOW_S = 15 * 60
LINK_REQUEST_WINDOW_S = 60 * 60
# Contact-window rows on the preferences page (a family rarely needs more than two).
WINDOW_ROWS = 3


def _page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    language: str,
    status: int = 200,
) -> HttpResponse:
    """A family page with the language picker, in ``language`` (``lang.render``)."""
    context = {**context, "family_language": language, "languages": lang.picker()}
    return lang.render(request, template, context, language, status=status)


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def _count(key: str, window_s: int) -> int:
    """Add one to the counter ``key`` (which lives ``window_s`` from its first hit)."""
    cache.add(key, 0, timeout=window_s)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_s)
        return 1


def _wrong_tokens_key(request: HttpRequest) -> str:
    return f"portal:wrong-tokens:{_client_ip(request)}"


def _throttled(request: HttpRequest) -> bool:
    return int(cache.get(_wrong_tokens_key(request), 0)) >= settings.PORTAL_WRONG_TOKENS_PER_IP


@require_http_methods(["GET", "POST"])
def request_link(request: HttpRequest) -> HttpResponse:
    """Ask for a new link by phone or email.

    The answer is the same whether or not the contact is known (no one can learn from it who
    is a family of the school); a contact that cannot be read as a phone or an email is said so,
    and the text is kept.
    """
    language = lang.negotiate(request)
    context: dict[str, Any] = {"contact": ""}
    if request.method == "POST":
        contact = request.POST.get("contact", "")[:254]
        context["contact"] = contact
        parsed = queries.parse_contact(contact)
        if parsed is None:
            return _page(
                request, "portal/request_link.html", {**context, "error": "unreadable"},
                language, status=400,
            )  # fmt: skip
        ip_count = _count(f"portal:link-requests:{_client_ip(request)}", LINK_REQUEST_WINDOW_S)
        if ip_count > settings.PORTAL_LINK_REQUESTS_PER_IP_HOUR:
            return _page(request, "portal/throttled.html", {}, language, status=429)
        kind, value = parsed
        caregiver = queries.caregiver_with_contact(kind, value)
        if caregiver is not None:
            # The same answer when rate-limited: whether a family asked too often is theirs.
            with contextlib.suppress(actions.RateLimitedError):
                actions.do_send_magic_link(
                    caregiver=caregiver,
                    channel="sms" if kind == "phone" else "email",
                    base_url=request.build_absolute_uri("/"),
                )
        return _page(request, "portal/link_sent.html", {}, language)
    response = _page(request, "portal/request_link.html", context, language)
    lang.remember(request, response, language)
    return response


def _refused(request: HttpRequest, error: queries.LinkRefusedError) -> HttpResponse:
    _count(_wrong_tokens_key(request), WRONG_TOKEN_WINDOW_S)
    language = (
        lang.of_caregiver(error.caregiver) if error.caregiver is not None
        else lang.negotiate(request)
    )  # fmt: skip
    return _page(request, "portal/refused.html", {"reason": error.reason, "contact": ""}, language)


@require_http_methods(["GET", "POST"])
def enter(request: HttpRequest, token: str) -> HttpResponse:
    """A link opened: GET asks to confirm (a link previewer that fetches it signs no one in
    and uses nothing), POST signs in. An unknown, used or expired link gets a friendly page,
    in the language of the family it was for, with the form for a new one. After
    ``PORTAL_WRONG_TOKENS_PER_IP`` refusals in 15 minutes, an address gets 429."""
    if _throttled(request):
        return _page(request, "portal/throttled.html", {}, lang.negotiate(request), status=429)
    if request.method == "POST":
        try:
            caregiver = actions.do_exchange_magic_link(token=token)
        except queries.LinkRefusedError as error:
            return _refused(request, error)
        sign_in_family(request, caregiver)
        return redirect("portal:home")
    try:
        link = queries.valid_link(token, timezone.now())
    except queries.LinkRefusedError as error:
        return _refused(request, error)
    return _page(
        request,
        "portal/enter.html",
        {"token": token, "name": link.caregiver.given_name},
        lang.of_caregiver(link.caregiver),
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    sign_out_family(request)
    return redirect("home")


def _family(request: HttpRequest) -> Caregiver:
    """The signed-in caregiver of a ``family_required`` view."""
    caregiver = current_caregiver(request)
    if caregiver is None:  # only if a view forgot family_required
        raise PermissionDenied
    return caregiver


def _upcoming_events(caregiver: Caregiver) -> list[dict[str, Any]]:
    """The events the family was invited to, still to come: the title and first time in the
    family's language (as the event page shows them), their answer, the event page's address."""
    language = registry.normalize(lang.of_caregiver(caregiver))
    rows = []
    for event, rsvp in event_queries.upcoming_for_caregiver(caregiver):
        policy = pipeline.TranslationPolicy.for_district(event.district_id)
        title = event_contexts(event, [language], policy=policy)[language]["event"]
        first = event.time_options.order_by("starts_at", "pk").first()
        rows.append(
            {
                "title": title.text if isinstance(title, pipeline.Rendition) else title,
                "when": option_label(first, event, language) if first else "",
                "answer": rsvp.answer if rsvp else "",
                "waitlisted": bool(rsvp and rsvp.waitlisted),
                "url": reverse("events:family_event", args=[event.pk]),
            }
        )
    return rows


def _upcoming_conferences(caregiver: Caregiver) -> list[dict[str, Any]]:
    bookings = conference_queries.upcoming_for_caregiver(caregiver)
    if not bookings:
        return []
    district = District.objects.get(pk=caregiver.district_id)
    return [
        {
            "when": conference_actions.slot_label(booking.slot, caregiver, district),
            "teacher": booking.slot.teacher.display_name,
            "child": booking.student.given_name,
        }
        for booking in bookings
    ]


def _open_exchanges(caregiver: Caregiver) -> list[dict[str, object]]:
    """The open questions the school asked this family (idea exchanges), each question in the
    family's language when a translation exists (juntos/listening)."""
    from juntos.listening.actions import do_render_question
    from juntos.listening.queries import open_exchanges_for_caregiver

    language = lang.of_caregiver(caregiver)
    return [
        {"exchange": exchange, "question": do_render_question(exchange=exchange, language=language)}
        for exchange in open_exchanges_for_caregiver(caregiver)[:5]
    ]


def _home(request: HttpRequest, *, body: str = "", error: str = "") -> HttpResponse:
    caregiver = _family(request)
    return _page(
        request,
        "portal/home.html",
        {
            "caregiver": caregiver,
            "thread": queries.thread_for(caregiver),
            "events": _upcoming_events(caregiver),
            "conferences": _upcoming_conferences(caregiver),
            "exchanges": _open_exchanges(caregiver),
            "body": body,
            "error": error,
            "max_chars": actions.REPLY_MAX_CHARS,
        },
        lang.of_caregiver(caregiver),
        status=400 if error else 200,
    )


@require_http_methods(["GET"])
@family_required
def home(request: HttpRequest) -> HttpResponse:
    return _home(request)


@require_POST
@family_required
def reply(request: HttpRequest) -> HttpResponse:
    caregiver = _family(request)
    body = request.POST.get("body", "")
    try:
        actions.do_receive_portal_reply(caregiver=caregiver, body=body)
    except actions.InputError as error:
        return _home(request, body=body, error=error.errors["body"])
    return redirect(f"{reverse('portal:home')}?sent=1#reply")


def _time(value: str) -> time | None:
    try:
        return time.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        return None


def _days(values: list[str]) -> tuple[int, ...]:
    return tuple(sorted({int(v) for v in values if v.isdigit() and 1 <= int(v) <= 7}))


def _parse_preferences(request: HttpRequest, phones: list[ContactPoint]) -> actions.Preferences:
    post = request.POST
    return actions.Preferences(
        language=lang.supported(post.get("language", "")) or post.get("language", "")[:35],
        channels=tuple(post.get(f"channel_{n}", "") for n in range(1, 5)),
        windows=tuple(
            actions.WindowInput(
                _days(post.getlist(f"window_{n}_days")),
                _time(post.get(f"window_{n}_start", "")),
                _time(post.get(f"window_{n}_end", "")),
            )
            for n in range(WINDOW_ROWS)
        ),
        texts={p.value: post.get(f"texts_{p.pk}") == "on" for p in phones},
        needs={need: post.get(need) == "on" for need in actions.NEEDS},
    )


def _current_preferences(caregiver: Caregiver, phones: list[ContactPoint]) -> actions.Preferences:
    windows = [
        actions.WindowInput(tuple(w.weekdays or ()), w.start, w.end)
        for w in caregiver.windows.order_by("pk")
    ]
    return actions.Preferences(
        language=lang.of_caregiver(caregiver),
        channels=tuple(caregiver.channel_preferences or ()),
        windows=tuple(windows),
        texts={p.value: p.opted_out_at is None for p in phones},
        needs={need: bool(getattr(caregiver, need)) for need in actions.NEEDS},
    )


@require_http_methods(["GET", "POST"])
@family_required
def preferences(request: HttpRequest) -> HttpResponse:
    """The family's own preferences: language, channels in order, contact windows, texts on or
    off per number, access needs. One form that works without JavaScript."""
    caregiver = _family(request)
    phones = list(
        ContactPoint.objects.filter(
            caregiver=caregiver, kind=ContactPoint.Kind.PHONE, sms_capable=True
        ).order_by("pk")
    )
    errors: dict[str, str] = {}
    if request.method == "POST":
        prefs = _parse_preferences(request, phones)
        try:
            caregiver = actions.do_update_family_preferences(caregiver=caregiver, prefs=prefs)
        except actions.InputError as error:
            errors = error.errors
        else:
            return redirect(f"{reverse('portal:preferences')}?saved=1")
    else:
        prefs = _current_preferences(caregiver, phones)
    windows = list(prefs.windows)[:WINDOW_ROWS]
    windows += [actions.WindowInput((), None, None)] * (WINDOW_ROWS - len(windows))
    channels = list(prefs.channels)[:4]
    channels += [""] * (4 - len(channels))
    return _page(
        request,
        "portal/preferences.html",
        {
            "caregiver": caregiver,
            "prefs": prefs,
            "errors": errors,
            "channel_slots": list(enumerate(channels, start=1)),
            "channel_choices": [(c, Channel(c).label) for c in actions.PREFERENCE_CHANNELS],
            "window_rows": [(n, w, errors.get(f"window_{n}", "")) for n, w in enumerate(windows)],
            "weekdays": [(n + 1, name) for n, name in WEEKDAYS.items()],
            "phones": [(p, prefs.texts.get(p.value, p.opted_out_at is None)) for p in phones],
            "needs": [(need, prefs.needs.get(need, False)) for need in actions.NEEDS],
            "time_zone": caregiver.time_zone or caregiver.district.time_zone,
        },
        lang.of_caregiver(caregiver),
        status=400 if errors else 200,
    )
