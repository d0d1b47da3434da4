"""Faceted search and cross-reference pages of the workbench over a seeded database."""

from __future__ import annotations

import html
import re

import pytest

from models.records import SearchQuery
from tests.conftest import sign_in

FACET_LINK = re.compile(
    r'<a class="facet-value" href="([^"]+)"[^>]*>([^<]+)</a> <span class="facet-count">(\d+)</span>'
)
HIT = re.compile(r'<li class="hit">\s*<a href="/documents/(\d+)')


def storage_session(workbench):
    from storage.engine import get_engine, session_for

    return session_for(get_engine(workbench.settings.resolved_database_url))


def audit_rows(workbench, **filters):
    from storage import audit

    with storage_session(workbench) as session:
        return audit.list_events(session, filters=audit.AuditFilters(**filters))


def facet_links(page: str) -> dict[str, tuple[str, int]]:
    """Facet value label -> (link, count) as shown beside the results."""
    return {
        html.unescape(label): (html.unescape(href), int(count))
        for href, label, count in FACET_LINK.findall(page)
    }


def hit_ids(page: str) -> set[int]:
    return {int(i) for i in HIT.findall(page)}


def table_rows(page: str, row_class: str) -> list[list[str]]:
    """The text of each cell of each `<tr class=row_class>`."""
    rows = re.findall(rf'<tr class="{row_class}">(.*?)</tr>', page, flags=re.S)
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        ]
        for row in rows
    ]


def test_web_xref_facet_counts_match_the_storage(signed_in, workbench, xref_seed):
    from storage import xref
    from web.labels import facet_label

    page = signed_in("dewi").get("/search", params={"q": "izin"}).text
    with storage_session(workbench) as session:
        results = xref.search(session, query=SearchQuery(text="izin", facet_limit=10))
    expected = {
        facet_label(facet, count.value): count.documents
        for facet, values in results.facets.items()
        if facet != "incident_status"
        for count in values
    }
    shown = {label: count for label, (_, count) in facet_links(page).items()}
    assert shown == expected
    assert shown["Australia (AU)"] == 2 and shown["Kab. Badung (51.03)"] == 2
    assert f"{results.total} documents" in page and results.total == 4


@pytest.mark.parametrize(
    ("label", "chip", "expected"),
    [
        ("Tiongkok (CN)", "Nationality: Tiongkok (CN)", {"lombok", "sleman"}),
        ("Kab. Badung (51.03)", "Regency / city: Kab. Badung (51.03)", {"letter", "kuta"}),
        (
            "Daerah Istimewa Yogyakarta (34)",
            "Province: Daerah Istimewa Yogyakarta (34)",
            {"sleman"},
        ),
        ("deportation", "Incident: deportation", {"lombok"}),
        ("planned", "Status: planned", {"lombok"}),
        ("minutes", "Kind: minutes", {"sleman"}),
        ("Kantor Imigrasi Kelas I Mataram", "Agency: Kantor Imigrasi Kelas I Mataram", {"lombok"}),
        ("2024-06", "From: 2024-06", {"lombok", "sleman"}),
    ],
)
def test_web_xref_facet_link_adds_and_removes_its_filter(
    signed_in, workbench, xref_seed, label, chip, expected
):
    client = signed_in("dewi")
    ids = {**xref_seed.documents, "letter": workbench.letter_id}
    first = client.get("/search", params={"q": "izin"}).text
    assert hit_ids(first) == {ids[n] for n in ("letter", "kuta", "lombok", "sleman")}
    filtered = client.get(facet_links(first)[label][0])
    assert filtered.status_code == 200
    assert hit_ids(filtered.text) == {ids[name] for name in expected}
    assert f">{html.escape(chip)} <span" in filtered.text
    active = facet_links(filtered.text)[label]
    assert 'aria-current="true"' in filtered.text
    assert hit_ids(client.get(active[0]).text) == hit_ids(first)


def test_web_xref_chip_removes_one_filter_and_keeps_the_rest(signed_in, xref_seed):
    client = signed_in("dewi")
    page = client.get("/search", params={"q": "izin", "nationality": "cn", "kind": "Letter"})
    assert hit_ids(page.text) == {xref_seed.documents["lombok"]}
    chip = re.search(r'<a class="chip" href="([^"]+)"[^>]*>Kind: letter', page.text)
    assert chip is not None
    widened = client.get(html.unescape(chip.group(1))).text
    assert hit_ids(widened) == {xref_seed.documents["lombok"], xref_seed.documents["sleman"]}
    assert "Nationality: Tiongkok (CN)" in widened and "Kind: letter" not in widened
    assert re.search(r'<li class="active"><a class="facet-value"[^>]*>Tiongkok \(CN\)', widened)


