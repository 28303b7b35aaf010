#!/usr/bin/env python3
"""Reference great-circle distances for RiskSignalTests, computed independently of the Swift code.

    python3 haversine_reference.py

Prints one line per pair: the haversine distance and, as a cross-check, the spherical law of cosines
(a different formula on the same sphere), both in kilometres on the IUGG mean Earth radius
R1 = 6371.0088 km. The script stops if the two formulas disagree by more than a metre. The city
coordinates are approximate city centres (English Wikipedia, rounded to four decimals); only their
role as fixed inputs matters. RiskSignalTests.swift holds the printed values.
"""
import math

R = 6371.0088

CITIES = {
    "London": (51.5074, -0.1278),
    "Paris": (48.8566, 2.3522),
    "New York": (40.7128, -74.0060),
    "Sydney": (-33.8688, 151.2093),
    "Tokyo": (35.6762, 139.6503),
    "Suva": (-18.1416, 178.4419),
    "Apia": (-13.8333, -171.7667),
    "Zurich": (47.3769, 8.5417),
}

PAIRS = [
    ("London", "Paris"),
    ("London", "New York"),
    ("London", "Sydney"),
    ("New York", "Tokyo"),
    ("Suva", "Apia"),  # crosses the antimeridian
    ("Zurich", "London"),
]

POINTS = [  # (label, lat1, lon1, lat2, lon2)
    ("equator across the antimeridian, 1 degree", 0.0, 179.5, 0.0, -179.5),
    ("antipodes on the equator", 0.0, 0.0, 0.0, 180.0),
    ("pole to pole", 90.0, 0.0, -90.0, 0.0),
    ("0.89 degrees of latitude", 10.0, 20.0, 10.89, 20.0),
    ("0.91 degrees of latitude", 10.0, 20.0, 10.91, 20.0),
]


def haversine(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(math.sqrt(min(1.0, a)))


def cosines(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return R * math.acos(max(-1.0, min(1.0, c)))


def report(label, lat1, lon1, lat2, lon2):
    h, c = haversine(lat1, lon1, lat2, lon2), cosines(lat1, lon1, lat2, lon2)
    assert abs(h - c) < 1e-3, (label, h, c)
    print(f"{label}: {h:.6f} km (law of cosines {c:.6f})")


for a, b in PAIRS:
    report(f"{a} - {b}", *CITIES[a], *CITIES[b])
for label, *coordinates in POINTS:
    report(label, *coordinates)
