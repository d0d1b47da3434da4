"""Documents per minute through a Prefect server and 1..N workers on this machine, with the
CPU each part spends per document, and a model of N machines built from those figures.

    uv run python -m benchmarks.work_pool [--documents 60] [--workers 1 2] [--chunk 10]
        [--pg postgresql://postgres@127.0.0.1:5432/test] [--server-cores 4] [--db-cores 4]

Each worker count gets a fresh Pantau database (a new PostgreSQL database when --pg is
reachable, else SQLite) and a fresh Prefect server; the inbox is invented letters with
every fifth one a scan. CPU seconds are read from /proc: the Prefect server's process tree,
the workers' (with the flow-run processes they reaped), and every `postgres` process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from tools.cluster import Cluster, descendants, make_inbox

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: set[int], *, children: bool = True) -> float:
    """User + system CPU of these processes (and of the children they have reaped)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
        if children:
            total += int(fields[13]) + int(fields[14])  # cutime, cstime
    return total / TICKS


def postgres_pids() -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    found.add(int(entry.name))
            except OSError:
                continue
    return found


class Databases:
    """Fresh Pantau databases: PostgreSQL databases on `admin_url`, or SQLite files."""

    def __init__(self, admin_url: str | None, folder: Path) -> None:
        self.admin_url, self.folder, self.created = admin_url, folder, []
        if admin_url:
            try:
                with self._admin() as connection:
                    connection.execute(sa.text("SELECT 1"))
            except sa.exc.DBAPIError:
                print(f"PostgreSQL at {admin_url} is not reachable: using SQLite")
                self.admin_url = None

    def _admin(self) -> sa.Connection:
        assert self.admin_url is not None
        url = self.admin_url.replace("postgresql://", "postgresql+psycopg://", 1)
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        return engine.connect()

    def new(self) -> str:
        if self.admin_url is None:
            return f"sqlite:///{self.folder / f'pantau-{uuid.uuid4().hex[:8]}.db'}"
        name = f"pantau_bench_{uuid.uuid4().hex[:10]}"
        with self._admin() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return sa.make_url(self.admin_url).set(database=name).render_as_string(False)

    def drop(self) -> None:
        if self.admin_url:
            with self._admin() as connection:
                for name in self.created:
                    connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def measure(
    inbox: Path, *, workers: int, chunk: int, database_url: str, folder: Path
) -> dict[str, float]:
    cluster = Cluster(home=folder, database_url=database_url, env={"PANTAU_WORKERS": "1"})
    try:
        cluster.start_server()
        cluster.deploy(inbox, chunk=chunk)
        for number in range(workers):
            cluster.start_worker(number + 1)
        time.sleep(5)  # workers up and polling; their start is not part of the batch
        assert cluster.server is not None
        server = descendants(cluster.server.pid)
        before = (
            cpu_seconds(server),
            cpu_seconds({w.pid for w in cluster.workers}),
            cpu_seconds(postgres_pids(), children=False),
        )
        started = time.monotonic()
        cluster.scan_inbox()
        seconds = cluster.wait_done(inbox, timeout=3600, rescan_every=120)
        wall = time.monotonic() - started
        after = (
            cpu_seconds(server),
            cpu_seconds({w.pid for w in cluster.workers}),
            cpu_seconds(postgres_pids(), children=False),
        )
        engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
        with engine.connect() as connection:
            documents = connection.execute(sa.text("SELECT count(*) FROM document")).scalar_one()
            runs = connection.execute(sa.text("SELECT count(*) FROM run")).scalar_one()
        engine.dispose()
    finally:
        cluster.stop()
    return {
        "documents": documents,
        "flow_runs": runs,
        "seconds": min(seconds, wall),
        "per_minute": documents / wall * 60,
        "server_cpu": after[0] - before[0],
        "worker_cpu": after[1] - before[1],
        "database_cpu": after[2] - before[2],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=60)
    parser.add_argument("--scan-every", type=int, default=5)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--chunk", type=int, default=10)
    parser.add_argument("--pg", default=os.environ.get("PANTAU_TEST_PG_URL"))
    parser.add_argument("--server-cores", type=int, default=4)
    parser.add_argument("--db-cores", type=int, default=4)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pantau-workpool-"))
    databases = Databases(args.pg, folder)
    results = {}
    try:
        inbox = make_inbox(folder / "inbox", count=args.documents, scan_every=args.scan_every)
        for workers in args.workers:
            results[workers] = measure(
                inbox,
                workers=workers,
                chunk=args.chunk,
                database_url=databases.new(),
                folder=folder / f"cluster-{workers}",
            )
    finally:
        databases.drop()
        shutil.rmtree(folder, ignore_errors=True)
    backend = "PostgreSQL" if databases.admin_url else "SQLite"
    print(
        f"{args.documents} documents (every {args.scan_every}th a scan), {args.chunk} per flow "
        f"run, Pantau's records on {backend}, {os.cpu_count()} cores"
    )
    print(
        f"{'workers':>7} {'docs/min':>9} {'seconds':>8} {'flow runs':>9} "
        f"{'worker cpu/doc':>14} {'server cpu/flow run':>19} {'db cpu/doc':>10}"
    )
    for workers, r in results.items():
        print(
            f"{workers:>7} {r['per_minute']:>9.1f} {r['seconds']:>8.1f} {r['flow_runs']:>9} "
            f"{r['worker_cpu'] / r['documents']:>13.2f}s "
            f"{r['server_cpu'] / max(1, r['flow_runs']):>18.2f}s "
            f"{r['database_cpu'] / r['documents']:>9.3f}s"
        )
    last = results[max(results)]
    per_doc_server = last["server_cpu"] / last["documents"]
    per_doc_db = last["database_cpu"] / last["documents"]
    machine = last["per_minute"]  # measured: one machine of this kind with its workers
    server_limit = 60 * args.server_cores / max(per_doc_server, 1e-6)
    db_limit = 60 * args.db_cores / max(per_doc_db, 1e-6)
    print(
        f"per document: {last['worker_cpu'] / last['documents']:.2f} s worker CPU, "
        f"{per_doc_server:.3f} s Prefect server CPU, {per_doc_db:.4f} s PostgreSQL CPU"
    )
    print(
        f"model: one machine like this one ({os.cpu_count()} cores, {max(results)} workers) "
        f"reads {machine:.0f} docs/min of this mix; a Prefect server of {args.server_cores} "
        f"cores tops out near {server_limit:.0f} docs/min, a database of {args.db_cores} cores "
        f"near {db_limit:.0f} docs/min"
    )
    for machines in (1, 2, 5, 10, 25, 50, 125):
        rate = min(machines * machine, server_limit, db_limit)
        bound = (
            "workers"
            if rate == machines * machine
            else ("Prefect server" if rate == server_limit else "database")
        )
        print(f"  {machines:>3} machines: {rate:>8.0f} docs/min (bound by the {bound})")


if __name__ == "__main__":
    main()
