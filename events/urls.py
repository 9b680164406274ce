from django.urls import path

from events.views import pages

app_name = "events"

urlpatterns = [
    path("", pages.dashboard, name="dashboard"),
    path("events/<int:pk>/", pages.event_detail, name="detail"),
    path("places/<slug:slug>/", pages.place_detail, name="place"),
]
