"""Where each of Indonesia's 38 provinces sits on the tile-grid map: one square per
province, arranged roughly as on a map (west to east in columns, north to south in rows),
with the short name written on its tile.

Codes are Kemendagri's (11 Aceh … 96 Papua Barat Daya); full names come from the
gazetteer (`extractors.nlp.region_names`). The short names are the customary Indonesian
abbreviations, which are proper names and stay untranslated.
"""

from __future__ import annotations

from typing import NamedTuple


class TilePlace(NamedTuple):
    """A province's column and row on the grid, and the short name on its tile."""

    column: int
    row: int
    short: str


PROVINCE_TILES: dict[str, TilePlace] = {
    # Sumatra and its islands, north-west to south-east
    "11": TilePlace(0, 0, "Aceh"),
    "12": TilePlace(1, 1, "Sumut"),
    "13": TilePlace(1, 2, "Sumbar"),
    "14": TilePlace(2, 2, "Riau"),
    "21": TilePlace(3, 1, "Kepri"),
    "17": TilePlace(1, 3, "Bengkulu"),
    "15": TilePlace(2, 3, "Jambi"),
    "16": TilePlace(2, 4, "Sumsel"),
    "19": TilePlace(3, 4, "Babel"),
    "18": TilePlace(2, 5, "Lampung"),
    # Java, Bali and Nusa Tenggara
    "31": TilePlace(4, 4, "DKI"),
    "36": TilePlace(3, 5, "Banten"),
    "32": TilePlace(4, 5, "Jabar"),
    "33": TilePlace(5, 5, "Jateng"),
    "34": TilePlace(5, 6, "DIY"),
    "35": TilePlace(6, 5, "Jatim"),
    "51": TilePlace(7, 5, "Bali"),
    "52": TilePlace(8, 5, "NTB"),
    "53": TilePlace(9, 5, "NTT"),
    # Kalimantan
    "61": TilePlace(5, 2, "Kalbar"),
    "65": TilePlace(7, 1, "Kaltara"),
    "64": TilePlace(7, 2, "Kaltim"),
    "62": TilePlace(6, 3, "Kalteng"),
    "63": TilePlace(7, 3, "Kalsel"),
    # Sulawesi
    "75": TilePlace(9, 1, "Gorontalo"),
    "71": TilePlace(10, 1, "Sulut"),
    "76": TilePlace(8, 2, "Sulbar"),
    "72": TilePlace(9, 2, "Sulteng"),
    "73": TilePlace(8, 3, "Sulsel"),
    "74": TilePlace(9, 3, "Sultra"),
    # Maluku
    "82": TilePlace(11, 1, "Malut"),
    "81": TilePlace(11, 3, "Maluku"),
    # Papua
    "96": TilePlace(12, 1, "PBD"),
    "92": TilePlace(13, 1, "Pabar"),
    "91": TilePlace(14, 1, "Papua"),
    "94": TilePlace(13, 2, "Papteng"),
    "95": TilePlace(14, 2, "Pappeg"),
    "93": TilePlace(14, 3, "Papsel"),
}
COLUMNS = 1 + max(place.column for place in PROVINCE_TILES.values())
ROWS = 1 + max(place.row for place in PROVINCE_TILES.values())
