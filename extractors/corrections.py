"""Investigators' corrections applied on top of extracted facts.

A correction is anchored to words on a page (page, character span and the words
themselves) and says one of four things about them:

- ``reject``: the fact of that kind on those words is wrong; it is dropped.
- ``role``: the person named there is a foreign national, an official or another person.
- ``nationality``: the person named there is a foreign national of that country.
- ``add``: those words name a person (of a role) or a place the extractor missed.

`apply_corrections` applies them in the order they were made. Applying them again to
their own result changes nothing, so they can be applied to a fresh extraction (after
`pantau extract --stale`) and to facts already corrected alike. A correction whose words
are no longer at its span (the page text changed) is not applied and is reported, never
moved to another place by guessing.

Every fact a correction makes has method ``correction``, confidence 1 and, in its
attributes, ``correction``: who made it, when, why and what the fact was before.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any

import babel

from models.errors import CorrectionError
from models.i18n import _
from models.records import Fact, FactKind

METHOD = "correction"
MAX_WORDS = 200  # characters: a name or a place, never a paragraph


class CorrectionAction(StrEnum):
    """What a correction says about the words it is anchored to."""

    REJECT = "reject"
    ROLE = "role"
    NATIONALITY = "nationality"
    ADD = "add"


PERSON_KINDS = (FactKind.FOREIGN_NATIONAL, FactKind.OFFICIAL, FactKind.OTHER_PERSON)
# Kinds an investigator may add by selecting words, and the group of kinds each replaces.
ADDABLE_KINDS = (*PERSON_KINDS, FactKind.LOCATION, FactKind.ORGANISATION)
HONORIFICS = frozenset(
    ("bapak", "bpk", "pak", "ibu", "bu", "saudara", "sdr", "saudari", "sdri")
    + ("tuan", "nyonya", "nona", "mr", "mrs", "ms", "miss")
)


@dataclass(frozen=True)
class CorrectionSpec:
    """One correction as applied: what it says, where, and who made it why."""

    id: int
    action: CorrectionAction
    kind: FactKind
    page: int
    start: int
    end: int
    text: str
    nationality: str | None = None
    value: str | None = None
    author: str = ""
    reason: str = ""
    at: str = ""  # ISO time it was made


@dataclass
class Applied:
    """The corrected facts, and which corrections held and which lost their words."""

    facts: list[Fact]
    applied: list[int] = field(default_factory=list)
    unanchored: list[int] = field(default_factory=list)


def group_of(kind: FactKind) -> tuple[FactKind, ...]:
    """The kinds one span can hold only one of: the three roles of a person, or the kind."""
    return PERSON_KINDS if kind in PERSON_KINDS else (kind,)


def check(
    action: CorrectionAction, kind: FactKind, nationality: str | None
) -> tuple[FactKind, str | None]:
    """The kind and nationality code a correction will carry, or a `CorrectionError`."""
    if action == CorrectionAction.REJECT:
        return kind, None
    if action == CorrectionAction.ROLE and kind not in PERSON_KINDS:
        raise CorrectionError(_("A role is a foreign national, an official or another person."))
    if action == CorrectionAction.ADD and kind not in ADDABLE_KINDS:
        raise CorrectionError(
            _("Only a person (of any role), a place or an organisation can be added.")
        )
    if action == CorrectionAction.NATIONALITY:
        kind = FactKind.FOREIGN_NATIONAL
        if not nationality:
            raise CorrectionError(_("Give the nationality: a country code (CN) or its name."))
    code = country_code(nationality) if nationality else None
    if nationality and code is None:
        raise CorrectionError(
            _("Unknown country {country}: write its ISO code (CN, MY, AU) or its name.").format(
                country=repr(nationality)
            )
        )
    if code and kind != FactKind.FOREIGN_NATIONAL:
        raise CorrectionError(_("Only a foreign national has a nationality here."))
    return kind, code


@cache
def _countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 codes by folded code and by folded Indonesian and English name."""
    found: dict[str, str] = {}
    for language in ("id", "en"):
        for code, name in babel.Locale(language).territories.items():
            if len(code) == 2 and code.isalpha() and code not in ("ZZ", "ID"):
                found.setdefault(code.casefold(), code)
                found.setdefault(_fold(name), code)
    return found


