"""Batch scale: whole `pantau run` commands over scans, born-digital PDFs and a mixed batch.

Each figure is printed beside its goal:
1. Office-scan PDFs (grey 300 dpi JPEG pages, as `tools.make_samples` writes office scans;
   by default ten PDFs, 11 pages): raw `pdftoppm -r 300 -gray` (PGM) then
   `tesseract PAGE stdout -l ind+eng` per PDF, one process per core, against
   `pantau run FOLDER --json` over the same PDFs, timed from start to exit. Pages per
   minute for both and their ratio pantau/raw: goal 0.9, or 0.97 from 100 pages on. Then
   the same PDFs are read and extracted in the benchmark's own process, one after another,
   and the CPU of tesseract and of Pantau's own code per page is printed: with every core
   busy, the ratio can be at most tesseract's share of the CPU.
2. Born-digital PDFs of 1-5 pages with a text layer (default 300 pages): pages per second
   through the whole command (text layer, NLP, storage), goal 100; the run report's own
   `seconds` (the batch alone) beside it.
3. One folder of born-digital PDFs and office scans (default 1,000 pages, 10% scanned):
   peak resident memory, sampled every 0.1 s, of the command's process tree (tesseract
   and worker processes included) plus the home's local Prefect server it uses; goal 1.5 GiB.

Parts 1 and 2 also run the same files, into a second database, through the home's batch
server (`pantau.cmdserver`), as a user's next `pantau run` is answered.

Documents are typeset from the invented texts in `tools/sample_texts/` (cycled), each copy
with its own archive number, so no two files or texts are the same. Every command runs in
its own process (PANTAU_COMMAND_SERVER_IDLE_SECONDS=0, no batch server), with
PANTAU_WORKERS set to the core count, in a fresh Pantau home per part. A warm-up run over an
empty folder first starts the home's local Prefect server, which the measured run then
reuses (PANTAU_PREFECT_IDLE_SECONDS) and which is stopped at the end; the warm-up's time is
printed as the fixed cost of a home's first command.

    uv run python -m benchmarks.batch_scale [--pdfs 10] [--scan-pages 11]
        [--digital-pages 300] [--memory-pages 1000] [--scanned-share 0.1] [--workers N]
        [--skip-scans] [--skip-digital] [--skip-memory]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from PIL import Image

from benchmarks.ocr_throughput import ROOT, TEXTS, tree_rss
from pantau import cmdserver
from pantau.prefect_server import STATE_FILE
from tools import make_samples, scansim

DATE = datetime(2026, 11, 2, 9, 0)
DIGITAL_MAX_PAGES = 5
SCAN_MAX_PAGES = 3
SAMPLE_SECONDS = 0.1
MEMORY_GOAL_MIB = 1536
DIGITAL_GOAL_PAGES_PER_SECOND = 100.0
EXIT_CODES_OK = (0, 3)  # 3: some documents failed or were partly processed
PANTAU = [sys.executable, "-m", "pantau"]
_serials = itertools.count(1)


# --------------------------------------------------------------------------- documents


def next_text() -> tuple[int, str]:
    """The next sample text (cycling) and its serial number, which ends the text as an
    archive number: no two copies are the same."""
    texts = sorted(TEXTS.glob("*.txt"))
    if not texts:
        sys.exit(f"no texts in {TEXTS}")
    serial = next(_serials)
    marked = texts[serial % len(texts)].read_text(encoding="utf-8").rstrip()
    return serial, f"{marked}\n\nNomor arsip: {serial:06d}\n"


def even_sizes(total: int, count: int) -> list[int]:
    """`total` pages over `count` documents, as evenly as possible (the larger ones last)."""
    base, extra = divmod(total, count)
    return [base] * (count - extra) + [base + 1] * extra


def cycled_sizes(total: int, largest: int) -> list[int]:
    """`total` pages over documents of 1, 2, ... `largest` pages in turn (the last cut short)."""
    sizes: list[int] = []
    for size in itertools.cycle(range(1, largest + 1)):
        left = total - sum(sizes)
        if left <= 0:
            return sizes
        sizes.append(min(size, left))
    return sizes


def first_pages(data: bytes, pages: int) -> bytes:
    """The PDF cut down to its first `pages` pages."""
    document = pdfium.PdfDocument(data)
    try:
        for index in range(len(document) - 1, pages - 1, -1):
            document.del_page(index)
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()
    finally:
        document.close()


def write_digital_pdf(path: Path, pages: int) -> None:
    """A born-digital PDF of exactly `pages` pages: sample texts typeset one after another."""
    pdf = make_samples.new_digital_pdf(title=path.stem, date=DATE)
    while pdf.page < pages:
        _, marked = next_text()
        blocks = make_samples.split_blocks(marked)
        make_samples.typeset(pdf, blocks, headline=make_samples.is_headline(marked))
    data = bytes(pdf.output())
    path.write_bytes(data if pdf.page == pages else first_pages(data, pages))


def scanned_pages() -> Iterator[Image.Image]:
    """Office-scan pages of the sample texts, one text after another, without end."""
    profile = scansim.get_profile("office")
    while True:
        serial, marked = next_text()
        yield from make_samples.scan_pages(marked, profile, seed=serial)


def write_pdfs(folder: Path, prefix: str, sizes: list[int], *, scanned: bool) -> list[Path]:
    """One PDF per size in `folder`, born-digital or an image-only office scan."""
    pages = scanned_pages()
    paths = []
    for number, size in enumerate(sizes, start=1):
        path = folder / f"{prefix}-{number:04d}.pdf"
        if scanned:
            make_samples.write_scan_pdf(list(itertools.islice(pages, size)), path, date=DATE)
        else:
            write_digital_pdf(path, size)
        paths.append(path)
    return paths


# --------------------------------------------------------------------------- raw OCR


def run_raw_ocr(pdfs: list[Path], *, workers: int) -> tuple[float, int]:
    """Seconds and pages for raw pdftoppm + tesseract over the PDFs, one process per core."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def run(command: list[str]) -> None:
        done = subprocess.run(command, env=env, capture_output=True)
        if done.returncode != 0:
            sys.exit(f"{' '.join(command)} failed:\n{done.stderr.decode(errors='replace')}")

    def one(pdf: Path) -> int:
        with tempfile.TemporaryDirectory(prefix="raw-ocr-") as tmp:
            # Uncompressed greyscale (PGM): PNG's compression of a noisy 300 dpi page took
            # pdftoppm 10 s, four times tesseract's own time.
            run(["pdftoppm", "-r", "300", "-gray", str(pdf), f"{tmp}/page"])
            images = sorted(Path(tmp).glob("page*.pgm"))
            for image in images:
                run(["tesseract", str(image), "stdout", "-l", "ind+eng"])
            return len(images)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pages = sum(pool.map(one, pdfs))
    return time.perf_counter() - started, pages


