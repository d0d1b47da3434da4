"""Compare annotations with gold annotations: precision, recall and F1 per field and label.

Both sides are in the annotation schema (`extractors.annotations`). Figures are
micro-averaged over documents on per-document sets, following the gold conventions:

- foreigner_pair: (name, nationality) of named foreigners; initials match exactly and
  case-sensitively, full names after folding case, accents, punctuation and spacing;
  a trailing age ("(35)", ", 27") is ignored; gold aliases match. foreigner_name drops
  the nationality.
- nationality: the document's set of ISO codes; incident: its set of labels (and per label);
  official: official names (gold other persons are neutral); event_date: ISO dates.
- location: place names without leading Kabupaten/Kota/Desa/...; gold aliases match; a
  predicted place is neutral when the gold ignores it, when it is "Indonesia", or when it
  stands as whole words inside a gold organisation or gold place name.
- official_as_foreigner: predicted foreigner names that are a gold official or other person
  (or all of whose words are in one). The gold gives 0.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractors.annotations import fold_name, is_initials
from extractors.nlp.incidents import LABELS
from models.errors import ConfigError

FIELDS = (
    "foreigner_pair",
    "foreigner_name",
    "nationality",
    "location",
    "incident",
    "official",
    "event_date",
)
AGE_SUFFIX = re.compile(r"\s*\((?:\d+[^)]*|[^)]*tahun[^)]*)\)\s*$|,\s*\d+\s*(?:th|tahun)?\.?\s*$")
PLACE_PREFIX = re.compile(
    r"^(?:kabupaten|kab|kota|provinsi|prov|kecamatan|kec|desa|kelurahan|kel|kampung|distrik|"
    r"daerah|wilayah|kawasan)\s+"
)
NOT_PLACES = frozenset({"indonesia", "republik indonesia", "ri", "nkri"})


@dataclass
class Score:
    """True positives, false positives and false negatives of one field."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set[Any], predicted: set[Any]) -> None:
        self.tp += len(gold & predicted)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float(self.fn == 0)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Evaluation:
    """Scores over a set of documents, plus each document's errors."""

    documents: int = 0
    predicted: int = 0
    fields: dict[str, Score] = field(default_factory=lambda: {f: Score() for f in FIELDS})
    labels: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in LABELS})
    official_as_foreigner: int = 0
    errors: dict[str, dict[str, Any]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "predicted": self.predicted,
            "fields": {name: s.as_dict() for name, s in self.fields.items()},
            "incident_labels": {name: s.as_dict() for name, s in self.labels.items()},
            "official_as_foreigner": self.official_as_foreigner,
            "errors": self.errors,
        }


def name_key(name: str) -> str:
    """The comparison key of a person's name (initials exact, full names folded)."""
    cleaned = AGE_SUFFIX.sub("", name.strip()).strip()
    if is_initials(cleaned):
        return "I:" + cleaned
    return "N:" + fold_name(cleaned)


def place_key(name: str) -> str:
    """A place name folded, without its administrative prefix words."""
    key = fold_name(name)
    previous = None
    while previous != key:
        previous, key = key, PLACE_PREFIX.sub("", key)
    return key


def country_key(code: Any) -> str | None:
    return str(code).strip().upper() if code else None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _whole_words_in(needle: str, haystack: str) -> bool:
    return bool(needle) and f" {needle} " in f" {haystack} "


def evaluate(
    gold: Mapping[str, Mapping[str, Any]], predicted: Mapping[str, Mapping[str, Any]]
) -> Evaluation:
    """Score `predicted` against `gold` (both keyed by document id); a missing one is empty."""
    result = Evaluation(documents=len(gold))
    for doc_id in sorted(gold):
        prediction = predicted.get(doc_id)
        result.predicted += prediction is not None
        _evaluate_document(result, doc_id, gold[doc_id], prediction or {})
    return result


def evaluate_by_kind(
    gold: Mapping[str, Mapping[str, Any]], predicted: Mapping[str, Mapping[str, Any]]
) -> dict[str, Evaluation]:
    """Scores per document kind: the gold file's ``kind``, else the prediction's, else
    ``unknown`` (letters, minutes and news read differently, so each gets its own line)."""
    groups: dict[str, list[str]] = {}
    for doc_id in gold:
        kind = gold[doc_id].get("kind") or (predicted.get(doc_id) or {}).get("kind")
        groups.setdefault(str(kind or "unknown"), []).append(doc_id)
    return {
        kind: evaluate({d: gold[d] for d in ids}, {d: predicted[d] for d in ids if d in predicted})
        for kind, ids in sorted(groups.items())
    }


def format_kinds(by_kind: Mapping[str, Evaluation]) -> list[str]:
    """One aligned line per kind: documents and the F1 of the core fields."""
    fields = ("foreigner_pair", "nationality", "location", "incident", "official")
    header = f"{'kind':14}{'docs':>5}" + "".join(f"{name[:12]:>13}" for name in fields)
    lines = [header + f"{'off.as.for.':>12}"]
    for kind, result in by_kind.items():
        scores = "".join(f"{result.fields[name].f1:13.3f}" for name in fields)
        lines.append(f"{kind[:14]:14}{result.documents:5}{scores}{result.official_as_foreigner:12}")
    return lines


