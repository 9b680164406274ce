"""`python manage.py import_places PATH [--admin1 Idlib ...]`: import an OCHA-style GeoJSON point gazetteer."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from events.reference import places_import_geojson, read_json
from idlib_tracker.loading import ReferenceDataError


class Command(BaseCommand):
    help = (
        "Import populated places from a GeoJSON point file in the OCHA Syria COD layout (NAME_EN, NAME_ARA, "
        "ADMIN1_EN, ADMIN2_EN, PCODE). Names already in the gazetteer nearby are skipped; invalid UTF-8 bytes in "
        "names are dropped and counted. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="GeoJSON FeatureCollection of Point or MultiPoint features.")
        parser.add_argument(
            "--admin1",
            action="append",
            default=[],
            metavar="GOVERNORATE",
            help="Only this governorate (OCHA or project spelling: Idleb or Idlib); repeat for several.",
        )
        parser.add_argument("--name-property", default="NAME_EN", help="Property holding the place name.")
        parser.add_argument(
            "--source",
            default="OCHA Syria COD populated places",
            help="Where the coordinates come from, stored on each place with its code.",
        )

    def handle(self, *args, path: str, admin1: list[str], name_property: str, source: str, **options) -> None:  # type: ignore[no-untyped-def]
        try:
            report = places_import_geojson(
                read_json(path), admin1=admin1, name_property=name_property, source=source
            )
        except ReferenceDataError as exc:
            raise CommandError("Nothing imported:\n  " + "\n  ".join(exc.messages)) from exc
        self.stdout.write(str(report))
