"""Pairwise precision and recall of identity resolution over hand-labelled name pairs.

Each line of ``tests/data/identity_pairs.jsonl`` holds two mentions (name, nationality,
age, document year, passports) and whether they are the same person. A pair counts as
predicted "same" for auto-merge when its score is at or above ``HIGH``, and for
merge-or-review when it is at or above ``LOW``. Blocking recall is the share of true
pairs that share a blocking key (pairs that share none are never compared).

    uv run python -m benchmarks.identity_pairs [--pairs FILE] [-v]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from extractors.identity import HIGH, LOW, blocking_keys, score_pair
from models.records import MentionFeatures

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "data" / "identity_pairs.jsonl"


def load_pairs(path: Path) -> list[tuple[MentionFeatures, MentionFeatures, bool, str]]:
    """The labelled pairs of a JSONL file."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            a, b = MentionFeatures(**row["a"]), MentionFeatures(**row["b"])
            pairs.append((a, b, bool(row["same"]), row.get("kind", "")))
    return pairs


def precision_recall(predicted: list[bool], truth: list[bool]) -> tuple[float, float]:
    """Pairwise precision and recall of `predicted` against `truth`."""
    tp = sum(p and t for p, t in zip(predicted, truth, strict=True))
    fp = sum(p and not t for p, t in zip(predicted, truth, strict=True))
    fn = sum(t and not p for p, t in zip(predicted, truth, strict=True))
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)


def main() -> None:
    """Print the figures (and with -v every pair the thresholds get wrong)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    pairs = load_pairs(args.pairs)
    scores = [score_pair(a, b) for a, b, _, _ in pairs]
    truth = [same for _, _, same, _ in pairs]
    blocked = [bool(blocking_keys(a) & blocking_keys(b)) for a, b, _, _ in pairs]
    print(f"pairs: {len(pairs)} ({sum(truth)} same person, {len(truth) - sum(truth)} different)")
    for label, threshold in (("auto-merge", HIGH), ("merge-or-review", LOW)):
        predicted = [s.value >= threshold and k for s, k in zip(scores, blocked, strict=True)]
        precision, recall = precision_recall(predicted, truth)
        figures = f"precision {precision:.3f} recall {recall:.3f}"
        print(f"{label:16} (score >= {threshold:.2f}): {figures}")
    same_blocked = sum(k for k, t in zip(blocked, truth, strict=True) if t)
    print(f"blocking recall: {same_blocked / max(1, sum(truth)):.3f}")
    if args.verbose:
        for (a, b, same, kind), score in zip(pairs, scores, strict=True):
            wrong = (score.value >= LOW) != same or (same and score.value < HIGH)
            if wrong:
                mark = "same" if same else "diff"
                print(f"  {mark} {score.value:.2f} {a.name} | {b.name} ({kind}): {score.reasons}")


if __name__ == "__main__":
    main()
