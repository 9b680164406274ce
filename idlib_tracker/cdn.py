"""The front-end libraries the pages load from jsDelivr: exact versions and Subresource Integrity hashes.

The one place these live. Versions match package.json; jsDelivr serves npm files byte for byte, so each hash is
the sha384 of the same file in node_modules (tests/pages/test_cdn.py recomputes them, and the browser tests serve
those files in place of the CDN). To upgrade: bump package.json, `npm install`, then update version and hash here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class CdnAsset:
    package: str
    version: str
    path: str  # inside the npm package
    integrity: str

    @property
    def url(self) -> str:
        return f"{settings.CDN_ORIGIN}/npm/{self.package}@{self.version}/{self.path}"

    @property
    def is_stylesheet(self) -> bool:
        return self.path.endswith(".css")


CDN_ASSETS: dict[str, CdnAsset] = {
    "chart.js": CdnAsset(
        "chart.js", "4.5.1", "dist/chart.umd.min.js",
        "sha384-jb8JQMbMoBUzgWatfe6COACi2ljcDdZQ2OxczGA3bGNeWe+6DChMTBJemed7ZnvJ",
    ),
    "leaflet.js": CdnAsset(
        "leaflet", "1.9.4", "dist/leaflet.js",
        "sha384-cxOPjt7s7Iz04uaHJceBmS+qpjv2JkIHNVcuOrM+YHwZOmJGBXI00mdUXEq65HTH",
    ),
    "leaflet.css": CdnAsset(
        "leaflet", "1.9.4", "dist/leaflet.css",
        "sha384-sHL9NAb7lN7rfvG5lfHpm643Xkcjzp4jFvuavGOndn6pjVqS6ny56CAt3nsEVT4H",
    ),
    # The map page groups events at one place into a cluster with a count (the plugin's own layout CSS; the look
    # of the clusters is ours, in static/css/site.css).
    "markercluster.js": CdnAsset(
        "leaflet.markercluster", "1.5.3", "dist/leaflet.markercluster.js",
        "sha384-eXVCORTRlv4FUUgS/xmOyr66XBVraen8ATNLMESp92FKXLAMiKkerixTiBvXriZr",
    ),
    "markercluster.css": CdnAsset(
        "leaflet.markercluster", "1.5.3", "dist/MarkerCluster.css",
        "sha384-pmjIAcz2bAn0xukfxADbZIb3t8oRT9Sv0rvO+BR5Csr6Dhqq+nZs59P0pPKQJkEV",
    ),
    # For the admin's zone editor.
    "leaflet-draw.js": CdnAsset(
        "leaflet-draw", "1.0.4", "dist/leaflet.draw.js",
        "sha384-JP5UPxIO2Tm2o79Fb0tGYMa44jkWar53aBoCbd8ah0+LcCDoohTIYr+zIXyfGIJN",
    ),
    "leaflet-draw.css": CdnAsset(
        "leaflet-draw", "1.0.4", "dist/leaflet.draw.css",
        "sha384-NZLkVuBRMEeB4VeZz27WwTRvlhec30biQ8Xx7zG7JJnkvEKRg5qi6BNbEXo9ydwv",
    ),
}
