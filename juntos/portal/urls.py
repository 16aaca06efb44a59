from __future__ import annotations

from django.urls import URLPattern, path

from juntos.portal import views

app_name = "portal"

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("link/", views.request_link, name="request_link"),
    path("in/<str:token>/", views.enter, name="enter"),
    path("out/", views.sign_out, name="sign_out"),
    path("reply/", views.reply, name="reply"),
    path("preferences/", views.preferences, name="preferences"),
]
