"""Included by events/urls.py without a namespace of its own: the names live in the "events" namespace."""

from django.urls import path

from events.alerts import views

urlpatterns = [
    path("subscribe/", views.subscribe, name="alert_subscribe"),
    path("confirm/<str:token>/", views.confirm, name="alert_confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="alert_unsubscribe"),
]
