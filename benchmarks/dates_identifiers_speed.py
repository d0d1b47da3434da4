"""Speed of the date and identifier components together on one CPU core, in words per second.

Runs `spacy.blank("id")` with `pantau_dates` and `pantau_identifiers` over three pages of
sample paperwork (`benchmarks/data/dates_identifiers_pages.txt`: a letter, minutes and a news
item), split into pages and repeated until about `--words` words. The process is pinned to
one core. Words are the Doc's tokens that are not whitespace or punctuation. Prints the best
of `--repeats` runs for the tokenizer alone, and for both components with the document date
given in the config and inferred from each page.

    uv run python benchmarks/dates_identifiers_speed.py [--words 100000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

import extractors.nlp.dates  # noqa: E402, F401  (registers pantau_dates)
import extractors.nlp.identifiers  # noqa: E402, F401  (registers pantau_identifiers)

PAGES = ROOT / "benchmarks" / "data" / "dates_identifiers_pages.txt"


def load_pages(words: int) -> list[str]:
    """The sample text cut into pages of six paragraphs, repeated to about `words` words."""
    paragraphs = [p for p in PAGES.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    pages = ["\n\n".join(paragraphs[i : i + 6]) for i in range(0, len(paragraphs), 6)]
    per_round = sum(len(page.split()) for page in pages)
    return pages * max(1, words // per_round)


def time_pipeline(nlp: spacy.Language, pages: list[str]) -> tuple[int, float]:
    """Words processed and seconds taken for one pass over `pages`."""
    started = time.perf_counter()
    words = 0
    for doc in nlp.pipe(pages):
        words += sum(1 for token in doc if not (token.is_space or token.is_punct))
    return words, time.perf_counter() - started


def main() -> None:
    """Print words per second for the tokenizer alone and with both components."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    pages = load_pages(args.words)
    tokenizer_only = spacy.blank("id")
    given = spacy.blank("id")
    given.add_pipe("pantau_dates", config={"document_date": "2026-10-30"})
    given.add_pipe("pantau_identifiers")
    inferred = spacy.blank("id")
    inferred.add_pipe("pantau_dates")
    inferred.add_pipe("pantau_identifiers")
    runs = (
        ("tokenizer only", tokenizer_only),
        ("both, date given", given),
        ("both, date inferred", inferred),
    )
    for label, nlp in runs:
        timings = [time_pipeline(nlp, pages) for _ in range(args.repeats)]
        words, best = timings[0][0], min(seconds for _, seconds in timings)
        print(f"{label:20s} {words:>8d} words  {best:6.2f} s  {words / best:>10,.0f} words/s")


if __name__ == "__main__":
    main()
