"""Our own simplified outline of the ground the map colours: Syria within its international borders, west to the
1974 ceasefire line on the Golan (the Israeli-held Golan is left out, as no place of ours is there to say who
holds it; this is not a statement about sovereignty).

Drawn by us, by hand, from the borders' well-known points (crossings and towns on the border, the tripoints, the
coast) read off public maps (OpenStreetMap); about 60 points, so the line is good to roughly 5-10 km, coarser in
the empty desert stretches. Every town of the gazetteer in Syria lies inside it (tests/territory checks that);
only the Quneitra governorate's centroid, which falls in the occupied Golan, does not.
"""

from __future__ import annotations

# (longitude, latitude), clockwise from the Mediterranean end of the Turkish border.
SYRIA_OUTLINE: tuple[tuple[float, float], ...] = (
    (35.92, 35.92),  # the coast at the Turkish border, north of Ras al-Bassit
    (35.97, 35.97),  # around the Kessab salient
    (36.03, 35.95),
    (36.08, 35.86),
    (36.13, 35.84),  # the southern tip of Hatay, west of Ain al-Bayda
    (36.19, 35.89),
    (36.25, 35.93),
    (36.30, 35.97),
    (36.34, 36.04),  # west of al-Zanbaqi
    (36.40, 36.10),  # the Orontes north of Darkush
    (36.44, 36.17),
    (36.47, 36.24),
    (36.56, 36.25),  # north of Harim
    (36.66, 36.25),  # Bab al-Hawa
    (36.64, 36.32),  # west of Atmeh
    (36.58, 36.38),
    (36.54, 36.50),  # west of Sheikh al-Hadid
    (36.58, 36.62),
    (36.62, 36.71),
    (36.68, 36.83),  # the northern tip of the Afrin district (Meydan Ekbez)
    (36.80, 36.80),
    (36.93, 36.70),
    (37.07, 36.655),  # Bab al-Salameh
    (37.30, 36.66),
    (37.45, 36.63),  # al-Rai
    (37.72, 36.72),
    (38.01, 36.84),  # Jarablus, where the Euphrates enters Syria
    (38.35, 36.91),  # Kobani
    (38.70, 36.76),
    (38.96, 36.71),  # Tal Abyad
    (39.40, 36.71),
    (40.07, 36.86),  # Ras al-Ayn
    (40.70, 37.00),
    (41.22, 37.08),  # Qamishli
    (41.80, 37.10),
    (42.18, 37.32),  # Ain Diwar, on the Tigris
    (42.36, 37.11),  # the Syrian-Turkish-Iraqi tripoint
    (42.06, 36.80),  # al-Yarubiyah (Rabia)
    (41.45, 36.55),
    (41.28, 36.10),
    (41.23, 35.65),
    (41.00, 34.75),
    (41.08, 34.40),  # Abu Kamal / al-Qaim
    (40.00, 33.95),
    (39.10, 33.55),
    (38.79, 33.37),  # the Syrian-Iraqi-Jordanian tripoint
    (37.90, 32.90),
    (37.00, 32.50),
    (36.84, 32.31),
    (36.40, 32.38),
    (36.20, 32.53),  # Nasib
    (36.00, 32.60),  # Daraa / Ramtha
    (35.80, 32.72),  # the Yarmouk at the Golan
    (35.87, 32.85),  # the 1974 ceasefire line, north to Mount Hermon
    (35.88, 32.98),
    (35.84, 33.12),  # Quneitra
    (35.87, 33.27),
    (35.86, 33.41),  # Mount Hermon
    (36.06, 33.58),  # Jdeidet Yabous
    (36.35, 33.83),
    (36.62, 34.20),
    (36.45, 34.50),  # near Qusayr
    (36.30, 34.62),
    (35.97, 34.64),  # the Nahr al-Kabir at the coast (al-Arida)
    (35.86, 34.90),  # Tartus
    (35.90, 35.18),  # Baniyas
    (35.90, 35.36),  # Jableh
    (35.75, 35.52),  # Latakia
    (35.76, 35.70),
    (35.83, 35.86),  # Ras al-Bassit
    (35.92, 35.92),
)