def country_code(written: str) -> str | None:
    """ "CN", "cn", "Tiongkok", "China" -> "CN"; None when it is no foreign country."""
    return _countries().get(_fold(written))


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", plain.casefold()).split())


def anchored(spec: CorrectionSpec, pages: Mapping[int, str]) -> bool:
    """True while the page still holds the correction's words at its span."""
    text = pages.get(spec.page)
    return text is not None and text[spec.start : spec.end] == spec.text


def apply_corrections(
    facts: Sequence[Fact], corrections: Sequence[CorrectionSpec], pages: Mapping[int, str]
) -> Applied:
    """`facts` with `corrections` applied in order, in reading order; see the module."""
    result = Applied(facts=list(facts))
    for spec in corrections:
        if not anchored(spec, pages):
            result.unanchored.append(spec.id)
            continue
        result.facts = _apply(result.facts, spec, pages[spec.page])
        result.applied.append(spec.id)
    result.facts.sort(key=lambda f: (f.page, f.start, f.end, f.kind.value))
    return result


def _overlaps(fact: Fact, spec: CorrectionSpec) -> bool:
    return fact.page == spec.page and fact.start < spec.end and spec.start < fact.end


def _apply(facts: list[Fact], spec: CorrectionSpec, page_text: str) -> list[Fact]:
    if spec.action == CorrectionAction.REJECT:
        return [f for f in facts if not (f.kind == spec.kind and _overlaps(f, spec))]
    kinds = group_of(spec.kind)
    hit = [f for f in facts if f.kind in kinds and _overlaps(f, spec)]
    kept = [f for f in facts if not (f.kind in kinds and _overlaps(f, spec))]
    base = _base(hit, spec)
    return [*kept, _corrected(spec, base, page_text)]


def _base(hit: list[Fact], spec: CorrectionSpec) -> Fact | None:
    """The fact the correction changes: the one on exactly its words, else the widest."""
    if not hit:
        return None
    exact = [f for f in hit if (f.start, f.end) == (spec.start, spec.end)]
    if exact:
        return exact[0]
    return max(hit, key=lambda f: (f.end - f.start, -f.start))


def _corrected(spec: CorrectionSpec, base: Fact | None, page_text: str) -> Fact:
    attributes: dict[str, Any] = {}
    same_words = base is not None and (base.start, base.end) == (spec.start, spec.end)
    if base is not None:
        attributes = {k: v for k, v in base.attributes.items() if k != "correction"}
    if spec.kind != FactKind.FOREIGN_NATIONAL:
        attributes.pop("nationality", None)
    if spec.nationality:
        attributes["nationality"] = spec.nationality
    was = None
    if base is not None:
        earlier = base.attributes.get("correction") or {}
        was = earlier.get("was") or {"kind": base.kind.value, "method": base.method}
    attributes["correction"] = {
        "id": spec.id,
        "action": spec.action.value,
        "by": spec.author,
        "at": spec.at,
        "reason": spec.reason,
        "was": was,
    }
    return Fact(
        kind=spec.kind,
        page=spec.page,
        start=spec.start,
        end=spec.end,
        text=spec.text,
        value=_value(spec, base if same_words else None),
        sentence=(base.sentence if base is not None else "") or sentence_around(page_text, spec),
        method=METHOD,
        confidence=1.0,
        attributes=attributes,
        boxes=list(base.boxes) if base is not None and same_words else [],
    )


def _value(spec: CorrectionSpec, base: Fact | None) -> str:
    if spec.value:
        return spec.value
    if base is not None and base.value and base.kind in group_of(spec.kind):
        return base.value
    if spec.kind in PERSON_KINDS:
        return person_name(spec.text)
    return " ".join(spec.text.split())


def person_name(text: str) -> str:
    """The name without a leading honorific and without what follows a comma."""
    words = text.split(",")[0].split()
    while len(words) > 1 and words[0].casefold().rstrip(".") in HONORIFICS:
        words = words[1:]
    return " ".join(words)


def sentence_around(text: str, spec: CorrectionSpec) -> str:
    """The sentence (or table line) holding the correction's words."""
    stop = text.rfind(". ", 0, spec.start)
    start = max(stop + 2 if stop >= 0 else 0, text.rfind("\n", 0, spec.start) + 1)
    ends = [i for i in (text.find(". ", spec.end), text.find("\n", spec.end)) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    return " ".join(text[start:end].split())