def test_web_xref_search_pages_through_results(signed_in, xref_seed, monkeypatch):
    from web.routes import search

    monkeypatch.setattr(search, "RESULT_LIMIT", 3)
    client = signed_in("dewi")
    first = client.get("/search", params={"q": "izin"}).text
    assert len(hit_ids(first)) == 3 and "showing 1–3" in first
    following = re.search(r'<a rel="next" href="([^"]+)"', first)
    assert following is not None and 'rel="prev"' not in first
    second = client.get(html.unescape(following.group(1))).text
    assert len(hit_ids(second)) == 1 and not hit_ids(first) & hit_ids(second)
    assert 'rel="prev"' in second and 'rel="next"' not in second


@pytest.mark.parametrize(
    ("q", "marked"),
    [
        ("bengkel", "<mark>bengkel</mark>"),
        ("alert", "<mark>alert</mark>"),
        ("rapat", "<mark>rapat</mark>"),
    ],
)
def test_web_xref_snippet_escapes_markup_and_marks_the_match(signed_in, xref_seed, q, marked):
    page = signed_in("dewi").get("/search", params={"q": q}).text
    assert marked in page
    assert "<script" not in page and "&lt;script" in page


@pytest.mark.parametrize(
    ("params", "status", "says"),
    [
        ({"province": "5X"}, 400, "Kemendagri province code"),
        ({"regency": "51"}, 400, "Kemendagri regency code"),
        ({"date_from": "2024-13-01"}, 400, "not a date"),
        ({"date_to": "kemarin"}, 400, "not a date"),
        ({"date_from": "2024-06-01", "date_to": "2024-01-01"}, 400, "swap them"),
        ({"nationality": "ZZ"}, 400, "ISO 3166-1"),
        ({"incident": "<script>x</script>"}, 400, "unknown incident"),
        ({"kind": "OR ("}, 400, "unknown kind"),
        ({"offset": "-5"}, 400, "offset must be"),
        ({"offset": "lima"}, 400, "not valid"),
        ({"agency": "x" * 400}, 400, "too long"),
        ({"q": '"', "province": "51"}, 200, "Type at least one word"),
        ({"q": "*"}, 200, "Type at least one word"),
        ({"q": "OR (", "nationality": "CN"}, 200, "Type at least one word"),
        ({"q": "izin\x00", "regency": "51.03\x00"}, 200, "2 documents"),
    ],
)
def test_web_xref_hostile_search_input_gets_a_message_not_a_failure(
    signed_in, xref_seed, params, status, says
):
    response = signed_in("dewi").get("/search", params=params)
    assert response.status_code == status
    assert says in html.unescape(response.text)
    assert "<script>" not in response.text


def test_web_xref_search_is_audited_with_its_filters(signed_in, workbench, xref_seed):
    client = signed_in("dewi")
    client.get("/search", params={"q": "izin", "nationality": "CN", "date_from": "2024-06"})
    client.get("/search", params={"province": "5X", "offset": 20})
    refused, searched = audit_rows(workbench, action="search")
    assert (searched.user, searched.target, searched.details) == (
        "dewi",
        "izin",
        {"hits": 2, "filters": {"nationality": "CN", "date_from": "2024-06"}},
    )
    assert refused.target == "" and refused.details["filters"] == {"province": "5X"}
    assert refused.details["offset"] == 20 and "Kemendagri" in refused.details["refused"]


XREF_PAGES = ["/search?nationality=CN", "/xref", "/xref/regions", "/xref/pairs", "/xref/counts"]


@pytest.mark.parametrize("name", ["ayu", "rina"])
@pytest.mark.parametrize("path", XREF_PAGES)
def test_web_xref_pages_are_for_investigators_only(signed_in, name, path):
    response = signed_in(name).get(path)
    assert response.status_code == 403
    assert "investigator role" in response.text


