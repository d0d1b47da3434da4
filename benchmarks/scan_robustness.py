"""Extraction from text against extraction from degraded scans of the same documents.

Renders every ``.txt`` of CORPUS as scanned PDFs with ``tools.scansim`` (seed 7), once per
scan profile (default: office, hard and fax), runs ``pantau run`` over the text files and
over each set of scans into fresh SQLite databases, and scores each with ``pantau eval
GOLD``. Prints each field's F1 from text and from each profile's scans, with the difference.

    uv run python -m benchmarks.scan_robustness CORPUS GOLD [--profiles office,hard,fax]
        [--work DIR] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.scansim import convert_file

PROFILES = ("office", "hard", "fax")
FIELDS = ("foreigner_pair", "nationality", "location", "incident", "official", "event_date")


def render_scans(corpus: Path, out: Path, *, profile: str, seed: int = 7) -> list[Path]:
    """One scanned PDF per text file, with the given scan profile."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for src in sorted(corpus.glob("*.txt")):
        written += convert_file(
            src, out, profile=profile, rotate=0, fmt="pdf", seed=seed, font_size=11.0
        )
    return written


def pantau(*args: str, home: Path) -> str:
    """Run the pantau CLI; exit codes 0 and 3 (some inputs failed) are results."""
    env = {**os.environ, "PANTAU_HOME": str(home), "OMP_THREAD_LIMIT": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "pantau", *args], env=env, capture_output=True, text=True
    )
    if done.returncode not in (0, 3):
        raise SystemExit(f"pantau {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


def score(inputs: Path, gold: Path, work: Path, name: str, workers: int) -> tuple[dict, float]:
    """Process `inputs` into a database and evaluate it; returns the scores and seconds.

    A database left by an earlier call is reused: its pages are not read again, and facts
    made by another version of the pipeline are extracted anew.
    """
    db = f"sqlite:///{work / f'{name}.db'}"
    began = time.perf_counter()
    pantau("run", str(inputs), "--db", db, "--workers", str(workers), "--json", home=work)
    pantau("extract", "--stale", "--db", db, home=work)
    seconds = time.perf_counter() - began
    return json.loads(pantau("eval", str(gold), "--db", db, "--json", home=work)), seconds


def main() -> None:
    """Render, run, evaluate, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="folder of .txt documents")
    parser.add_argument("gold", type=Path, help="folder of gold annotation JSON files")
    parser.add_argument(
        "--profiles", default=",".join(PROFILES), help="scan profiles, comma-separated"
    )
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="pantau-scans-"))
    profiles = [p for p in args.profiles.split(",") if p]
    results = {"text": score(args.corpus, args.gold, work, "text", args.workers)}
    for profile in profiles:
        if not (work / f"scans-{profile}").is_dir():
            render_scans(args.corpus, work / f"scans-{profile}", profile=profile)
        results[profile] = score(work / f"scans-{profile}", args.gold, work, profile, args.workers)
    print(f"documents: {results['text'][0]['documents']}; work folder: {work}")
    print(f"{'F1':22}{'text':>7}" + "".join(f"{p:>16}" for p in profiles))
    for field in FIELDS:
        base = results["text"][0]["fields"][field]["f1"]
        cells = []
        for profile in profiles:
            value = results[profile][0]["fields"][field]["f1"]
            cells.append(f"{value:9.3f} ({value - base:+.3f})")
        print(f"{field:22}{base:7.3f}" + "".join(f"{c:>16}" for c in cells))
    print(
        f"{'official_as_foreigner':22}{results['text'][0]['official_as_foreigner']:7}"
        + "".join(f"{results[p][0]['official_as_foreigner']:>16}" for p in profiles)
    )
    print("run time (s):", ", ".join(f"{name} {r[1]:.0f}" for name, r in results.items()))


if __name__ == "__main__":
    main()
