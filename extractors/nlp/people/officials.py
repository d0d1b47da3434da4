"""Officials and other people named by their function: titles, ranks, signatures, bylines.

- After a title: "Kepala Kantor Imigrasi Mataram, Rudi Hartono" (the name behind a comma or a
  rank, or closing the title after its last place, agency or unit word: "Kepala Seksi
  Inteldakim A B hadir", "Kasi Wasdakim A B mengatakan"); after an officers' group noun
  (``staff_noun`` in the cue data, never read after a name as a title is), every name listed
  in apposition to it ("petugas Kantor Imigrasi Batam, A dan B, memeriksa"), and after a
  title closed by a name the names listed after it ("Kasi Wasdakim A dan B memimpin"), but
  not one with a citizenship of its own; "A dan Kasi Inteldakim B" holds two titles; a title
  in an association, a company or a union makes the person ``other``, and words after a title
  that are a place are no name ("Camat Simpang Tiga").
- After a rank: "AKBP Heru Prasetyo" (not a street named after one, "Jl. Jenderal Sudirman").
- Signatories: the name line above an NIP or NRP line, with the title above it.
- Before a title, in apposition: "Rudi Hartono, Kepala Seksi ..." (not a dateline in capitals).
- Bylines: "Pewarta: Ahmad Subaidi" (``other``).
- A list item naming a person and the government agency they stand for, as in a minutes'
  participant list: "3. Nurhayati, Dinas Tenaga Kerja Kota Pekanbaru", or their NIP or NRP,
  as in an assignment letter: "1. Muhammad Rizki Pratama, Penata Muda (III/b), NIP ...".
"""

from __future__ import annotations

import re

from extractors.nlp.people.context import Context
from extractors.nlp.people.named import APPOSITIVE_CLOSE, APPOSITIVE_JOIN, follow_list
from extractors.nlp.people.names import (
    head_name,
    is_name_word,
    tail_name,
    trim,
    verb_in_capitals,
)
from extractors.nlp.people.types import Candidate

MAX_TAIL_WORDS = 16
# "Ekonomi, Sosial dan Budaya": a comma inside an agency name, not a name after a title.
AGENCY_LIST = re.compile(r"[ \t]+(?:dan|serta|&)[ \t]+[A-Z]")
# What may follow a name that stands right after its title: punctuation or a line end, and
# after a title that names its unit ("Kasi Inteldakim A B mengatakan") a lower-case word.
NAME_PUNCTUATION = re.compile(r"[ \t]*(?:[:,;.)]|\n|$)")
NAME_CLOSER = re.compile(rf"{NAME_PUNCTUATION.pattern}|[ \t]+[a-z]")
_TITLE_TEXT = re.compile(r"[^,.;\n]*")
# A numbered or lettered item, maybe right after a form label ("Kepada  : 1. ...").
LIST_ITEM = re.compile(
    r"^[ \t]*(?:[A-Z][\w ]{0,24}?[ \t]*:[ \t]*)?(?:\d{1,2}|[a-z])[.)][ \t]+", re.M
)
STAFF_NUMBER = re.compile(r"\b(?:NIP|NRP)\.?[ \t]*:?[ \t]*\d{8}")
BLANK_OR_ITEM = re.compile(r"\n[ \t]*(?:\n|(?:\d{1,2}|[a-z])[.)][ \t])")
ITEM_WRAP = 160  # characters an item may run on past its first line
NAME_THEN_COMMA = re.compile(r"[ \t]*,")
AGENCY_JOINT = re.compile(r"[ \t]*[,(]?[ \t]*")  # a name's end may hold its comma
# Organisation kinds (data/organisations.jsonl) whose members are officials.
AGENCY_KINDS = frozenset(
    {"immigration", "police", "military", "regional_government", "intelligence", "manpower",
     "customs", "prosecutor"}
)  # fmt: skip