def _evaluate_document(
    result: Evaluation, doc_id: str, gold: Mapping[str, Any], pred: Mapping[str, Any]
) -> None:
    errors: dict[str, Any] = {}
    pairs = _foreigner_sets(gold, pred)
    for name, (g, p) in pairs.items():
        _add(result, errors, name, g, p)
    _add(result, errors, "nationality", *_code_sets(gold, pred, "nationalities"))
    _add(result, errors, "location", *_location_sets(gold, pred))
    g_inc = {x for x in _as_list(gold.get("incidents")) if x in LABELS}
    p_inc = {x for x in _as_list(pred.get("incidents")) if x in LABELS}
    _add(result, errors, "incident", g_inc, p_inc)
    for label in LABELS:
        result.labels[label].add({label} & g_inc, {label} & p_inc)
    neutral = {fold_name(n) for n in _as_list(gold.get("other_persons")) if isinstance(n, str)}
    g_off = {fold_name(n) for n in _as_list(gold.get("officials")) if isinstance(n, str)}
    p_off = {fold_name(n) for n in _as_list(pred.get("officials")) if isinstance(n, str)}
    _add(result, errors, "official", g_off, p_off - (neutral - g_off))
    dates = {d for d in _as_list(gold.get("event_dates")) if isinstance(d, str)}
    _add(result, errors, "event_date", dates, set(_as_list(pred.get("event_dates"))))
    wrong = officials_as_foreigners(gold, pred)
    result.official_as_foreigner += len(wrong)
    if wrong:
        errors["official_as_foreigner"] = wrong
    if errors:
        result.errors[doc_id] = errors


def _add(
    result: Evaluation, errors: dict[str, Any], name: str, gold: set[Any], pred: set[Any]
) -> None:
    result.fields[name].add(gold, pred)
    missed, spurious = sorted(gold - pred, key=str), sorted(pred - gold, key=str)
    if missed or spurious:
        errors[name] = {"missed": missed, "spurious": spurious}


def _foreigner_sets(
    gold: Mapping[str, Any], pred: Mapping[str, Any]
) -> dict[str, tuple[set[Any], set[Any]]]:
    canonical: dict[str, str] = {}
    gold_pairs: set[tuple[str, str | None]] = set()
    for entry in _as_list(gold.get("foreigners")):
        if not isinstance(entry, dict) or not entry.get("name"):
            continue
        key = name_key(entry["name"])
        gold_pairs.add((key, country_key(entry.get("nationality"))))
        for alias in [entry["name"], *_as_list(entry.get("aliases"))]:
            canonical[name_key(str(alias))] = key
    pred_pairs = set()
    for entry in _as_list(pred.get("foreigners")):
        if isinstance(entry, dict) and entry.get("name"):
            key = name_key(str(entry["name"]))
            pred_pairs.add((canonical.get(key, key), country_key(entry.get("nationality"))))
    return {
        "foreigner_pair": (gold_pairs, pred_pairs),
        "foreigner_name": ({k for k, _ in gold_pairs}, {k for k, _ in pred_pairs}),
    }


def _code_sets(
    gold: Mapping[str, Any], pred: Mapping[str, Any], key: str
) -> tuple[set[Any], set[Any]]:
    return (
        {country_key(c) for c in _as_list(gold.get(key)) if c},
        {country_key(c) for c in _as_list(pred.get(key)) if c},
    )


def _location_sets(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> tuple[set[str], set[str]]:
    canonical: dict[str, str] = {}
    for entry in _as_list(gold.get("locations")):
        if not isinstance(entry, dict) or not entry.get("text"):
            continue
        key = place_key(entry["text"])
        for alias in [entry["text"], *_as_list(entry.get("aliases"))]:
            canonical[place_key(str(alias))] = key
    ignored = {place_key(str(x)) for x in _as_list(gold.get("locations_ignore"))}
    containers = [place_key(str(o)) for o in _as_list(gold.get("organizations"))]
    containers += list(canonical)
    predicted = set()
    for entry in _as_list(pred.get("locations")):
        text = entry.get("text") if isinstance(entry, dict) else entry
        if not text:
            continue
        key = place_key(str(text))
        if key in canonical:
            predicted.add(canonical[key])
        elif not (
            key in ignored or key in NOT_PLACES or any(_whole_words_in(key, c) for c in containers)
        ):
            predicted.add(key)
    return set(canonical.values()), predicted


def officials_as_foreigners(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> list[str]:
    """Predicted foreigner names that belong to a gold official or other person."""
    people = [
        fold_name(str(n))
        for n in _as_list(gold.get("officials")) + _as_list(gold.get("other_persons"))
    ]
    wrong = []
    for entry in _as_list(pred.get("foreigners")):
        if not isinstance(entry, dict) or not entry.get("name"):
            continue
        words = fold_name(AGE_SUFFIX.sub("", str(entry["name"]))).split()
        if words and any(set(words) <= set(person.split()) for person in people):
            wrong.append(str(entry["name"]))
    return wrong


def read_annotations(folder: Path) -> dict[str, dict[str, Any]]:
    """Every `*.json` annotation in `folder`, keyed by file stem."""
    if not folder.is_dir():
        raise ConfigError(f"{folder}: not a folder of annotation JSON files.")
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ConfigError(f"{path}: not a readable annotation file ({e}).") from e
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: an annotation file holds one JSON object.")
        found[path.stem] = data
    if not found:
        raise ConfigError(f"{folder}: holds no *.json annotation files.")
    return found


def format_table(rows: Iterable[tuple[str, Score]]) -> list[str]:
    """Aligned text lines: name, precision, recall, F1 and counts."""
    lines = [f"{'':24}{'P':>7}{'R':>7}{'F1':>7}{'TP':>6}{'FP':>6}{'FN':>6}"]
    for name, s in rows:
        lines.append(
            f"{name:24}{s.precision:7.3f}{s.recall:7.3f}{s.f1:7.3f}{s.tp:6}{s.fp:6}{s.fn:6}"
        )
    return lines
