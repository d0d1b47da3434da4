"""OCR throughput: `pantau run` against raw `tesseract`, on the same scanned pages.

Renders office-quality scans (300 dpi) of the sample texts, then in one run:
1. raw `tesseract PAGE stdout -l ind+eng`, one process per core;
2. `pantau run` over the same page files, into a fresh SQLite database.
Prints pages per minute for both, their ratio, and Pantau's peak memory (the sum of
resident memory over Pantau's process tree, sampled every 0.1 s). Pantau's home is
initialised first by a run over an empty folder (as on any machine after its first
run), whose time is printed as the fixed start-up cost of a command.

    uv run python benchmarks/ocr_throughput.py [--pages 24] [--workers N] [--profile office]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools import scansim  # noqa: E402

TEXTS = ROOT / "tools" / "sample_texts"


def make_pages(out: Path, *, count: int, profile: str) -> list[Path]:
    """Render `count` scanned pages from the sample texts (cycling through them)."""
    texts = sorted(TEXTS.glob("*.txt"))
    if not texts:
        sys.exit(f"no texts in {TEXTS}")
    pages: list[Path] = []
    seed = 0
    while len(pages) < count:
        for source in texts:
            for image in scansim.render_pages(source.read_text(encoding="utf-8"), seed=seed):
                if len(pages) == count:
                    return pages
                scan = scansim.degrade(image, profile, seed=seed)
                path = out / f"page-{len(pages):03d}.png"
                scan.save(path, dpi=(300, 300))
                pages.append(path)
                seed += 1
    return pages


def run_raw_tesseract(pages: list[Path], *, workers: int) -> float:
    """Seconds for raw tesseract over all pages, one process per core."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(page: Path) -> None:
        subprocess.run(
            ["tesseract", str(page), "stdout", "-l", "ind+eng"],
            check=True,
            env=env,
            capture_output=True,
        )

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, pages))
    return time.perf_counter() - started


def tree_rss(pid: int) -> int:
    """Resident memory in bytes of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, stack = 0, [pid]
    page = os.sysconf("SC_PAGE_SIZE")
    while stack:
        current = stack.pop()
        with contextlib.suppress(OSError):
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * page
        stack.extend(children.get(current, []))
    return total


def run_pantau(folder: Path, *, workers: int, home: Path) -> tuple[float, int, dict]:
    """Seconds for `pantau run`, its peak tree memory, and its JSON run report."""
    env = {
        **os.environ,
        "PANTAU_HOME": str(home),
        "PREFECT_HOME": str(home / "prefect"),
        "PANTAU_WORKERS": str(workers),
        # In its own process, so that the process tree measured is the one doing the work
        # (the home's batch server would otherwise answer the second run).
        "PANTAU_COMMAND_SERVER_IDLE_SECONDS": "0",
    }
    command = [sys.executable, "-m", "pantau", "run", str(folder), "--json"]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, cwd=ROOT)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode not in (0, 3):
        sys.exit(f"pantau run failed with exit code {process.returncode}")
    return seconds, peak, json.loads(output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=24)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--profile", default="office", choices=sorted(scansim.PROFILES))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pantau-bench-"))
    try:
        folder = work / "pages"
        folder.mkdir()
        pages = make_pages(folder, count=args.pages, profile=args.profile)
        print(f"{len(pages)} {args.profile} pages at 300 dpi, {args.workers} workers")
        raw = run_raw_tesseract(pages, workers=args.workers)
        empty = work / "empty"
        empty.mkdir()
        startup, _, _ = run_pantau(empty, workers=args.workers, home=work / "home")
        seconds, peak, report = run_pantau(folder, workers=args.workers, home=work / "home")
        raw_ppm = len(pages) / raw * 60
        pantau_ppm = len(pages) / seconds * 60
        batch_ppm = report["pages_per_minute"]
        print(f"pantau start-up    : {startup:7.1f} s  (a run over an empty folder)")
        print(f"raw tesseract      : {raw:7.1f} s  {raw_ppm:6.1f} pages/min")
        print(f"pantau run (total) : {seconds:7.1f} s  {pantau_ppm:6.1f} pages/min")
        print(f"pantau batch only  : {report['seconds']:7.1f} s  {batch_ppm:6.1f} pages/min")
        ratio, batch_ratio = pantau_ppm / raw_ppm, batch_ppm / raw_ppm
        print(f"ratio pantau/raw   : {ratio:.2f} (batch only {batch_ratio:.2f})")
        print(f"pantau peak memory : {peak / 2**20:.0f} MiB (process tree, RSS)")
        print(f"pages OCR'd        : {report['pages_ocr']} of {report['pages']}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
