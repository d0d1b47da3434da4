"""Windowed token matching (extractors.nlp.windowed): the Matcher's matches, in its order."""

from __future__ import annotations

import pytest
import spacy
from spacy.matcher import Matcher
from spacy.tokens import Doc

from extractors.nlp.windowed import WindowedMatcher, op_bounds

TEXT = (
    "Petugas Kantor Imigrasi Kelas I TPI Mataram mengamankan dua WNA yang izin tinggalnya "
    "sudah habis . Izin tinggal mereka telah lama berakhir dan keduanya akan dideportasi "
    "ke negara asal . Pemeriksaan dilakukan di www.contoh.co.id oleh tim gabungan ."
)
PATTERNS = {
    "overstay": (
        [
            [
                {"LOWER": {"IN": ["izin", "ijin"]}},
                {"LOWER": {"IN": ["tinggal", "tinggalnya"]}},
                {"LOWER": {"IN": ["telah", "sudah", "lama"]}, "OP": "{0,2}"},
                {"LOWER": {"IN": ["habis", "berakhir"]}},
            ]
        ],
        "LONGEST",
    ),
    "optional_first": (
        [[{"LOWER": "akan", "OP": "?"}, {"LOWER": {"IN": ["dideportasi", "dipulangkan"]}}]],
        "LONGEST",
    ),
    "office": (
        [
            [
                {"LOWER": "kantor"},
                {"LOWER": "imigrasi"},
                {"LOWER": {"IN": ["kelas", "i", "ii", "tpi"]}, "OP": "*"},
                {"IS_TITLE": True, "OP": "?"},
            ]
        ],
        None,
    ),
    "website": ([[{"TEXT": {"REGEX": r"^www\.[a-z]+\.co\.id$"}}]], None),
    "team": ([[{"ORTH": "tim"}, {"LOWER": "gabungan", "OP": "+"}]], "FIRST"),
    "pronoun": ([[{"LOWER": {"IN": ["mereka", "keduanya"]}}]], None),
}


@pytest.fixture(scope="module")
def doc() -> Doc:
    nlp = spacy.blank("id")
    return Doc(nlp.vocab, words=TEXT.split())


def both(doc: Doc, names: list[str]) -> tuple[list, list]:
    """Matches of spaCy's Matcher and of the windowed one, given the same patterns."""
    plain, windowed = Matcher(doc.vocab), WindowedMatcher(doc.vocab)
    for name in names:
        patterns, greedy = PATTERNS[name]
        plain.add(name, patterns, greedy=greedy)
        windowed.add(name, patterns, greedy=greedy)
    return plain(doc), windowed(doc)


@pytest.mark.parametrize(
    "names",
    [[name] for name in PATTERNS] + [list(PATTERNS), list(reversed(PATTERNS))],
)
def test_windowed_matches_as_the_matcher_does(doc: Doc, names: list[str]) -> None:
    plain, windowed = both(doc, names)
    assert plain  # every pattern matches somewhere in the text
    assert windowed == plain


def test_windowed_runs_on_part_of_the_doc_only(doc: Doc) -> None:
    matcher = WindowedMatcher(doc.vocab)
    matcher.add("overstay", *PATTERNS["overstay"])
    covered = sum(end - start for start, end in matcher.windows(doc))
    assert 0 < covered < len(doc) / 2
    assert not matcher.everywhere


def test_windowed_untestable_first_token_matches_everywhere(doc: Doc) -> None:
    plain, windowed = Matcher(doc.vocab), WindowedMatcher(doc.vocab)
    pattern = [[{"IS_DIGIT": False, "OP": "?"}, {"LOWER": "wna"}]]
    plain.add("any", pattern)
    windowed.add("any", pattern)
    assert windowed.everywhere
    assert windowed(doc) == plain(doc)


@pytest.mark.parametrize(
    ("op", "bounds"),
    [
        (None, (1, 1)),
        ("?", (0, 1)),
        ("*", (0, None)),
        ("+", (1, None)),
        ("{2}", (2, 2)),
        ("{1,3}", (1, 3)),
        ("{,4}", (0, 4)),
        ("{2,}", (2, None)),
    ],
)
def test_windowed_op_bounds(op: str | None, bounds: tuple[int, int | None]) -> None:
    assert op_bounds(op) == bounds
