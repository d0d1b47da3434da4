"""Counted groups of foreigners and per-country figures, with the value of number words.

- Groups: a count and a foreigner noun ("tiga WNA asal Vietnam", "12 orang warga negara
  Bangladesh", "puluhan WNA" with no count); a weak group noun ("orang", "warga") counts only
  when a citizenship cue and its country follow.
- Statistics: a country with a figure after it ("Malaysia sebanyak 11 orang", "Tiongkok (5
  orang)") or before it ("tiga dari Malaysia", "1 asal Kenya"); the country is the nationality.

Number words combine as ``data/numbers_id.jsonl`` says ("dua puluh tiga" is 23).
"""

from __future__ import annotations

import re

from extractors.nlp.people.context import Context
from extractors.nlp.people.types import Candidate


def parse_number(words: list[str], table: dict[str, dict]) -> int | None:
    """Value of Indonesian number words ("dua puluh tiga" -> 23) or digits."""
    if len(words) == 1 and re.fullmatch(r"\d{1,3}(?:\.\d{3})+|\d+", words[0]):
        return int(words[0].replace(".", ""))
    total = chunk = last = 0
    for word in words:
        entry = table.get(word.lower())
        if entry is None:
            return None
        op, value = entry["op"], entry["value"]
        if op == "unit":
            chunk, last = chunk + last, value
        elif op == "flat" or op == "teen":
            chunk, last = chunk + last + value, 0
        elif op == "multiply":
            chunk, last = chunk + max(last, 1) * value, 0
        elif op == "thousand":
            total, chunk, last = total + (chunk + max(last, 1)) * value, 0, 0
        elif op == "thousand_flat":
            total, chunk, last = total + value, 0, 0
    return total + chunk + last


def from_groups(ctx: Context) -> list[Candidate]:
    """Counted groups: "tiga WNA asal Vietnam", "12 orang warga negara Bangladesh"."""
    found = []
    for m in ctx.cues.group.finditer(ctx.text):
        if m.group("weak") and not country_follows(ctx, m.end()):
            continue
        count = None if m.group("vague") else count_of(ctx, m.group("count"))
        cue = m.group("noun") or m.group("weak")
        found.append(
            Candidate(m.start("count"), m.end(), "group", "foreign_national", None, cue, count)
        )
    return found


def count_of(ctx: Context, words: str) -> int | None:
    """The number a count phrase states."""
    return parse_number(words.split(), ctx.cues.numbers)


def country_follows(ctx: Context, pos: int) -> bool:
    """True when a citizenship cue and its country follow within a few words."""
    return any(
        0 <= c.start - pos <= 30 and c.status in ("cued", "suspected") for c in ctx.countries
    )


def from_statistics(ctx: Context) -> list[Candidate]:
    """Per-country figures: "Malaysia sebanyak 11 orang", "Tiongkok (5 orang)"."""
    found = []
    for c in ctx.countries:
        if c.code == "ID" or c.status == "blocked":
            continue
        m = ctx.cues.statistic.match(ctx.text, c.end)
        if m:
            count = count_of(ctx, m.group("count") or m.group("count2"))
            start, end = c.start, m.end()
        elif before := ctx.cues.count_from.search(ctx.text, max(0, c.start - 40), c.start):
            # "tiga dari Malaysia", "1 asal Kenya"
            count = count_of(ctx, before.group("count"))
            start, end = before.start(), c.end
        else:
            continue
        if count is not None:
            cand = Candidate(start, end, "statistic", "foreign_national", None, "", count)
            cand.nationality, cand.evidence = c.code, ctx.text[start:end]
            found.append(cand)
    return found
