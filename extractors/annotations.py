"""One document's facts as an annotation: the JSON schema that gold files use.

Mentions of the same person are merged (a later, shorter form of a name becomes an alias
of the fuller one), regions are merged by Kemendagri code, and only incidents that happened
or are announced for identified people (`reported`, `planned`) are listed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from models.records import Fact, FactKind

ANNOTATION_FIELDS = (
    "doc_id",
    "foreigners",
    "officials",
    "other_persons",
    "nationalities",
    "locations",
    "organizations",
    "incidents",
    "event_dates",
)


def fold_name(name: str) -> str:
    """Case, accents, punctuation and spacing folded: the key two spellings share."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", plain.casefold()).split())


def is_initials(name: str) -> bool:
    """'ZL', 'AGr', 'M.R.' are initials; 'Zhang Li' is not."""
    letters = name.replace(".", "")
    return bool(re.fullmatch(r"[A-Z][A-Za-z]{0,5}", letters)) and sum(
        c.isupper() for c in letters
    ) >= max(1, len(letters) - 1)


def _sub_name(short: str, long: str) -> bool:
    """True when every word of `short` is a word of `long` (a surname used alone)."""
    if is_initials(short) or is_initials(long):
        return False
    words = fold_name(short).split()
    return bool(words) and set(words) < set(fold_name(long).split())


def build_annotation(
    doc_id: str, facts: Iterable[Fact], *, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The annotation of one document from its facts, in the gold-file schema."""
    facts = sorted(facts, key=lambda f: (f.page, f.start))
    by_kind: dict[FactKind, list[Fact]] = {kind: [] for kind in FactKind}
    for fact in facts:
        by_kind[fact.kind].append(fact)
    foreigners = merge_foreigners(by_kind[FactKind.FOREIGN_NATIONAL])
    nationalities = {f.value for f in by_kind[FactKind.NATIONALITY] if f.value}
    nationalities |= {f["nationality"] for f in foreigners if f["nationality"]}
    annotation: dict[str, Any] = {
        "doc_id": doc_id,
        "foreigners": foreigners,
        "officials": merge_names(by_kind[FactKind.OFFICIAL]),
        "other_persons": merge_names(by_kind[FactKind.OTHER_PERSON]),
        "nationalities": sorted(nationalities),
        "locations": merge_locations(by_kind[FactKind.LOCATION]),
        "organizations": _unique(f.text for f in by_kind[FactKind.ORGANISATION]),
        "incidents": sorted(
            {f.value for f in by_kind[FactKind.INCIDENT] if f.value and f.attributes.get("counted")}
        ),
        "event_dates": sorted(
            {
                f.value
                for f in by_kind[FactKind.DATE]
                if f.value
                and f.attributes.get("precision") == "day"
                and f.attributes.get("date_kind") != "birth"
            }
        ),
    }
    if extra:
        annotation.update(extra)
    return annotation


def merge_foreigners(mentions: list[Fact]) -> list[dict[str, Any]]:
    """One entry per named foreign national (aliases merged) and one per counted group."""
    entries: list[dict[str, Any]] = []
    by_key: dict[str, dict[str, Any]] = {}
    for fact in mentions:
        incidents = set(fact.attributes.get("incidents") or [])
        nationality = fact.attributes.get("nationality")
        if fact.value is None:  # an unnamed group
            entries.append(
                {
                    "name": None,
                    "nationality": nationality,
                    "count": fact.attributes.get("count"),
                    "incidents": sorted(incidents),
                }
            )
            continue
        age = fact.attributes.get("age")
        entry = _find_person(by_key, entries, fact.value, age)
        if entry is None:
            entry = {
                "name": fact.value,
                "nationality": nationality,
                "count": 1,
                "incidents": sorted(incidents),
                "aliases": [],
            }
            entries.append(entry)
        else:
            entry["nationality"] = entry["nationality"] or nationality
            entry["incidents"] = sorted(set(entry["incidents"]) | incidents)
            if _sub_name(entry["name"], fact.value) and not is_initials(entry["name"]):
                # "Sun" first, "Sun Dongjie" later: the full name names the person
                entry["aliases"].append(entry["name"])
                entry["name"] = fact.value
            elif fact.value != entry["name"] and fact.value not in entry["aliases"]:
                entry["aliases"].append(fact.value)
        by_key[_person_key(fact.value)] = entry
        if fact.attributes.get("age") is not None:
            entry.setdefault("age", fact.attributes["age"])
        if fact.attributes.get("passport"):
            entry.setdefault("passport", fact.attributes["passport"])
    return _merge_groups(entries)


def _person_key(name: str) -> str:
    return "I:" + name.replace(".", "") if is_initials(name) else "N:" + fold_name(name)


def _find_person(
    by_key: dict[str, dict[str, Any]],
    entries: list[dict[str, Any]],
    name: str,
    age: int | None = None,
) -> dict[str, Any] | None:
    """The entry of the same person: the same name, or a part of it, unless the ages differ
    ("Sun (53)" and "Sun Dongjie (35)" are two people)."""
    found = by_key.get(_person_key(name))
    if found is not None:
        return found
    for entry in entries:
        if entry.get("age") is not None and age is not None and entry["age"] != age:
            continue
        if entry["name"] and (_sub_name(name, entry["name"]) or _sub_name(entry["name"], name)):
            return entry
    return None


def _merge_groups(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Groups mentioned twice with the same nationality and count are one group."""
    seen: dict[tuple[Any, Any], dict[str, Any]] = {}
    kept = []
    for entry in entries:
        if entry["name"] is not None:
            if not entry["aliases"]:
                del entry["aliases"]
            kept.append(entry)
            continue
        key = (entry["nationality"], entry["count"])
        if key in seen:
            seen[key]["incidents"] = sorted(set(seen[key]["incidents"]) | set(entry["incidents"]))
            continue
        seen[key] = entry
        kept.append(entry)
    return kept


def merge_names(mentions: list[Fact]) -> list[str]:
    """Distinct person names; a bare surname of a fuller name already listed is dropped."""
    names = _unique(f.value for f in mentions if f.value)
    return [n for n in names if not any(_sub_name(n, other) for other in names if other != n)]


def merge_locations(mentions: list[Fact]) -> list[dict[str, Any]]:
    """One entry per place: regions by code (other spellings as aliases), places by name."""
    entries: list[dict[str, Any]] = []
    by_key: dict[str, dict[str, Any]] = {}
    for fact in mentions:
        level = fact.attributes.get("level", "place")
        key = fact.value if level != "place" and fact.value else "P:" + fold_name(fact.text)
        entry = by_key.get(key)
        if entry is None:
            entry = {"text": fact.text, "kind": level, "aliases": []}
            if fact.attributes.get("province"):
                entry["province"] = fact.attributes["province"]
            if level != "place":
                entry["code"] = fact.value
            by_key[key] = entry
            entries.append(entry)
        elif fact.text != entry["text"] and fact.text not in entry["aliases"]:
            entry["aliases"].append(fact.text)
    for entry in entries:
        if not entry["aliases"]:
            del entry["aliases"]
    return entries


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(fold_name(value), value)
    return list(seen.values())
