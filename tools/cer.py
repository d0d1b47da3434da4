"""Character error rate (CER) of recognised text against a ground truth.

CER = edit distance (insertions, deletions, substitutions) / length of the ground truth,
after collapsing every run of whitespace to one space, so line breaks and column gaps do
not count as errors.
"""

from __future__ import annotations

import re

import numpy as np

_SPACES = re.compile(r"\s+")


def normalize_whitespace(text: str) -> str:
    """Collapse whitespace runs to single spaces and trim the ends."""
    return _SPACES.sub(" ", text).strip()


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between two strings (row-wise, vectorised with numpy)."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    target = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    offsets = np.arange(len(b) + 1, dtype=np.int64)
    row = offsets.copy()
    for i, char in enumerate(a, start=1):
        cost = (target != ord(char)).astype(np.int64)
        candidate = np.empty_like(row)
        candidate[0] = i
        # Substitution or match from the diagonal, deletion from above.
        candidate[1:] = np.minimum(row[:-1] + cost, row[1:] + 1)
        # Insertions chain along the row: new[j] = min_k<=j (candidate[k] + j - k).
        row = np.minimum.accumulate(candidate - offsets) + offsets
    return int(row[-1])


def cer(hypothesis: str, reference: str) -> float:
    """Character error rate of `hypothesis` against `reference` (0.0 is perfect)."""
    ref = normalize_whitespace(reference)
    hyp = normalize_whitespace(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return edit_distance(hyp, ref) / len(ref)
