"""What each country mention says about citizenship, from the words right before it.

Reads ``doc.spans["country"]`` (``pantau_nationality``). A country is

- ``cued``: a nationality cue or foreigner noun ends right before it ("WNA asal X", "warga
  negara X"), or it stands in apposition after a name ("Ali (30), X");
- ``suspected``: the cue is doubted ("diduga warga negara X");
- ``blocked``: a cue makes it something else than a citizenship (a passport issuer, a
  destination, a transit country);
- ``plain``: none of these. A country chained to a cued or suspected one by "dan", "serta",
  a comma or a slash shares its status.
"""

from __future__ import annotations

from spacy.tokens import Doc

from extractors.nlp.people.cues import Cues
from extractors.nlp.people.scopes import Sentences
from extractors.nlp.people.types import Country


def read_countries(doc: Doc, cues: Cues, sentences: Sentences) -> list[Country]:
    """Country spans with their citizenship status."""
    text = doc.text  # built from the tokens on every access
    out: list[Country] = []
    for span in doc.spans.get("country", []):
        start, end = span.start_char, span.end_char
        out.append(country_status(text, cues, sentences, start, end, span._.country, out))
    return out


def country_status(
    text: str,
    cues: Cues,
    sentences: Sentences,
    start: int,
    end: int,
    code: str,
    earlier: list[Country],
) -> Country:
    """Decide whether a country names a citizenship from the words before it."""
    sent_start = sentences.scope(start)[0]
    before = text[max(sent_start, start - 60) : start]
    blocked = cues.block_end.search(before)
    if blocked:
        return Country(start, end, code, "blocked", blocked.group("cue"), start)
    cued = cues.cue_end.search(before)
    if cued:
        cue_start = start - len(before) + cued.start()
        doubt = cues.suspect.search(before, max(0, cued.start() - 30), cued.start())
        if doubt:
            return Country(start, end, code, "suspected", doubt.group("cue"), cue_start)
        return Country(start, end, code, "cued", cued.group("cue").strip(), cue_start)
    if cues.apposition_end.search(before):
        return Country(start, end, code, "cued", "apposition", start)
    if cues.chain_end.search(before) and earlier:
        prev = earlier[-1]
        if prev.status in ("cued", "suspected") and 0 <= start - prev.end <= 12:
            return Country(start, end, code, prev.status, prev.cue, start)
    return Country(start, end, code, "plain", "", start)
