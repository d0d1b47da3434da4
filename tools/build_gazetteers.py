"""Regenerate the derived gazetteers under extractors/nlp/data from their sources.

Run with ``uv run python -m tools.build_gazetteers``. Output is deterministic: the same inputs
give byte-identical files.

- ``countries.jsonl``: CLDR territory names in Indonesian and English (through Babel), real
  countries only, merged with the hand-maintained ``countries_extra.jsonl``.
- ``wilayah.csv.gz``: Kemendagri 2025 regions from ../shared/data/wilayah (code, name, level),
  with the MIT notice copied to ``WILAYAH-LICENSE``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
import unicodedata
from pathlib import Path

from babel import Locale

DATA = Path(__file__).resolve().parent.parent / "extractors" / "nlp" / "data"
WILAYAH = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "wilayah"

# CLDR codes that are not ISO 3166-1 countries: regions, unions, reserved and exceptional codes.
NON_COUNTRY_CODES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
)
CITY_PREFIXES = ("Kota Administrasi ", "Kota ")
REGENCY_PREFIXES = ("Kabupaten Administrasi ", "Kabupaten ")


def fold(text: str) -> str:
    """Drop diacritics and typographic apostrophes ("Côte d’Ivoire" -> "Cote d'Ivoire")."""
    text = text.replace("\u2019", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def cldr_names(code: str, name: str) -> list[str]:
    """Forms of one CLDR name: as given, without a parenthesis, the parenthesis, ASCII-folded."""
    forms = [name]
    match = re.fullmatch(r"(.+?)\s*\((.+)\)", name)
    if match:
        forms += [match.group(1), match.group(2)]
    forms += [fold(f) for f in forms]
    return list(dict.fromkeys(f.strip() for f in forms if len(f.strip()) > 2))


def country_rows() -> list[dict]:
    """CLDR country names (id, en) merged with the hand-maintained extras, sorted."""
    merged: dict[tuple[str, str], dict] = {}
    for lang in ("id", "en"):
        for code, name in Locale(lang).territories.items():
            if len(code) != 2 or not code.isalpha() or code in NON_COUNTRY_CODES:
                continue
            for form in cldr_names(code, name):
                key = (form.lower(), code)
                merged.setdefault(key, {"name": form, "code": code, "form": "country"})
    with (DATA / "countries_extra.jsonl").open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                extra = json.loads(line)
                key = (extra["name"].lower(), extra["code"])
                merged[key] = {**merged.get(key, {}), **extra}
    return sorted(merged.values(), key=lambda r: (r["name"].lower(), r["code"] or ""))


def write_countries() -> Path:
    """Write countries.jsonl."""
    path = DATA / "countries.jsonl"
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for row in country_rows():
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    return path


def region_row(code: str, name: str, level: str) -> tuple[str, str, str]:
    """One compact region row: the regency/city prefix becomes the level."""
    name = " ".join(name.split())
    if level == "regency_city":
        for prefixes, kind in ((CITY_PREFIXES, "city"), (REGENCY_PREFIXES, "regency")):
            prefix = next((p for p in prefixes if name.startswith(p)), None)
            if prefix:
                return code, name[len(prefix) :], kind
        raise ValueError(f"regency/city without Kabupaten/Kota prefix: {code} {name}")
    return code, name, level


def write_wilayah(source: Path) -> Path:
    """Write wilayah.csv.gz (code,name,level) and copy the licence notice beside it."""
    with source.open(encoding="utf-8", newline="") as f:
        rows = [region_row(r["code"], r["name"], r["level"]) for r in csv.DictReader(f)]
    rows.sort(key=lambda r: r[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("code", "name", "level"))
    writer.writerows(rows)
    path = DATA / "wilayah.csv.gz"
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz,
    ):
        gz.write(buffer.getvalue().encode("utf-8"))
    write_wilayah_license(source.parent)
    return path


def write_wilayah_license(source_dir: Path) -> None:
    """Copy the MIT licence of the region data with a short provenance header."""
    source_md = (source_dir / "SOURCE.md").read_text(encoding="utf-8")
    commit = re.search(r"commit\s+([0-9a-f]{40})", source_md)
    header = (
        "wilayah.csv.gz is derived from the repository cahyadsn/wilayah, file db/wilayah.sql"
        + (f", commit {commit.group(1)}" if commit else "")
        + ".\nKemendagri region codes as set by Kepmendagri No 300.2.2-2138 Tahun 2025.\n"
        "Converted by tools/build_gazetteers.py (code, name without Kabupaten/Kota, level).\n\n"
    )
    license_text = (source_dir / "LICENSE").read_text(encoding="utf-8")
    (DATA / "WILAYAH-LICENSE").write_text(header + license_text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    """Rebuild every derived gazetteer file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wilayah", type=Path, default=WILAYAH / "wilayah_2025.csv")
    args = parser.parse_args(argv)
    for path in (write_countries(), write_wilayah(args.wilayah)):
        print(f"{path.relative_to(DATA.parent.parent.parent)}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
