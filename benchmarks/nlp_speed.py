"""Words per second of the whole NLP stage on one core: pipeline plus facts, as the batch runs it.

Times ``extractors.facts.extract_facts`` (every component of ``pipeline.cfg``, then the
facts with page offsets and evidence sentences) over the repository's sample texts
(``tools/sample_texts``), repeated until about ``--words`` words. The pipeline is loaded
and warmed before timing. Words are the Doc's tokens that are not whitespace. Prints the
best of ``--repeats`` runs and the peak memory of the process.

    uv run python -m benchmarks.nlp_speed [--words 50000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

from extractors.facts import extract_facts

SAMPLES = Path(__file__).resolve().parent.parent / "tools" / "sample_texts"


def main() -> None:
    """Time the NLP stage over the sample texts and print words per second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    extract_facts([(1, texts[0])])  # load and warm the pipeline
    batch, words = [], 0
    while words < args.words:
        for text in texts:
            batch.append(text)
            words += extract_facts([(1, text)]).words
    best, facts = float("inf"), 0
    for _ in range(args.repeats):
        began = time.perf_counter()
        facts = sum(len(extract_facts([(1, text)]).facts) for text in batch)
        best = min(best, time.perf_counter() - began)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"NLP stage (pipeline + facts), one core: {len(batch)} documents, {words} words, "
        f"{facts} facts, {words / best:,.0f} words/s; peak memory {peak:,.0f} MiB"
    )


if __name__ == "__main__":
    main()
