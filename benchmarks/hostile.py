"""One batch of hostile inputs: peak memory of the process tree, time, and how each input ended.

Builds the inbox of tools/hostile.py (43 kinds: links out of the inbox, pipes, bombs,
encrypted and truncated files, giant pages, hostile names, a control letter), runs
`pantau run` over it as a whole command, samples the resident memory of the command and
all its children every 0.1 s, and prints each input's state and reason beside what it
is due.

    uv run python -m benchmarks.hostile [--workers N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

from benchmarks.ocr_throughput import run_pantau
from tools import hostile

GOAL_MIB = 1536


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, help="Build the inbox here and keep it.")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="pantau-hostile-"))
    try:
        expected = hostile.make_inbox(work / "inbox", work / "outside")
        os.environ["PANTAU_DATABASE_URL"] = f"sqlite:///{work / 'pantau.db'}"
        seconds, peak, report = run_pantau(work / "inbox", workers=args.workers, home=work / "home")
        ended = {Path(p["path"]).name: p for p in report["problems"]}
        print(f"{'input':42} {'due':10} {'ended':10} reason")
        for made, due in expected.items():
            name = os.fsencode(made).decode("utf-8", "backslashreplace")
            problem = ended.get(name)
            state = problem["status"] if problem else "stored"
            code = (problem or {}).get("error_code") or ""
            shown = name.encode("unicode_escape").decode()[:40]
            print(f"{shown:42} {due.outcome:10} {state:10} {code}")
        mib = peak / 2**20
        print(
            f"\n{len(expected)} inputs in {seconds:.0f} s; peak memory of the process tree "
            f"{mib:,.0f} MiB (goal at most {GOAL_MIB:,} MiB)"
        )
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
