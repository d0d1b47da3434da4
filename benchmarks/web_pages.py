"""Time of the workbench's search and cross-reference pages over a large generated archive.

Reuses the archive of ``benchmarks.search_latency`` (built when missing), signs in an
investigator through the real app and requests each page ``--repeat`` times, printing
p50/p95 in milliseconds of the whole request: query, labels, template and audit write.
The search pages draw their charts (timeline, province map); the chart queries alone are
timed after the pages, so their share of a page can be told apart.

    uv run python -m benchmarks.web_pages [--documents 20000] [--db URL] [--repeat 10]
"""

from __future__ import annotations

import argparse
import re
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from benchmarks.search_latency import build, open_database
from models.records import SearchQuery
from models.tables import Subject
from pantau.settings import Settings
from storage import charts, migrate, users
from web.app import create_app

INVESTIGATOR = f"bench-{secrets.token_hex(4)}"  # a new one per run: the log stays append-only
PASSWORD = secrets.token_urlsafe(16)
PAGES = [
    ("search: landing (facets over all)", "/search"),
    ("search: common word", "/search?q=imigrasi"),
    ("search: word + nationality + kind", "/search?q=imigrasi&nationality=VN&kind=news"),
    ("search: province facet", "/search?province=51"),
    ("search: one month, page 3", "/search?date_from=2024-03&date_to=2024-03&offset=40"),
    ("search: malformed filter (400)", "/search?regency=5"),
    ("xref: regions regency >= 3", "/xref/regions?level=regency&min_regions=3"),
    ("xref: pairs >= 2", "/xref/pairs?min_documents=2"),
    ("xref: counts default", "/xref/counts"),
    ("xref: counts nationality x regency", "/xref/counts?by=nationality&by=region&level=regency"),
    ("xref: province map (all)", "/xref"),
    ("xref: province map, nationality + incident", "/xref?nationality=VN&incident=overstay"),
    ("xref: province map, common word", "/xref?q=imigrasi"),
]


def sign_in(client: TestClient) -> None:
    """Sign the benchmark investigator in."""
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    data = {"name": INVESTIGATOR, "password": PASSWORD, "csrf_token": token.group(1)}
    response = client.post("/login", data=data)
    assert response.status_code == 303, response.status_code


def measure(client: TestClient, path: str, repeat: int) -> tuple[float, float, int]:
    """p50 and p95 in ms over `repeat` requests after one warm-up, and the status code."""
    status = client.get(path).status_code
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return (
        statistics.median(times),
        times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        status,
    )


def timed(call: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """p50 and p95 in ms of `call` over `repeat` runs after one warm-up."""
    call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def chart_costs(engine: sa.Engine, repeat: int) -> None:
    """The chart queries alone (timeline + province map) for each search page's query."""
    print(f"{'chart queries alone (timeline + map)':44} {'p50 ms':>8} {'p95 ms':>8}")
    with Session(engine) as session:
        for label, path in PAGES:
            address = urlsplit(path)
            if address.path != "/search" or "regency=5" in path:
                continue
            fields = {k: v for k, v in parse_qsl(address.query) if k not in ("offset",)}
            query = SearchQuery(text=fields.pop("q", None), **fields)
            total = charts.count_matching(session, query=query)  # the search counts this anyway

            def both(query: SearchQuery = query, total: int = total) -> None:
                charts.search_charts(session, query=query, total=total)

            p50, p95 = timed(both, repeat)
            print(f"{label:44} {p50:8.1f} {p95:8.1f}", flush=True)


def busiest_subject(engine: sa.Engine) -> int:
    """The subject named in the most documents (the largest dossier and network)."""
    with Session(engine) as session:
        statement = sa.select(Subject.id).order_by(sa.desc(Subject.document_count)).limit(1)
        return int(session.execute(statement).scalar_one())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: a SQLite file)")
    parser.add_argument("--repeat", type=int, default=10)
    options = parser.parse_args()
    engine, ready = open_database(options.db, options.documents)
    migrate.upgrade(engine)  # an archive built before the users table gets it here
    if not ready:
        build(engine, options.documents, seed=7)
    url = engine.url.render_as_string(hide_password=False)
    with Session(engine) as session:
        users.add_user(session, name=INVESTIGATOR, role="investigator", password=PASSWORD)
    subject = busiest_subject(engine)
    PAGES.append(("dossier: busiest subject (timeline, network)", f"/subjects/{subject}"))
    home = Path(tempfile.mkdtemp(prefix="pantau-web-bench-"))
    settings = Settings(home=home, database_url=url, secret_key=secrets.token_urlsafe(48))
    print(f"database: {options.documents} documents, {engine.url.get_backend_name()}")
    print(f"{'page':44} {'p50 ms':>8} {'p95 ms':>8} {'status':>7}")
    with TestClient(create_app(settings), follow_redirects=False) as client:
        sign_in(client)
        for label, path in PAGES:
            p50, p95, status = measure(client, path, options.repeat)
            print(f"{label:44} {p50:8.1f} {p95:8.1f} {status:7d}", flush=True)
    chart_costs(engine, options.repeat)
    engine.dispose()


if __name__ == "__main__":
    main()
