"""A token Matcher that only runs where one of its patterns can begin.

spaCy's Matcher starts every pattern at every token and evaluates each `IN` word list as a
Python predicate there, so a Doc costs (tokens x patterns) even when no cue word occurs.
`WindowedMatcher` reads from each pattern the words its first matching token can have (exact
`ORTH`/`TEXT`, `LOWER` or `NORM` values and `IN` lists, across leading optional tokens) and the
most tokens it can cover, then runs the Matcher only on the windows of the Doc that start at
such a word and are that long. A match can only start at such a word and cannot be longer, and
states of distinct windows never meet, so the matches and their order are those of the Matcher
over the whole Doc. First tokens may also be tested by a `REGEX` or a `TAG`. A pattern that
repeats a token without bound (`+`, `*`, `{n,}`) reaches as far as the tokens that pass the
repeated token's test allow. A pattern whose first token has no such test makes the Matcher
run on the whole Doc.

The `greedy` filters are applied here the way the Matcher applies them, after the windows.
"""

from __future__ import annotations

import re

import numpy as np
from spacy.attrs import LOWER, NORM, ORTH, TAG
from spacy.matcher import Matcher
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.vocab import Vocab

TEST_ATTRS = {"ORTH": ORTH, "TEXT": ORTH, "LOWER": LOWER, "NORM": NORM, "TAG": TAG}
COUNTED_OP = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")
Match = tuple[int, int, int]
MAX_SUBSETS = 4096  # Matchers kept for sets of patterns met together in a window
Test = tuple[int, frozenset[int] | str]  # attribute, word ids or a regular expression


def op_bounds(op: str | None) -> tuple[int, int | None]:
    """Fewest and most tokens a pattern token with operator `op` covers (None: no bound)."""
    if op in (None, "", "1", "!"):
        return 1, 1
    if op == "?":
        return 0, 1
    if op == "*":
        return 0, None
    if op == "+":
        return 1, None
    counted = COUNTED_OP.fullmatch(op)
    if counted is None:
        raise ValueError(f"unknown Matcher operator {op!r}")
    low, comma, high = counted.groups()
    fewest = int(low) if low else 0
    if not comma:
        return fewest, fewest
    return fewest, int(high) if high else None


def token_test(token: dict) -> Test | None:
    """A test every token matched by the pattern token passes, or None if there is none.

    A test is an attribute with the word ids it must have, or with a regular expression its
    text must contain; further conditions of the pattern token only narrow it.
    """
    if token.get("OP") == "!":
        return None
    for key, value in token.items():
        attr = TEST_ATTRS.get(str(key).upper())
        if attr is None:
            continue
        if isinstance(value, str):
            return attr, frozenset({get_string_id(value)})
        if isinstance(value, dict) and set(value) == {"IN"}:
            return attr, frozenset(get_string_id(v) for v in value["IN"])
        if isinstance(value, dict) and set(value) == {"REGEX"}:
            return attr, str(value["REGEX"])
    return None


