"""Shared helpers for the gazetteer components: data files and line-break tolerant matching.

Matchers run on a *compact* copy of the Doc that holds only its non-space tokens, so a name
broken across a line ("Lombok\\nUtara") is matched like one written on a single line. Matches
are mapped back to spans of the original Doc.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import product
from math import prod
from pathlib import Path

from spacy.attrs import IS_SPACE
from spacy.tokens import Doc, Span

DATA_DIR = Path(__file__).parent / "data"


def data_path(name: str) -> Path:
    """Path of a data file shipped with the NLP package."""
    return DATA_DIR / name


def read_jsonl(path: Path) -> Iterator[dict]:
    """Records of a JSONL file, skipping blank lines."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


COMPACT_KEY = "pantau_compact_doc"


class CompactDoc:
    """A Doc without whitespace tokens, with the way back to the original token indices."""

    def __init__(self, doc: Doc) -> None:
        self.source = doc
        spaces = doc.to_array([IS_SPACE])
        self.index = [i for i, is_space in enumerate(spaces) if not is_space]
        words = [doc[i].text for i in self.index]
        self.doc = Doc(doc.vocab, words=words, spaces=[True] * len(words))

    @classmethod
    def of(cls, doc: Doc) -> CompactDoc:
        """The compact form of `doc`, built once and shared by the components that need it.

        Components only add spans to the Doc, never change its tokens, so one copy serves
        the whole pipeline.
        """
        cached = doc.user_data.get(COMPACT_KEY)
        if not isinstance(cached, CompactDoc) or len(cached.source) != len(doc):
            cached = doc.user_data[COMPACT_KEY] = cls(doc)
        return cached

    def span(self, start: int, end: int) -> Span:
        """The original-Doc span covering compact tokens ``start`` to ``end`` (exclusive)."""
        return self.source[self.index[start] : self.index[end - 1] + 1]

    def key(self, start: int, end: int) -> str:
        """Lower-cased text of compact tokens ``start:end`` as written, whitespace folded."""
        return " ".join(self.span(start, end).text.lower().split())


def is_capitalised(span: Span, lower_ok: frozenset[str] = frozenset()) -> bool:
    """True when every word of ``span`` starts with a capital (or is an allowed small word)."""
    words = [t for t in span if t.is_alpha]
    return (
        bool(words)
        and all(t.text[0].isupper() or t.lower_ in lower_ok for t in words)
        and words[0].text[0].isupper()
    )


REPEATING_OPS = frozenset({"+", "*"})
MAX_ALTERNATIVES = 64


def expand_word_lists(patterns: list[list[dict]]) -> list[list[dict]]:
    """Matcher patterns with each single-word `{"ATTR": {"IN": [...]}}` test written out.

    The Matcher compares plain attributes natively but runs an `IN` test as a Python
    predicate at every token and state, which made it most of the matching time. Tokens
    that may repeat (`+`, `*`, `{n,m}`) keep their list: each repetition may differ.
    A pattern whose lists would multiply beyond `MAX_ALTERNATIVES` is kept as it is.
    """
    expanded: list[list[dict]] = []
    for pattern in patterns:
        choices: list[list[dict]] = []
        for token in pattern:
            lists = [
                (key, value["IN"])
                for key, value in token.items()
                if isinstance(value, dict) and set(value) == {"IN"}
            ]
            op = str(token.get("OP", ""))
            if len(lists) != 1 or op in REPEATING_OPS or op.startswith("{"):
                choices.append([token])
                continue
            key, words = lists[0]
            choices.append([{**token, key: word} for word in dict.fromkeys(words)])
        if prod(len(c) for c in choices) > MAX_ALTERNATIVES:
            expanded.append(pattern)
        else:
            expanded.extend(list(combination) for combination in product(*choices))
    return expanded
