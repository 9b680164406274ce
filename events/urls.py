from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("events/<int:pk>/", views.event_detail, name="detail"),
    path("places/<slug:slug>/", views.place_detail, name="place"),
]
