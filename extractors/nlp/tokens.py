"""The model folder's tokenizer, read without building its one-word special cases.

The Indonesian tokenizer keeps about 16,000 written forms whole, mostly reduplications
("laki-laki", "anak-anak") that its infix rules would split at the hyphen. spaCy builds each
as a special case when it loads them: it tokenizes it against the affix rules, makes its
token and adds it to a matcher, which took 1.6 s of the pipeline's 2.8 s load in a fresh
process. A form that is one token and carries nothing but its own text needs none of that:
`WholeTokenizer` keeps such forms in a set, read by the tokenizer's `token_match`, which
stops the affix rules exactly where a special case does. The forms with a norm ("Jan." is
"Januari") or with affix characters of their own stay special cases.

One path of special cases runs after tokenizing: spaCy's matcher finds the pieces of a form
that another infix split apart ("laki-laki/perempuan" splits at "/", then at "-") and joins
them again. `WholeTokenizer.join_pieces` does the same for the forms in the set, with the
same choice among overlapping finds. The tokens are the same as spaCy's own tokenizer makes
from the folder: `tests/test_nlp_tokens.py` compares them, text, offsets, spaces and norms.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import srsly
from spacy.attrs import ORTH
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.vocab import Vocab

# Beside the model's tokenizer: its one-token forms, one a line in its infix pieces, after a
# header naming the tokenizer file they were worked out from (`write_forms`).
FORMS_FILE = "tokenizer-forms.txt"
FORMS_HEADER = "# one-token forms, in their infix pieces, of the tokenizer file with sha256 "


class WholeTokenizer(Tokenizer):
    """spaCy's tokenizer, with the one-token forms of `wholes` kept whole by `token_match`."""

    def __init__(
        self,
        vocab: Vocab,
        *,
        splits: Mapping[str, tuple[str, ...]],
        rules: dict[str, list[dict[int, str]]],
        prefix_search: Callable[[str], Any],
        suffix_search: Callable[[str], Any],
        infix_finditer: Callable[[str], Iterator[re.Match[str]]],
        url_match: Callable[[str], Any] | None,
        faster_heuristics: bool,
    ) -> None:
        """`splits`: each one-token form and the pieces the infix rules alone split it into
        (`split_infixes`)."""
        wholes = frozenset(splits)
        super().__init__(
            vocab,
            rules=rules,
            prefix_search=prefix_search,
            suffix_search=suffix_search,
            infix_finditer=infix_finditer,
            token_match=wholes.__contains__,
            url_match=url_match,
            faster_heuristics=faster_heuristics,
        )
        self.wholes = wholes
        # The pieces of each form, by the text of its first pieces (a special case may have
        # joined the first two: "S.Pd" "." of "S.Pd.SD").
        self.pieces: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for whole, split in splits.items():
            find, first = (split, whole), ""
            for piece in split[:-1]:
                first += piece
                self.pieces[first].append(find)

    def __call__(self, text: str) -> Doc:
        doc = super().__call__(text)
        self.join_pieces(doc)
        return doc

    def join_pieces(self, doc: Doc) -> None:
        """Join the pieces of a form split by another infix into the form's one token, as
        spaCy's special-case matcher does: the finds with the most pieces first, then the
        leftmost; a find whose first or last token an earlier one took is left out; of
        those kept, a find with spaces between its pieces is no form and is left as it is
        (and hides a find that starts inside it)."""
        words = [token.text for token in doc]
        found = []
        for start, word in enumerate(words):
            for split, whole in self.pieces.get(word, ()):
                end, text = start + 1, word
                while len(text) < len(whole) and end < len(words):
                    text, end = text + words[end], end + 1
                if text == whole and _splits_within(words[start:end], split):
                    found.append((len(split), start, end))
        if not found:
            return
        taken: set[int] = set()
        kept = []
        for _, start, end in sorted(set(found), key=lambda find: (-find[0], find[1])):
            if start not in taken and end - 1 not in taken:
                kept.append((start, end))
            taken.update(range(start, end))
        joined, position = [], 0
        for start, end in sorted(kept):
            if start < position:
                continue
            position = end
            if doc[start:end].text in self.wholes:
                joined.append(doc[start:end])
        with doc.retokenize() as retokenizer:
            for span in joined:
                retokenizer.merge(span)