class WindowedMatcher:
    """Same matches as `spacy.matcher.Matcher`, found only around the words patterns begin with."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.matcher = Matcher(vocab)  # without filters: they need the matches of all windows
        self.filters: dict[int, str] = {}
        # The most tokens a match of bounded length can cover, per attribute and first word,
        # and per first-token regular expression.
        self.reach: dict[int, dict[int, int]] = {}
        self.regex_reach: dict[Test, int] = {}
        # Patterns that may repeat a token without bound: their first tokens, the most
        # tokens their other pattern tokens cover, and the tests of the repeated tokens
        # (None: a repeated token can be any token).
        self.open_firsts: set[Test] = set()
        self.open_fixed = 0
        self.open_repeats: set[Test] | None = set()
        self.everywhere = False
        # Every pattern in the order added, which patterns may begin with each word or
        # regular expression, and Matchers holding only some of the patterns.
        self.entries: list[tuple[str, list[dict]]] = []
        self.starters: dict[int, dict[int, set[int]]] = {}
        self.regex_starters: dict[Test, set[int]] = {}
        self.subsets: dict[frozenset[int], Matcher] = {}

    def add(self, key: str, patterns: list[list[dict]], greedy: str | None = None) -> None:
        """Add patterns under `key`, as `Matcher.add` does."""
        self.matcher.add(key, patterns)
        if greedy is not None:
            if greedy not in ("FIRST", "LONGEST"):
                raise ValueError(f"greedy must be FIRST or LONGEST, not {greedy!r}")
            self.filters[self.vocab.strings.add(key)] = greedy
        for pattern in patterns:
            self.entries.append((key, pattern))
            self.index(pattern)
        self.subsets.clear()

    def index(self, pattern: list[dict]) -> None:
        """Record the tokens `pattern` can begin with and how many tokens it can cover."""
        firsts = self.first_tests(pattern)
        if firsts is None:
            self.everywhere = True
            return
        fixed, repeats = 0, set()
        for token in pattern:
            most = op_bounds(token.get("OP"))[1]
            if most is not None:
                fixed += most
                continue
            test = token_test(token)
            if test is None or self.open_repeats is None:
                self.open_repeats = None
            else:
                repeats.add(test)
        if any(op_bounds(token.get("OP"))[1] is None for token in pattern):
            self.open_firsts.update(firsts)
            self.open_fixed = max(self.open_fixed, fixed)
            if self.open_repeats is not None:
                self.open_repeats.update(repeats)
        number = len(self.entries) - 1
        for test in firsts:
            attr, words = test
            if isinstance(words, str):
                self.regex_reach[test] = max(self.regex_reach.get(test, 0), fixed)
                self.regex_starters.setdefault(test, set()).add(number)
                continue
            reach = self.reach.setdefault(attr, {})
            starters = self.starters.setdefault(attr, {})
            for word in words:
                reach[word] = max(reach.get(word, 0), fixed)
                starters.setdefault(word, set()).add(number)

    @staticmethod
    def first_tests(pattern: list[dict]) -> list[Test] | None:
        """Tests of the pattern tokens up to the first one a match must have (None: untestable)."""
        tests = []
        for token in pattern:
            test = token_test(token)
            if test is None:
                return None
            tests.append(test)
            if op_bounds(token.get("OP"))[0] > 0:
                return tests
        return None  # every token optional

    def __call__(self, doc: Doc) -> list[Match]:
        """`(match_id, start, end)` of every match, in the Matcher's order."""
        if self.everywhere:
            return self.filter(self.matcher(doc), len(doc))
        matches: list[Match] = []
        tests = _TokenTests(doc)
        for begin, end, numbers in self.windows_with_patterns(tests):
            matches.extend(
                (key, begin + start, begin + stop)
                for key, start, stop in self.subset(numbers)(doc[begin:end])
            )
        return self.filter(matches, len(doc))

    def subset(self, numbers: frozenset[int]) -> Matcher:
        """A Matcher holding only the patterns `numbers`, in the order they were added.

        Patterns that cannot begin inside a window add no state that lasts there, and each
        pattern state moves on its own, so leaving them out keeps the other matches and their
        order.
        """
        matcher = self.subsets.get(numbers)
        if matcher is None:
            if len(self.subsets) >= MAX_SUBSETS:
                self.subsets.clear()
            matcher = self.subsets[numbers] = Matcher(self.vocab)
            for number in sorted(numbers):
                key, pattern = self.entries[number]
                matcher.add(key, [pattern])
        return matcher

    def windows_with_patterns(self, tests: _TokenTests) -> list[tuple[int, int, frozenset[int]]]:
        """The windows of the Doc, each with the patterns that may begin inside it."""
        found: list[tuple[int, int, frozenset[int]]] = []
        for begin, end, starts in self.find_windows(tests):
            numbers: set[int] = set()
            for start in starts:
                for attr, starters in self.starters.items():
                    distinct, where = tests.distinct(attr)
                    numbers.update(starters.get(distinct[where[start]], ()))
                for test, starters_of_test in self.regex_starters.items():
                    if tests.mask(test)[start]:
                        numbers.update(starters_of_test)
            found.append((begin, end, frozenset(numbers)))
        return found

    def windows(self, doc: Doc) -> list[tuple[int, int]]:
        """Disjoint, non-touching token ranges around every token a pattern can begin at."""
        return [(begin, end) for begin, end, _ in self.find_windows(_TokenTests(doc))]

    def find_windows(self, tests: _TokenTests) -> list[tuple[int, int, list[int]]]:
        """The windows, each with the tokens a pattern may begin at."""
        doc = tests.doc
        if not len(doc):
            return []
        ends = np.zeros(len(doc), dtype=np.int64)  # 0: no match begins at the token
        positions = np.arange(len(doc), dtype=np.int64)
        for attr, reach in self.reach.items():
            distinct, where = tests.distinct(attr)
            lengths = np.fromiter((reach.get(v, -1) for v in distinct), np.int64, len(distinct))
            lengths = lengths[where]
            ends = np.maximum(ends, np.where(lengths >= 0, positions + lengths + 1, 0))
        for test, fixed in self.regex_reach.items():
            hits = tests.mask(test)
            ends[hits] = np.maximum(ends[hits], positions[hits] + fixed + 1)
        if self.open_firsts:
            opening = np.zeros(len(doc), dtype=bool)
            for test in self.open_firsts:
                opening |= tests.mask(test)
            ends[opening] = np.maximum(ends[opening], self.open_ends(tests)[opening])
        # One token beyond the longest match: a match can be reported at the token after it.
        windows: list[tuple[int, int, list[int]]] = []
        for start in np.flatnonzero(ends).tolist():
            end = min(len(doc), int(ends[start]))
            if windows and start <= windows[-1][1]:
                begin, last, starts = windows[-1]
                starts.append(start)
                windows[-1] = (begin, max(end, last), starts)
            else:
                windows.append((start, end, [start]))
        return windows

    def open_ends(self, tests: _TokenTests) -> np.ndarray:
        """Per token, one beyond the furthest end of an unbounded match beginning there.

        Such a match holds at most `open_fixed` tokens that fail every repeated token's test.
        """
        length = len(tests.doc)
        if self.open_repeats is None:
            return np.full(length, length + 1, dtype=np.int64)
        repeated = np.zeros(length, dtype=bool)
        for test in self.open_repeats:
            repeated |= tests.mask(test)
        others = np.concatenate(([0], np.cumsum(~repeated)))
        furthest = np.searchsorted(others, others[:-1] + self.open_fixed, side="right") - 1
        return furthest + 1

    def filter(self, matches: list[Match], length: int) -> list[Match]:
        """Apply the `greedy` filters as `Matcher.__call__` does: unfiltered keys first."""
        kept: list[Match] = []
        by_key: dict[int, list[tuple[int, int]]] = {}
        for key, start, end in matches:
            if key in self.filters:
                by_key.setdefault(key, []).append((start, end))
            else:
                kept.append((key, start, end))
        for key, pairs in by_key.items():
            if self.filters[key] == "FIRST":
                ordered = sorted(pairs, key=lambda x: (x[0], -x[1]))
            else:
                ordered = sorted(pairs, key=lambda x: (x[1] - x[0], -x[0]), reverse=True)
            taken = bytearray(length)
            for start, end in ordered:
                if not any(taken[start:end]):
                    kept.append((key, start, end))
                    taken[start:end] = b"\x01" * (end - start)
        return kept


class _TokenTests:
    """The distinct values of a Doc's attributes and the token masks of tests, computed once."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.columns: dict[int, tuple[list[int], np.ndarray]] = {}
        self.masks: dict[Test, np.ndarray] = {}

    def distinct(self, attr: int) -> tuple[list[int], np.ndarray]:
        """The distinct `attr` ids of the tokens, and the index of each token's id among them."""
        if attr not in self.columns:
            values = self.doc.to_array([attr]).reshape(len(self.doc))
            distinct, where = np.unique(values, return_inverse=True)
            self.columns[attr] = (distinct.tolist(), where.reshape(len(self.doc)))
        return self.columns[attr]

    def mask(self, test: Test) -> np.ndarray:
        """Which tokens pass `test`."""
        if test not in self.masks:
            attr, words = test
            distinct, where = self.distinct(attr)
            if isinstance(words, str):
                pattern = re.compile(words)
                strings = self.doc.vocab.strings
                passing = [pattern.search(strings[v]) is not None for v in distinct]
            else:
                passing = [v in words for v in distinct]
            self.masks[test] = np.array(passing, dtype=bool)[where]
        return self.masks[test]
