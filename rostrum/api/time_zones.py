"""IANA time zones, all and per country, from the tz database's zone.tab (as PHP lists them)."""

import functools
import zoneinfo
from importlib import resources
from pathlib import Path


def _zone_tab() -> str:
    # The same places zoneinfo looks: the system's tz database, then the tzdata package.
    for directory in zoneinfo.TZPATH:
        path = Path(directory) / "zone.tab"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")


@functools.cache
def zones_by_country() -> dict[str, tuple[str, ...]]:
    """``{"US": ("America/Adak", ...), ...}``: ISO 3166 code → zones, sorted."""
    table: dict[str, list[str]] = {}
    for line in _zone_tab().splitlines():
        if not line or line.startswith("#"):
            continue
        country, _coordinates, zone, *_comment = line.split("\t")
        table.setdefault(country.upper(), []).append(zone)
    return {country: tuple(sorted(zones)) for country, zones in table.items()}


@functools.cache
def all_zones() -> tuple[str, ...]:
    """Every country's zones, sorted, then ``UTC`` (PHP's ``DateTimeZone::listIdentifiers()`` order)."""
    zones = {zone for per_country in zones_by_country().values() for zone in per_country}
    return (*sorted(zones), "UTC")
