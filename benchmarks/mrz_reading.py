"""Passport zones read from made-up passport pages, clean and scanned.

Renders data pages of invented holders (`tools.passport`), degrades each with the scan
profiles of `tools.scansim`, reads it with Pantau's OCR (`extractors.ocr.ocr_image`) and
prints, per profile, how many zones were found, how many with every check digit valid,
how many with the right document number, and the seconds per page.

    uv run python -m benchmarks.mrz_reading [--pages 12] [--profiles clean,office,fax,photo]
"""

from __future__ import annotations

import argparse
import random
import time

from extractors.mrz import find_zones
from extractors.ocr import ocr_image
from models.errors import PantauError
from tools.passport import passport_zone, render_passport_page
from tools.scansim import degrade

SURNAMES = ["Chen", "Nguyen", "Kowalski", "Okafor", "Haddad", "Lindqvist", "Tanaka", "Moreau"]
GIVEN = ["Guoliang", "Thi Mai", "Piotr Adam", "Chinedu", "Rami", "Astrid", "Kenji", "Elodie"]
STATES = ["CHN", "VNM", "POL", "NGA", "LBN", "SWE", "JPN", "FRA"]
ALPHANUMERIC = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def holders(count: int, seed: int = 1204) -> list[dict[str, str]]:
    """Invented passport holders, deterministic for a seed."""
    rng = random.Random(seed)
    people = []
    for n in range(count):
        people.append(
            {
                "country": STATES[n % len(STATES)],
                "surname": SURNAMES[n % len(SURNAMES)],
                "given_names": GIVEN[(n * 3) % len(GIVEN)],
                "number": rng.choice("ABCEGKP") + "".join(rng.choices(ALPHANUMERIC, k=8)),
                "birth": _yymmdd(rng, 55, 99),
                "sex": rng.choice("MF"),
                "expiry": _yymmdd(rng, 27, 35),
            }
        )
    return people


def _yymmdd(rng: random.Random, first: int, last: int) -> str:
    return f"{rng.randint(first, last):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=12)
    parser.add_argument("--profiles", default="clean,office,fax,photo")
    args = parser.parse_args()
    people = holders(args.pages)
    print(f"{'profile':10} {'pages':>5} {'found':>5} {'valid':>5} {'number':>6} {'s/page':>7}")
    for profile in args.profiles.split(","):
        found = valid = right = 0
        seconds = 0.0
        for n, person in enumerate(people):
            lines = passport_zone(**person)
            page = render_passport_page(
                lines, {"Surname": person["surname"].upper(), "Passport No.": person["number"]}
            )
            image = page if profile == "clean" else degrade(page, profile, seed=n)
            began = time.perf_counter()
            try:
                text = ocr_image(image).text
            except PantauError:
                text = ""
            seconds += time.perf_counter() - began
            zones = find_zones(text)
            found += bool(zones)
            valid += any(z.valid for z in zones)
            right += any(z.number == person["number"] for z in zones)
        print(
            f"{profile:10} {len(people):5d} {found:5d} {valid:5d} {right:6d} "
            f"{seconds / len(people):7.2f}"
        )


if __name__ == "__main__":
    main()