def test_web_xref_index_links_the_views(signed_in):
    page = signed_in("dewi").get("/xref")
    assert page.status_code == 200
    for path in ("/xref/regions", "/xref/pairs", "/xref/counts"):
        assert f'href="{path}"' in page.text
    assert '<a href="/xref">Cross-reference</a>' in page.text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"level": "regency", "min_regions": "2"},
            {
                "brandt": "Kab. Sleman (34.04), Kab. Badung (51.03), Kab. Lombok Barat (52.01)",
                "guo": "Kab. Sleman (34.04), Kab. Lombok Barat (52.01)",
            },
        ),
        (
            {"level": "regency", "min_regions": "3"},
            {"brandt": "Kab. Sleman (34.04), Kab. Badung (51.03), Kab. Lombok Barat (52.01)"},
        ),
        (
            {"level": "province", "min_regions": "3"},
            {"brandt": "Daerah Istimewa Yogyakarta (34), Bali (51), Nusa Tenggara Barat (52)"},
        ),
        ({"level": "province", "min_regions": "4"}, {}),
    ],
)
def test_web_xref_regions_lists_subjects_seen_in_several_regions(
    signed_in, workbench, xref_seed, params, expected
):
    from storage import xref

    page = signed_in("dewi").get("/xref/regions", params=params)
    assert page.status_code == 200
    rows = table_rows(page.text, "subject-row")
    subjects = xref_seed.subjects
    assert {row[0].split(" #")[0]: row[2] for row in rows} == {
        {"brandt": "Oliver Brandt", "guo": "Guo Lianfeng"}[name]: regions
        for name, regions in expected.items()
    }
    for name in expected:
        assert f'href="/subjects/{subjects[name]}"' in page.text
    with storage_session(workbench) as session:
        stored = xref.subjects_in_several_regions(
            session, level=params["level"], min_regions=int(params["min_regions"])
        )
    assert [row[3] for row in rows] == [str(row.documents) for row in stored]


def test_web_xref_pairs_show_people_named_together(signed_in, workbench, xref_seed):
    from storage import xref

    client = signed_in("dewi")
    rows = table_rows(client.get("/xref/pairs").text, "pair-row")
    with storage_session(workbench) as session:
        stored = xref.co_occurring(session)
    assert [(r[0].split(" #")[0], r[1].split(" #")[0], r[2]) for r in rows] == [
        (p.subject_name, p.other_name, str(p.documents)) for p in stored
    ]
    assert (rows[0][0].split(" #")[0], rows[0][1].split(" #")[0], rows[0][2]) == (
        "Oliver Brandt",
        "Guo Lianfeng",
        "2",
    )
    with_tse = client.get("/xref/pairs", params={"subject": xref_seed.subjects["tse"]}).text
    assert {r[1].split(" #")[0] for r in table_rows(with_tse, "pair-row")} == {
        "Oliver Brandt",
        "Guo Lianfeng",
    }
    assert f'href="/subjects/{xref_seed.subjects["guo"]}"' in with_tse
    twice = table_rows(client.get("/xref/pairs", params={"min_documents": 2}).text, "pair-row")
    assert len(twice) == 1


@pytest.mark.parametrize(
    ("params", "by", "level"),
    [
        ({}, ["nationality", "region", "incident", "month"], "province"),
        (
            {"by": ["nationality", "region"], "level": "regency"},
            ["nationality", "region"],
            "regency",
        ),
        ({"by": ["month"], "nationality": "AU"}, ["month"], "province"),
        (
            {"by": ["incident", "kind"], "q": "izin", "date_from": "2024-06"},
            ["incident", "kind"],
            "province",
        ),
    ],
)
def test_web_xref_counts_match_the_storage(signed_in, workbench, xref_seed, params, by, level):
    from storage import xref
    from web.labels import facet_label

    page = signed_in("dewi").get("/xref/counts", params=params)
    assert page.status_code == 200
    filters = {k: v for k, v in params.items() if k not in ("by", "level", "q")}
    query = SearchQuery(text=params.get("q"), **filters)
    with storage_session(workbench) as session:
        stored = xref.counts(session, by=by, level=level, query=query)
    assert stored
    expected = [
        [facet_label(level if n == "region" else n, row.values[n]) for n in by]
        + [str(row.documents)]
        + ([] if row.people is None else [str(row.people)])
        for row in stored
    ]
    assert [row[:-1] for row in table_rows(page.text, "count-row")] == expected
    most = max(row.documents for row in stored)
    widths = [int(w) for w in re.findall(r'<rect class="bar-fill" width="(\d+)"', page.text)]
    assert widths == [max(1, round(100 * row.documents / most)) for row in stored]
    assert " style=" not in page.text


