from django.urls import include, path, register_converter

from events.public import api, export_files, pages
from events.public.atom import events_feed
from events.summaries import views as summaries

register_converter(summaries.IsoWeekConverter, "isoweek")

app_name = "events"

urlpatterns = [
    path("", pages.dashboard, name="dashboard"),
    path("events/<int:pk>/", pages.event_detail, name="detail"),
    path("places/<slug:slug>/", pages.place_detail, name="place"),
    path("timeline/", pages.timeline, name="timeline"),
    path("map/", pages.map_page, name="map"),
    path("events/feed/", events_feed, name="feed"),
    path("api/events.csv", api.events_csv, name="events_csv"),
    path("api/events.json", api.events_json, name="events_json"),
    path("api/events.geojson", api.events_geojson, name="events_geojson"),
    path("api/zones.geojson", api.zones_geojson, name="zones_geojson"),
    path("api/suggest/<str:kind>", api.suggestions, name="suggestions"),
    path("api/exports/events.<str:kind>", export_files.full_export, name="full_export"),
    path("summaries/", summaries.summary_list, name="summary_list"),
    path("summaries/feed/", summaries.SummaryAtomFeed(), name="summary_feed"),
    path("summaries/subscribe/", summaries.subscribe, name="summary_subscribe"),
    path("summaries/confirm/<str:token>/", summaries.confirm, name="summary_confirm"),
    path("summaries/unsubscribe/<str:token>/", summaries.unsubscribe, name="summary_unsubscribe"),
    path("summaries/<isoweek:week_start>/", summaries.summary_detail, name="summary_detail"),
    path("alerts/", include("events.alerts.urls")),
]