def from_titles(ctx: Context) -> list[Candidate]:
    """Officials after a title or an officers' group noun: "Kepala Kantor Imigrasi Mataram,
    Rudi Hartono", "dua petugas Kantor Imigrasi Batam, Budi Santoso dan Rina Wati,"."""
    cues, text, found = ctx.cues, ctx.text, []
    for m in cues.staff_title.finditer(text):
        pos = m.end()
        tail: list[tuple[int, int, str]] = []
        while len(tail) < MAX_TAIL_WORDS:
            w = cues.tail_word.match(text, pos)
            if not w or ranked_name(ctx, pos) or another_title(ctx, w):
                break
            if verb_in_capitals(w.group("w")):
                break  # "PETUGAS MENDATA WNA ...": the verb ends the title
            tail.append((w.start("w"), w.end("w"), w.group("w")))
            pos = w.end()
        title = " ".join(text[m.start() : pos].split())
        group = " ".join(m.group().lower().split()) in cues.folded["staff_noun"]
        name, rank = name_after_title(ctx, pos, group=group)
        in_tail = False
        if name is None and tail:
            name = name_in_tail(ctx, tail, pos, full_title=name_closing(ctx, m.group()))
            if name:
                title = " ".join(text[m.start() : name[0]].split())
                in_tail = True
        if name and not names_a_place(ctx, title, *name):
            evidence = " ".join([title, rank] if rank else [title])
            role = "other" if private_title(ctx, title) else "official"
            listed = names_listed(ctx, name) if group or in_tail else [name]
            found.append(Candidate(*name, "title", role, title, evidence))
            # after one holder's title ("Kasi Wasdakim A dan B") the others hold their own
            held = title if group else None
            found += [Candidate(*other, "title", role, held, evidence) for other in listed[1:]]
    return found


def name_closing(ctx: Context, title: str) -> str | None:
    """How a title of several words may close a name right after it: "punctuation" after
    one whose last word is a unit noun ("Kepala Seksi Tata Usaha mengatakan" names a unit,
    not a person), "word" (punctuation or a lower-case word) after one that names its unit
    ("Kasi Inteldakim A B mengatakan"); None for a title of one word ("Kapolda")."""
    words = title.lower().split()
    if len(words) < 2:
        return None
    return "punctuation" if words[-1] in ctx.cues.folded["unit_noun"] else "word"


def another_title(ctx: Context, word: re.Match[str]) -> bool:
    """True when the tail word is "dan" or "serta" and another title follows it: "Kepala
    Kantor Imigrasi Ambon A dan Kasi Inteldakim B" holds two titles and two names."""
    if word.group("w").lower() not in ("dan", "serta"):
        return False
    nxt = ctx.cues.tail_word.match(ctx.text, word.end())
    return nxt is not None and ctx.cues.staff_title.match(ctx.text, nxt.start("w")) is not None


def names_listed(ctx: Context, name: tuple[int, int]) -> list[tuple[int, int]]:
    """The name after an officers' group noun or a title and, when they close an apposition
    to it as ``named.appositive_list`` reads one ("Dua petugas Kantor Imigrasi Batam, A dan
    B, memeriksa ..."), the names listed after it, up to one with a citizenship of its own
    ("A dan B, warga negara Tiongkok": B is no officer)."""
    listed = follow_list(ctx, name, "title", "")
    text = ctx.text
    if (
        len(listed) > 1
        and APPOSITIVE_JOIN.search(text, listed[-2].end, listed[-1].start)
        and APPOSITIVE_CLOSE.match(text, listed[-1].end)
    ):
        spans = [(c.start, c.end) for c in listed]
        foreign = next((i for i, (_, e) in enumerate(spans) if own_citizenship(ctx, e)), None)
        return spans if foreign is None else spans[:foreign]
    return [name]


OWN_CUE_GAP = re.compile(r"[ \t]*,?[ \t]*")


def own_citizenship(ctx: Context, end: int) -> bool:
    """True when a citizenship cue follows the name ending at ``end`` (", warga negara X")."""
    gap = OWN_CUE_GAP.match(ctx.text, end)
    return gap is not None and any(
        c.status == "cued" and c.cue != "apposition" and c.cue_start == gap.end()
        for c in ctx.countries
    )


