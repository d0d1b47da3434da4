"""Fixed costs of a command: pipeline load, `pantau run` on one new page, read commands.

Each figure is printed beside its goal. Every `pantau run` gets one new one-page text
letter (written here, invented), so it reads, extracts and stores a document as a user's
urgent letter would; the first run of a new home also starts the local Prefect server, the
following ones reuse it (PANTAU_PREFECT_IDLE_SECONDS). Wall times are whole commands as a
shell runs them (`python -m pantau ...`, interpreter start included).

    uv run python -m benchmarks.startup [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pantau import cmdserver
from tools.cluster import render_scan

LETTER = """KANTOR IMIGRASI KELAS II TPI TANJUNG UBAN
Nomor : W.6.IMI.4-GR.02.04-{n:04d}
Hal   : Pemberitahuan penindakan orang asing

Pada tanggal {day} November 2026 petugas mengamankan seorang warga negara Vietnam bernama
Tran Minh Khoa {n} di Kecamatan Bintan Utara karena izin tinggalnya telah berakhir.

Kepala Kantor,
Rudi Hartanto Simanjuntak
NIP 19790311 200212 1 002
"""

PIPELINE_LOAD = (
    "import time; t = time.perf_counter(); "
    "from extractors.nlp.pipeline import load_pipeline; load_pipeline(); "
    "print(time.perf_counter() - t)"
)


def _server_up(home: Path) -> bool:
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(cmdserver.address(home))
        return True
    except OSError:
        return False
    finally:
        probe.close()


def timed(command: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one command; it must succeed."""
    began = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return seconds


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs after the first (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pantau-startup-") as tmp:
        work = Path(tmp)
        env = {
            **os.environ,
            "PANTAU_HOME": str(work / "home"),
            "PANTAU_PREFECT_IDLE_SECONDS": "120",
            "OMP_THREAD_LIMIT": "1",
        }
        env.pop("PREFECT_API_URL", None)
        pantau = [sys.executable, "-m", "pantau"]

        loads = []
        for _ in range(3):
            done = subprocess.run(
                [sys.executable, "-c", PIPELINE_LOAD], env=env, capture_output=True, text=True
            )
            loads.append(float(done.stdout.strip().splitlines()[-1]))

        runs = []
        for n in range(args.runs + 1):
            inbox = work / f"inbox-{n}"
            inbox.mkdir()
            (inbox / f"surat-{n}.txt").write_text(LETTER.format(n=n, day=10 + n))
            runs.append(timed([*pantau, "run", str(inbox), "--json"], env))

        # One new one-page scan, against raw tesseract on the same page.
        scans = []
        for n in range(args.runs):
            inbox = work / f"scan-{n}"
            inbox.mkdir()
            page = render_scan(LETTER.format(n=100 + n, day=20 + n), inbox / f"pindai-{n}.png")
            raw = timed(["tesseract", str(page), "-", "-l", "ind+eng"], env)
            scans.append((raw, timed([*pantau, "run", str(inbox), "--json"], env)))

        # The first read command runs in its own process and starts the home's command
        # server (pantau.cmdserver); the following ones are answered by it.
        first_read = timed([*pantau, "docs"], env)
        home = Path(env["PANTAU_HOME"]).resolve()
        deadline = time.monotonic() + 60
        while not _server_up(home) and time.monotonic() < deadline:
            time.sleep(0.1)
        commands = {"docs": ["docs"], "search": ["search", "Vietnam"], "runs": ["runs"],
                    "subjects": ["subjects"], "show": ["show", "1"]}
        reads = {
            name: statistics.median(timed([*pantau, *args], env) for _ in range(5))
            for name, args in commands.items()
        }
        in_process = {
            name: timed([*pantau, *args], {**env, cmdserver.IDLE_VARIABLE: "0"})
            for name, args in commands.items()
        }
        subprocess.run([*pantau, "prefect-server", "--stop"], env=env, capture_output=True)

    print(f"pipeline load (fresh process, best of 3): {min(loads):6.2f} s   goal 1 s")
    print(f"pantau run, one new page, new home      : {runs[0]:6.2f} s   (starts the server)")
    later = statistics.median(runs[1:]) if runs[1:] else float("nan")
    print(f"pantau run, one new page, next commands : {later:6.2f} s   goal 3 s (median of "
          f"{len(runs) - 1})")
    raw, scan = (statistics.median(column) for column in zip(*scans, strict=True))
    print(f"pantau run, one new scanned page        : {scan:6.2f} s   goal raw + 2 s = "
          f"{raw + 2:.2f} s (raw tesseract {raw:.2f} s; medians of {len(scans)})")
    print(f"first read command of a home          : {first_read:6.2f} s   (starts the command "
          "server)")
    for name, seconds in reads.items():
        print(f"pantau {name:<8} served (median of 5)    : {seconds:6.2f} s   goal 0.4 s   "
              f"(in-process {in_process[name]:.2f} s)")


if __name__ == "__main__":
    main()
