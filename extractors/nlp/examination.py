"""The questions and answers of an examination record (Berita Acara Pemeriksaan).

A BAP writes the examiner's questions and the examined person's answers on labelled lines::

    Pertanyaan 5 : Apakah Saudara memiliki izin kerja?
    Jawaban      : Tidak ada. Saya tidak mengurus izin apa pun.

A question asserts nothing by itself. What a yes/no question ("Apakah Saudara ...?") asks
about is true when the answer says yes and not true when it says no; an open question
("Kapan Saudara diamankan?") takes what it asks about as given, and so does the clause after
"bahwa" in "Apakah Saudara mengetahui bahwa izin tinggal Saudara telah berakhir?".

``exchanges(text)`` finds each question and its answer by character offsets; the incident
components use them to decide the status of cues inside questions, to read a "no" to "do you
hold a work permit" as the incident it is, and to count the distance between an answer and the
next one without the question between them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUESTION = re.compile(r"^[ \t]*(?:Pertanyaan|PERTANYAAN|Tanya|TANYA|P)[ \t]*\d{0,3}[ \t]*:", re.M)
ANSWER = re.compile(r"^[ \t]*(?:Jawaban|JAWABAN|Jawab|JAWAB|J)[ \t]*\d{0,3}[ \t]*:", re.M)
PARAGRAPH_END = re.compile(r"\n[ \t]*\n")
WORD = re.compile(r"[A-Za-z]+")

# The first word of a yes/no question; "apa benar"/"apa betul" are handled below.
YES_NO_OPENERS = frozenset(
    {"apakah", "benarkah", "betulkah", "pernahkah", "sudahkah", "adakah", "bukankah"}
)
# The first word of an answer (after "saya" or "ya," style fillers) that says yes or no.
YES_WORDS = frozenset(
    {"ya", "iya", "benar", "betul", "pernah", "sudah", "ada", "tahu", "mengetahui",
     "mengerti", "paham", "memahami", "memiliki", "mempunyai", "punya", "bersedia", "sadar",
     "menyadari", "mengakui", "mengaku"}
)
NO_WORDS = frozenset({"tidak", "tak", "belum", "bukan", "tiada", "enggak", "nggak", "tdk"})
FILLERS = frozenset({"saya", "aku", "kami", "pak", "bapak", "ibu"})
# The clause after "bahwa" in a question is taken as given ("mengetahui bahwa ...").
GIVEN_AFTER = frozenset({"bahwa"})


@dataclass(frozen=True)
class Exchange:
    """One question and its answer, as character ranges of the document text.

    ``polarity`` is "yes" or "no" for a yes/no question whose answer opens with yes or no,
    None for an open question or an answer that does not say.
    """

    question: tuple[int, int]
    answer: tuple[int, int]
    yes_no: bool
    polarity: str | None
    given_from: int | None  # where the part of the question taken as given begins


def exchanges(text: str) -> list[Exchange]:
    """Every question of the text that has an answer, in order."""
    questions = list(QUESTION.finditer(text))
    if not questions:
        return []
    found = []
    for n, question in enumerate(questions):
        limit = questions[n + 1].start() if n + 1 < len(questions) else len(text)
        answer = ANSWER.search(text, question.end(), limit)
        if answer is None:
            continue
        close = PARAGRAPH_END.search(text, answer.end(), limit)
        answer_end = close.start() if close else limit
        asked = text[question.end() : answer.start()]
        words = [w.lower() for w in WORD.findall(asked[:200])]
        yes_no = bool(words) and (
            words[0] in YES_NO_OPENERS
            or (words[0] == "apa" and words[1:2] in (["benar"], ["betul"]))
        )
        given = next(
            (
                question.end() + m.start()
                for m in WORD.finditer(asked)
                if m.group().lower() in GIVEN_AFTER
            ),
            None,
        )
        found.append(
            Exchange(
                question=(question.end(), answer.start()),
                answer=(answer.end(), answer_end),
                yes_no=yes_no,
                polarity=answer_polarity(text[answer.end() : answer_end]) if yes_no else None,
                given_from=given,
            )
        )
    return found


def answer_polarity(answer: str) -> str | None:
    """"yes", "no" or None from the first words of an answer ("Tidak ada.", "Ya, saya ...")."""
    for word in (w.lower() for w in WORD.findall(answer[:120])):
        if word in FILLERS:
            continue
        if word in NO_WORDS:
            return "no"
        if word in YES_WORDS:
            return "yes"
        return None
    return None