def names_a_place(ctx: Context, title: str, start: int, end: int) -> bool:
    """True when the words after a title are a place, not a name.

    Either a place span covers them ("Camat Simpang Tiga dan ..."), or they follow a
    place word ending the title with no comma between ("Keuchik Gampong Kuala Baru").
    """
    places = ctx.doc.spans.get("place", [])
    if any(p.start_char <= start and end <= p.end_char for p in places):
        return True
    last_words = title.rsplit(",", 1)[-1].lower().split()[-1:]
    return not set(last_words).isdisjoint(ctx.cues.folded["place_prefix"])


def private_title(ctx: Context, title: str) -> bool:
    """A title held in an association, a company or a union ("Ketua Asosiasi ...")."""
    words = {w.strip(".,()").lower() for w in title.split()}
    return not words.isdisjoint(ctx.cues.folded["private_body"])


def ranked_name(ctx: Context, pos: int) -> bool:
    """True when a rank and a valid name start at ``pos`` ("AKBP Heru ...")."""
    m = ctx.cues.rank_then_name.match(ctx.text, pos)
    return m is not None and head_name(ctx, m.start("name"), m.end("name")) is not None


def name_after_title(
    ctx: Context, pos: int, *, group: bool = False
) -> tuple[tuple[int, int] | None, str | None]:
    """A name after a title's agency words: behind a comma or a rank. One joined to the next
    by "dan" ("Ekonomi, Sosial dan Budaya" is an agency's) only after an officers' group noun
    (``group``), when the names close an apposition as ``names_listed`` reads it."""
    cues = ctx.cues
    ranked = cues.rank_then_name.match(ctx.text, pos)
    comma = cues.comma.match(ctx.text, pos)
    if not ranked and comma:
        ranked = cues.rank_then_name.match(ctx.text, comma.end())
        if not ranked:
            m = cues.name_here.match(ctx.text, comma.end())
            name = head_name(ctx, m.start(), m.end()) if m else None
            if name and (
                not AGENCY_LIST.match(ctx.text, name[1])
                or (group and len(names_listed(ctx, name)) > 1)
            ):
                return name, None
            return None, None
    if ranked:
        return head_name(ctx, ranked.start("name"), ranked.end("name")), ranked.group("rank")
    return None, None


def name_in_tail(
    ctx: Context, tail: list[tuple[int, int, str]], pos: int, *, full_title: str | None = None
) -> tuple[int, int] | None:
    """A name closing a title without a comma, after the last place or agency word; when
    the tail lists names ("Kasi Wasdakim A dan B"), the first of them (``names_listed``
    reads the others).

    After an agency word, only tried when places or organisations are known: otherwise
    "Kepala Kantor Imigrasi Mataram mengatakan" would make "Mataram" a person.
    """
    joint = next((i for i, (_, _, w) in enumerate(tail) if w.lower() == "dan"), None)
    if joint and not ctx.text[tail[0][0] : tail[joint - 1][1]].isupper():
        first = name_in_tail(ctx, tail[:joint], tail[joint - 1][1], full_title=full_title)
        if first:
            return first
    run: list[tuple[int, int]] = []
    for ws, we, w in reversed(tail):
        if not w[0].isupper() or not is_name_word(ctx, w, ws, we):
            break
        run.insert(0, (ws, we))
    if not run:
        return None
    if len(run) == len(tail):
        # "Kasi Intelijen Maria Goretti Simanjuntak:", "Kasi Inteldakim A B mengatakan": a
        # title naming its unit, then a full name closed as ``full_title`` says; a bare
        # "Kapolda" or "Ketua" is not enough.
        closer = NAME_CLOSER if full_title == "word" else NAME_PUNCTUATION
        if full_title and len(run) >= 2 and closer.match(ctx.text, run[-1][1]):
            return trim(ctx, (run[0][0], run[-1][1]))
        return None
    before = tail[len(tail) - len(run) - 1]
    if "\n" in ctx.text[before[1] : run[0][0]]:
        return None
    if before[2].endswith(".") and before[2][:-1].isupper() and len(before[2]) > 2:
        return None  # "... Kemenkumham NTB. Mengusung tema": the sentence ended
    if unit_word_before(ctx, before, run) or (ctx.covered and ctx.is_covered(before[0], before[1])):
        return trim(ctx, (run[0][0], run[-1][1]))
    return None


