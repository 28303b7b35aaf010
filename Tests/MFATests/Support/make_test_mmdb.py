#!/usr/bin/env python3
"""Writes the tiny MaxMind DB files the GeoIP tests read, with the `mmdb-writer` package (PyPI).

    python make_test_mmdb.py OUTPUT_DIRECTORY

Writes OUTPUT_DIRECTORY/test-city.mmdb (IPv6 tree with IPv4 mapped in, GeoIP2 City layout) and
OUTPUT_DIRECTORY/test-city-ipv4.mmdb (IPv4 only). Every network is from the documentation ranges
(RFC 5737 for IPv4, RFC 3849 for IPv6), so nothing here says anything about real addresses. The
coordinates are approximate city centres; the tests compare what they read back with the values below.
"""
import sys

from mmdb_writer import MMDBWriter, MmdbF64, MmdbU16
from netaddr import IPSet


def city(lat, lon, iso, name, radius):
    return {
        "city": {"names": {"en": name}},
        "country": {"iso_code": iso},
        "location": {"latitude": MmdbF64(lat), "longitude": MmdbF64(lon), "accuracy_radius": MmdbU16(radius)},
    }


RECORDS = [
    ("192.0.2.0/25", city(51.5074, -0.1278, "GB", "London", 20)),
    ("192.0.2.128/25", city(47.3769, 8.5417, "CH", "Zürich", 10)),
    ("198.51.100.0/24", city(40.7128, -74.0060, "US", "New York", 50)),
    ("203.0.113.0/25", {"country": {"iso_code": "AU"}}),  # country only: no city, no location
    ("2001:db8:1::/48", city(35.6762, 139.6503, "JP", "Tokyo", 100)),
    ("2001:db8:2::/48", {"location": {"latitude": MmdbF64(-33.8688), "longitude": MmdbF64(151.2093)}}),
]


def main(directory):
    both = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="KeyBridge-Test-City",
                      languages=["en"], description="KeyBridge GeoIP test database")
    for network, record in RECORDS:
        both.insert_network(IPSet([network]), record)
    both.to_db_file(f"{directory}/test-city.mmdb")

    ipv4 = MMDBWriter(ip_version=4, database_type="KeyBridge-Test-City-IPv4", languages=["en"],
                      description="KeyBridge GeoIP test database, IPv4 only")
    for network, record in RECORDS:
        if ":" not in network:
            ipv4.insert_network(IPSet([network]), record)
    ipv4.to_db_file(f"{directory}/test-city-ipv4.mmdb")


if __name__ == "__main__":
    main(sys.argv[1])
