"""`python manage.py import_zones PATH`: import a dated set of control zones from a GeoJSON FeatureCollection."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from events.reference import read_json, repaired_note, text_repair
from events.territory.zones import zones_import
from idlib_tracker.loading import LoadReport, ReferenceDataError


class Command(BaseCommand):
    help = (
        "Import control zones (Polygon / MultiPolygon features with name, controller, valid_from, valid_to, "
        "source_note). Every feature is checked first; one bad feature imports nothing. Re-importing the same "
        "dated set changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="GeoJSON FeatureCollection.")
        parser.add_argument(
            "--controller", help="Actor slug or alias for features without a controller property."
        )
        parser.add_argument(
            "--name-property", default="name", help="Property holding the zone name (e.g. NAME_EN for OCHA files)."
        )
        parser.add_argument(
            "--valid-from", type=dt.date.fromisoformat, help="Date (YYYY-MM-DD) for features without valid_from."
        )
        parser.add_argument("--source-note", default="", help="Note for features without a source_note.")

    def handle(self, *args, path: str, controller: str | None, name_property: str,  # type: ignore[no-untyped-def]
               valid_from: dt.date | None, source_note: str, **options) -> None:
        try:
            collection = read_json(path)
            repaired = 0
            for feature in collection.get("features") or [] if isinstance(collection, dict) else []:
                if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
                    continue
                props = feature["properties"]
                for key, value in props.items():
                    if isinstance(value, str):
                        props[key], was_repaired = text_repair(value)
                        repaired += was_repaired
                if name_property != "name" and "name" not in props:
                    props["name"] = props.get(name_property)
                if controller and not props.get("controller"):
                    props["controller"] = controller
            report = LoadReport("control zones")
            zones_import(collection, default_valid_from=valid_from, default_source_note=source_note, report=report)
        except ReferenceDataError as exc:
            raise CommandError("Nothing imported:\n  " + "\n  ".join(exc.messages)) from exc
        if repaired:
            report.notes.append(repaired_note(repaired))
        self.stdout.write(str(report))
