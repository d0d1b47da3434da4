"""Words per second of the whole NLP stage on one core: pipeline plus facts, as the batch runs it.

Times ``extractors.facts.extract_facts`` (every component of ``pipeline.cfg``, then the
facts with page offsets and evidence sentences) over the repository's sample texts
(``tools/sample_texts``), repeated until about ``--words`` words. The pipeline is loaded
and warmed before timing. Words are the Doc's tokens that are not whitespace. Prints the
best of ``--repeats`` runs, in elapsed time and in CPU time of the process (pinned to one
core, so CPU time is what one core does even when other programs share the machine), and
the peak memory of the process, then (unless ``--no-components``) the seconds each pipeline
component, the tokenizer and the fact making take over the same batch, each component run
on its own.

    uv run python -m benchmarks.nlp_speed [--words 50000] [--repeats 3] [--no-components]
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from collections import defaultdict
from pathlib import Path

from extractors.facts import chunk_pages, extract_facts, facts_of_doc
from extractors.nlp.pipeline import load_pipeline

SAMPLES = Path(__file__).resolve().parent.parent / "tools" / "sample_texts"
GOAL_WORDS_PER_CPU_SECOND = 20_000


def time_components(batch: list[str]) -> dict[str, float]:
    """Seconds per step (tokenizer, each pipeline component, facts) over `batch`."""
    nlp = load_pipeline()
    seconds: dict[str, float] = defaultdict(float)
    for text in batch:
        for chunk in chunk_pages([(1, text)]):
            began = time.perf_counter()
            doc = nlp.make_doc(chunk.text)
            seconds["tokenizer"] += time.perf_counter() - began
            for name, component in nlp.pipeline:
                began = time.perf_counter()
                doc = component(doc)
                seconds[name] += time.perf_counter() - began
            began = time.perf_counter()
            facts_of_doc(doc, chunk)
            seconds["facts"] += time.perf_counter() - began
    return seconds


def main() -> None:
    """Time the NLP stage over the sample texts and print words per second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-components", action="store_true", help="skip the per-step times")
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
    best, best_cpu, facts = float("inf"), float("inf"), 0
    for _ in range(args.repeats):
        began, began_cpu = time.perf_counter(), time.process_time()
        facts = sum(len(extract_facts([(1, text)]).facts) for text in batch)
        best = min(best, time.perf_counter() - began)
        best_cpu = min(best_cpu, time.process_time() - began_cpu)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # CPU seconds of the pinned process: what one core can do, whatever else runs beside it.
    print(
        f"NLP stage (pipeline + facts), one core: {len(batch)} documents, {words} words, "
        f"{facts} facts, {words / best:,.0f} words/s elapsed, {words / best_cpu:,.0f} words "
        f"per CPU second; peak memory {peak:,.0f} MiB"
    )
    per_cpu = words / best_cpu
    met = "met" if per_cpu >= GOAL_WORDS_PER_CPU_SECOND else "MISSED"
    print(f"  goal {GOAL_WORDS_PER_CPU_SECOND:,} words per CPU second: {met}")
    if not args.no_components:
        seconds = time_components(batch)
        total = sum(seconds.values())
        for name, spent in sorted(seconds.items(), key=lambda item: -item[1]):
            print(f"  {name:<24} {spent:7.2f} s  {100 * spent / total:5.1f}%")


if __name__ == "__main__":
    main()