# --------------------------------------------------------------------------- pantau


@dataclass(frozen=True)
class Run:
    """One `pantau run` command: wall seconds, its JSON report, peak memory (bytes)."""

    seconds: float
    report: dict[str, Any]
    peak: int = 0  # the command's process tree plus the Prefect server it uses
    peak_tree: int = 0  # the command's process tree alone


def pantau_env(home: Path, workers: int) -> dict[str, str]:
    """The environment of every command in `home`: own process, fresh home, kept server."""
    env = {
        **os.environ,
        "PANTAU_HOME": str(home),
        "PREFECT_HOME": str(home / "prefect"),
        "PANTAU_WORKERS": str(workers),
        cmdserver.IDLE_VARIABLE: "0",
        "PANTAU_PREFECT_IDLE_SECONDS": "300",
        "OMP_THREAD_LIMIT": "1",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    for name in ("PREFECT_API_URL", "PANTAU_DATABASE_URL"):
        env.pop(name, None)
    return env


def prefect_keeper(home: Path) -> int | None:
    """Process id of the home's shared Prefect server keeper (the server is its child)."""
    try:
        return int(json.loads((home / STATE_FILE).read_text())["keeper"])
    except (OSError, ValueError, KeyError):
        return None


def run_pantau(folder: Path, env: dict[str, str], *, sample: bool = False) -> Run:
    """Run `pantau run FOLDER --json`; with `sample`, track peak memory every 0.1 s."""
    keeper = prefect_keeper(Path(env["PANTAU_HOME"])) if sample else None
    command = [*PANTAU, "run", str(folder), "--json"]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    peak = peak_tree = 0
    done = threading.Event()

    def measure() -> None:
        nonlocal peak, peak_tree
        while not done.is_set():
            tree = tree_rss(process.pid)
            server = tree_rss(keeper) if keeper else 0
            peak, peak_tree = max(peak, tree + server), max(peak_tree, tree)
            done.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=measure, daemon=True)
    if sample:
        sampler.start()
    output, errors = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    if sample:
        sampler.join()
    if process.returncode not in EXIT_CODES_OK:
        tail = errors.decode(errors="replace")[-3000:]
        sys.exit(f"pantau run {folder} failed with exit code {process.returncode}:\n{tail}")
    return Run(seconds, json.loads(output), peak, peak_tree)


