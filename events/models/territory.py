"""The control history: each place's dated controller (ControlChange) and the map areas derived from it, cached per
date of change (ControlMap). Written by events.territory.services, read by events.territory.selectors."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from events.models.events import Event
from events.models.places import Place


class ControlStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed (from an event, awaiting an editor)"
    ACCEPTED = "accepted", "On the map"
    REJECTED = "rejected", "Rejected proposal"
    UNDONE = "undone", "Undone (a mistaken change)"


class ControlOrigin(models.TextChoices):
    REFERENCE = "reference", "Shipped reference history"
    EDITOR = "editor", "Recorded by an editor"
    EVENT = "event", "Proposed from a published event"


class ControlChange(models.Model):
    """From ``valid_from`` on, ``place`` is held by ``controller`` (until the place's next accepted change).

    Only accepted changes are on the map. A change is never deleted: a mistaken one is set to ``undone`` (the
    previous state then holds again), a declined proposal to ``rejected``; simple-history keeps who did what.
    """

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="control_changes", db_index=False)
    controller = models.ForeignKey("actors.Actor", on_delete=models.PROTECT, related_name="control_changes")
    valid_from = models.DateField()
    status = models.CharField(max_length=16, choices=ControlStatus.choices, default=ControlStatus.ACCEPTED)
    origin = models.CharField(max_length=16, choices=ControlOrigin.choices, default=ControlOrigin.EDITOR)
    source = models.TextField(help_text="The public sources (maps, reports, agreements) this change rests on.")
    note = models.TextField(blank=True, help_text="What happened, in our words.")
    precision = models.CharField(
        max_length=300,
        blank=True,
        help_text="How exact the date and the line are (e.g. 'to the day', 'within a week').",
    )
    # The published event that proposed this change, if any.
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="control_proposals", db_index=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(no_db_index=["place", "controller", "event", "recorded_by", "decided_by"])

    class Meta:
        ordering = ["-valid_from", "place__name"]
        constraints = [
            # A place has one controller a day: a second accepted change on the same day is refused.
            models.UniqueConstraint(
                fields=["place", "valid_from"],
                condition=Q(status="accepted"),
                name="control_one_accepted_per_place_day",
            ),
            # An event proposes once per place (publishing it again after a rejection proposes nothing new).
            models.UniqueConstraint(
                fields=["event", "place"], condition=Q(event__isnull=False), name="control_one_proposal_per_event"
            ),
        ]
        indexes = [
            # Place page: WHERE place_id = ? AND status = 'accepted' ORDER BY valid_from.
            models.Index(fields=["place", "status", "valid_from"], name="control_place_idx"),
            # Building the maps and the slider's dates: WHERE status = 'accepted' ORDER BY valid_from.
            models.Index(fields=["status", "valid_from"], name="control_status_date_idx"),
        ]

    def __str__(self) -> str:
        place = self._state.fields_cache.get("place")
        controller = self._state.fields_cache.get("controller")
        return (
            f"{place.name if place else f'place #{self.place_id}'} -> "
            f"{controller.name if controller else f'actor #{self.controller_id}'} from {self.valid_from}"
        )


class ControlMap(models.Model):
    """The areas each controller held from ``valid_from`` to the next map, derived from the places' controllers
    (events.territory.areas): a cache rebuilt whenever an accepted change moves, so the zones API reads one row."""

    valid_from = models.DateField(unique=True)
    valid_to = models.DateField(null=True, blank=True)
    # GeoJSON Features, one (Multi)Polygon per controller, with their properties.
    features = models.JSONField(default=list)
    built_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["valid_from"]

    def __str__(self) -> str:
        return f"control map from {self.valid_from}"
