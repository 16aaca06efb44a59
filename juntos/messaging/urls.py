from __future__ import annotations

from django.urls import path

from juntos.messaging import announcement_views, inbox_views, notes_views, outbox_views, views

app_name = "messaging"

urlpatterns = [
    path("twilio/sms/", views.twilio_sms, name="twilio_sms"),
    path("twilio/status/", views.twilio_status, name="twilio_status"),
    # Announcements, saved lists, paper batches, the liaison call list (announcement_views).
    path("announcements/", announcement_views.announcement_list, name="announcement_list"),
    path("announcements/new/", announcement_views.announcement_new, name="announcement_new"),
    path(
        "announcements/<int:announcement_id>/",
        announcement_views.announcement_detail,
        name="announcement_detail",
    ),
    path(
        "announcements/<int:announcement_id>/send/",
        announcement_views.announcement_send,
        name="announcement_send",
    ),
    path(
        "announcements/<int:announcement_id>/report/",
        announcement_views.announcement_report,
        name="announcement_report",
    ),
    path("lists/", announcement_views.list_index, name="list_index"),
    path("lists/<int:list_id>/", announcement_views.list_detail, name="list_detail"),
    path("paper/", announcement_views.paper, name="paper"),
    path("paper/<int:batch_id>.pdf", announcement_views.paper_pdf, name="paper_pdf"),
    path("calls/", announcement_views.call_list, name="call_list"),
    path("calls/<int:delivery_id>/", announcement_views.call_log, name="call_log"),
    # Progress notes and positive first (notes_views.py).
    path("notes/new/", notes_views.note_new, name="note_new"),
    path("notes/preview/", notes_views.note_preview, name="note_preview"),
    path("notes/no-positive-yet/", notes_views.no_positive, name="no_positive"),
    path("outbox/", outbox_views.outbox, name="outbox"),
    # The staff inbox, conversations and triage (inbox_views.py; docs/messaging.md, "Inbox").
    path("inbox/", inbox_views.inbox_page, name="inbox"),
    path(
        "conversations/<int:conversation_id>/",
        inbox_views.conversation_page,
        name="conversation",
    ),
    path("conversations/<int:conversation_id>/reply/", inbox_views.reply, name="reply"),
    path(
        "conversations/<int:conversation_id>/segments/",
        inbox_views.reply_segments,
        name="reply_segments",
    ),
    path("conversations/<int:conversation_id>/reassign/", inbox_views.reassign, name="reassign"),
    path("conversations/<int:conversation_id>/take/", inbox_views.take, name="take"),
    path(
        "conversations/<int:conversation_id>/status/",
        inbox_views.set_status,
        name="conversation_status",
    ),
    path("triage/", inbox_views.triage_page, name="triage"),
    path("triage/<int:message_id>/match/", inbox_views.triage_match, name="triage_match"),
    path("triage/<int:message_id>/dismiss/", inbox_views.triage_dismiss, name="triage_dismiss"),
    path("email/inbound/", views.email_inbound, name="email_inbound"),
]
