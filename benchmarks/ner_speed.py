"""Speed of the shipped Indonesian NER on one CPU core, in words per second.

Runs the full model pipeline (tokenizer, tok2vec, ner) with `nlp.pipe` over the repository's
sample texts (`tools/sample_texts`), repeated until about `--words` words, pinned to one core
with BLAS threads limited to one. Words are the Doc's tokens that are not whitespace. Prints
the best of `--repeats` runs.

    uv run python benchmarks/ner_speed.py [--words 100000] [--repeats 3]
"""

from __future__ import annotations

import os

# BLAS reads these when numpy is first imported: one thread, so the run uses one core.
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.nlp.ner import load_ner  # noqa: E402

SAMPLES = ROOT / "tools" / "sample_texts"


def load_texts(words: int) -> list[str]:
    """Sample texts split into paragraphs, repeated until they hold about `words` words."""
    paragraphs = [
        p.strip()
        for path in sorted(SAMPLES.glob("*.txt"))
        for p in path.read_text(encoding="utf-8").split("\n\n")
        if p.strip()
    ]
    texts: list[str] = []
    count = 0
    while count < words:
        texts.extend(paragraphs)
        count += sum(len(p.split()) for p in paragraphs)
    return texts


def time_run(texts: list[str]) -> tuple[int, float]:
    """Words processed and seconds taken by one pass of the NER over `texts`."""
    nlp = load_ner()
    started = time.perf_counter()
    words = sum(
        sum(1 for token in doc if not token.is_space) for doc in nlp.pipe(texts, batch_size=64)
    )
    return words, time.perf_counter() - started


def main() -> int:
    """Warm up, time `--repeats` passes and print the best words per second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    texts = load_texts(args.words)
    time_run(texts[:50])
    runs = [time_run(texts) for _ in range(args.repeats)]
    best = max(words / seconds for words, seconds in runs)
    words = runs[0][0]
    print(f"{words} words in {len(texts)} paragraphs; best of {args.repeats}: {best:,.0f} words/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
