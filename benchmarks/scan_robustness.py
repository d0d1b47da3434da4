"""Extraction from text against extraction from degraded scans of the same documents.

Renders every ``.txt`` of CORPUS as a scanned PDF with ``tools.scansim`` (profiles office,
fax and hard in turn, seed 7), runs ``pantau run`` over the text files and over the scans
into two fresh SQLite databases, and scores both with ``pantau eval GOLD``. Prints each
field's F1 for text and scans and the difference.

    uv run python -m benchmarks.scan_robustness CORPUS GOLD [--work DIR] [--workers N]
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

PROFILES = ("office", "fax", "hard")
FIELDS = ("foreigner_pair", "nationality", "location", "incident", "official", "event_date")


def render_scans(corpus: Path, out: Path, *, seed: int = 7) -> list[Path]:
    """One scanned PDF per text file, cycling through the scan profiles."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for n, src in enumerate(sorted(corpus.glob("*.txt"))):
        written += convert_file(
            src,
            out,
            profile=PROFILES[n % len(PROFILES)],
            rotate=0,
            fmt="pdf",
            seed=seed,
            font_size=11.0,
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
    """Process `inputs` into a new database and evaluate it; returns the scores and seconds."""
    db = f"sqlite:///{work / f'{name}.db'}"
    began = time.perf_counter()
    pantau("run", str(inputs), "--db", db, "--workers", str(workers), "--json", home=work)
    seconds = time.perf_counter() - began
    return json.loads(pantau("eval", str(gold), "--db", db, "--json", home=work)), seconds


def main() -> None:
    """Render, run, evaluate, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="folder of .txt documents")
    parser.add_argument("gold", type=Path, help="folder of gold annotation JSON files")
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="pantau-scans-"))
    scans = work / "scans"
    render_scans(args.corpus, scans)
    text, text_seconds = score(args.corpus, args.gold, work, "text", args.workers)
    scanned, scan_seconds = score(scans, args.gold, work, "scans", args.workers)
    print(f"documents: {text['documents']}; work folder: {work}")
    print(f"{'field':18}{'text F1':>9}{'scans F1':>10}{'diff':>8}")
    for field in FIELDS:
        a, b = text["fields"][field]["f1"], scanned["fields"][field]["f1"]
        print(f"{field:18}{a:9.3f}{b:10.3f}{b - a:+8.3f}")
    print(
        f"{'official_as_foreigner':18}{text['official_as_foreigner']:9}"
        f"{scanned['official_as_foreigner']:10}"
    )
    print(f"run time: text {text_seconds:.0f} s, scans {scan_seconds:.0f} s")


if __name__ == "__main__":
    main()
