"""Machine-readable zones of passports and identity cards (ICAO 9303) in page text.

Letters often carry copies of a foreigner's passport. Its data page ends in two lines of
44 characters (TD3); cards carry three lines of 30 (TD1) or two of 36 (TD2). The lines are
found in the page text (a text layer, or OCR), cleaned of what OCR makes of the filler
`<` and of letters read in places that hold digits, then checked: every check digit
(document number, birth date, expiry, optional data, composite) is recomputed. A zone
whose check digits all hold gives the strongest identity key there is; one that fails is
kept as doubtful and never used to join people.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache

# OCR's readings of the filler '<' and of spaces inside a zone line.
FILLER_LOOKALIKES = str.maketrans({"«": "<", "‹": "<", "〈": "<", "＜": "<", "(": "<", "{": "<"})
# Letters OCR reads in places that hold only digits (dates, check digits).
DIGIT_LOOKALIKES = str.maketrans(
    {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "G": "6", "B": "8"}
)
LINE = re.compile(r"[A-Z0-9<]+")
LENGTHS = {"TD3": (44, 2), "TD2": (36, 2), "TD1": (30, 3)}
# Issuing-state codes of ICAO 9303 that are not ISO 3166 alpha-3.
SPECIAL_STATES = {"D": "DE", "GBD": "GB", "GBN": "GB", "GBO": "GB", "GBS": "GB", "GBP": "GB"}
STRAY_K = re.compile(r"(?<=<)K(?=<)")  # a K read inside a run of fillers
MAX_EXCESS = 2  # characters a data line may have in excess (OCR reads a filler twice)
MAX_READINGS = 4000  # combinations of line readings tried per zone


@dataclass
class Zone:
    """One machine-readable zone: where it stands in the page text and what it says."""

    format: str  # TD3, TD2 or TD1
    lines: list[str]
    start: int
    end: int
    document_type: str = ""
    issuing_state: str = ""
    surname: str = ""
    given_names: str = ""
    nationality_code: str = ""  # as written: ICAO alpha-3 (or "D")
    number: str = ""
    birth_date: str | None = None  # ISO
    sex: str | None = None  # M, F or None
    expiry_date: str | None = None  # ISO
    checks: dict[str, bool] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        """Every check digit holds."""
        return bool(self.checks) and all(self.checks.values())

    @property
    def nationality(self) -> str | None:
        """ISO 3166-1 alpha-2 of the holder's nationality, None when unknown."""
        return alpha2(self.nationality_code)

    @property
    def name(self) -> str:
        """Given names then surname, capitalised as a letter writes them."""
        return " ".join(w.capitalize() for w in f"{self.given_names} {self.surname}".split())


def find_zones(text: str, *, today: date | None = None) -> list[Zone]:
    """Every machine-readable zone in a page's text, in reading order."""
    lines = []  # (cleaned line, start offset, end offset)
    offset = 0
    for raw in text.splitlines(keepends=True):
        cleaned = _clean(raw)
        if cleaned is not None:
            lines.append((cleaned, offset, offset + len(raw.rstrip("\r\n"))))
        else:
            lines.append(("", offset, offset))
        offset += len(raw)
    zones = []
    index = 0
    while index < len(lines):
        zone = _zone_at(lines, index, today or date.today())
        if zone is None:
            index += 1
            continue
        zones.append(zone)
        index += len(zone.lines)
    return zones


def check_digit(value: str) -> str:
    """The ICAO 9303 check digit of a field (weights 7, 3, 1; '<' counts 0)."""
    total = 0
    for position, char in enumerate(value):
        if char.isdigit():
            number = int(char)
        elif char.isalpha():
            number = ord(char) - ord("A") + 10
        else:
            number = 0
        total += number * (7, 3, 1)[position % 3]
    return str(total % 10)


@cache
def _alpha3() -> dict[str, str]:
    from babel.core import get_global

    aliases = get_global("territory_aliases")
    return {
        code: targets[0]
        for code, targets in aliases.items()
        if len(code) == 3 and code.isalpha() and targets and len(targets[0]) == 2
    }


def alpha2(code: str) -> str | None:
    """ISO alpha-2 of an ICAO state code ("CHN" -> "CN", "D" -> "DE"), None if unknown."""
    code = code.strip("<")
    return SPECIAL_STATES.get(code) or _alpha3().get(code)


def _clean(raw: str) -> str | None:
    """The line as zone characters, or None when it cannot be part of a zone."""
    line = raw.strip().upper().translate(FILLER_LOOKALIKES)
    line = re.sub(r"\s+", "", line)
    if len(line) < 28 or len(line) > 60 or "<" not in line:
        return None
    if not LINE.fullmatch(line):
        return None
    return line


def _zone_at(lines: list[tuple[str, int, int]], index: int, today: date) -> Zone | None:
    for format_, (width, count) in LENGTHS.items():
        group = lines[index : index + count]
        if len(group) < count or not all(line for line, _, _ in group):
            continue
        names_at = count - 1 if format_ == "TD1" else 0
        choices = [
            [_fit(line, width, names=True)] if n == names_at else _readings(line, width)
            for n, (line, _, _) in enumerate(group)
        ]
        best: Zone | None = None
        for fitted in itertools.islice(itertools.product(*choices), MAX_READINGS):
            if any(line is None for line in fitted):
                continue
            zone = Zone(format_, [str(line) for line in fitted], group[0][1], group[-1][2])
            if format_ == "TD1":
                _read_td1(zone, today)
            else:
                _read_two_lines(zone, today)
            if zone.document_type[:1] not in "PIAC" or not zone.number:
                continue
            if best is None or sum(zone.checks.values()) > sum(best.checks.values()):
                best = zone
            if zone.valid:
                break
        if best is not None:
            return best
    return None


