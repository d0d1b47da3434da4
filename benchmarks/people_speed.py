"""Words per second of the people components (pantau_people_*) on one core.

Runs sentencizer, nationality, places, organisations and identifiers first (their time is not
counted), then times the three people components alone over the repository's sample texts
(``tools/sample_texts``), repeated until about ``--words`` words. Words are the Doc's tokens
that are not whitespace. Prints the best of ``--repeats`` runs.

    uv run python -m benchmarks.people_speed [--words 50000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import spacy

import extractors.nlp.identifiers  # noqa: F401  (registers the factories)
import extractors.nlp.nationality  # noqa: F401
import extractors.nlp.organisations  # noqa: F401
import extractors.nlp.places  # noqa: F401
from extractors.nlp.people import COMPONENTS

SAMPLES = Path(__file__).resolve().parent.parent / "tools" / "sample_texts"
BEFORE = (
    "sentencizer",
    "pantau_nationality",
    "pantau_places",
    "pantau_organisations",
    "pantau_identifiers",
)


def prepared_docs(nlp, words: int) -> list:
    """Docs with every component before the people components applied, ``words`` words in all."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    docs, total = [], 0
    while total < words:
        for text in texts:
            doc = nlp.make_doc(text)
            for name in BEFORE:
                doc = nlp.get_pipe(name)(doc)
            docs.append(doc)
            total += sum(1 for t in doc if not t.is_space)
    return docs


def main() -> None:
    """Time the people components over prepared Docs and print words per second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    nlp = spacy.blank("id")
    for name in (*BEFORE, *COMPONENTS):
        nlp.add_pipe(name)
    people = [nlp.get_pipe(name) for name in COMPONENTS]
    docs = prepared_docs(nlp, args.words)
    words = sum(1 for doc in docs for t in doc if not t.is_space)
    best = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        for doc in docs:
            for component in people:
                doc = component(doc)
        best = min(best, time.perf_counter() - start)
    found = sum(len(doc.spans["person"]) for doc in docs)
    print(f"pantau_people_*: {words} words, {found} people/groups, {words / best:,.0f} words/s")


if __name__ == "__main__":
    main()
