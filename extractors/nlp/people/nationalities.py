"""Document-level nationalities of foreigners: ``doc._.nationalities``.

A country counts when the text states it as the citizenship of foreigners: after a cue
("WNA asal X", "warga negara X"), in a statistic ("X sebanyak 11 orang", "X (5)"), as a
member of a list of such countries ("Negara Tiongkok, Yaman dan India" after a foreigner noun,
"Belgia, Jepang serta Turki masing-masing satu orang"), or as the nationality of a foreigner
span. Passport issuers, flags, destinations, transit countries and places people only lived
or worked in are blocked by their cue and do not count, nor do suspected nationalities.

Lists of several such countries are also where no person is named (``statistic_spans``), and
when the document has one nationality only, a named foreigner without a cue of their own takes
it, unless the text doubts a nationality (``apply_only_nationality``).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from extractors.nlp.people.cues import Cues
from extractors.nlp.people.types import Candidate, Country

Doc.set_extension("nationalities", default=[], force=True)

MAX_RUN_GAP = 60  # characters between two countries of one list
STAT = (
    r"(?:\([ \t]*\d{1,5}[^()\n]{0,12}\)"
    r"|(?:sebanyak|berjumlah|dengan[ \t]+jumlah)?[ \t]*\d{1,5}[ \t]*(?:orang|jiwa|WNA)\b)"
)
SEP = r"[ \t]*+(?:,|;|/|&|\bdan\b|\bserta\b)[ \t]*+(?:(?:dan|serta)[ \t]++)?"
# A country-like item with a count that the gazetteer does not know (a misspelling).
UNKNOWN_ITEM = r"[A-Z][\w-]*(?:[ \t]+[A-Z][\w-]*){0,2}[ \t]*\([ \t]*\d{1,5}[^()\n]{0,12}\)"
RUN_GAP = re.compile(rf"(?i:[ \t]*{STAT})?{SEP}(?:{UNKNOWN_ITEM}{SEP})?")
EACH_AFTER = re.compile(
    r"[ \t]*+,?[ \t]*+(?i:masing-masing|masing2|tiap)[ \t]++\S++[ \t]++(?i:orang|jiwa)"
)
LIST_LEAD = re.compile(
    r"(?i:\bnegara)[ \t]*(?:(?:antara[ \t]+lain|yaitu|yakni|di[ \t]*antaranya|seperti)"
    r"[ \t]*[:;,]?)?[\s:;,-]*\Z"
)
FOREIGN_NOUN_REACH = 300  # characters before a "Negara X, Y" list that may hold a foreigner noun


def country_runs(text: str, countries: list[Country]) -> list[list[Country]]:
    """Countries written one after another as a list (a single country is a run of one)."""
    runs: list[list[Country]] = []
    for country in countries:
        if runs:
            last = runs[-1][-1]
            gap = country.start - last.end
            if 0 <= gap <= MAX_RUN_GAP and RUN_GAP.fullmatch(text, last.end, country.start):
                runs[-1].append(country)
                continue
        runs.append([country])
    return runs


def run_is_citizenship(text: str, cues: Cues, run: list[Country]) -> bool:
    """True when a list of countries names foreigners' citizenships."""
    if run[0].status == "blocked":
        return False
    if any(c.status == "cued" for c in run):
        return True
    if any(cues.statistic.match(text, c.end) for c in run):
        return True
    if EACH_AFTER.match(text, run[-1].end):
        return True
    if len(run) > 1 and LIST_LEAD.search(text, max(0, run[0].start - 40), run[0].start):
        lo = max(0, run[0].start - FOREIGN_NOUN_REACH)
        return cues.foreign_noun_any.search(text, lo, run[0].start) is not None
    return False


def statistic_spans(text: str, cues: Cues, countries: list[Country]) -> list[tuple[int, int]]:
    """Character ranges of country lists with counts: no person is named inside them."""
    spans = []
    for run in country_runs(text, countries):
        if len(run) > 1 and run_is_citizenship(text, cues, run):
            spans.append((run[0].start, run[-1].end))
    return spans


def document_nationalities(
    text: str, cues: Cues, countries: list[Country], foreign_codes: set[str]
) -> list[str]:
    """Sorted ISO codes of every citizenship the text attributes to foreigners."""
    codes = set(foreign_codes)
    for run in country_runs(text, countries):
        if run_is_citizenship(text, cues, run):
            codes.update(c.code for c in run if c.status not in ("blocked", "suspected"))
    codes.discard("ID")
    return sorted(codes)


def apply_only_nationality(
    text: str, cues: Cues, countries: list[Country], kept: list[Candidate], codes: list[str]
) -> None:
    """A named foreigner without a cue takes the document's only nationality.

    Not done when the text doubts any nationality ("diduga", "belum diketahui").
    """
    if len(codes) != 1 or any(c.status == "suspected" for c in countries):
        return
    if cues.nationality_doubt.search(text):
        return
    for cand in kept:
        if cand.role != "foreign_national" or cand.source in ("group", "statistic"):
            continue
        if cand.nationality is None and not cand.doubt:
            cand.nationality = codes[0]


def foreign_codes(kept: list[Candidate]) -> set[str]:
    """Nationalities of the foreigner candidates."""
    return {c.nationality for c in kept if c.role == "foreign_national" and c.nationality}