@pytest.mark.parametrize(
    ("path", "params", "says"),
    [
        ("/xref/counts", {"by": "password"}, "cannot count by"),
        ("/xref/counts", {"by": ["month", "month"]}, "each once"),
        ("/xref/counts", {"level": "village"}, "unknown region level"),
        ("/xref/counts", {"province": "<b>51</b>"}, "Kemendagri province code"),
        ("/xref/counts", {"q": "x" * 400}, "too long"),
        ("/xref/regions", {"level": "'; DROP TABLE mention; --"}, "unknown region level"),
        ("/xref/regions", {"min_regions": "0"}, "between 1 and"),
        ("/xref/regions", {"min_regions": "dua"}, "not valid"),
        ("/xref/pairs", {"subject": "OR ("}, "not a subject number"),
        ("/xref/pairs", {"subject": "99999999999"}, "not a subject number"),
        ("/xref/pairs", {"min_documents": str(10**20)}, "between 1 and"),
    ],
)
def test_web_xref_hostile_options_get_a_400_message(signed_in, xref_seed, path, params, says):
    response = signed_in("dewi").get(path, params=params)
    assert response.status_code == 400
    assert says in html.unescape(response.text)
    assert "<b>51" not in response.text


def test_web_xref_views_are_audited_with_their_options(signed_in, workbench, xref_seed):
    client = signed_in("dewi")
    client.get("/xref/regions", params={"level": "province", "min_regions": 3})
    client.get("/xref/pairs", params={"subject": xref_seed.subjects["guo"]})
    client.get("/xref/counts", params={"by": ["nationality", "month"], "kind": "letter"})
    client.get("/xref/counts", params={"by": "password"})
    details = [(e.target, e.details) for e in reversed(audit_rows(workbench, action="xref"))]
    assert details[0] == ("regions", {"level": "province", "min_regions": 3, "rows": 1})
    assert details[1] == (
        "pairs",
        {"subject": str(xref_seed.subjects["guo"]), "min_documents": 1, "rows": 2},
    )
    assert details[2] == (
        "counts",
        {
            "by": ["nationality", "month"],
            "level": "province",
            "filters": {"kind": "letter"},
            "rows": 2,
        },
    )
    assert details[3][0] == "counts" and "cannot count by" in details[3][1]["refused"]


@pytest.mark.postgres
def test_web_xref_works_on_postgresql(pg_workbench, tmp_path):
    from fastapi.testclient import TestClient

    from tests.conftest import add_xref_seed
    from web.app import create_app

    seed = add_xref_seed(pg_workbench, tmp_path)
    with TestClient(create_app(pg_workbench.settings), follow_redirects=False) as client:
        assert sign_in(client, "dewi").status_code == 303
        first = client.get("/search", params={"q": "izin"}).text
        china = client.get(facet_links(first)["Tiongkok (CN)"][0]).text
        assert hit_ids(china) == {seed.documents["lombok"], seed.documents["sleman"]}
        assert "<mark>bengkel</mark>" in client.get("/search", params={"q": "bengkel"}).text
        for params in ({"q": "izin\x00"}, {"agency": "a\x00b"}, {"q": "OR (", "regency": "5"}):
            assert client.get("/search", params=params).status_code in (200, 400)
        regions = client.get("/xref/regions", params={"level": "province", "min_regions": 3})
        assert f'href="/subjects/{seed.subjects["brandt"]}"' in regions.text
        assert len(table_rows(client.get("/xref/pairs").text, "pair-row")) == 3
        counts = client.get("/xref/counts", params={"by": ["nationality", "region"]})
        # One document, no named person (the seed's mentions are not linked to its facts).
        assert ["Tiongkok (CN)", "Daerah Istimewa Yogyakarta (34)", "1", "0"] in [
            row[:-1] for row in table_rows(counts.text, "count-row")
        ]
        assert client.get("/xref/pairs", params={"subject": "2147483648"}).status_code == 400
    targets = [e.target for e in audit_rows(pg_workbench, action="xref")]
    assert targets == ["pairs", "counts", "pairs", "regions"]


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("51", "Bali (51)"),
        ("51.03", "Kab. Badung (51.03)"),
        ("51.71", "Kota Denpasar (51.71)"),
        ("31", "DKI Jakarta (31)"),
        ("99.99", "99.99"),
    ],
)
def test_web_xref_region_label_names_the_code(code, label):
    from web.labels import region_label

    assert region_label(code) == label


@pytest.mark.parametrize(("code", "label"), [("CN", "Tiongkok (CN)"), ("QQ", "QQ")])
def test_web_xref_nationality_label_names_the_country(code, label):
    from web.labels import nationality_label

    assert nationality_label(code) == label
