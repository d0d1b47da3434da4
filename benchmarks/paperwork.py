"""Extraction from official paperwork (tables, form fields, lists), per format.

Builds the paperwork set (`tools/make_paperwork`: reports, letters, a BAP, minutes, an
assignment letter, a memo, an attachment, a DOCX letter and an HTML page) into a working
folder, once per format group: plain text, the files as their senders made them
(born-digital PDF, DOCX, HTML), and office, fax and phone-photo scans of the printed pages.
Runs ``pantau run`` over each group with its own PANTAU_HOME and SQLite database, exports
the annotations (``pantau export --format annotations``) and scores them against
`tools/paperwork/gold` (the scorer of ``pantau eval``). Prints F1 per field and format,
then, per document, the named foreign nationals found out of those in the gold.
With ``--work DIR`` a second run reuses the renderings and the pages already read there
and only extracts again (for measuring a change to the extraction quickly).

    uv run python -m benchmarks.paperwork [--formats text,digital,office,fax,photo]
        [--work DIR] [--workers N] [--set paperwork|heldout]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.scan_robustness import pantau
from extractors.evaluation import FIELDS, evaluate, read_annotations
from tools import make_paperwork

LABEL_WIDTH = 24


def run_group(inputs: Path, work: Path, name: str, workers: int) -> tuple[Path, float]:
    """Process one format group into its own home and database; export its annotations.

    A database left by an earlier run in the same working folder is reused: its pages are
    not read again, and facts made by another version of the pipeline are extracted anew.
    """
    home = work / f"home-{name}"
    home.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{home / 'pantau.db'}"
    out = work / f"pred-{name}"
    began = time.perf_counter()
    pantau("run", str(inputs), "--db", db, "--workers", str(workers), "--json", home=home)
    pantau("extract", "--stale", "--db", db, home=home)
    seconds = time.perf_counter() - began
    pantau("export", "--format", "annotations", "--out", str(out), "--db", db, home=home)
    return out, seconds


def found_foreigners(gold: dict[str, Any], predicted: dict[str, Any] | None) -> str:
    """'found/named (+spurious)' for the named foreign nationals of one document."""
    score = evaluate({"doc": gold}, {"doc": predicted or {}}).fields["foreigner_pair"]
    named = score.tp + score.fn
    return f"{score.tp}/{named}" + (f" +{score.fp}" if score.fp else "")


def print_report(results: dict[str, dict], timings: dict[str, float],
                 gold: dict[str, dict]) -> None:
    """F1 per field and format; then named foreigners found per document and format."""
    names = list(results)
    print(f"documents: {len(gold)}")
    print(f"{'F1':{LABEL_WIDTH}}" + "".join(f"{n:>10}" for n in names))
    for field in FIELDS:
        cells = "".join(f"{results[n]['fields'][field]['f1']:10.3f}" for n in names)
        print(f"{field:{LABEL_WIDTH}}{cells}")
    cells = "".join(f"{results[n]['official_as_foreigner']:>10}" for n in names)
    print(f"{'official_as_foreigner':{LABEL_WIDTH}}{cells}")
    print()
    print(f"{'named foreigners found':{LABEL_WIDTH}}" + "".join(f"{n:>10}" for n in names))
    for stem in sorted(gold):
        cells = "".join(f"{results[n]['per_document'][stem]:>10}" for n in names)
        print(f"{stem[:LABEL_WIDTH - 1]:{LABEL_WIDTH}}{cells}")
    print()
    timing = ", ".join(f"{n} {timings[n]:.0f}" for n in names)
    print(f"run time (s), reading and extracting: {timing}")


def score_group(pred_dir: Path, gold: dict[str, dict]) -> dict[str, Any]:
    """Scores of one group's exported annotations, with per-document foreigner counts."""
    predicted = read_annotations(pred_dir) if any(pred_dir.glob("*.json")) else {}
    result = evaluate(gold, predicted).as_dict()
    result["per_document"] = {
        stem: found_foreigners(gold[stem], predicted.get(stem)) for stem in gold
    }
    return result


def main() -> None:
    """Build, run, evaluate, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", default=",".join(make_paperwork.FORMATS),
                        help="format groups, comma-separated")
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--set", choices=("paperwork", "heldout"), default="paperwork",
                        help="tools/paperwork (default) or the held-out set tools/heldout")
    args = parser.parse_args()
    heldout = args.set == "heldout"
    papers = make_paperwork.heldout_papers() if heldout else make_paperwork.PAPERS
    gold_dir = (make_paperwork.HELDOUT_DIR if heldout else make_paperwork.SOURCE_DIR) / "gold"
    work = args.work or Path(tempfile.mkdtemp(prefix="pantau-paperwork-"))
    formats = [f for f in args.formats.split(",") if f]
    began = time.perf_counter()
    missing = [f for f in formats if not any((work / "inputs" / f).glob("*"))]
    make_paperwork.build(work / "inputs", missing, papers)
    print(f"built {len(missing)} of {len(formats)} format groups in "
          f"{time.perf_counter() - began:.0f} s into {work / 'inputs'}")
    gold = read_annotations(gold_dir)
    results, timings = {}, {}
    for name in formats:
        pred_dir, timings[name] = run_group(work / "inputs" / name, work, name, args.workers)
        results[name] = score_group(pred_dir, gold)
    print_report(results, timings, gold)


if __name__ == "__main__":
    main()
