from __future__ import annotations

from django.urls import path

from juntos.messaging import views

app_name = "messaging"

urlpatterns = [
    path("twilio/sms/", views.twilio_sms, name="twilio_sms"),
    path("twilio/status/", views.twilio_status, name="twilio_status"),
]
