"""Twilio's webhooks: thin views over ``inbound`` (parsing) and the inbound actions.

Order matters (DESIGN.md section 5, "Inbound"): size check, signature check, store the raw
payload in its own transaction, then process. Nothing unsigned or oversized is stored.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from juntos.messaging import actions, inbound
from juntos.messaging.models import InboundPayload
from juntos.messaging.twilio_security import verify_twilio_request

TWIML = "text/xml; charset=utf-8"


def _store(request: HttpRequest, kind: str) -> InboundPayload | HttpResponse:
    """The stored payload, or the refusal to answer with (413, 403)."""
    # Checked on the declared length before anything reads the body, and again on what arrived.
    if inbound.body_too_large(request) or len(request.body) > inbound.MAX_BODY_BYTES:
        return HttpResponse(status=413)
    if not verify_twilio_request(request):
        return HttpResponse(status=403)
    return actions.do_store_inbound_payload(
        kind=kind,
        payload=inbound.form_of(request),
        raw_body=inbound.without_nul(request.body.decode("utf-8", errors="replace")),
        headers=inbound.headers_of(request),
        signature_valid=True,
    )


@csrf_exempt  # Twilio cannot hold a CSRF token; the signature authenticates the request.
@require_POST
def twilio_sms(request: HttpRequest) -> HttpResponse:
    stored = _store(request, InboundPayload.Kind.SMS)
    if isinstance(stored, HttpResponse):
        return stored
    result, status = actions.do_receive_sms(payload=stored)
    return HttpResponse(inbound.twiml(result.reply), status=status, content_type=TWIML)


@csrf_exempt  # as above
@require_POST
def twilio_status(request: HttpRequest) -> HttpResponse:
    stored = _store(request, InboundPayload.Kind.STATUS)
    if isinstance(stored, HttpResponse):
        return stored
    actions.do_receive_sms_status(payload=stored)
    return HttpResponse(inbound.EMPTY_TWIML, content_type=TWIML)


# --- Inbound email (SendGrid Inbound Parse) ---------------------------------------------------


@csrf_exempt  # SendGrid cannot hold a CSRF token; the shared secret authenticates the request.
@require_POST
def email_inbound(request: HttpRequest) -> HttpResponse:
    """Order: the endpoint exists only with ``INBOUND_EMAIL_SECRET`` set (404); the secret
    (403) and the size (413) are checked before anything is stored; then the fields, decoded
    with their ``charsets``, are stored and committed; then processed (``do_receive_email``)."""
    from django.conf import settings

    from juntos.messaging import email_inbound as parse
    from juntos.messaging.inbox_actions import do_receive_email

    secret = settings.INBOUND_EMAIL_SECRET
    if not secret:
        return HttpResponse(status=404)
    if not parse.has_secret(request, secret):
        return HttpResponse(status=403)
    if parse.body_too_large(request) or len(request.body) > parse.MAX_BODY_BYTES:
        return HttpResponse(status=413)
    request.encoding = parse.TRANSPORT_ENCODING
    try:
        form = {name: request.POST.get(name, "") for name in request.POST}
    except Exception:  # a body that is not multipart/form-data at all: stored raw, refused
        form = {}
    stored = actions.do_store_inbound_payload(
        kind=InboundPayload.Kind.EMAIL,
        payload=parse.decode_fields(form),
        raw_body=inbound.without_nul(request.body.decode("utf-8", errors="replace")),
        headers=parse.headers_of(request),
        signature_valid=True,
    )
    result, status = do_receive_email(payload=stored)
    return HttpResponse(result.outcome, status=status, content_type="text/plain; charset=utf-8")
