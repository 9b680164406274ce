"""Places and the control zones drawn over them (who held what, from when to when)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from events.territory.geo import geometry_bounds, validate_zone_geometry


class PlaceKind(models.TextChoices):
    COUNTRY = "country", "Country"
    GOVERNORATE = "governorate", "Governorate"
    DISTRICT = "district", "District"
    CITY = "city", "City"
    TOWN = "town", "Town"
    VILLAGE = "village", "Village"
    CROSSING = "crossing", "Border crossing"
    SITE = "site", "Site (base, airport, dam...)"
    OTHER = "other", "Other"


class Place(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    # Other spellings the press uses ("Khan Sheikhoun", "Khan Shaykhun"); matched like actor aliases.
    aliases = models.JSONField(default=list, blank=True)
    latitude = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    admin1 = models.CharField("governorate", max_length=100, blank=True)
    admin2 = models.CharField("district", max_length=100, blank=True)
    country = models.CharField(max_length=100, default="Syria")
    kind = models.CharField(max_length=16, choices=PlaceKind.choices, default=PlaceKind.TOWN)
    source = models.CharField(max_length=300, blank=True, help_text="Where the coordinates come from.")

    class Meta:
        ordering = ["name"]
        indexes = [
            # Governorate filter on the timeline: WHERE place.admin1 = ?.
            models.Index(fields=["admin1", "name"], name="place_admin1_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:place", args=[self.slug])


class ControlZone(models.Model):
    name = models.CharField(max_length=200)
    # A GeoJSON Polygon or MultiPolygon geometry object (lon, lat order), validated on save.
    geometry = models.JSONField(validators=[validate_zone_geometry])
    controller = models.ForeignKey("actors.Actor", on_delete=models.PROTECT, related_name="zones")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="Empty while the zone is still current.")
    source_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The geometry's bounding box, kept by fit_bounds() on every write path, so that "which zones contain this
    # point" (a place page) reads the few zones around the point instead of parsing every zone ever drawn. No index:
    # the zones number in the hundreds, and the box test in SQL already spares decoding the other geometries.
    west = models.FloatField(null=True, editable=False)
    south = models.FloatField(null=True, editable=False)
    east = models.FloatField(null=True, editable=False)
    north = models.FloatField(null=True, editable=False)

    BOUNDS = ("west", "south", "east", "north")

    history = HistoricalRecords()

    class Meta:
        ordering = ["valid_from", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="zone_valid_to_after_valid_from",
            ),
        ]
        indexes = [
            # "Who controls what on date D": WHERE valid_from <= D AND (valid_to IS NULL OR valid_to > D).
            models.Index(fields=["valid_from", "valid_to"], name="zone_validity_idx"),
            # Actor page "zones it controls": WHERE controller_id = ?.
            models.Index(fields=["controller", "valid_from"], name="zone_controller_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        validate_zone_geometry(self.geometry)
        self.fit_bounds()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "geometry" in update_fields:
            kwargs["update_fields"] = {*update_fields, *self.BOUNDS}
        super().save(*args, **kwargs)

    def fit_bounds(self) -> None:
        """Set the bounding box from the geometry; bulk writes call it themselves, as they skip save()."""
        self.west, self.south, self.east, self.north = geometry_bounds(self.geometry)