def unit_word_before(
    ctx: Context, before: tuple[int, int, str], run: list[tuple[int, int]]
) -> bool:
    """True when a word of a title's unit ("Kepala Seksi Inteldakim A B hadir": a word of
    the titles of the cue list, as in "Kasi Inteldakim") stands before a full name closed by
    punctuation or a lower-case word, in mixed case (in capitals every word is capitalised).
    An agency word ("Imigrasi", "TPI") is not one: the place of the agency follows it."""
    start, end, word = before
    return (
        word[0].isupper()
        and word.lower() in ctx.cues.title_words
        and not ctx.text[run[0][0] : run[-1][1]].isupper()
        and not is_name_word(ctx, word, start, end)
        and len(run) >= 2
        and NAME_CLOSER.match(ctx.text, run[-1][1]) is not None
    )


def from_ranks(ctx: Context) -> list[Candidate]:
    """Officials after a rank: "AKBP Heru Prasetyo", "Kombes Pol Agus Salim Nainggolan"."""
    found = []
    for m in ctx.cues.rank_name.finditer(ctx.text):
        before = ctx.text[max(0, m.start() - 8) : m.start()].lower()
        if re.search(r"\b(?:jl|jalan)\.?\s*\Z", before):
            continue  # street names such as "Jl. Jenderal Sudirman"
        name = head_name(ctx, m.start("name"), m.end("name"))
        if name:
            rank = " ".join(m.group("rank").split())
            found.append(Candidate(*name, "rank", "official", None, rank))
    return found


def from_signatures(ctx: Context) -> list[Candidate]:
    """Signatories: the name line above an NIP or NRP line, the title above it."""
    found = []
    for m in ctx.cues.signature.finditer(ctx.text):
        lines = lines_before(ctx, m.start(), 6)
        column = m.start("id") - (ctx.text.rfind("\n", 0, m.start()) + 1)
        for i, (ls, le) in enumerate(lines[:2]):
            name = signature_name(ctx, *column_of(ctx.text, ls, le, column))
            if name:
                title = title_in_lines(ctx, lines[i + 1 :])
                found.append(Candidate(*name, "signature", "official", title, "NIP"))
                break
    return found


def lines_before(ctx: Context, pos: int, limit: int) -> list[tuple[int, int]]:
    """Non-blank lines before ``pos``, nearest first."""
    lines: list[tuple[int, int]] = []
    end = ctx.text.rfind("\n", 0, pos)
    while end > 0 and len(lines) < limit:
        start = ctx.text.rfind("\n", 0, end) + 1
        if ctx.text[start:end].strip():
            lines.append((start, end))
        end = start - 1
    return lines


# Two signature blocks side by side are columns set apart by a run of spaces.
COLUMN_GAP = re.compile(r"[ \t]{4,}")


def column_of(text: str, start: int, end: int, column: int) -> tuple[int, int]:
    """The part of a line set in the column that starts at ``column`` characters: of
    "IPTU MAXI RORIMPANDEY, S.H.      ALFRITS ROMPAS", the name above the NRP in question."""
    cuts = [m for m in COLUMN_GAP.finditer(text, start, end) if text[start : m.start()].strip()]
    cuts = [m for m in cuts if m.end() < end]
    if not cuts:
        return start, end
    bounds = [start, *(m.end() for m in cuts)]
    ends = [*(m.start() for m in cuts), end]
    k = max((j for j, b in enumerate(bounds) if b - start <= column + 2), default=0)
    return bounds[k], ends[k]


def signature_name(ctx: Context, start: int, end: int) -> tuple[int, int] | None:
    """A line that is only a name, optionally after a rank and followed by degrees after a
    comma."""
    rank = ctx.cues.rank_start.match(ctx.text, start, end)
    if rank:
        start = rank.end()
    line = ctx.text[start:end]
    body = line.split(",")[0].strip(" \t_()")
    if not body or re.search(r"\d", body):
        return None
    offset = start + line.index(body)
    m = ctx.cues.name_line.fullmatch(ctx.text, offset, offset + len(body))
    if not m:
        return None
    name = head_name(ctx, offset, offset + len(body))
    return name if name and name[1] >= offset + len(body.rstrip(".")) else None


