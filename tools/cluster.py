"""A Prefect server and N Pantau workers on this machine: the local demonstration of the
multi-machine layout, and the harness of its test and benchmark.

    uv run python -m tools.cluster INBOX --workers 2 [--db URL] [--prefect-db URL]

starts `pantau server` (Prefect's database: `--prefect-db`, a PostgreSQL URL, or SQLite),
registers the inbox with `pantau deploy`, starts the workers (`pantau worker`), runs the
inbox scan, and waits until every file of the inbox has a final state in Pantau's
database, then prints documents per minute and stops everything.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import select

from extractors import intake
from models.records import RunStatus
from models.tables import Run
from storage import claims
from storage.engine import make_engine, session_for

COUNTRIES = ["Tiongkok", "Vietnam", "Korea Selatan", "Filipina", "India"]
PEOPLE = ["ZHANG WEILONG", "NGUYEN VAN HUNG", "PARK JIHOON", "REYES MARIO", "ANIL KUMAR"]
PLACES = ["Kecamatan Sekupang", "Pulau Abang", "Tanjung Uncang", "Kecamatan Batu Ampar"]
SENTENCES = [
    "Tim Pengawasan Orang Asing Kantor Imigrasi Batam memeriksa WNA asal {country} bernama "
    "{person} ({age}) di {place}, Kota Batam, pada {day} Maret 2026.",
    "Petugas mengamankan WN {country} bernama {person} ({age}) di {place}, Kota Batam, karena "
    "izin tinggalnya telah habis sejak Januari 2026.",
    "Laporan nomor {number}: {person} ({age}), warga negara {country}, bekerja tanpa izin "
    "kerja di {place}, Kota Batam.",
    "Rapat Timpora tanggal {day} Maret 2026 membahas WN {country} {person} ({age}) yang "
    "tinggal di {place}, Kota Batam.",
]


def _letter(number: int) -> str:
    person = number % len(PEOPLE)
    return f"Nomor {number}/TIMPORA/III/2026. " + SENTENCES[number % len(SENTENCES)].format(
        country=COUNTRIES[person],
        person=PEOPLE[person],
        age=30 + person,
        place=PLACES[number % len(PLACES)],
        day=1 + number % 28,
        number=number,
    )


def render_scan(text: str, path: Path) -> Path:
    """`text` as a clean 300 dpi scan of an A4-wide page (PNG), lines wrapped at 70
    characters."""
    import textwrap

    from PIL import Image, ImageDraw, ImageFont

    from tools.scansim import find_font

    lines = [part for line in text.splitlines() for part in textwrap.wrap(line, 70) or [""]]
    image = Image.new("L", (2480, max(1200, 500 + 70 * len(lines))), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(find_font("regular")), 44)
    for row, line in enumerate(lines):
        draw.text((150, 250 + 70 * row), line, font=font, fill=0)
    image.save(path, dpi=(300, 300))
    return path


def make_inbox(folder: Path, *, count: int, scan_every: int = 5) -> Path:
    """An inbox of `count` invented one-paragraph letters about five foreign nationals;
    every `scan_every`-th is a 300 dpi scan (PNG) instead of a text file. Names sort in
    creation order, so every group of files handed to one worker holds its share of scans."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        if scan_every and number % scan_every == 0:
            render_scan(_letter(number), folder / f"dokumen-{number:03d}.png")
        else:
            (folder / f"dokumen-{number:03d}.txt").write_text(_letter(number), encoding="utf-8")
    return folder


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def descendants(pid: int) -> set[int]:
    """`pid` and every process below it (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, []))
    return found


class Cluster:
    """One Prefect server, its deployments and workers, as child processes of this one."""

    def __init__(
        self,
        *,
        home: Path,
        database_url: str,
        prefect_database_url: str | None = None,
        env: dict[str, str] | None = None,
        pool: str = "pantau",
        name: str = "inbox",
    ) -> None:
        self.home = home
        self.database_url = database_url
        self.prefect_database_url = prefect_database_url
        self.pool, self.name = pool, name
        self.port = free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self.env = {
            **os.environ,
            "PANTAU_DATABASE_URL": database_url,
            "PANTAU_COMMAND_SERVER_IDLE_SECONDS": "0",
            "PREFECT_API_URL": self.api_url,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            "OMP_THREAD_LIMIT": "1",
            **(env or {}),
        }
        self.server: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []
        home.mkdir(parents=True, exist_ok=True)

    def _pantau(self, *args: str, home: Path, log: str) -> subprocess.Popen[bytes]:
        home.mkdir(parents=True, exist_ok=True)
        env = {**self.env, "PANTAU_HOME": str(home), "PREFECT_HOME": str(home / "prefect")}
        return subprocess.Popen(
            [sys.executable, "-m", "pantau", *args],
            env=env,
            stdout=(self.home / log).open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: stopped (or killed) with its children
        )

    def start_server(self, timeout: float = 180) -> None:
        args = ["server", "--port", str(self.port)]
        if self.prefect_database_url:
            args += ["--database-url", self.prefect_database_url]
        self.server = self._pantau(*args, home=self.home / "server", log="server.log")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"the Prefect server stopped; see {self.home / 'server.log'}")
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        raise RuntimeError(f"the Prefect server did not answer in {timeout:g} s")

    def deploy(self, inbox: Path, *, chunk: int) -> None:
        env = {**self.env, "PANTAU_HOME": str(self.home / "deploy")}
        subprocess.run(
            [sys.executable, "-m", "pantau", "deploy", str(inbox), "--pool", self.pool,
             "--name", self.name, "--chunk", str(chunk)],
            env=env, check=True, capture_output=True,
        )  # fmt: skip

    def start_worker(self, number: int) -> subprocess.Popen[bytes]:
        worker = self._pantau(
            "worker", "--pool", self.pool, "--name", f"worker-{number}",
            home=self.home / f"worker-{number}", log=f"worker-{number}.log",
        )  # fmt: skip
        self.workers.append(worker)
        return worker

    def scan_inbox(self) -> None:
        """Run the inbox scan now (as its schedule would)."""
        prefect = Path(sys.executable).with_name("prefect")
        subprocess.run(
            [str(prefect), "deployment", "run", f"pantau-inbox/{self.name}"],
            env={**self.env, "PREFECT_HOME": str(self.home / "deploy" / "prefect")},
            check=True,
            capture_output=True,
        )

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL a process and everything it started, as a machine losing power would."""
        for pid in descendants(process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        for process in [*self.workers, *([self.server] if self.server else [])]:
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=20)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    self.kill(process)

    def states(self) -> dict[str, str]:
        """Each stored path's status (of its original or only document)."""
        engine = sa.create_engine(_driver_url(self.database_url))
        try:
            with engine.connect() as connection:
                rows = connection.execute(sa.text("SELECT path, status FROM document")).all()
        except sa.exc.DBAPIError:
            return {}
        finally:
            engine.dispose()
        return {path: status for path, status in rows}

    def busy_runs(self) -> int:
        """Runs still at work: running, with a lease their worker keeps renewing."""
        engine = make_engine(self.database_url)
        try:
            with session_for(engine) as session:
                running = session.exec(select(Run).where(Run.status == RunStatus.RUNNING)).all()
                return sum(not claims.run_lapsed(run) for run in running)
        except sa.exc.DBAPIError:
            return 0
        finally:
            engine.dispose()

    def wait_done(self, inbox: Path, *, timeout: float, rescan_every: float = 30) -> float:
        """Rescan until every inbox file has a final state and no live run is still at work
        (its identity resolution comes after its documents); returns the seconds it took."""
        wanted = {str(p) for p in intake.discover([inbox]) if isinstance(p, Path)}
        started = last_scan = time.monotonic()
        while time.monotonic() - started < timeout:
            states = self.states()
            done = all(states.get(path, "pending") != "pending" for path in wanted)
            if done and not self.busy_runs():
                return time.monotonic() - started
            if time.monotonic() - last_scan > rescan_every:
                self.scan_inbox()
                last_scan = time.monotonic()
            time.sleep(0.5)
        raise TimeoutError(f"the inbox was not done in {timeout:g} s; see {self.home}")


def _driver_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inbox", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", help="Pantau's database (default: SQLite in --home)")
    parser.add_argument("--prefect-db", help="Prefect's database, a PostgreSQL URL")
    parser.add_argument("--home", type=Path, default=Path("cluster-demo"))
    parser.add_argument("--chunk", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args()
    inbox = args.inbox.resolve()
    home = args.home.resolve()
    database_url = args.db or f"sqlite:///{home / 'pantau.db'}"
    cluster = Cluster(home=home, database_url=database_url, prefect_database_url=args.prefect_db)
    try:
        cluster.start_server()
        print(f"Prefect server and UI: {cluster.api_url.removesuffix('/api')}")
        cluster.deploy(inbox, chunk=args.chunk)
        for number in range(args.workers):
            cluster.start_worker(number + 1)
        cluster.scan_inbox()
        files = sum(1 for p in intake.discover([inbox]) if isinstance(p, Path))
        seconds = cluster.wait_done(inbox, timeout=args.timeout)
        print(
            f"{files} documents with {args.workers} worker(s) in {seconds:.1f} s: "
            f"{files / seconds * 60:.1f} documents per minute (logs in {home})"
        )
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
