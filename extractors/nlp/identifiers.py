"""Passport, permit, letter, phone, NIP and visa identifiers as a spaCy component.

`pantau_identifiers` writes `doc.spans["identifier"]` with `span._.id_kind` (passport, permit,
letter_number, phone, nip, visa) and `span._.value` (normalised: upper case codes, E.164
phones, NIPs without spaces). Cue words and value shapes live in
`data/identifier_patterns.jsonl`; this module only combines and validates them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

DATA_DIR = Path(__file__).parent / "data"
SPAN_KEY = "identifier"
# Earlier kinds win when two candidates overlap at the same distance from their cue.
KIND_ORDER = ("letter_number", "passport", "permit", "nip", "phone", "visa")
GAP_WORD = r"(?:[^\W\d_]{1,20}|[.:#])"
JOINER = r"(?:[ \t]*(?:,|/|&|\bdan\b|\bserta\b)[ \t]*)"
NOT_VALUES = (
    re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}"),  # a numeric date
    re.compile(r"\d{1,3}(?:[.,]\d{3})+"),  # an amount of money
)
VOA_FORMS = frozenset({"VOA", "EVOA", "VISAONARRIVAL"})
MONEY_BEFORE = re.compile(r"(?:rp|idr|usd)\.?\s*\Z", re.IGNORECASE)

Span.set_extension("id_kind", default=None, force=True)
Span.set_extension("value", default=None, force=True)


@dataclass(frozen=True)
class Identifier:
    """One identifier found in a text: character span, kind and normalised value."""

    start: int
    end: int
    text: str
    kind: str
    value: str
    gap: int = 0  # characters between the cue word and the value
    cued: bool = False  # found after a cue word rather than by its shape alone


@dataclass(frozen=True)
class _Rule:
    kind: str
    regex: re.Pattern[str]
    value: re.Pattern[str] | None
    needs: re.Pattern[str] | None


def _alternation(forms: list[str]) -> str:
    ordered = sorted(set(forms), key=len, reverse=True)
    return "|".join(re.escape(form).replace(r"\ ", r"\s+") for form in ordered)


def _cue_rule(entry: dict) -> _Rule:
    cues = _alternation(entry["cues"])
    value = entry["value"]
    gap_words = entry.get("max_gap_words", 3)
    if entry["rule"] == "line_cue":
        head = rf"^[ \t]*(?:{cues})\.?[ \t]*:[ \t]*"
        pattern = rf"{head}(?P<v>{value})"
    else:
        head = rf"(?<![^\W\d_])(?:{cues})(?![^\W\d_])(?P<gap>(?:\s*{GAP_WORD}){{0,{gap_words}}}?)"
        pattern = rf"{head}\s*(?P<v>{value}(?:{JOINER}{value})*)(?![\w/-])"
    return _Rule(
        entry["kind"],
        re.compile(pattern, re.IGNORECASE | re.MULTILINE),
        re.compile(rf"(?<![\w/-]){value}(?![\w/-])", re.IGNORECASE),
        re.compile(entry["needs"]) if entry.get("needs") else None,
    )


@lru_cache(maxsize=1)
def load_rules() -> tuple[_Rule, ...]:
    """Compile the rules in `data/identifier_patterns.jsonl` once."""
    rules: list[_Rule] = []
    with open(DATA_DIR / "identifier_patterns.jsonl", encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            entry = json.loads(line)
            if entry["rule"] == "shape":
                rules += [
                    _Rule(entry["kind"], re.compile(p, re.IGNORECASE), None, None)
                    for p in entry["patterns"]
                ]
            else:
                rules.append(_cue_rule(entry))
    return tuple(rules)


def normalise_phone(text: str) -> str | None:
    """E.164 form of an Indonesian phone number ("+62..."), or None if it cannot be one."""
    digits = re.sub(r"\D", "", text)
    if digits.startswith("62"):
        national = digits[2:]
        national = national[1:] if national.startswith("0") else national
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        return None
    mobile = national.startswith("8") and 9 <= len(national) <= 12
    landline = national[:1] in "1234567" and 7 <= len(national) <= 11
    if national[:1] and (mobile or landline):
        return "+62" + national
    return None


def normalise_nip(text: str) -> str | None:
    """An 18-digit NIP without spaces, if its birth date and appointment month are real."""
    digits = re.sub(r"\D", "", text)
    if len(digits) != 18:
        return None
    try:
        date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    if not 1 <= int(digits[12:14]) <= 12 or int(digits[8:12]) < int(digits[:4]) + 15:
        return None
    return digits


def normalise_code(kind: str, text: str) -> str | None:
    """Upper-case passport, permit and visa codes; letter numbers with spaces folded."""
    if kind == "letter_number":
        return re.sub(r"\s+", "", text)
    value = re.sub(r"\s+", "" if kind == "passport" else " ", text).strip().upper()
    if kind == "visa" and re.sub(r"[\s-]", "", value) in VOA_FORMS:
        return "VOA"
    if any(pattern.fullmatch(value) for pattern in NOT_VALUES):
        return None
    return value


def _normalise(kind: str, text: str) -> str | None:
    if kind == "phone":
        return normalise_phone(text)
    if kind == "nip":
        return normalise_nip(text)
    return normalise_code(kind, text)


def _cue_matches(rule: _Rule, text: str) -> list[Identifier]:
    assert rule.value is not None
    found = []
    for match in rule.regex.finditer(text):
        gap = len(match.group("gap") or "") if "gap" in rule.regex.groupindex else 0
        offset = match.start("v")
        for part in rule.value.finditer(match.group("v")):
            raw = part.group(0)
            if rule.needs is not None and not rule.needs.search(raw):
                continue
            value = _normalise(rule.kind, raw)
            if value:
                start, end = offset + part.start(), offset + part.end()
                found.append(Identifier(start, end, raw, rule.kind, value, gap, cued=True))
    return found


def _shape_matches(rule: _Rule, text: str) -> list[Identifier]:
    found = []
    for match in rule.regex.finditer(text):
        if MONEY_BEFORE.search(text[max(0, match.start() - 5) : match.start()]):
            continue
        value = _normalise(rule.kind, match.group(0))
        if value:
            found.append(Identifier(match.start(), match.end(), match.group(0), rule.kind, value))
    return found


def _rank(item: Identifier) -> tuple[int, int, int, int]:
    tier = 0 if item.kind == "letter_number" else 1 if item.cued else 2
    return (tier, item.gap, KIND_ORDER.index(item.kind), item.start - item.end)


def _drop_overlaps(items: list[Identifier]) -> list[Identifier]:
    kept: list[Identifier] = []
    for item in sorted(items, key=_rank):
        if all(item.end <= other.start or item.start >= other.end for other in kept):
            kept.append(item)
    return sorted(kept, key=lambda item: item.start)


def find_identifiers(text: str) -> list[Identifier]:
    """Every identifier in `text`, overlaps resolved in favour of the nearest cue word."""
    found: list[Identifier] = []
    for rule in load_rules():
        matcher = _shape_matches if rule.value is None else _cue_matches
        found += matcher(rule, text)
    return _drop_overlaps(found)


class IdentifierFinder:
    """Writes identifiers to `doc.spans["identifier"]`."""

    def __init__(self) -> None:
        load_rules()

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for item in find_identifiers(doc.text):
            span = doc.char_span(item.start, item.end, alignment_mode="expand")
            if span is None:
                continue
            span._.id_kind = item.kind
            span._.value = item.value
            spans.append(span)
        doc.spans[SPAN_KEY] = spans
        return doc


@Language.factory(
    "pantau_identifiers",
    default_config={},
    assigns=["doc.spans", "span._.id_kind", "span._.value"],
)
def make_identifier_finder(nlp: Language, name: str) -> IdentifierFinder:
    """Factory for the identifier component (no settings: rules come from the data file)."""
    return IdentifierFinder()
