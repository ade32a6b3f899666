"""Sichuan city centres (WGS84) and 2020 census populations, from data/sichuan_cities.csv."""

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA_FILE = Path(__file__).parent / "data" / "sichuan_cities.csv"


@dataclass(frozen=True)
class City:
    name: str  # Chinese name, as stored on organisations
    name_en: str
    lat: Decimal
    lon: Decimal
    population: int


@cache
def cities() -> dict[str, City]:
    with DATA_FILE.open(encoding="utf-8") as f:
        return {
            row["city_zh"]: City(
                row["city_zh"], row["city_en"], Decimal(row["lat"]), Decimal(row["lon"]), int(row["population_2020"])
            )
            for row in csv.DictReader(f)
        }


def city_label(name: str) -> str:
    """The city's name in the active language (the stored Chinese name if unknown)."""
    city = cities().get(name)
    if city and (get_language() or "").startswith("en"):
        return city.name_en
    return name