def title_in_lines(ctx: Context, lines: list[tuple[int, int]]) -> str | None:
    """The first official title found in the given lines."""
    for ls, le in lines:
        m = ctx.cues.title.search(ctx.text, ls, le)
        if m:
            return " ".join(ctx.text[m.start() : le].strip(" ,").split())
    return None


def from_appositions(ctx: Context) -> list[Candidate]:
    """Officials followed by their title: "Rudi Hartono, Kepala Seksi ..."."""
    found = []
    for m in ctx.cues.appos.finditer(ctx.text):
        name, left = tail_name(ctx, m.start("name"), m.end("name"))
        if not name or any(w.lower() not in ctx.cues.speech_intro for w in left):
            continue
        before = ctx.text[max(0, name[0] - 12) : name[0]].lower()
        if re.search(r"\b(?:di|ke|dari|kota|kabupaten)\s*\Z", before):
            continue
        if ctx.text[name[0] : name[1]].isupper() and " " not in ctx.text[name[0] : name[1]]:
            continue  # an ALL-CAPS dateline ("MATARAM, Kepala ...")
        title = title_text(ctx, m.start("title"))
        found.append(Candidate(*name, "apposition", "official", title, title))
    return found


def from_agency_items(ctx: Context) -> list[Candidate]:
    """A list item that is a name and the government agency it stands for, as in a minutes'
    participant list: "3. Nurhayati, Dinas Tenaga Kerja Kota Pekanbaru", "b. Andi (Polres X)".
    """
    agencies = {
        span.start_char: span
        for span in ctx.doc.spans.get("org", [])
        if span._.org_kind in AGENCY_KINDS
    }
    if not agencies:
        return []
    found = []
    for m in LIST_ITEM.finditer(ctx.text):
        end = ctx.text.find("\n", m.end())
        name = head_name(ctx, m.end(), len(ctx.text) if end < 0 else end)
        if name is None:
            continue
        joint = AGENCY_JOINT.match(ctx.text, name[1])
        between = ctx.text[name[1] - 1 : joint.end()] if joint else ""
        agency = agencies.get(joint.end()) if joint else None
        if agency is not None and ("," in between or "(" in between):
            start, end = name
            while end > start and ctx.text[end - 1] in ",;(":
                end -= 1
            title = " ".join(agency.text.split())
            found.append(Candidate(start, end, "apposition", "official", title, title))
    return found


def from_nip_items(ctx: Context) -> list[Candidate]:
    """A list item that gives a name and an NIP or NRP ("1. Muhammad Rizki Pratama, Penata
    Muda (III/b), NIP 19940811 201801 1 003;"): a civil servant or officer, an official."""
    found = []
    for m in LIST_ITEM.finditer(ctx.text):
        end = ctx.text.find("\n", m.end())
        end = len(ctx.text) if end < 0 else end
        number = STAFF_NUMBER.search(ctx.text, m.end(), min(len(ctx.text), end + ITEM_WRAP))
        if number is None or BLANK_OR_ITEM.search(ctx.text, end, number.start()):
            continue
        name = head_name(ctx, m.end(), end)
        if name is None:
            continue
        start, stop = name
        while stop > start and ctx.text[stop - 1] in ",;(":
            stop -= 1
        if not NAME_THEN_COMMA.match(ctx.text, stop):
            continue  # "3. Data per orang ...": the item is a sentence, not a name and a grade
        found.append(Candidate(start, stop, "signature", "official", None, "NIP"))
    return found


def title_text(ctx: Context, start: int) -> str:
    """A title and the agency words that follow it, up to the next comma or sentence end."""
    m = _TITLE_TEXT.match(ctx.text, start)
    return " ".join(m.group().split()) if m else ""


def from_bylines(ctx: Context) -> list[Candidate]:
    """Bylines: "Pewarta: Ahmad Subaidi", "Editor: Budi"."""
    found = []
    for m in ctx.cues.byline.finditer(ctx.text):
        name = head_name(ctx, m.start("name"), m.end("name"))
        if name:
            found.append(Candidate(*name, "byline", "other", None, m.group("cue")))
    return found
