"""Fixed costs of a command: pipeline load, `pantau run` on one new page, read commands.

Each figure is printed beside its goal. Every `pantau run` gets one new one-page text
letter (written here, invented), so it reads, extracts and stores a document as a user's
urgent letter would; the first run of a new home also starts the local Prefect server, the
following ones reuse it (PANTAU_PREFECT_IDLE_SECONDS), and the home's batch server
(`pantau.cmdserver`, which has Prefect and the NLP pipeline loaded) answers them; the same
run in its own process (the servers off) is printed beside it. Wall times are whole
commands as a shell runs them (`python -m pantau ...`, interpreter start included).

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


def _server_up(home: Path, kind: str = cmdserver.READ) -> bool:
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(cmdserver.address(home, kind))
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

        own_process = {**env, cmdserver.IDLE_VARIABLE: "0"}
        home = Path(env["PANTAU_HOME"]).resolve()

        def letter(n: int) -> list[str]:
            inbox = work / f"inbox-{n}"
            inbox.mkdir()
            (inbox / f"surat-{n}.txt").write_text(LETTER.format(n=n, day=1 + n % 28))
            return [*pantau, "run", str(inbox), "--json"]

        def scan(n: int) -> tuple[float, list[str]]:
            inbox = work / f"scan-{n}"
            inbox.mkdir()
            page = render_scan(LETTER.format(n=n, day=1 + n % 28), inbox / f"pindai-{n}.png")
            raw = timed(["tesseract", str(page), "-", "-l", "ind+eng"], env)
            return raw, [*pantau, "run", str(inbox), "--json"]

        first_run = timed(letter(0), env)  # starts the Prefect server and the batch server
        deadline = time.monotonic() + 120
        while not _server_up(home, cmdserver.BATCH) and time.monotonic() < deadline:
            time.sleep(0.1)
        runs = [timed(letter(n), env) for n in range(1, args.runs + 1)]
        alone = [timed(letter(n), own_process) for n in range(50, 50 + args.runs)]

        # One new one-page scan, against raw tesseract on the same page.
        scans = []
        for n in range(100, 100 + args.runs):
            raw, command = scan(n)
            scans.append((raw, timed(command, env)))
        scans_alone = []
        for n in range(150, 150 + args.runs):
            raw, command = scan(n)
            scans_alone.append((raw, timed(command, own_process)))

        # The first read command runs in its own process and starts the home's command
        # server (pantau.cmdserver); the following ones are answered by it.
        first_read = timed([*pantau, "docs"], env)
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
            name: timed([*pantau, *args], own_process) for name, args in commands.items()
        }
        subprocess.run([*pantau, "prefect-server", "--stop"], env=env, capture_output=True)

    print(f"pipeline load (fresh process, best of 3): {min(loads):6.2f} s   goal 1 s")
    print(f"pantau run, one new page, new home      : {first_run:6.2f} s   (starts the servers)")
    later = statistics.median(runs)
    print(f"pantau run, one new page, next commands : {later:6.2f} s   goal 3 s (median of "
          f"{len(runs)}; in its own process {statistics.median(alone):.2f} s)")
    raw, scanned = (statistics.median(column) for column in zip(*scans, strict=True))
    raw_alone, scanned_alone = (
        statistics.median(column) for column in zip(*scans_alone, strict=True)
    )
    print(f"pantau run, one new scanned page        : {scanned:6.2f} s   goal raw + 2 s = "
          f"{raw + 2:.2f} s (raw tesseract {raw:.2f} s; medians of {len(scans)}; in its own "
          f"process {scanned_alone:.2f} s, raw {raw_alone:.2f} s)")
    print(f"first read command of a home          : {first_read:6.2f} s   (starts the command "
          "server)")
    for name, seconds in reads.items():
        print(f"pantau {name:<8} served (median of 5)    : {seconds:6.2f} s   goal 0.4 s   "
              f"(in-process {in_process[name]:.2f} s)")


if __name__ == "__main__":
    main()
