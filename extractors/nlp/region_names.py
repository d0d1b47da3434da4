"""Names and levels of Kemendagri province and regency codes, for display.

Reads the shipped gazetteer (``data/wilayah.csv.gz``, with the province display labels
of ``data/places_extra.jsonl``) once per process, keeping only provinces, regencies and
cities; it needs no spaCy, so the workbench can label codes without loading the NLP.
"""

from __future__ import annotations

import csv
import gzip
import json
from functools import cache
from pathlib import Path
from typing import NamedTuple

DATA_DIR = Path(__file__).parent / "data"
REGIONS_FILE = DATA_DIR / "wilayah.csv.gz"
EXTRA_FILE = DATA_DIR / "places_extra.jsonl"
REGENCY_WIDTH = 5  # "NN.NN"


class RegionName(NamedTuple):
    """A region's display name and level (province, regency or city)."""

    name: str
    level: str


@cache
def region_names() -> dict[str, RegionName]:
    """Every province, regency and city by code."""
    names: dict[str, RegionName] = {}
    with gzip.open(REGIONS_FILE, "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if len(row["code"]) <= REGENCY_WIDTH:
                names[row["code"]] = RegionName(row["name"], row["level"])
    with EXTRA_FILE.open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line) if line.strip() else {}
            if record.get("type") == "province_label" and record["code"] in names:
                names[record["code"]] = RegionName(record["label"], "province")
    return names


def region_name(code: str) -> RegionName | None:
    """The name and level of a province or regency code, or None for an unknown code."""
    return region_names().get(code)