def split_infixes(
    text: str,
    infix_finditer: Callable[[str], Iterator[re.Match[str]]],
    url_match: Callable[[str], Any] | None,
) -> tuple[str, ...]:
    """`text` as the infix rules alone split it (it has no prefix or suffix)."""
    if url_match and url_match(text):
        return (text,)
    pieces, start = [], 0
    for match in infix_finditer(text):
        if match.start() == 0:
            continue
        if match.start() != start:
            pieces.append(text[start : match.start()])
        if match.start() != match.end():
            pieces.append(text[match.start() : match.end()])
        start = match.end()
    if text[start:]:
        pieces.append(text[start:])
    return tuple(pieces)


def _splits_within(words: list[str], pieces: tuple[str, ...]) -> bool:
    """True when every boundary between `words` is one between `pieces` (the same text)."""
    ends, position = set(), 0
    for piece in pieces:
        position += len(piece)
        ends.add(position)
    position = 0
    for word in words:
        position += len(word)
        if position not in ends:
            return False
    return True


def read_tokenizer(vocab: Vocab, path: Path) -> WholeTokenizer:
    """The tokenizer saved in the model folder's file `path` (spaCy's own format).

    Which special cases are one-token forms, and their infix pieces, are read from
    `FORMS_FILE` beside it when that file was written for these very bytes (`write_forms`),
    else worked out here (0.35 s: each form is searched for a prefix and a suffix, then
    split at its infixes).
    """
    raw = path.read_bytes()
    data = srsly.msgpack_loads(raw)
    prefix_search = re.compile(data["prefix_search"]).search
    suffix_search = re.compile(data["suffix_search"]).search
    infix_finditer = re.compile(data["infix_finditer"]).finditer
    url_match = re.compile(data["url_match"]).match if data.get("url_match") else None
    if data.get("token_match"):
        raise ValueError(f"{path}: a tokenizer with its own token_match is not supported")
    exceptions: dict[str, list[dict[int, str]]] = data["exceptions"]
    splits = _written_forms(path.with_name(FORMS_FILE), _fingerprint(raw))
    if splits is None or not splits.keys() <= exceptions.keys():
        splits = {
            form: split_infixes(form, infix_finditer, url_match)
            for form in one_token_forms(exceptions, prefix_search, suffix_search)
        }
    return WholeTokenizer(
        vocab,
        splits=splits,
        rules={text: tokens for text, tokens in exceptions.items() if text not in splits},
        prefix_search=prefix_search,
        suffix_search=suffix_search,
        infix_finditer=infix_finditer,
        url_match=url_match,
        faster_heuristics=bool(data.get("faster_heuristics", True)),
    )


def one_token_forms(
    exceptions: dict[str, list[dict[int, str]]],
    prefix_search: Callable[[str], Any],
    suffix_search: Callable[[str], Any],
) -> frozenset[str]:
    """The special cases that are one token holding only its own text, without whitespace
    and without a prefix or suffix of the affix rules."""
    return frozenset(
        text
        for text, tokens in exceptions.items()
        if len(tokens) == 1
        and tokens[0] == {ORTH: text}
        and not any(c.isspace() for c in text)
        and not prefix_search(text)
        and not suffix_search(text)
    )


def write_forms(folder: Path) -> Path:
    """Write `FORMS_FILE` for the tokenizer of the model folder `folder` (after training):
    each one-token form on its line, in its infix pieces separated by single spaces (a form
    holds no whitespace)."""
    raw = (folder / "tokenizer").read_bytes()
    data = srsly.msgpack_loads(raw)
    wholes = one_token_forms(
        data["exceptions"],
        re.compile(data["prefix_search"]).search,
        re.compile(data["suffix_search"]).search,
    )
    infix_finditer = re.compile(data["infix_finditer"]).finditer
    url_match = re.compile(data["url_match"]).match if data.get("url_match") else None
    target = folder / FORMS_FILE
    lines = [
        f"{FORMS_HEADER}{_fingerprint(raw)}",
        *(" ".join(split_infixes(form, infix_finditer, url_match)) for form in sorted(wholes)),
    ]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def _written_forms(path: Path, fingerprint: str) -> dict[str, tuple[str, ...]] | None:
    """The forms of `path`, each with its infix pieces, when it was written for the
    tokenizer with `fingerprint`."""
    try:
        header, *lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError):
        return None
    if header != f"{FORMS_HEADER}{fingerprint}":
        return None
    splits = {}
    for line in lines:
        split = tuple(line.split(" "))
        splits["".join(split)] = split
    return splits


def _fingerprint(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()
