"""Identity resolution of foreign nationals: name normalisation, pair scores, blocking keys.

Pure functions over `MentionFeatures`; storage decides what to do with the scores. Names
are folded (case, accents, punctuation), stripped of honorifics, and each word mapped to
a canonical spelling from `data/name_variants.jsonl` (Mohammed -> muhammad, Dmitri ->
dmitry), so word order and transliteration do not matter. Initials ("DAS", "D.A.
Sokolov") are compared against the initials of full names. Names only nominate a pair;
nationality, passport numbers and age confirm or refute it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from extractors.annotations import fold_name, is_initials
from models.records import Fact, FactKind, MatchScore, MentionFeatures

VARIANTS_PATH = Path(__file__).parent / "data" / "name_variants.jsonl"
HONORIFICS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mister",
        "madam",
        "tn",
        "ny",
        "nn",
        "nona",
        "sdr",
        "sdri",
        "tuan",
        "nyonya",
        "bapak",
        "ibu",
        "bpk",
        "dr",
        "prof",
        "haji",
        "hj",
    ]
)
ALIAS_WORDS = re.compile(r"\b(?:alias|als|a\.k\.a\.?|aka|alias\.)\s+", re.IGNORECASE)
# Gendered surname endings (Sokolov / Sokolova): a different person, not a typo.
GENDERED = re.compile(r"(?:ov|ev|in|sky|ski|ko)$")
HIGH = 0.85  # at or above: merged without asking
LOW = 0.5  # at or above (and below HIGH): an investigator decides
KEY_CHARS = 128
# Letters that Unicode decomposition leaves alone but writers transliterate.
LETTERS = str.maketrans(
    {
        "ı": "i",
        "İ": "I",
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "æ": "ae",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
    }
)


@lru_cache(maxsize=1)
def load_variants() -> dict[str, str]:
    """Every known spelling of a name word mapped to its canonical spelling."""
    table: dict[str, str] = {}
    for line in VARIANTS_PATH.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            for variant in [row["canonical"], *row["variants"]]:
                table.setdefault(fold_name(variant), row["canonical"])
    return table


def split_aliases(name: str) -> list[str]:
    """'Ali Reza alias Bobby' -> ['Ali Reza', 'Bobby']."""
    return [part.strip(" ,") for part in ALIAS_WORDS.split(name) if part.strip(" ,")]


def name_tokens(name: str) -> list[str]:
    """Folded, honorific-free, canonical name words in written order."""
    variants = load_variants()
    words = fold_name(name.translate(LETTERS).replace(".", ". ")).split()
    while len(words) > 1 and words[0] in HONORIFICS:
        words = words[1:]
    return [variants.get(word, word) for word in words]


def initials_of(name: str) -> str | None:
    """The letters of a name written as initials ('D.A.S.' -> 'das'), else None."""
    compact = re.sub(r"[\s.]", "", name)
    if is_initials(name) or (is_initials(compact) and "." in name):
        return compact.casefold()
    return None


def mention_key(name: str) -> str:
    """The key a mention keeps across re-extraction: its folded name."""
    letters = initials_of(name)
    key = letters.upper() if letters else fold_name(name)
    return key[:KEY_CHARS]


def name_similarity(a: str, b: str) -> tuple[float, str]:
    """How alike two names are, 0..1, with the reason."""
    ia, ib = initials_of(a), initials_of(b)
    if ia and ib:
        return (0.5, "same initials") if ia == ib else (0.0, "different initials")
    if ia or ib:
        letters, full = (ia, b) if ia else (ib, a)
        return _initials_against(letters or "", name_tokens(full))
    return _tokens_similarity(name_tokens(a), name_tokens(b))


def _initials_against(letters: str, tokens: list[str]) -> tuple[float, str]:
    heads = "".join(token[0] for token in tokens)
    if letters == heads:
        return 0.6, "initials match the full name"
    if sorted(letters) == sorted(heads):
        return 0.55, "initials match the full name in another word order"
    if _is_subsequence(letters, heads) and len(letters) >= 2:
        return 0.4, "initials match part of the full name"
    return 0.0, "initials do not match the name"


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)


def _tokens_similarity(a: list[str], b: list[str]) -> tuple[float, str]:
    if not a or not b:
        return 0.0, "no name"
    if sorted(a) == sorted(b):
        if len(a) == 1:
            return 0.7, "same single name word"
        return 1.0, "same name" if a == b else "same name in another word order"
    if "".join(a) == "".join(b) or "".join(sorted(a)) == "".join(sorted(b)):
        return 0.95, "same name written with other word breaks"
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    scores = _align(short, long)
    if min(scores) == 0.0:
        return round(0.45 * sum(scores) / len(long), 3), "some name words differ"
    value = sum(scores) / len(short) - 0.05 * (len(long) - len(short))
    if len(short) == 1:
        return round(min(value, 0.6), 3), "one name word shared"
    if any(len(token) == 1 for token in short + long):
        return round(min(value, 0.8), 3), "name with abbreviated words"
    if min(scores) < 1.0:
        return round(min(value, 0.7), 3), "name spelled slightly differently"
    if {long[0], long[-1]} <= set(short):
        return round(value, 3), "same first and last name, a middle name omitted"
    return round(min(value, 0.65), 3), "part of the name, without its first or last word"


def _align(short: list[str], long: list[str]) -> list[float]:
    """Best score of each word of `short` against an unused word of `long`."""
    unused = list(long)
    scores = []
    for token in sorted(short, key=len, reverse=True):
        best, best_i = 0.0, -1
        for i, other in enumerate(unused):
            score = _token_score(token, other)
            if score > best:
                best, best_i = score, i
        if best_i >= 0:
            unused.pop(best_i)
        scores.append(best)
    return scores


def _token_score(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if len(a) == 1 or len(b) == 1:
        return 0.7 if a[0] == b[0] else 0.0
    if _gendered_pair(a, b):
        return 0.0
    ratio = SequenceMatcher(None, a, b).ratio()
    return round(ratio * 0.9, 3) if ratio >= 0.9 and a[0] == b[0] else 0.0


def _gendered_pair(a: str, b: str) -> bool:
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return long == short + "a" and bool(GENDERED.search(short))


def best_name_similarity(a: MentionFeatures, b: MentionFeatures) -> tuple[float, str]:
    """The best similarity over the names and aliases of two mentions."""
    best = (0.0, "names differ")
    for name_a in _all_names(a):
        for name_b in _all_names(b):
            found = name_similarity(name_a, name_b)
            if found[0] > best[0]:
                best = found
    return best


def _all_names(mention: MentionFeatures) -> list[str]:
    return [part for name in [mention.name, *mention.aliases] for part in split_aliases(name)]


def passport_format(number: str) -> str:
    """'EH5528190' -> 'AA9999999': numbers of one issuing format share it."""
    return re.sub(r"\d", "9", re.sub(r"[A-Z]", "A", number.upper()))


def score_pair(a: MentionFeatures, b: MentionFeatures) -> MatchScore:
    """How likely `a` and `b` name the same person, with the reasons."""
    value, reason = best_name_similarity(a, b)
    reasons = [f"name {value:.2f}: {reason}"]
    value += _support(a, b, reasons)
    value = _apply_passports(a, b, value, reasons)
    if a.nationality and b.nationality and a.nationality != b.nationality:
        value = min(value * 0.3, 0.3)
        reasons.append(f"nationality differs ({a.nationality} / {b.nationality})")
    return MatchScore(value=round(max(0.0, min(1.0, value)), 3), reasons=reasons)


def _support(a: MentionFeatures, b: MentionFeatures, reasons: list[str]) -> float:
    support = 0.0
    if a.nationality and a.nationality == b.nationality:
        support += 0.05
        reasons.append(f"same nationality ({a.nationality})")
    if a.age is not None and b.age is not None:
        shift = (a.year - b.year) if a.year and b.year else 0
        gap = abs((a.age - b.age) - shift)
        if gap <= 1:
            support += 0.1
            reasons.append(f"ages agree ({a.age} / {b.age})")
        else:
            support -= 0.3 if gap <= 3 else 1.0
            reasons.append(f"ages disagree ({a.age} / {b.age})")
    shared = set(a.place_codes) & set(b.place_codes)
    if shared:
        support += 0.05
        reasons.append("same places (" + ", ".join(sorted(shared)[:3]) + ")")
    return support


def _apply_passports(
    a: MentionFeatures, b: MentionFeatures, value: float, reasons: list[str]
) -> float:
    pa = {p.upper() for p in a.passports}
    pb = {p.upper() for p in b.passports}
    if pa & pb:
        reasons.append("same passport/permit number (" + ", ".join(sorted(pa & pb)) + ")")
        return value + 0.4 if value >= 0.3 else value + 0.3
    formats = {passport_format(p) for p in pa} & {passport_format(p) for p in pb}
    if formats:
        reasons.append("different passport numbers of the same format")
        return min(value, 0.15)
    return value


def blocking_keys(mention: MentionFeatures) -> set[str]:
    """Index keys: two mentions that may be one person share at least one."""
    keys = {"p:" + p.upper() for p in mention.passports}
    for name in _all_names(mention):
        letters = initials_of(name)
        if letters:
            keys.add("i:" + "".join(sorted(letters)))
            continue
        tokens = name_tokens(name)
        keys.update("n:" + token[:4] for token in tokens if len(token) > 1)
        if len(tokens) > 1:
            keys.add("i:" + "".join(sorted(token[0] for token in tokens)))
    return keys


# --- mentions of one document --------------------------------------------------


@dataclass
class MentionDraft:
    """One named foreign national in one document, gathered from its facts."""

    key: str
    name: str
    name_kind: str
    aliases: list[str] = field(default_factory=list)
    nationality: str | None = None
    passports: list[str] = field(default_factory=list)
    age: int | None = None
    sex: str | None = None
    place_codes: list[str] = field(default_factory=list)
    incidents: list[str] = field(default_factory=list)
    fact_indexes: list[int] = field(default_factory=list)


def gather_mentions(facts: Sequence[Fact]) -> list[MentionDraft]:
    """The named foreign nationals of one document; a shorter later form joins the fuller."""
    drafts: list[MentionDraft] = []
    for index, fact in enumerate(facts):
        if fact.kind != FactKind.FOREIGN_NATIONAL or not fact.value:
            continue
        draft = _find_draft(drafts, fact.value)
        if draft is None:
            draft = MentionDraft(key="", name=fact.value, name_kind=_name_kind(fact.value))
            drafts.append(draft)
        _add_fact(draft, index, fact)
    places = _sentence_places(facts)
    for draft in drafts:
        draft.key = mention_key(draft.name)
        sentences = {facts[i].sentence for i in draft.fact_indexes}
        draft.place_codes = sorted({code for s in sentences for code in places.get(s, ())})
    return drafts


def _name_kind(name: str) -> str:
    return "initials" if initials_of(name) else "full"


def _find_draft(drafts: list[MentionDraft], name: str) -> MentionDraft | None:
    key = mention_key(name)
    for draft in drafts:
        names = [draft.name, *draft.aliases]
        if any(mention_key(n) == key for n in names):
            return draft
        if not initials_of(name) and any(
            _sub_name(name, n) or _sub_name(n, name) or _same_words(name, n) for n in names
        ):
            return draft
    return None


def _same_words(first: str, second: str) -> bool:
    """The same words in another order ("Guoliang Chen" on a passport, "Chen Guoliang")."""
    if initials_of(first) or initials_of(second):
        return False
    words = set(name_tokens(first))
    return len(words) > 1 and words == set(name_tokens(second))


def _sub_name(short: str, long: str) -> bool:
    if initials_of(short) or initials_of(long):
        return False
    words = set(name_tokens(short))
    return bool(words) and words < set(name_tokens(long))


def _add_fact(draft: MentionDraft, index: int, fact: Fact) -> None:
    attributes = fact.attributes
    name = fact.value or ""
    if _sub_name(draft.name, name):
        draft.aliases.append(draft.name)
        draft.name, draft.name_kind = name, _name_kind(name)
    elif name != draft.name and name not in draft.aliases:
        draft.aliases.append(name)
    draft.aliases = [a for a in dict.fromkeys(draft.aliases) if a != draft.name]
    draft.nationality = draft.nationality or attributes.get("nationality")
    if attributes.get("passport") and attributes["passport"] not in draft.passports:
        draft.passports.append(str(attributes["passport"]))
    if draft.age is None and isinstance(attributes.get("age"), int):
        draft.age = attributes["age"]
    draft.sex = draft.sex or attributes.get("sex")
    draft.incidents = sorted(set(draft.incidents) | set(attributes.get("incidents") or []))
    draft.fact_indexes.append(index)


def _sentence_places(facts: Iterable[Fact]) -> dict[str, set[str]]:
    """Region codes stated in each sentence."""
    places: dict[str, set[str]] = {}
    for fact in facts:
        if (
            fact.kind == FactKind.LOCATION
            and fact.value
            and fact.attributes.get("level")
            not in (
                None,
                "place",
            )
        ):
            places.setdefault(fact.sentence, set()).add(fact.value)
    return places