def _readings(line: str, width: int) -> list[str | None]:
    """A data line as read, then the readings its check digits may confirm: a filler or
    two read in excess dropped (K's among fillers first), K's among fillers as '<'."""
    if not width <= len(line) <= width + MAX_EXCESS:
        return [None]
    found: list[str] = []
    if len(line) == width:
        found.append(line)
    else:
        trimmed = line
        while len(trimmed) > width and STRAY_K.search(trimmed):
            last = list(STRAY_K.finditer(trimmed))[-1]
            trimmed = trimmed[: last.start()] + trimmed[last.end() :]
        if len(trimmed) == width:
            found.append(trimmed)
        # Only fillers (or K's beside them) may go: a digit or letter of a field never
        # does, so no reading can make up another document number.
        spare = [
            i
            for i, c in enumerate(line)
            if c in "<K" and "<" in line[max(0, i - 1) : i] + line[i + 1 : i + 2]
        ]
        for drop in itertools.combinations(spare, len(line) - width):
            found.append("".join(c for i, c in enumerate(line) if i not in drop))
    fillers = [STRAY_K.sub("<", reading) for reading in found]
    return list(dict.fromkeys([*found, *fillers]))


def _fit(line: str, width: int, *, names: bool = True) -> str | None:
    """The name line brought to its width, or None. It has no check digit; OCR reads its
    run of fillers with stray K's among them and drops or repeats fillers: K's between
    fillers are dropped, the line ends at its first run of three fillers, and is padded."""
    line = STRAY_K.sub("", line)
    end = line.find("<<<", 3)
    if end >= 0:
        line = line[:end]
    if len(line) < 10 or len(line) > width:
        return None
    return line + "<" * (width - len(line))


def _read_two_lines(zone: Zone, today: date) -> None:
    first, second = zone.lines
    zone.document_type = first[0:2].strip("<")
    zone.issuing_state = first[2:5].strip("<")
    zone.surname, zone.given_names = _names(first[5:])
    width = len(second)
    optional_end = 42 if zone.format == "TD3" else 35
    number, number_check = _number(second[0:9], second[9])
    zone.number = number.strip("<")
    zone.nationality_code = second[10:13].strip("<")
    birth, birth_check = _digits(second[13:19]), _digits(second[19])
    expiry, expiry_check = _digits(second[21:27]), _digits(second[27])
    zone.birth_date = _date(birth, today, future=False)
    zone.expiry_date = _date(expiry, today, future=True)
    zone.sex = {"M": "M", "F": "F"}.get(second[20])
    zone.checks = {
        "number": check_digit(number) == number_check,
        "birth_date": check_digit(birth) == birth_check,
        "expiry_date": check_digit(expiry) == expiry_check,
    }
    optional = second[28:optional_end]
    composite_source = number + number_check + birth + birth_check + expiry + expiry_check
    if zone.format == "TD3":
        optional_check = _digits(second[42])
        zone.checks["optional"] = (
            optional.strip("<") == ""
            and optional_check in "0<"
            or (check_digit(optional) == optional_check)
        )
        composite_source += optional + optional_check
    else:
        composite_source += optional
    zone.checks["composite"] = check_digit(composite_source) == _digits(second[width - 1])


def _read_td1(zone: Zone, today: date) -> None:
    first, second, third = zone.lines
    zone.document_type = first[0:2].strip("<")
    zone.issuing_state = first[2:5].strip("<")
    number, number_check = _number(first[5:14], first[14])
    zone.number = number.strip("<")
    birth, birth_check = _digits(second[0:6]), _digits(second[6])
    expiry, expiry_check = _digits(second[8:14]), _digits(second[14])
    zone.birth_date = _date(birth, today, future=False)
    zone.expiry_date = _date(expiry, today, future=True)
    zone.sex = {"M": "M", "F": "F"}.get(second[7])
    zone.nationality_code = second[15:18].strip("<")
    zone.surname, zone.given_names = _names(third)
    composite_source = number + number_check + first[15:30] + birth + birth_check
    composite_source += expiry + expiry_check + second[18:29]
    zone.checks = {
        "number": check_digit(number) == number_check,
        "birth_date": check_digit(birth) == birth_check,
        "expiry_date": check_digit(expiry) == expiry_check,
        "composite": check_digit(composite_source) == _digits(second[29]),
    }


def _names(field_: str) -> tuple[str, str]:
    surname, _, given = field_.partition("<<")
    return surname.replace("<", " ").strip(), given.replace("<", " ").strip()


def _digits(value: str) -> str:
    return value.translate(DIGIT_LOOKALIKES)


def _number(value: str, check: str) -> tuple[str, str]:
    """The document number as read (it may hold letters, so none is changed: a misread
    number fails its check digit and stays doubtful) and its check digit."""
    return value, _digits(check)


def _date(value: str, today: date, *, future: bool) -> str | None:
    """YYMMDD as an ISO date: a birth date lies in the past, an expiry in this century."""
    if not value.isdigit():
        return None
    year, month, day = int(value[0:2]), int(value[2:4]), int(value[4:6])
    year += 2000 if future or 2000 + year <= today.year else 1900
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None