def served_run(folder: Path, env: dict[str, str]) -> Run:
    """`pantau run` over `folder` into a new database, answered by the home's batch server
    (started here and waited for, as a home's first run starts it)."""
    home = Path(env["PANTAU_HOME"]).resolve()
    served = {**env, cmdserver.IDLE_VARIABLE: "300"}
    served["PANTAU_DATABASE_URL"] = f"sqlite:///{home / 'served.db'}"
    server = subprocess.Popen(
        [*PANTAU[:2], "pantau.cmdserver", "--home", str(home), "--idle", "300"]
        + ["--kind", cmdserver.BATCH],
        env=served,
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 180
        while not _batch_server_up(home):
            if time.monotonic() > deadline:
                sys.exit("the batch server did not come up")
            time.sleep(0.2)
        return run_pantau(folder, served)
    finally:
        server.kill()
        server.wait()


def _batch_server_up(home: Path) -> bool:
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(cmdserver.address(home, cmdserver.BATCH))
        return True
    except OSError:
        return False
    finally:
        probe.close()


@contextlib.contextmanager
def pantau_home(work: Path, name: str, workers: int) -> Iterator[dict[str, str]]:
    """A fresh Pantau home, warmed up by a run over an empty folder; its server stopped after.

    Gives the environment for commands in that home.
    """
    home = work / f"home-{name}"
    env = pantau_env(home, workers)
    empty = work / f"empty-{name}"
    empty.mkdir()
    try:
        warm_up = run_pantau(empty, env)
        kept = "kept" if prefect_keeper(home) else "NOT kept: each run starts its own"
        print(
            f"  warm-up (first command of a new home): {warm_up.seconds:7.1f} s  "
            f"(starts the local Prefect server; {kept})"
        )
        yield env
    finally:
        subprocess.run(
            [*PANTAU, "prefect-server", "--stop"], env=env, cwd=ROOT, capture_output=True
        )


# --------------------------------------------------------------------------- parts


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def check_report(report: dict[str, Any], pages: int) -> None:
    """Print a warning when the run did not read every page of every document."""
    if report["pages"] != pages or report["failed"] or report["partial"] or report["duplicates"]:
        print(
            f"  WARNING: {report['pages']} of {pages} pages read; failed {report['failed']}, "
            f"partial {report['partial']}, duplicates {report['duplicates']}"
        )


def scans_part(work: Path, *, pdfs: int, pages: int, workers: int) -> None:
    """Office-scan PDFs: raw pdftoppm + tesseract against `pantau run`."""
    if pages < pdfs:
        sys.exit(f"--scan-pages ({pages}) must be at least --pdfs ({pdfs})")
    folder = work / "scans"
    folder.mkdir()
    paths = write_pdfs(folder, "scan", even_sizes(pages, pdfs), scanned=True)
    print(f"1. office scans: {pdfs} PDFs, {pages} pages at 300 dpi")
    raw, raw_pages = run_raw_ocr(paths, workers=workers)
    raw_ppm = raw_pages / raw * 60
    print(
        f"  raw pdftoppm + tesseract  : {raw:7.1f} s  {raw_ppm:7.1f} pages/min "
        f"({workers} processes)"
    )
    with pantau_home(work, "scans", workers) as env:
        runs = {"own process": run_pantau(folder, env), "batch server": served_run(folder, env)}
    goal = 0.97 if pages >= 100 else 0.9
    for how, run in runs.items():
        check_report(run.report, pages)
        pantau_ppm = run.report["pages"] / run.seconds * 60
        batch = run.report["seconds"]
        ratio = pantau_ppm / raw_ppm
        print(
            f"  pantau run, {how:<13}: {run.seconds:7.1f} s  {pantau_ppm:7.1f} pages/min "
            f"(batch alone {batch:.1f} s; {run.report['pages_ocr']} pages OCR'd)"
        )
        met = verdict(ratio >= goal)
        print(f"  ratio pantau/raw          : {ratio:7.2f}    goal >= {goal:.2f}  {met}")
    cpu_split(paths, pages)


def cpu_split(paths: list[Path], pages: int) -> None:
    """What bounds the ratio: the same PDFs read and extracted in this process one after
    another, tesseract's CPU (child processes) against Pantau's own (this process)."""
    import resource

    from extractors import intake
    from extractors.nlp.pipeline import load_pipeline
    from extractors.pipeline import read_document
    from flows.batch import extract_result

    load_pipeline()

    def spent() -> tuple[float, float]:
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime

    reading = nlp = 0.0
    own_before, children_before = spent()
    for path in paths:
        began = spent()[0]
        result = read_document(intake.inspect(path))
        read = spent()[0]
        extract_result(result)
        reading, nlp = reading + read - began, nlp + spent()[0] - read
    own, children = (
        after - before for after, before in zip(spent(), (own_before, children_before), strict=True)
    )
    print(
        f"  CPU per page, in one process: tesseract {children / pages:.2f} s, Pantau's own "
        f"{own / pages:.2f} s (reading {reading / pages:.2f}, NLP {nlp / pages:.2f}): "
        f"with every core busy, at best {children / (children + own):.2f} x raw"
    )


def digital_part(work: Path, *, pages: int, workers: int) -> None:
    """Born-digital PDFs: pages per second through the whole command."""
    folder = work / "digital"
    folder.mkdir()
    sizes = cycled_sizes(pages, DIGITAL_MAX_PAGES)
    write_pdfs(folder, "digital", sizes, scanned=False)
    print(f"2. born-digital PDFs: {len(sizes)} PDFs of 1-{DIGITAL_MAX_PAGES} pages, {pages} pages")
    with pantau_home(work, "digital", workers) as env:
        runs = {"own process": run_pantau(folder, env), "batch server": served_run(folder, env)}
    goal = DIGITAL_GOAL_PAGES_PER_SECOND
    for how, run in runs.items():
        check_report(run.report, pages)
        rate = run.report["pages"] / run.seconds
        batch = run.report["seconds"]
        print(
            f"  pantau run, {how:<13}: {run.seconds:7.1f} s  {rate:7.1f} pages/s   "
            f"goal >= {goal:.0f} pages/s  {verdict(rate >= goal)}"
        )
        print(
            f"  run report's own seconds  : {batch:7.1f} s  {run.report['pages'] / batch:7.1f} "
            f"pages/s (the batch alone; {run.report['pages_ocr']} pages OCR'd)"
        )


def memory_part(work: Path, *, pages: int, scanned_share: float, workers: int) -> None:
    """A mixed batch: peak resident memory of the command and the server it uses."""
    folder = work / "mixed"
    folder.mkdir()
    scanned = round(pages * scanned_share)
    scan_sizes = cycled_sizes(scanned, SCAN_MAX_PAGES)
    digital_sizes = cycled_sizes(pages - scanned, DIGITAL_MAX_PAGES)
    write_pdfs(folder, "scan", scan_sizes, scanned=True)
    write_pdfs(folder, "digital", digital_sizes, scanned=False)
    print(
        f"3. mixed batch: {pages} pages in {len(scan_sizes) + len(digital_sizes)} PDFs, "
        f"{scanned} of them office scans"
    )
    with pantau_home(work, "memory", workers) as env:
        run = run_pantau(folder, env, sample=True)
    check_report(run.report, pages)
    peak, tree = run.peak / 2**20, run.peak_tree / 2**20
    print(
        f"  pantau run (whole command): {run.seconds:7.1f} s  {run.report['pages']} pages, "
        f"{run.report['pages_ocr']} OCR'd"
    )
    print(
        f"  peak memory (RSS)         : {peak:7.0f} MiB   goal <= {MEMORY_GOAL_MIB} MiB  "
        f"{verdict(peak <= MEMORY_GOAL_MIB)}  (command's process tree alone {tree:.0f} MiB; "
        "the rest is the local Prefect server)"
    )


# --------------------------------------------------------------------------- main


def options_line(args: argparse.Namespace) -> str:
    """The options as a command line."""
    parts = []
    for name, value in vars(args).items():
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            parts += [flag] if value else []
        else:
            parts.append(f"{flag} {value}")
    return " ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pdfs", type=int, default=10, help="office-scan PDFs (part 1)")
    parser.add_argument("--scan-pages", type=int, default=11, help="their pages in total")
    parser.add_argument("--digital-pages", type=int, default=300, help="pages (part 2)")
    parser.add_argument("--memory-pages", type=int, default=1000, help="pages (part 3)")
    parser.add_argument("--scanned-share", type=float, default=0.1, help="scanned (part 3)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-scans", action="store_true")
    parser.add_argument("--skip-digital", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    for tool in ("pdftoppm", "tesseract"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed")
    print(f"batch_scale on {os.cpu_count()} cores: {options_line(args)}")
    work = Path(tempfile.mkdtemp(prefix="pantau-batch-scale-"))
    try:
        if not args.skip_scans:
            scans_part(work, pdfs=args.pdfs, pages=args.scan_pages, workers=args.workers)
        if not args.skip_digital:
            digital_part(work, pages=args.digital_pages, workers=args.workers)
        if not args.skip_memory:
            memory_part(
                work,
                pages=args.memory_pages,
                scanned_share=args.scanned_share,
                workers=args.workers,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
